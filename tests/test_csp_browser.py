"""Every page obeys the Content-Security-Policy in real Chromium: the pages of each section
(lists, a detail page of each, forms), the dashboard with its ECharts charts, the admin, the
login and public join pages. A violation is reported by the browser as a
``securitypolicyviolation`` event and a console error; both are collected."""

from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest
from django.conf import settings

from apps.core.choices import Role
from apps.core.testing import ensure_regions
from apps.core.tests.factories import UserFactory, region

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no Chromium at /usr/bin/chromium"),
]

# Recorded before any page script runs, so that nothing escapes.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


@pytest.fixture
def crawl(live_server, client):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    ensure_regions()
    from apps.reports.tests.conftest import _build_data

    _build_data()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )

        def open_as(user=None):
            context = browser.new_context()
            if user is not None:
                client.force_login(user)
                session = client.cookies[settings.SESSION_COOKIE_NAME].value
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
                )
            context.add_init_script(RECORD_VIOLATIONS)
            page = context.new_page()
            console: list[str] = []
            page.on(
                "console",
                lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
            )
            return page, console

        yield open_as, live_server.url
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _visit(page, console, url: str, violations: dict) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = page.evaluate("window.__csp") + console[:]
    console.clear()
    if found:
        violations[url] = found


def _same_site_links(page, base: str, prefix: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        if href and href.startswith(prefix) and "logout" not in href and "download" not in href:
            out.append(base + href)
    return out


def test_no_page_violates_the_csp(crawl):
    open_as, base = crawl
    violations: dict[str, list[str]] = {}
    visited: set[str] = set()

    # anonymous doors
    page, console = open_as()
    for url in (f"{base}/accounts/login/", f"{base}/unions/join/", f"{base}/admin/login/"):
        _visit(page, console, url, violations)
        visited.add(url)

    # a county clerk: every section's pages, then a detail page and a form of each list
    county = UserFactory(username="csp_county", role=Role.COUNTY, region=region("620102"))
    page, console = open_as(county)
    _visit(page, console, f"{base}/", violations)
    sections = [u for u in _same_site_links(page, base, "/") if urlparse(u).path.count("/") <= 3]
    for url in sections:
        if url in visited:
            continue
        visited.add(url)
        _visit(page, console, url, violations)
        for sub in _same_site_links(page, base, urlparse(url).path)[:6]:
            if sub not in visited:
                visited.add(sub)
                _visit(page, console, sub, violations)

    # the province's dashboard: the charts must draw under the policy
    province = UserFactory(username="csp_province", role=Role.PROVINCE, region=region("620000"))
    page, console = open_as(province)
    _visit(page, console, f"{base}/reports/?year=2024", violations)
    if (settings.BASE_DIR / "node_modules" / "echarts" / "dist" / "echarts.min.js").exists():
        page.wait_for_selector("#chart-trend svg")
        assert page.evaluate("window.__csp") == []

    # the administrator's admin (only administrators have one) and the API docs
    admin = UserFactory(username="csp_admin", role=Role.ADMIN, region=region("620000"), is_staff=True)
    page, console = open_as(admin)
    for url in (
        f"{base}/admin/",
        f"{base}/admin/unions/member/",
        f"{base}/admin/unions/grassrootsunion/add/",
        f"{base}/admin/core/user/",
        f"{base}/admin/hardship/livingstandard/add/",
        f"{base}/admin/reports/yearlyreport/",
        f"{base}/api/docs/",
    ):
        _visit(page, console, url, violations)
        visited.add(url)
    page.goto(f"{base}/api/docs/")
    page.wait_for_selector(".swagger-ui .information-container", timeout=15000)

    assert violations == {}
    assert len(visited) >= 20, sorted(visited)
