"""Watching a report: the stage ("computing 兰州市 (3 of 15)", "writing the workbook"...) stored
with the progress, in the status JSON the page polls and on the page; a report computed in the
request (no worker) says so."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.core.tests.factories import region
from apps.reports import services
from apps.reports.choices import ReportStage, ReportStatus
from apps.reports.models import IndicatorSummary, YearlyReport, computing_stage

from .factories import YearlyReportFactory

LIST = "/api/v1/reports/yearly/"


def running(reg, stage, progress):
    return YearlyReportFactory(
        region=reg, status=ReportStatus.RUNNING, progress=progress, stage=stage, snapshot=None
    )


def test_the_status_json_has_the_stage_and_its_label(db, province_user, api_client):
    report = running(region("620100"), computing_stage("620100", 3, 15), 10)
    client = api_client(province_user)
    with translation.override("en"):
        body = client.get(f"{LIST}{report.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["status"], body["progress"]) == ("running", 10)
    assert body["stage"] == "computing:620100:3:15"
    body = client.get(f"{LIST}{report.pk}/").json()  # the UI language, Chinese by default
    assert body["stage_display"] == "正在计算兰州市（第 3 个，共 15 个）"
    YearlyReport.objects.filter(pk=report.pk).update(stage=ReportStage.DOCUMENT, progress=90)
    body = client.get(f"{LIST}{report.pk}/").json()
    assert (body["stage"], body["stage_display"], body["progress"]) == ("document", "正在生成打印文档", 90)


def test_the_stage_of_another_county_s_report_is_not_shown(db, county_user, api_client, client):
    report = running(region("620103"), ReportStage.WORKBOOK, 80)
    assert api_client(county_user).get(f"{LIST}{report.pk}/").status_code == 404
    client.force_login(county_user)
    assert client.get(reverse("reports:report-detail", args=[report.pk])).status_code == 404


def test_the_page_of_a_running_report_shows_the_stage_and_polls(db, client, county_user):
    report = running(region("620102"), computing_stage("620102", 1, 1), 0)
    client.force_login(county_user)
    resp = client.get(reverse("reports:report-detail", args=[report.pk]))
    html = resp.content.decode()
    assert resp.context["finished"] is False
    assert "生成中 · 正在计算城关区（第 1 个，共 1 个） · 0%" in html
    assert f'data-url="{reverse("api:yearlyreport-detail", args=[report.pk])}"' in html
    assert 'data-finished="0"' in html and "reports/report.js" in html
    assert 'data-testid="computed"' not in html


@pytest.mark.django_db(transaction=True)
def test_a_report_computed_in_the_request_says_it_was_computed_just_now(data, client, county_user):
    # given the embedded default: no worker, the report is generated in the request, when the
    # request's transaction commits (a transactional test: commits are real)
    client.force_login(county_user)
    resp = client.post(reverse("reports:report-request"), {"year": 2024, "region": "620102"})
    page = client.get(resp["Location"])
    html = page.content.decode()
    # then the page after the redirect shows the finished report, computed just now
    assert page.context["finished"] is True
    assert [str(m) for m in page.context["messages"]] == ["报告已计算完成。"]
    assert '<p data-testid="computed"><strong>刚刚计算完成</strong>' in html
    assert 'data-finished="1"' in html
    assert YearlyReport.objects.get().stage == ""


def test_a_report_requested_for_a_worker_says_requested(data, client, county_user):
    # given a worker: the request only queues it (the on-commit task is not run here)
    client.force_login(county_user)
    resp = client.post(reverse("reports:report-request"), {"year": 2024, "region": "620102"}, follow=True)
    assert [str(m) for m in resp.context["messages"]] == ["报告已提交生成。"]
    assert resp.context["finished"] is False
    assert 'data-testid="computed"' not in resp.content.decode()


def test_an_older_report_says_when_and_why_the_dashboard_differs(db, client, county_user):
    finished = timezone.now() - dt.timedelta(hours=3)
    report = YearlyReportFactory(region=region("620102"), finished_at=finished)
    IndicatorSummary.objects.create(
        year=2024, region=region("620102"), indicators={}, computed_at=finished - dt.timedelta(days=1)
    )
    client.force_login(county_user)
    with translation.override("en"):
        resp = client.get(reverse("reports:report-detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = resp.content.decode()
    assert resp.context["computed_just_now"] is False
    assert "Computed 3\xa0hours ago" in html
    when = timezone.localtime(finished - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    assert f"The dashboard shows figures computed at {when}" in html
    # a dashboard refreshed after the report has nothing to explain
    IndicatorSummary.objects.update(computed_at=timezone.now())
    resp = client.get(reverse("reports:report-detail", args=[report.pk]))
    assert resp.context["dashboard_computed_at"] is None
    assert "看板" not in resp.content.decode().split('data-testid="computed"')[1].split("</p>")[0]


def test_regenerating_clears_the_stage_of_the_earlier_run(data):
    report, _ = services.report_get_or_create(year=2024, region=region("620102"))
    YearlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, stage=ReportStage.WORKBOOK)
    report = services.report_request(year=2024, region=region("620102"))
    assert (report.status, report.stage) == (ReportStatus.PENDING, "")
