from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Role


class User(AbstractUser):
    """A staff user bound to one region; the role decides what the region lets them do.

    County staff scoped to a township are county staff whose region is that township.
    """

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.COUNTY)
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

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
