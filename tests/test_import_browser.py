"""An import job in headless Chromium: the upload form refuses a file over the limit before
sending it, and the progress page polls the job's status and turns into the preview, then the
result, by itself; no Content-Security-Policy violation, no console error."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os

import pytest

from apps.core import import_jobs
from apps.core.choices import Role
from apps.core.import_jobs import import_job_run
from apps.core.models import ImportJob
from apps.core.testing import ensure_regions
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.unions.models import GrassrootsUnion, Member

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no Chromium at /usr/bin/chromium"),
]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""
HEADERS = ["姓名", "身份证号", "工会编码", "户籍类型", "入会日期", "入会方式"]


@pytest.fixture
def browser(live_server, client, settings, tmp_path, monkeypatch):
    """A county user's page in Chromium; the tasks the pages enqueue are held for the test to run."""
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    settings.MEDIA_ROOT = tmp_path
    queued: list[str] = []
    monkeypatch.setattr(import_jobs, "_enqueue", lambda job: queued.append(str(job.pk)))
    ensure_regions()
    GrassrootsUnion.objects.create(
        code="GH1", name="城关工会", kind="enterprise", region=region("620102"), founded_on="2010-01-01"
    )
    user = UserFactory(username="browser_county", role=Role.COUNTY, region=region("620102"))
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        context = chromium.new_context(locale="zh-CN")
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page, live_server.url, queued, errors
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def members_csv(n: int) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADERS)
    for i in range(n):
        rid = make_resident_id(birth=dt.date(1990, 1, 1) + dt.timedelta(days=i))
        w.writerow([f"会员{i}", rid, "GH1", "城镇", "2024-01-02", "线下"])
    return buf.getvalue().encode("utf-8-sig")


def test_the_progress_page_follows_the_job_to_the_preview_and_the_result(browser):
    page, base, queued, errors = browser
    page.goto(f"{base}/imports/?resource=members")
    page.set_input_files(
        "input[type=file]", {"name": "会员.csv", "mimeType": "text/csv", "buffer": members_csv(3)}
    )
    page.click("form[data-max-bytes] button[type=submit]")
    page.wait_for_url("**/imports/?job=*")
    assert page.locator("[data-testid=job-status]").inner_text() == "正在排队等待…"
    # the worker runs the check while the page polls; the page then shows the preview
    import_job_run(job_id=queued.pop())
    page.wait_for_selector("[data-testid=created]", timeout=10_000)
    assert page.locator("[data-testid=created]").inner_text() == "3"
    page.click("form[action*=confirm] button[type=submit]")
    page.wait_for_selector("[data-import-job]")
    import_job_run(job_id=queued.pop())
    page.wait_for_selector("p.ok", timeout=10_000)
    assert Member.objects.count() == 3
    assert page.evaluate("window.__csp") == []
    assert errors == []


def test_a_file_over_the_limit_is_refused_before_it_is_sent(browser, settings):
    page, base, queued, errors = browser
    settings.IMPORT_MAX_UPLOAD_MB = 1
    page.goto(f"{base}/imports/?resource=members")
    big = {"name": "会员.csv", "mimeType": "text/csv", "buffer": b"x" * (1024 * 1024 + 1)}
    page.set_input_files("input[type=file]", big)
    page.click("form[data-max-bytes] button[type=submit]")
    page.wait_for_selector("[data-too-large]:visible")
    assert page.locator("[data-too-large]").inner_text() == "请上传不超过 1 MB 的 .xlsx 或 .csv 文件。"
    assert page.url == f"{base}/imports/?resource=members"  # nothing was sent
    assert not ImportJob.objects.exists() and queued == []
    assert page.evaluate("window.__csp") == []
    assert errors == []
