"""Run the yearly report task for a year and region and print its indicators JSON on stdout.

    python manage.py yearly_report --year 2024 --region 620000 [--output report.xlsx|.pdf|.json]

Eager on the embedded default; through the worker when REDIS_URL is set (waiting for it). Only
the JSON object goes to stdout; progress and logs go to stderr.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.audit import audit_context
from apps.core.choices import AuditSource
from apps.core.exceptions import ApplicationError
from apps.core.selectors import region_by_code
from apps.reports.choices import ReportFile, ReportStatus
from apps.reports.models import YearlyReport
from apps.reports.services import report_get_or_create
from apps.reports.tasks import yearly_report_generate_task

OUTPUT_KINDS = {".xlsx": ReportFile.XLSX, ".pdf": ReportFile.PDF, ".json": ReportFile.JSON}


def _worker_available() -> bool:
    from config.celery import app

    try:
        return bool(app.control.ping(timeout=2))
    except Exception:  # broker unreachable
        return False


class Command(BaseCommand):
    help = "Generate the yearly report of a region and print its indicators JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", required=True, help="division code, e.g. 620000")
        parser.add_argument("--output", help="also copy the report to FILE (.xlsx, .pdf or .json)")
        parser.add_argument("--timeout", type=int, default=3600, help="seconds to wait for the worker")

    def handle(self, *args, year: int, region: str, output: str | None, timeout: int, **options) -> None:
        kind = None
        if output:
            kind = OUTPUT_KINDS.get(Path(output).suffix.lower())
            if kind is None:
                raise CommandError(f"--output must end in one of {', '.join(OUTPUT_KINDS)}")
        target = region_by_code(region)
        if target is None:
            raise CommandError(f"unknown region code {region!r}")
        with audit_context(source=AuditSource.COMMAND):
            try:
                report, _created = report_get_or_create(year=year, region=target)
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            eager = settings.CELERY_TASK_ALWAYS_EAGER or not _worker_available()
            if eager:
                if not settings.CELERY_TASK_ALWAYS_EAGER:
                    self.stderr.write("no Celery worker answered: generating the report in this process")
                yearly_report_generate_task.apply(args=[report.pk], throw=True)
            else:
                self.stderr.write(f"report {report.pk}: queued for the worker")
                yearly_report_generate_task.apply_async(args=[report.pk]).get(timeout=timeout, propagate=True)
        report = YearlyReport.objects.get(pk=report.pk)
        if report.status != ReportStatus.DONE or report.snapshot is None:
            raise CommandError(f"report {report.pk} ended as {report.status}: {report.error}")
        if report.error:
            self.stderr.write(report.error)
        if kind is not None:
            field = report.file_for(kind)
            if not field:
                raise CommandError(f"the report has no {kind} file: {report.error}")
            with field.open("rb") as src, open(output, "wb") as dst:
                shutil.copyfileobj(src, dst)
            self.stderr.write(f"wrote {output}")
        self.stdout.write(json.dumps(report.snapshot, ensure_ascii=False))
