from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Role
from .fields import optional_reference


class User(AbstractUser):
    """A staff user bound to one region; the role decides what the region lets them do.

    County staff scoped to a township are county staff whose region is that township. A
    grassroots union user (role ``union``) works for one union (``union``; its region is the
    union's region) and proposes changes that the county decides (``proposals.py``).
    """

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.COUNTY)
    region = optional_reference("core.Region", _("region"), related_name="users")
    union = optional_reference(settings.UNION_MODEL, _("grassroots union"), related_name="accounts")
    # Set on accounts created with an initial password (bulk union accounts, a reset by the
    # county): the first login must choose a new one before anything else.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = UserManager()
    scope_region_lookup = "region"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("view_personal_data", "Can see resident ID numbers and incomes in full")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def can_view_personal_data(self) -> bool:
        return self.is_active and (self.is_superuser or self.has_perm("core.view_personal_data"))
