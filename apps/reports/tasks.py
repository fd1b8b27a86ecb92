"""Celery tasks of reports: ids in, services do the work; all safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from apps.core.audit import audit_context
from apps.core.choices import AuditSource

logger = logging.getLogger(__name__)

TIME_LIMIT = getattr(settings, "REPORTS_TASK_TIME_LIMIT", 30 * 60)
# The report's files keep the Chinese names of INDICATORS.md whatever the language of the
# request that queued the task (an eager task runs inside it).
FILES_LANGUAGE = "zh-hans"


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=TIME_LIMIT,
    soft_time_limit=TIME_LIMIT - 60,
    max_retries=3,
)
def yearly_report_generate_task(self, report_id: int) -> dict:
    """Generate (or regenerate) one yearly report. A redelivery after a lost worker recomputes
    and overwrites the same record and files, so it ends with one complete report."""
    from .models import YearlyReport
    from .services import report_generate

    if not YearlyReport.objects.filter(pk=report_id).exists():
        # The request publishes just before its commit (services._enqueue_generation): a new
        # report may not be visible yet. Look again shortly; then it was rolled back or deleted.
        if not self.request.is_eager and self.request.retries < self.max_retries:
            raise self.retry(countdown=1)
        logger.warning("yearly report %s no longer exists: nothing to do", report_id)
        return {"id": report_id, "status": None}
    with audit_context(source=AuditSource.TASK), translation.override(FILES_LANGUAGE):
        report = report_generate(report_id=report_id)
    return {"id": report.pk, "status": report.status}


@shared_task(
    acks_late=True, reject_on_worker_lost=True, time_limit=TIME_LIMIT, soft_time_limit=TIME_LIMIT - 60
)
def yearly_report_last_year_task() -> int:
    """Beat, every January 1: the provincial report of the year that just ended."""
    from apps.core.models import Region

    from .services import report_request

    province = Region.objects.filter(parent__isnull=True).order_by("code").first()
    if province is None:
        return 0
    report = report_request(year=timezone.localdate().year - 1, region=province)
    return report.pk


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=5 * 60)
def yearly_reports_requeue_task() -> list[int]:
    """Beat, every minute: queue again the reports whose task was lost (pending for longer than
    REPORTS_REQUEUE_AFTER_MINUTES, e.g. queued on a broker that restarted without persistence,
    or running for longer than the time limit); returns their ids."""
    from .services import report_requeue_stale

    with audit_context(source=AuditSource.TASK):
        return report_requeue_stale()


@shared_task(
    acks_late=True, reject_on_worker_lost=True, time_limit=TIME_LIMIT, soft_time_limit=TIME_LIMIT - 60
)
def indicator_summaries_refresh_task(
    years: list[int] | None = None, region_ids: list[int] | None = None
) -> int:
    """Recompute the dashboard summaries (nightly, after imports, and when provincial staff ask
    for it: then only ``region_ids``); returns how many were written."""
    from apps.core.models import Region

    from .services import summary_refresh

    if not years:
        this_year = timezone.localdate().year
        span = getattr(settings, "REPORTS_DASHBOARD_YEARS", 5)
        years = list(range(this_year - span + 1, this_year + 1))
    regions = list(Region.objects.filter(pk__in=region_ids).order_by("code")) if region_ids else None
    return summary_refresh(years=years, regions=regions)


@shared_task(
    acks_late=True, reject_on_worker_lost=True, time_limit=TIME_LIMIT, soft_time_limit=TIME_LIMIT - 60
)
def indicator_summaries_refresh_pending_task(pairs: list[list[int]]) -> int:
    """A few minutes after writes or an import: recompute the summaries marked stale, given as
    [region id, year] pairs (``services.summaries_changed``); returns how many were written."""
    from .services import summary_refresh_pending

    return summary_refresh_pending(pairs=pairs)
