from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportStage(models.TextChoices):
    """What a running report is doing now (``YearlyReport.stage``). The computing stage is stored
    with the region and the count, ``computing:<region code>:<n>:<total>``."""

    COMPUTING = "computing", _("computing")
    WORKBOOK = "workbook", _("writing the workbook")
    DOCUMENT = "document", _("writing the printable document")


class ReportFile(models.TextChoices):
    JSON = "json", "JSON"
    XLSX = "xlsx", "Excel"
    PDF = "pdf", "PDF"
