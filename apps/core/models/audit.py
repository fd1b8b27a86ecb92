from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import AuditAction, AuditSource
from ..scoping import ScopedQuerySet


class AuditEntry(models.Model):
    """Who changed what, when and through which door, for every domain record.

    Written explicitly by services (and in bulk by bulk writers), never by signals, so
    bulk_create and imports are covered too.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=AuditSource.choices)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "region"

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    # The admin's history page reads these names from Django's LogEntry; ours answer them.
    @property
    def action_time(self):
        return self.at

    def get_change_message(self) -> str:
        parts = [f"{self.get_source_display()}·{self.get_action_display()}"]
        if self.note:
            parts.append(self.note)
        if self.changes:
            parts.append("；".join(f"{k}: {v[0]!s} → {v[1]!s}" for k, v in self.changes.items()))
        return " ".join(parts)
