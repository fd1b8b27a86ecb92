from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportFile(models.TextChoices):
    JSON = "json", "JSON"
    XLSX = "xlsx", "Excel"
    PDF = "pdf", "PDF"
