"""Import jobs: a browser import, its check (the preview) and its import, run as tasks."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import AuditSource


# Chinese msgids, as every choice label of the project (apps/core/choices.py): English in locale/en.
class ImportJobStep(models.TextChoices):
    PREVIEW = "preview", _("检查")
    IMPORT = "import", _("导入")


class ImportJobStatus(models.TextChoices):
    PENDING = "pending", _("等待中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


def _upload_to(job: ImportJob, filename: str) -> str:
    return f"imports/{job.pk.hex}{PurePath(filename).suffix.lower()}"


class ImportJob(models.Model):
    """One import through the browser or the admin: the uploaded file, the check of every row
    (a dry run: the preview) and, once confirmed, the import itself. Each step runs as a Celery
    task that reports its progress (apps/core/import_jobs.py). Only the user who started a job
    may see it; its id (a UUID) is the token in its URLs."""

    id = models.UUIDField(_("job id"), primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    resource = models.CharField(_("template"), max_length=64)
    source = models.CharField(_("source"), max_length=16, choices=AuditSource.choices)
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    step = models.CharField(
        _("step"), max_length=16, choices=ImportJobStep.choices, default=ImportJobStep.PREVIEW
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    skip_invalid = models.BooleanField(_("import the valid rows only"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    error_file = models.FileField(_("invalid rows"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.resource} {self.filename} ({self.get_step_display()}·{self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)
