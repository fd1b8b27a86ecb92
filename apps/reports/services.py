"""Writes of reports: request a yearly report, generate it (idempotent), refresh the summaries."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from apps.core import audit
from apps.core.choices import AuditAction, RegionLevel, Role
from apps.core.exceptions import ApplicationError
from apps.core.models import Region
from apps.core.scoping import VIEW, user_may

from . import indicators
from .choices import ReportStage, ReportStatus
from .models import IndicatorSummary, YearlyReport, computing_stage

logger = logging.getLogger(__name__)

MIN_YEAR = 1949
# The regions that have dashboard summaries (the nightly refresh computes these levels).
SUMMARY_LEVELS = [RegionLevel.PROVINCE, RegionLevel.PREFECTURE, RegionLevel.COUNTY]


class ReportQueueUnavailable(ApplicationError):
    """The broker refused the generation task (it is down): nothing was written, try again later.
    An ApplicationError, so every caller shows its message; the API answers it with 503."""


def _check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not MIN_YEAR <= year <= this_year:
        raise ApplicationError(
            _("The year must be between %(first)s and %(last)s.") % {"first": MIN_YEAR, "last": this_year}
        )


def report_get_or_create(*, year: int, region: Region, user: Any = None) -> tuple[YearlyReport, bool]:
    """The one report of (year, region), created as pending when it does not exist yet."""
    _check_year(year)
    if user is not None and not user_may(user, VIEW, region.pk, YearlyReport):
        raise ApplicationError(_("You may not request a report for this region."))
    existing = YearlyReport.objects.filter(year=year, region=region).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = YearlyReport.objects.create(year=year, region=region, requested_by=user)
            # explicit changes: the core snapshot does not serialise the empty file fields
            audit.record(
                report,
                AuditAction.CREATE,
                user=user,
                changes={"year": [None, year], "region": [None, region.code]},
            )
    except IntegrityError:  # a concurrent request created it first
        return YearlyReport.objects.get(year=year, region=region), False
    return report, True


def _enqueue_generation(report: YearlyReport, *, user: Any = None) -> None:
    """Mark the locked report pending and hand its generation task to the broker, from inside the
    caller's transaction.

    Why the message is published before the commit and not with ``transaction.on_commit`` (the
    usual way here): when the broker is down the publish raises, and raising inside the
    transaction rolls back the create or reset and its audit entry, so the caller answers "try
    again" and nothing is half-made. A hook that fails after the commit would leave a pending
    report that nobody generates, or need a compensating delete/revert that other requests may
    already have seen. The price is a worker that may receive the message a moment before the
    commit: for a reset the row stays locked until then (``report_generate`` waits for the
    lock), a new row is retried by the task for a few seconds, and whatever is still missed
    stays pending and is queued again by the requeue beat job (``report_requeue_stale``).
    Eager (no broker: nothing to refuse) the task runs after the commit, as a worker sees it.
    """
    from .tasks import yearly_report_generate_task

    report.status = ReportStatus.PENDING
    report.progress = 0
    report.stage = ""
    report.error = ""
    report.enqueued_at = timezone.now()
    report.requested_by = user or report.requested_by
    report.save(update_fields=["status", "progress", "stage", "error", "enqueued_at", "requested_by"])
    task, report_id = yearly_report_generate_task, report.pk
    # ignore_result: nobody waits for this result (the report row is the result), and a result
    # backend on the same dead Redis would otherwise retry for about 20 s before failing.
    if task.app.conf.task_always_eager:
        transaction.on_commit(lambda: task.apply_async(args=[report_id], ignore_result=True))
        return
    try:
        task.apply_async(args=[report_id], ignore_result=True)
    except BrokerError as exc:
        logger.warning("yearly report %s: the broker refused its task: %s", report_id, exc)
        raise ReportQueueUnavailable(
            _(
                "The report queue is unavailable right now, so the report was not requested. "
                "Please try again in a few minutes."
            )
        ) from exc


def report_request(*, year: int, region: Region, user: Any = None) -> YearlyReport:
    """Request the report and queue its generation; raises ReportQueueUnavailable (and writes
    nothing) when the broker is down. A pending or running report is not queued again, unless
    it is stale (its task was lost: see ``YearlyReportQuerySet.stale``)."""
    with transaction.atomic():
        report, created = report_get_or_create(year=year, region=region, user=user)
        report = YearlyReport.objects.select_for_update().get(pk=report.pk)
        if (
            not created
            and report.status in (ReportStatus.PENDING, ReportStatus.RUNNING)
            and not YearlyReport.objects.stale().filter(pk=report.pk).exists()
        ):
            return report
        _enqueue_generation(report, user=user)
    return report


def report_requeue_stale() -> list[int]:
    """Queue again the reports whose task was lost (``YearlyReportQuerySet.stale``); the ids
    queued. Stops at the first refusal of the broker: the rest stay stale for the next run.
    Safe to run at any time and twice: each report is re-checked under its lock, and a report
    generated twice ends the same (``report_generate`` is idempotent)."""
    queued: list[int] = []
    for report_id in YearlyReport.objects.stale().order_by("pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                report = YearlyReport.objects.select_for_update().stale().filter(pk=report_id).first()
                if report is None:  # picked up meanwhile
                    continue
                _enqueue_generation(report)
        except ReportQueueUnavailable:
            break
        queued.append(report_id)
        logger.info("yearly report %s was stale: queued again", report_id)
    return queued


def _set_progress(report_id: int, progress: int, stage: str) -> None:
    """The progress and what is being done now (the page and the API show both)."""
    YearlyReport.objects.filter(pk=report_id).update(progress=progress, stage=stage)


def _file_name(report: YearlyReport, ext: str) -> str:
    return (
        f"reports/{report.year}/{report.region.code}/gonghui-yearly-{report.year}-{report.region.code}.{ext}"
    )


def _store(report: YearlyReport, ext: str, content: bytes) -> str:
    """Write the file under its fixed name, replacing an earlier one (a re-run gives the same name)."""
    name = _file_name(report, ext)
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # another run wrote it in between: keep one file under the fixed name
        default_storage.delete(saved)
    return name


def report_generate(*, report_id: int) -> YearlyReport:
    """Compute the snapshot and write the files of a report; safe to run again at any point.

    Each run recomputes everything from the data and overwrites the same record and the same
    file names, so a redelivered task (worker lost mid-way) ends with one complete report.
    """
    from .document import render_document
    from .excel import render_workbook

    with transaction.atomic():
        report = YearlyReport.objects.select_for_update().select_related("region").get(pk=report_id)
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.finished_at = None
        report.progress = 0
        report.stage = ""
        report.attempts += 1
        report.error = ""
        report.save(
            update_fields=["status", "started_at", "finished_at", "progress", "stage", "attempts", "error"]
        )

    def on_region(n: int, total: int, region: Region) -> None:
        _set_progress(report_id, int(80 * (n - 1) / total), computing_stage(region.code, n, total))

    try:
        data = indicators.build_report(year=report.year, region=report.region, on_region=on_region)
        _set_progress(report_id, 80, ReportStage.WORKBOOK)
        json_name = _store(report, "json", json.dumps(data, ensure_ascii=False, indent=2).encode())
        xlsx_name = _store(report, "xlsx", render_workbook(data))
        _set_progress(report_id, 90, ReportStage.DOCUMENT)
        pdf_bytes = render_document(data)
        pdf_name = _store(report, "pdf", pdf_bytes) if pdf_bytes is not None else ""
    except Exception as exc:
        logger.exception("yearly report %s failed", report_id)
        YearlyReport.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    YearlyReport.objects.filter(pk=report_id).update(
        status=ReportStatus.DONE,
        progress=100,
        stage="",
        snapshot=data,
        json_file=json_name,
        xlsx_file=xlsx_name,
        pdf_file=pdf_name,
        finished_at=timezone.now(),
        error="" if pdf_bytes is not None else _("No Chinese font is installed: the PDF was not written."),
    )
    report.refresh_from_db()
    return report


def summary_refresh(*, years: list[int], regions: list[Region] | None = None) -> int:
    """Recompute the dashboard summaries of the given years for the regions (default: province,
    prefectures and counties); returns the number of summaries written."""
    if regions is None:
        regions = list(Region.objects.filter(level__in=SUMMARY_LEVELS).order_by("code"))
    return sum(len(summaries_store(year=year, regions=regions)) for year in years)


def summaries_store(*, year: int, regions: list[Region]) -> dict[int, dict[str, Any]]:
    """Compute the summaries of ``year`` for ``regions`` and store them: ``{region pk: codes}``.
    Every region at once: a pass over each table per level, not per region."""
    now = timezone.now()
    computed = indicators.compute_many(year=year, regions=regions)
    for region_id, values in computed.items():
        IndicatorSummary.objects.update_or_create(
            year=year, region_id=region_id, defaults={"indicators": values, "computed_at": now}
        )
    return computed


def may_refresh_summaries(user: Any) -> bool:
    """Provincial staff and administrators may recompute the dashboards on demand."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role in (Role.PROVINCE, Role.ADMIN))
    )


