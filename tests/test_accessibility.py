"""axe-core (from npm, node_modules/axe-core) finds no serious or critical accessibility
violation on the main pages, as county, prefecture and province staff, in Chinese and in
English. Real headless Chromium against the live server; axe is injected by Playwright as an
init script (no CDN, nothing the page's Content-Security-Policy has to allow)."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from apps.core.tests.factories import PASSWORD
from apps.hardship.tests.factories import DisbursementFactory, FamilyMemberFactory, FiledHouseholdFactory
from apps.insurance.tests.factories import ClaimFactory, CoverageFactory, PlanFactory
from apps.services.tests.factories import ReliefPaymentFactory
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
    pytest.mark.skipif(
        not AXE.exists(), reason="axe-core is not installed: run `npm ci` (python3 dev.py test does)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def records(county_user):
    """A little of everything in the county user's county, so that lists have rows and the
    detail pages exist: a union with members, a filed household with a family member and an
    aid payment, a plan with a covered member and a claim, a relief payment."""
    union = GrassrootsUnionFactory(name="兰州市城关区示范企业工会委员会", region=county_user.region)
    members = [MemberFactory(union=union, phone="13912345678") for _ in range(3)]
    household = FiledHouseholdFactory(union=union)
    FamilyMemberFactory(household=household)
    DisbursementFactory(household=household)
    coverage = CoverageFactory(plan=PlanFactory(), union=union, member=members[0])
    ClaimFactory(coverage=coverage, total_expense=Decimal("12000.00"))
    ReliefPaymentFactory(region=county_user.region)
    return {"member": members[0], "household": household, "union": union}


def _pages(records, *, forms: bool) -> dict[str, str]:
    """The main pages; with ``forms`` the entry forms too (county staff enter the records)."""
    pages = {
        "home": reverse("home"),
        "member list": reverse("unions:member-list"),
        "member detail": reverse("unions:member-detail", args=[records["member"].pk]),
        "union list": reverse("unions:union-list"),
        "union detail": reverse("unions:union-detail", args=[records["union"].pk]),
        "household": reverse("hardship:household-detail", args=[records["household"].pk]),
        "claims": reverse("insurance:claim-list"),
        "dashboard": reverse("reports:dashboard"),
        "services": reverse("services:index"),
        "relief payments": reverse("services:relief-list"),
    }
    if forms:
        pages |= {
            "member registration": reverse("unions:member-create"),
            "aid payment form": reverse("hardship:disbursement-create", args=[records["household"].pk]),
            "claim entry": reverse("insurance:claim-create"),
        }
    return pages


@contextmanager
def _axe_page(locale: str):
    """A Chromium page with axe-core in every document it opens."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context(locale=locale)
        # an init script runs in every page before the page's own scripts, as an extension
        # would: the page's Content-Security-Policy (no inline script) stays as it is
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            yield page
        finally:
            browser.close()


def _axe(page) -> list[dict]:
    """The serious and critical violations axe-core finds on the page as it is now."""
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert result["testEngine"]["name"] == "axe-core"
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def _report(found: dict[str, list[dict]]) -> str:
    lines = []
    for name, violations in found.items():
        for v in violations:
            lines.append(f"{name}: [{v['impact']}] {v['id']}: {v['help']}")
            for node in v["nodes"][:5]:
                lines.append(f"    {node['target']} {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def _audit(live_server, user, records, locale: str, *, forms: bool) -> dict[str, list[dict]]:
    """axe on the login page, then, logged in as ``user``, on every main page (and, with
    ``forms``, on the member registration form showing its errors)."""
    found = {}

    def check(name: str) -> None:
        page.wait_for_load_state("networkidle")
        if violations := _axe(page):
            found[name] = violations

    with _axe_page(locale) as page:
        page.goto(live_server.url + reverse("login"))
        check("login")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary[type=submit]")
        page.wait_for_selector("[data-testid=user-region]")
        for name, url in _pages(records, forms=forms).items():
            response = page.goto(live_server.url + url)
            assert response.status == 200, f"{name} ({url}) answered {response.status}"
            check(name)
        if forms:
            page.goto(live_server.url + reverse("unions:member-create"))
            page.click("button.primary[type=submit]")
            page.wait_for_selector("input[aria-invalid=true]")
            check("member registration with errors")
    return found


@pytest.fixture
def _async_unsafe(monkeypatch):
    pytest.importorskip("playwright")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.usefixtures("_async_unsafe")
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_main_pages_have_no_serious_violation_for_county_staff(live_server, county_user, records, locale):
    found = _audit(live_server, county_user, records, locale, forms=True)
    assert not found, "axe-core violations:\n" + _report(found)


@pytest.mark.usefixtures("_async_unsafe")
@pytest.mark.parametrize("role", ["prefecture_user", "province_user"])
def test_main_pages_have_no_serious_violation_above_the_county(request, live_server, records, role):
    user = request.getfixturevalue(role)
    found = _audit(live_server, user, records, "zh-CN", forms=False)
    assert not found, "axe-core violations:\n" + _report(found)


@pytest.mark.usefixtures("_async_unsafe")
def test_the_audit_catches_an_unlabelled_input(live_server):
    """The check itself works: an input without a label on the login page is reported."""
    with _axe_page("zh-CN") as page:
        page.goto(live_server.url + reverse("login"))
        assert _axe(page) == []
        page.evaluate("document.querySelector('form').append(document.createElement('input'))")
        violations = _axe(page)
    assert [(v["id"], v["impact"]) for v in violations] == [("label", "critical")]
