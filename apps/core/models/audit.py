from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..choices import AuditAction, AuditSource
from ..scoping import ScopedQuerySet
from .fields import optional_reference


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
    content_type = models.ForeignKey(ContentType, verbose_name=_("record type"), on_delete=models.CASCADE)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    region = optional_reference("core.Region", _("region"), on_delete=models.SET_NULL)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # A batch entry (one bulk write of many records of one model in one region) has no
    # object_id; its records are AuditBatchMember rows, its changed field names ``fields``.
    object_count = models.PositiveIntegerField(_("records"), default=1)
    fields = models.JSONField(_("fields"), default=list, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "region"

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # The latest changes (the home page) without walking past the views of personal
            # data, which outnumber them in daily use (migration 0009).
            models.Index(
                fields=["at", "id"], condition=~models.Q(action="view"), name="core_audit_changes_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    # The admin's history page reads these names from Django's LogEntry; ours answer them.
    @property
    def action_time(self):
        return self.at

    @property
    def is_batch(self) -> bool:
        return not self.object_id

    def get_change_message(self) -> str:
        parts = [f"{self.get_source_display()}·{self.get_action_display()}"]
        line = getattr(self, "batch_line", None)  # set by history_for on a batch entry
        if self.note:
            parts.append(
                self.note
                if line is None
                else gettext("%(note)s (line %(line)s)") % {"note": self.note, "line": line}
            )
        changes = getattr(self, "batch_changes", None) if self.is_batch else self.changes
        if changes:
            parts.append("；".join(f"{k}: {v[0]!s} → {v[1]!s}" for k, v in changes.items()))
        elif self.is_batch and self.fields:
            parts.append("、".join(self.fields))
        return " ".join(parts)


class AuditBatchMember(models.Model):
    """One record of a batch entry: its key, its line in the imported file, and, for an
    update, its own changes (a create's values are the record's own). Two narrow columns per
    record instead of a full JSON snapshot row: bulk writes stay cheap to audit."""

    # no index of its own: the (object_id, entry) index serves the reads, and the trail is
    # append-only (an index per member row would cost as much as the row)
    entry = models.ForeignKey(
        AuditEntry,
        verbose_name=_("batch entry"),
        on_delete=models.CASCADE,
        related_name="members",
        db_index=False,
    )
    object_id = models.CharField(_("record id"), max_length=64)
    line = models.PositiveIntegerField(_("line in the file"), null=True, blank=True)
    changes = models.JSONField(_("changes"), null=True, blank=True)

    class Meta:
        verbose_name = _("record of a batch entry")
        verbose_name_plural = _("records of batch entries")
        # "the batches holding record X" and "X's row of this batch" both start with object_id
        indexes = [models.Index(fields=["object_id", "entry"])]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.object_id}"
