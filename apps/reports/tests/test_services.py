import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.utils import translation
from openpyxl import load_workbook

from apps.core.exceptions import ApplicationError
from apps.core.tests.factories import region
from apps.reports import indicators, services, tasks
from apps.reports.choices import ReportStatus
from apps.reports.models import IndicatorSummary, YearlyReport


def test_generate_builds_snapshot_and_files(data):
    report, created = services.report_get_or_create(year=2024, region=region("620100"))
    assert created
    report = services.report_generate(report_id=report.pk)
    assert report.status == ReportStatus.DONE
    assert report.progress == 100
    assert report.attempts == 1
    assert report.started_at <= report.finished_at
    assert report.snapshot == indicators.build_report(year=2024, region=region("620100"))
    assert report.json_file.name == "reports/2024/620100/gonghui-yearly-2024-620100.json"
    assert report.xlsx_file.name == "reports/2024/620100/gonghui-yearly-2024-620100.xlsx"


def test_running_twice_gives_the_same_snapshot_and_files_and_one_report(data):
    report, _ = services.report_get_or_create(year=2024, region=region("620000"))
    first = services.report_generate(report_id=report.pk)
    first_cells = _cells(first)
    second = services.report_generate(report_id=report.pk)
    assert YearlyReport.objects.count() == 1
    assert second.snapshot == first.snapshot
    assert (second.json_file.name, second.xlsx_file.name, second.pdf_file.name) == (
        first.json_file.name,
        first.xlsx_file.name,
        first.pdf_file.name,
    )
    assert _cells(second) == first_cells
    assert second.attempts == 2
    # through the storage: the file system, or the S3 bucket when S3_BUCKET is set
    _dirs, files = default_storage.listdir("reports/2024/620000")
    assert sorted(Path(name).suffix for name in files) == sorted(
        [".json", ".xlsx"] + ([".pdf"] if first.pdf_file else [])
    )


def _cells(report):
    with report.xlsx_file.open("rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_request_twice_gives_one_report_and_runs_the_task(
    data, province_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.report_request(year=2024, region=region("620000"), user=province_user)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.report_request(year=2024, region=region("620000"), user=province_user)
    assert first.pk == second.pk
    assert YearlyReport.objects.count() == 1
    report = YearlyReport.objects.get()
    assert report.status == ReportStatus.DONE
    assert report.attempts == 2
    assert report.requested_by == province_user


def test_a_pending_report_is_not_queued_again(data, province_user, django_capture_on_commit_callbacks):
    report, _ = services.report_get_or_create(year=2024, region=region("620000"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.report_request(year=2024, region=region("620000"), user=province_user)
    assert callbacks == []
    assert YearlyReport.objects.get(pk=report.pk).status == ReportStatus.PENDING


def test_request_out_of_scope_is_refused_and_nothing_written(county_user):
    with pytest.raises(ApplicationError, match="您无权申请该地区的报告"):
        services.report_get_or_create(year=2024, region=region("620103"), user=county_user)
    assert YearlyReport.objects.count() == 0


@pytest.mark.parametrize("year", [1900, dt.date.today().year + 1])
def test_impossible_year_is_refused(db, year):
    with pytest.raises(ApplicationError, match=r"年度须在 1949 至 \d{4} 之间"):
        services.report_get_or_create(year=year, region=region("620000"))
    assert YearlyReport.objects.count() == 0


def test_a_failing_source_marks_the_report_failed_with_the_error(settings, data):
    settings.REPORTS_INDICATOR_SOURCES = ["apps.reports.tests.fake_sources.broken_indicators"]
    report, _ = services.report_get_or_create(year=2024, region=region("620102"))
    with pytest.raises(RuntimeError, match="the source broke"):
        services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == "the source broke"
    assert report.snapshot is None


def test_progress_and_stage_are_stored_as_it_goes(data, monkeypatch):
    seen = []
    real = services._set_progress

    def spy(report_id, progress, stage):
        real(report_id, progress, stage)
        stored = YearlyReport.objects.get(pk=report_id)  # what the page polls meanwhile
        seen.append((stored.progress, stored.stage, stored.get_stage_display()))

    monkeypatch.setattr(services, "_set_progress", spy)
    report, _ = services.report_get_or_create(year=2024, region=region("620100"))
    with translation.override("en"):
        services.report_generate(report_id=report.pk)
    children = list(region("620100").children.order_by("code"))
    total = len(children) + 1
    assert len(seen) == total + 2
    assert [p for p, _s, _d in seen] == sorted(p for p, _s, _d in seen)
    assert seen[0] == (0, f"computing:620100:1:{total}", f"computing 兰州市 (1 of {total})")
    assert seen[2][2] == f"computing {children[1].name} (3 of {total})"
    assert seen[-2] == (80, "workbook", "writing the workbook")
    assert seen[-1] == (90, "document", "writing the printable document")
    report.refresh_from_db()
    assert (report.status, report.progress, report.stage, report.get_stage_display()) == ("done", 100, "", "")


def test_the_stage_is_translated(data):
    report, _ = services.report_get_or_create(year=2024, region=region("620100"))
    YearlyReport.objects.filter(pk=report.pk).update(stage="computing:620102:3:15")
    report.refresh_from_db()
    with translation.override("zh-hans"):
        assert report.get_stage_display() == "正在计算城关区（第 3 个，共 15 个）"
        report.stage = "workbook"
        assert report.get_stage_display() == "正在生成 Excel 工作簿"
    with translation.override("en"):
        assert report.get_stage_display() == "writing the workbook"


def test_a_failed_report_keeps_the_stage_it_stopped_at(data, settings):
    settings.REPORTS_INDICATOR_SOURCES = ["apps.reports.tests.fake_sources.broken_indicators"]
    report, _ = services.report_get_or_create(year=2024, region=region("620102"))
    with pytest.raises(RuntimeError, match="the source broke"):
        services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.stage) == ("failed", "computing:620102:1:1")


def test_the_task_is_late_acked_rejected_on_worker_lost_and_time_limited():
    task = tasks.yearly_report_generate_task
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.time_limit == django_settings.REPORTS_TASK_TIME_LIMIT
    assert task.soft_time_limit < task.time_limit


def test_beat_schedules_last_years_provincial_report_on_january_first(
    data, django_capture_on_commit_callbacks
):
    entry = django_settings.CELERY_BEAT_SCHEDULE["reports-yearly-provincial"]
    assert entry["task"] == "apps.reports.tasks.yearly_report_last_year_task"
    schedule = entry["schedule"]
    assert schedule.month_of_year == {1} and schedule.day_of_month == {1}
    with django_capture_on_commit_callbacks(execute=True):
        report_id = tasks.yearly_report_last_year_task()
    report = YearlyReport.objects.get(pk=report_id)
    assert (report.year, report.region.code, report.status) == (dt.date.today().year - 1, "620000", "done")


def test_summary_refresh_writes_one_summary_per_year_and_region(data):
    written = services.summary_refresh(years=[2023, 2024], regions=[region("620000"), region("620102")])
    assert written == 4
    s = IndicatorSummary.objects.get(year=2024, region=region("620102"))
    assert s.indicators == indicators.compute(year=2024, region=region("620102"))
    services.summary_refresh(years=[2024], regions=[region("620102")])
    assert IndicatorSummary.objects.count() == 4


def test_the_task_of_a_deleted_report_does_nothing(db):
    result = tasks.yearly_report_generate_task.apply(args=[999_999]).get()
    assert result == {"id": 999_999, "status": None}
    assert YearlyReport.objects.count() == 0