def summary_refresh_request(*, region: Region, year: int, user: Any) -> bool:
    """Recompute now, in the worker, the summaries a dashboard of ``region`` shows for ``year``:
    the region, the regions above it and the ones right under it. True when it has already
    run (no worker: the embedded default runs it at once), False when it is queued."""
    from .tasks import indicator_summaries_refresh_task

    if not may_refresh_summaries(user):
        raise ApplicationError(_("Only provincial staff and administrators may refresh the figures now."))
    _check_year(year)
    ids = {region.pk, *Region.objects.filter(parent=region).values_list("pk", flat=True)}
    ids.update(
        Region.objects.filter(code__in=[c for c in region.path.strip("/").split("/") if c]).values_list(
            "pk", flat=True
        )
    )
    try:
        result = indicator_summaries_refresh_task.apply_async(
            kwargs={"years": [year], "region_ids": sorted(ids)}
        )
    except BrokerError as exc:
        raise ReportQueueUnavailable(_("The task queue is not reachable; try again in a moment.")) from exc
    return result.ready()


# Refresh after writes: debounced, in the worker -------------------------------------------------


def refresh_on_write() -> bool:
    """Whether writes and imports lead to a refresh of the summaries (REPORTS_REFRESH_ON_WRITE:
    on in production; off on the embedded default, which has no worker to defer it to)."""
    return bool(getattr(settings, "REPORTS_REFRESH_ON_WRITE", False))


