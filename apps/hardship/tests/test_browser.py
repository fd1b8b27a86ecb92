"""The seven-step filing in a real headless Chromium (Playwright) against the live server:
county staff enter a household and take it through six steps; the county user is refused the
review with a clear message; the prefecture reviews it from the review queue and files it."""

import shutil

import pytest
from django.urls import reverse

from apps.core.choices import Role
from apps.core.tests.factories import PASSWORD, UserFactory, make_resident_id, region
from apps.unions.tests.factories import GrassrootsUnionFactory

from ..choices import Status
from ..models import FilingStep, Household
from .factories import standard

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(locale="zh-CN")
        page.set_default_timeout(20_000)
        yield page
        browser.close()


def _login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary[type=submit]")
    page.wait_for_selector("[data-testid=user-region]")


def test_seven_steps_in_the_browser(live_server, browser_page, settings):
    settings.HARDSHIP_NOTICE_DAYS = 0  # the notice has run its course as soon as it is posted
    standard("620000", amount="800.00")
    GrassrootsUnionFactory(code="GU-BROWSER", region=region("620102"))
    UserFactory(username="county_browser", role=Role.COUNTY, region=region("620102"))
    UserFactory(username="pref_browser", role=Role.PREFECTURE, region=region("620100"))
    page, base = browser_page, live_server.url
    head = make_resident_id("620102")

    _login(page, base, "county_browser")
    page.goto(base + reverse("hardship:household-create"))
    page.fill("input[name=union]", "GU-BROWSER")
    page.fill("input[name=head_name]", "浏览器户主")
    page.fill("input[name=head_id_number]", head)
    page.fill("input[name=head_income]", "1000")
    page.select_option("select[name=category]", "relative")
    page.check("input[name=causes][value=illness]")
    page.fill("input[name=rigid_expenses]", "200")
    page.click("form[novalidate] button.primary[type=submit]")
    page.wait_for_selector("[data-testid=wizard]")
    household = Household.objects.get(head_id_number=head)
    assert page.url.endswith(reverse("hardship:household-detail", args=[household.pk]))

    # skipping is refused with a clear message and changes nothing
    page.goto(base + reverse("hardship:household-advance", args=[household.pk]) + "?step=calculate")
    page.fill("textarea[name=note]", "跳步")
    page.click("[data-testid=advance-submit]")
    assert "“进”" in page.inner_text("[data-testid=form-errors]")
    assert Household.objects.get(pk=household.pk).status == Status.NEW

    for expected in ("visit", "inspect", "calculate", "deliberate", "evaluate", "notice"):
        page.goto(base + reverse("hardship:household-detail", args=[household.pk]))
        page.click("[data-testid=advance]")
        page.wait_for_selector("[data-testid=advance-form]")
        assert page.input_value("input[name=step]") == expected
        page.fill("textarea[name=note]", f"{expected} 已完成")
        if page.locator("input[name=attachments]").count():
            page.fill("input[name=attachments]", "入户走访表.pdf")
        page.click("[data-testid=advance-submit]")
        page.wait_for_selector("[data-testid=wizard]")
    assert Household.objects.get(pk=household.pk).status == Status.NOTICE
    assert page.get_attribute("[data-step=review]", "data-state") == "current"

    # the entering county user is refused the review
    page.goto(base + reverse("hardship:household-advance", args=[household.pk]) + "?step=review")
    page.click("[data-testid=advance-submit]")
    assert "县区工作人员不能审核" in page.inner_text("[data-testid=form-errors]")
    assert Household.objects.get(pk=household.pk).status == Status.NOTICE

    # the prefecture reviews from its queue
    page.context.clear_cookies()
    _login(page, base, "pref_browser")
    page.goto(base + reverse("hardship:review-queue"))
    page.click(f"[data-testid=review-queue] a[href*='/{household.pk}/advance/']")
    page.wait_for_selector("[data-testid=advance-form]")
    page.fill("textarea[name=note]", "审核通过")
    page.click("[data-testid=advance-submit]")
    page.wait_for_selector("[data-testid=wizard]")
    assert page.inner_text("[data-testid=status]") == "已建档"
    household.refresh_from_db()
    assert household.status == Status.FILED
    assert list(
        FilingStep.objects.filter(household=household).order_by("id").values_list("step", flat=True)
    ) == [
        "visit",
        "inspect",
        "calculate",
        "deliberate",
        "evaluate",
        "notice",
        "review",
    ]
