"""Issue 17's walk in headless Chromium against the live server: a county clerk records a
warmth visit to a household and a 金秋助学 payment through the pages; provincial staff
recompute the dashboard and see both in the worker-services section. Screenshots in /tmp."""

from __future__ import annotations

import shutil

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.choices import Role
from apps.core.tests.factories import PASSWORD, UserFactory, make_resident_id, region

from ..choices import ReliefStatus
from ..models import ReliefPayment, Visit

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def eager_tasks():
    """The recompute runs in the request (as on the embedded default), also when REDIS_URL
    points at a broker: no worker serves this test's database."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def browser(chromium):
    return chromium  # conftest.py


def _as(browser, base, username):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.goto(base + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary[type=submit]")
    page.wait_for_selector("[data-testid=user-region]")
    return page


def _figure(page, code: str) -> str:
    """This year's value of an indicator in the dashboard's worker-services table (the column
    headed by the year; the province's table has the work report's figures after it)."""
    return page.evaluate(
        """([code, year]) => {
            const table = document.querySelector("[data-testid=services-trend]");
            const column = [...table.querySelectorAll("thead th")].findIndex(th => th.textContent.trim() === year);
            return table.querySelector(`tr[data-code="${code}"]`).children[column].textContent.trim();
        }""",
        [code, str(timezone.localdate().year)],
    )


def test_a_visit_and_an_education_aid_payment_reach_the_province_dashboard(browser, live_server, eager_tasks):
    UserFactory(username="svc_cg", role=Role.COUNTY, region=region("620102"))
    UserFactory(username="svc_prov", role=Role.PROVINCE, region=region("620000"))
    today = timezone.localdate()
    base = live_server.url

    province = _as(browser, base, "svc_prov")
    dashboard = f"{base}{reverse('reports:dashboard')}?region=620000&year={today.year}"
    province.goto(dashboard)
    province.click("[data-testid=refresh] button")
    province.wait_for_selector("[data-testid=services-trend]")
    before = {c: _figure(province, c) for c in ("svc.warmth_households", "svc.jinqiu_students")}
    assert before == {"svc.warmth_households": "0", "svc.jinqiu_students": "0"}

    # the county clerk records a warmth visit to a worker's household
    county = _as(browser, base, "svc_cg")
    county.goto(base + reverse("services:visit-create"))
    head = make_resident_id("620102")
    county.fill("input[name=number]", "ZF-E2E-1")
    county.fill("input[name=region]", "620102")
    county.fill("input[name=visited_on]", today.isoformat())
    county.select_option("select[name=kind]", label="职工家庭")
    county.fill("input[name=head_id_number]", head)
    county.fill("input[name=name]", "张师傅")
    county.fill("input[name=amount]", "800")
    county.click("form button.primary[type=submit]")
    county.wait_for_selector("text=ZF-E2E-1")
    county.screenshot(path="/tmp/svc-visit.png", full_page=True)
    assert Visit.objects.get(number="ZF-E2E-1").head_id_number == head

    # ... and a 金秋助学 payment below the threshold: paid at once
    county.goto(base + reverse("services:relief-create"))
    county.fill("input[name=number]", "RL-E2E-1")
    county.fill("input[name=region]", "620102")
    county.fill("input[name=id_number]", make_resident_id("620102"))
    county.fill("input[name=name]", "王师傅")
    county.select_option("select[name=programme]", label="金秋助学")
    county.select_option("select[name=recipient_kind]", label="困难农民工")
    county.fill("input[name=amount]", "3000")
    county.fill("input[name=paid_on]", today.isoformat())
    county.fill("input[name=student_name]", "王小明")
    county.select_option("select[name=school_level]", label="本科")
    county.click("form button.primary[type=submit]")
    county.wait_for_selector("text=RL-E2E-1")
    county.screenshot(path="/tmp/svc-relief.png", full_page=True)
    assert ReliefPayment.objects.get(number="RL-E2E-1").status == ReliefStatus.PAID

    # the province recomputes its dashboard and sees both
    province.goto(dashboard)
    province.click("[data-testid=refresh] button")
    province.wait_for_selector("text=已重新计算")
    province.locator("[data-testid=services]").screenshot(path="/tmp/svc-dashboard.png")
    assert _figure(province, "svc.warmth_households") == "1"
    assert _figure(province, "svc.jinqiu_students") == "1"
    assert _figure(province, "svc.jinqiu_amount") == "3,000.00"