def _pending_key(region_id: int, year: int) -> str:
    return f"reports:summary-pending:{region_id}:{year}"


def summary_regions_above(region_ids: Iterable[int]) -> list[int]:
    """The regions with summaries among ``region_ids`` and every region above them (their
    figures include the ones below): two queries."""
    codes: set[str] = set()
    for path in Region.objects.filter(pk__in=set(region_ids)).values_list("path", flat=True):
        codes.update(c for c in path.strip("/").split("/") if c)
    return sorted(
        Region.objects.filter(code__in=codes, level__in=SUMMARY_LEVELS).values_list("pk", flat=True)
    )


def summary_pending_since(*, region: Region, year: int) -> str | None:
    """When the summary of (region, year) was first marked stale and waits for its refresh
    (ISO time), or None."""
    return cache.get(_pending_key(region.pk, year))


def summaries_changed(region_ids: Iterable[int], years: Iterable[int]) -> list[list[int]]:
    """Records of ``region_ids`` changed (the listener of ``apps.core.freshness``, registered by
    ``ReportsConfig.ready``): mark the summaries of those regions and the regions above them
    stale for ``years`` and schedule one refresh task ``REPORTS_REFRESH_DELAY_SECONDS`` later.

    Debounced: a (region, year) already marked is left to the task already scheduled, which
    has not started yet (it unmarks before it computes, so it sees every write made until
    then). A burst of writes thus costs one task, and several counties of one prefecture one
    computation of the prefecture and the province. A mark lives at most the delay plus the
    task's time limit, so a lost task delays a refresh until then, and the nightly refresh
    catches up in any case. Returns the [region id, year] pairs newly scheduled.
    """
    if not refresh_on_write():
        return []
    from .tasks import TIME_LIMIT, indicator_summaries_refresh_pending_task

    this_year = timezone.localdate().year
    years = sorted({y for y in years if MIN_YEAR <= y <= this_year})
    regions = summary_regions_above(region_ids) if years else []
    delay = max(0, int(getattr(settings, "REPORTS_REFRESH_DELAY_SECONDS", 300)))
    marked_at = timezone.now().isoformat()
    new = [
        [region_id, year]
        for year in years
        for region_id in regions
        if cache.add(_pending_key(region_id, year), marked_at, timeout=delay + TIME_LIMIT)
    ]
    if not new:
        return []
    try:
        indicator_summaries_refresh_pending_task.apply_async(
            kwargs={"pairs": new}, countdown=delay, ignore_result=True
        )
    except BrokerError as exc:  # the write is done; the nightly refresh will catch up
        cache.delete_many([_pending_key(r, y) for r, y in new])
        logger.warning("the summaries refresh could not be queued: %s", exc)
        return []
    return new


def summary_refresh_pending(*, pairs: Iterable[Iterable[int]]) -> int:
    """Recompute the summaries of the [region id, year] pairs marked stale (the body of the
    scheduled task); returns how many were written. They are unmarked first, so a write made
    while this runs schedules the next refresh. Safe to run twice."""
    pairs = [(int(r), int(y)) for r, y in pairs]
    cache.delete_many([_pending_key(r, y) for r, y in pairs])
    by_year: dict[int, set[int]] = defaultdict(set)
    for region_id, year in pairs:
        by_year[year].add(region_id)
    written = 0
    for year, ids in sorted(by_year.items()):
        regions = list(Region.objects.filter(pk__in=ids).order_by("code"))
        written += summary_refresh(years=[year], regions=regions)
    return written
