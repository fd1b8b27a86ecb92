"""A claim walked through its separated duties in headless Chromium (Playwright) against the
live server, on a double-review plan: county staff submit it, a prefecture reviewer reviews it
from the review queue, another prefecture reviewer approves it, the county pays it. At each
step the page shows the status and only the buttons the user may press, and says on whom the
claim waits. Screenshots go to /tmp/claim-*.png."""

from __future__ import annotations

import os
import shutil

import pytest
from django.urls import reverse

from apps.core.choices import Role
from apps.core.tests.factories import PASSWORD, UserFactory, region

from ..choices import ClaimStatus, ReviewMode
from ..models import Claim
from .factories import CoverageFactory, PlanFactory

CHROMIUM = "/usr/bin/chromium"
SHOTS = "/tmp"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser(chromium):
    return chromium  # conftest.py


def _as(browser, base, username):
    """A page of a fresh browser context, logged in as ``username``."""
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.goto(base + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary[type=submit]")
    page.wait_for_selector("[data-testid=user-region]")
    return page


def _shot(page, name):
    page.screenshot(path=os.path.join(SHOTS, f"claim-{name}.png"), full_page=True)


def test_a_claim_walks_through_separated_duties(live_server, browser):
    # given: a double-review plan covering a member of a Chengguan (620102) unit
    plan = PlanFactory(code="P2024DBL", review_mode=ReviewMode.DOUBLE)
    coverage = CoverageFactory(plan=plan)
    UserFactory(username="county_clerk", role=Role.COUNTY, region=region("620102"))
    UserFactory(username="pref_reviewer", role=Role.PREFECTURE, region=region("620100"))
    UserFactory(username="pref_approver", role=Role.PREFECTURE, region=region("620100"))
    base = live_server.url

    # 1. county staff submit the claim
    county = _as(browser, base, "county_clerk")
    county.goto(base + reverse("insurance:claim-create"))
    county.fill("input[name=plan]", plan.code)
    county.fill("input[name=id_number]", coverage.member.id_number)
    county.fill("input[name=admitted_on]", "2024-05-01")
    county.fill("input[name=discharged_on]", "2024-05-11")
    county.fill("input[name=total_expense]", "20000.00")
    county.fill("input[name=basic_insurance_paid]", "8000.00")
    county.click("button.primary:has-text('提交理赔')")
    county.wait_for_selector("[data-testid=status]")
    claim = Claim.objects.get()
    detail = base + reverse("insurance:claim-detail", args=[claim.pk])
    assert county.inner_text("[data-testid=status]") == "已提交"
    assert county.locator("[data-testid=review]").count() == 0  # the filer does not review
    assert county.inner_text("[data-testid=waiting]").splitlines()[0] == (
        "等待他人办理 下一步：由负责城关区的市州工会、省总工会人员审核该理赔。"
    )
    assert county.inner_text("[data-testid=waiting-why]") == "只有市州工会、省总工会的人员可以审核该理赔。"
    _shot(county, "1-submitted-county")

    # 2. a prefecture reviewer reviews it from the review queue
    reviewer = _as(browser, base, "pref_reviewer")
    reviewer.goto(base + reverse("insurance:claim-queue"))
    row = reviewer.locator(f"tr[data-claim='{claim.number}']")
    assert row.locator("button:has-text('审核通过')").count() == 1
    _shot(reviewer, "2-queue-prefecture")
    row.locator("button:has-text('审核通过')").click()
    reviewer.wait_for_selector(".messages li")
    assert reviewer.inner_text(".messages li") == f"理赔 {claim.number} 已审核。"
    reviewer.goto(detail)
    assert reviewer.inner_text("[data-testid=status]") == "已审核"
    # double review: the reviewer is offered no approval, and is told who must approve
    assert reviewer.locator("[data-testid=approve]").count() == 0
    assert "双人审核：批准人须是审核人（pref_reviewer）以外的另一位同事。" in reviewer.inner_text(
        "[data-testid=waiting]"
    )
    assert reviewer.inner_text("[data-testid=waiting-why]").startswith("四眼原则：")
    _shot(reviewer, "3-reviewed-reviewer")

    # 3. another prefecture reviewer approves it
    approver = _as(browser, base, "pref_approver")
    approver.goto(base + reverse("insurance:claim-queue") + "?queue=reviewed")
    approver.locator(f"tr[data-claim='{claim.number}'] a:has-text('{claim.number}')").click()
    approver.wait_for_selector("[data-testid=approve]")
    assert approver.inner_text("[data-testid=status]") == "已审核"
    approver.click("[data-testid=approve]")
    approver.wait_for_selector(".messages li")
    assert approver.inner_text("[data-testid=status]") == "已批准"
    assert approver.locator("[data-testid=pay]").count() == 0  # paying is the county's
    assert approver.inner_text("[data-testid=waiting-why]") == "只有县区工会的人员可以支付该理赔。"
    _shot(approver, "4-approved-approver")

    # 4. the county pays it: the payout is computed
    county.goto(detail)
    assert county.inner_text("[data-testid=status]") == "已批准"
    assert county.inner_text("[data-testid=reviewed-by]") == "pref_reviewer"
    assert county.inner_text("[data-testid=approved-by]") == "pref_approver"
    county.click("[data-testid=pay]")
    county.fill("input[name=paid_on]", "2024-06-01")
    county.click("button.primary")
    county.wait_for_selector(".messages li")
    assert county.inner_text("[data-testid=status]") == "已支付"
    assert county.inner_text("[data-testid=payout]") == "6,600.00"
    assert county.locator("[data-testid=waiting]").count() == 0
    _shot(county, "5-paid-county")

    claim.refresh_from_db()
    assert (claim.status, claim.submitted_by.username, claim.reviewed_by.username) == (
        ClaimStatus.PAID,
        "county_clerk",
        "pref_reviewer",
    )
    assert (claim.approved_by.username, claim.decided_by.username) == ("pref_approver", "county_clerk")
