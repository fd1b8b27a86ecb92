"""Change requests: what a grassroots union user asked to change, until the county decides."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ChangeRequestStatus
from ..scoping import ScopedQuerySet
from .fields import optional_reference, user_reference


class ChangeRequest(models.Model):
    """One write a grassroots union proposed (register a member, record a leaving, submit a
    claim...): the service it calls (``kind``, a key of ``apps.core.proposals``), its arguments
    (``payload``, with full personal data: never shown as such), the fields it changes in the
    audit trail's form (``changes``: ``{field: [old, new]}``, personal data masked) and, for an
    update, the record it changes (``target_type``/``target_id``).

    Nothing of it reaches the register until the county approves: then the service runs again
    with the approver's rights and the request keeps what it produced (``result_*``)."""

    kind = models.CharField(_("kind"), max_length=100, db_index=True, editable=False)
    union = models.ForeignKey(
        settings.UNION_MODEL,
        verbose_name=_("grassroots union"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
        db_index=True,
    )
    object_repr = models.CharField(_("record"), max_length=200)
    target_type = optional_reference(ContentType, _("type of the record changed"))
    target_id = models.CharField(_("id of the record changed"), max_length=64, blank=True)
    result_type = optional_reference(ContentType, _("type of the record created"))
    result_id = models.CharField(_("id of the record created"), max_length=64, blank=True)
    payload = models.JSONField(_("requested values"), default=dict)
    changes = models.JSONField(_("changes"), default=dict)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    # Applied straight away for a union the county trusts (still listed, still audited).
    trusted = models.BooleanField(_("applied directly"), default=False)
    decided_by = user_reference(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason returned"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "region"
    scope_union_lookup = "union"
    # The county decides; the prefecture and the province look on (DEFAULT_RULES).
    audit_excluded_fields = ("payload", "changes", "target_type", "target_id", "result_type", "result_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [models.Index(fields=["region", "status"], name="core_changereq_region_status")]

    def __str__(self) -> str:
        from ..proposals import label_of

        return f"{label_of(self.kind)} {self.object_repr}"

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeRequestStatus.PENDING

    def may_attach(self, user) -> bool:
        """Documents (the signed application form...) are added while the request waits: by
        its union, or by the staff who decide it."""
        from ..scoping import CHANGE, is_union_user, union_scope_ids, user_may

        if not self.is_pending or not getattr(user, "is_active", False):
            return False
        if is_union_user(user):
            return self.union_id in union_scope_ids(user)
        return user_may(user, CHANGE, self.region_id, ChangeRequest)

    @property
    def model(self) -> type[models.Model] | None:
        """The model the request writes (the target's, or the one the kind creates)."""
        from ..proposals import model_of

        return model_of(self.kind)
