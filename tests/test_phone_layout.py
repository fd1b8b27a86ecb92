"""At a phone's width (390×844) the header is one line with the menu folded behind a button,
and the member list and the dashboard do not overflow the page sideways (wide tables scroll
inside themselves). Real headless Chromium against the live server; screenshots in /tmp."""

from __future__ import annotations

import shutil

import pytest
from django.urls import reverse

from apps.core.tests.factories import PASSWORD
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def phone(monkeypatch, live_server, county_user):
    pytest.importorskip("playwright")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
        page.set_default_timeout(20_000)
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", county_user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary[type=submit]")
        page.wait_for_selector("[data-testid=user-region]")
        yield page
        browser.close()


def _overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_member_list_fits_a_phone_and_the_menu_folds(phone, live_server, county_user):
    union = GrassrootsUnionFactory(
        name="兰州市城关区某某某某某某某某某某有限责任公司工会委员会", region=county_user.region
    )
    for _ in range(5):
        MemberFactory(union=union)
    phone.goto(live_server.url + reverse("unions:member-list"))
    phone.wait_for_selector("table.table")
    phone.screenshot(path="/tmp/phone-members.png", full_page=True)
    width, inner = _overflow(phone)
    assert width <= inner, f"the page is {width}px wide in a {inner}px window"
    header = phone.locator("header.topbar").bounding_box()
    assert header["height"] < 844 / 4  # the header no longer takes half the screen
    assert not phone.locator("#mainnav").is_visible()
    assert not phone.locator("form.filters").is_visible()  # folded until asked for
    phone.click("details.filterbox > summary")
    assert phone.locator("form.filters").is_visible()
    phone.click("[data-testid=nav-toggle]")
    assert phone.locator("#mainnav").is_visible()
    assert phone.get_attribute("[data-testid=nav-toggle]", "aria-expanded") == "true"


def test_dashboard_fits_a_phone(phone, live_server):
    phone.goto(live_server.url + reverse("reports:dashboard"))
    phone.wait_for_load_state("networkidle")
    phone.screenshot(path="/tmp/phone-dashboard.png", full_page=True)
    width, inner = _overflow(phone)
    assert width <= inner, f"the page is {width}px wide in a {inner}px window"


def test_household_page_fits_a_phone(phone, live_server):
    """A wide table scrolls inside itself, its visually hidden header cell too (an absolutely
    positioned element escapes a scroll box that is not its containing block)."""
    from apps.hardship.tests.factories import FamilyMemberFactory, HouseholdFactory

    household = HouseholdFactory(head_name="刘某某")
    FamilyMemberFactory(household=household, name="欧阳某某某")
    phone.goto(live_server.url + reverse("hardship:household-detail", args=[household.pk]))
    phone.wait_for_selector("[data-testid=members]")
    phone.screenshot(path="/tmp/phone-household.png", full_page=True)
    width, inner = _overflow(phone)
    assert width <= inner, f"the page is {width}px wide in a {inner}px window"
