"""The dashboard and report pages in headless Chromium: no console errors, no request leaves localhost."""

import os
import shutil
from urllib.parse import urlparse

import pytest
from django.conf import settings

from apps.core.choices import Role
from apps.core.testing import ensure_regions
from apps.core.tests.factories import UserFactory, region

CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no Chromium at /usr/bin/chromium"),
]


@pytest.fixture
def browser_page(live_server, client):
    pytest.importorskip("playwright")
    if not (settings.BASE_DIR / "node_modules" / "echarts" / "dist" / "echarts.min.js").exists():
        pytest.skip("ECharts is not installed (npm ci)")
    from playwright.sync_api import sync_playwright

    ensure_regions()
    from apps.reports.tests.conftest import _build_data

    _build_data()
    user = UserFactory(username="browser_province", role=Role.PROVINCE, region=region("620000"))
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context()
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        seen = {"errors": [], "hosts": set()}
        page.on("console", lambda m: _console(seen, m))
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("request", lambda r: seen["hosts"].add(urlparse(r.url).hostname))
        yield page, seen, live_server.url
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _console(seen, message) -> None:
    # base.html declares no favicon, so Chromium's automatic /favicon.ico request is a 404
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        seen["errors"].append(f"{message.text} at {message.location.get('url')}")


def test_dashboard_renders_charts_without_errors_or_outside_requests(browser_page):
    page, seen, base = browser_page
    page.goto(f"{base}/reports/?year=2024")
    page.wait_for_selector("#chart-trend svg")
    page.wait_for_selector("#chart-bars svg")
    # the headline figures of the installed sources, each a link to the list behind it
    assert page.locator(".rp-figure").count() == 4
    assert page.locator(".rp-figure[data-code='org.members']").get_attribute("href") == (
        "/unions/members/?region=620000"
    )
    page.click("[data-testid=breakdown] a:text-is('兰州市')")  # drill down to the prefecture
    page.wait_for_url("**/reports/?region=620100&year=2024")
    page.wait_for_selector("#chart-bars svg")
    assert page.locator("h1").inner_text().startswith("兰州市")
    assert seen["errors"] == []
    assert seen["hosts"] <= LOCAL_HOSTS


def test_request_a_report_and_watch_it_finish(browser_page):
    page, seen, base = browser_page
    page.goto(f"{base}/reports/yearly/")
    page.fill("input[name=year]", "2024")
    page.select_option("select[name=region]", "620100")
    page.click("button.primary")
    page.wait_for_selector("text=Excel")
    assert page.locator("progress").get_attribute("value") == "100"
    assert seen["errors"] == []
    assert seen["hosts"] <= LOCAL_HOSTS


def test_a_running_report_shows_its_stage_and_updates_by_itself_until_done(browser_page):
    from django.utils import timezone
    from playwright.sync_api import expect

    from apps.reports.choices import ReportStage, ReportStatus
    from apps.reports.models import YearlyReport, computing_stage

    page, seen, base = browser_page
    # given a report a worker is computing
    report = YearlyReport.objects.create(
        year=2024,
        region=region("620100"),
        status=ReportStatus.RUNNING,
        progress=10,
        stage=computing_stage("620100", 3, 9),
    )
    page.goto(f"{base}/reports/yearly/{report.pk}/")
    label = page.locator("#report-progress [data-role=label]")
    # (Chromium asks for English)
    assert label.inner_text() == "Running · computing 兰州市 (3 of 9) · 10%"
    # when the worker moves on, the page follows without a reload
    YearlyReport.objects.filter(pk=report.pk).update(progress=80, stage=ReportStage.WORKBOOK)
    expect(label).to_have_text("Running · writing the workbook · 80%", timeout=10_000)
    assert page.locator("progress").get_attribute("value") == "80"
    # and when it is done, the page shows the finished report
    YearlyReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.DONE,
        progress=100,
        stage="",
        finished_at=timezone.now(),
        snapshot={"year": 2024, "region": "620100", "indicators": {"org.unions": 3}, "children": []},
    )
    page.wait_for_selector("[data-testid=computed]", timeout=10_000)
    assert page.locator("[data-testid=computed]").inner_text().startswith("Computed just now")
    assert page.locator("#report-progress").get_attribute("data-finished") == "1"
    assert seen["errors"] == []
    assert seen["hosts"] <= LOCAL_HOSTS


def test_chromium_is_not_fetched():
    assert shutil.which("chromium") or os.path.exists(CHROMIUM)
