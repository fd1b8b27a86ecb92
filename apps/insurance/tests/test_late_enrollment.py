"""Late enrollment (issue 12): a member enrolled after the plan's coverage started, through an
administrator's reopening, is covered from the enrollment date plus the plan's waiting period;
a claim admitted before that is refused, on claim entry (service, API, page) and in the claims
import alike, naming the day the coverage starts. Imported historical enrollments keep
covering the whole plan period (IMPORT.md is unchanged)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from apps.core.exceptions import ApplicationError
from apps.core.importing import run_import
from apps.insurance import services
from apps.insurance.models import Claim, Coverage, Enrollment
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

from .factories import PlanFactory

pytestmark = pytest.mark.django_db
D = Decimal
LATE_DAY = dt.date(2024, 3, 1)  # "today" when the late enrollment happens; the plan started 2024-01-01
STARTS = "2024-03-31"  # LATE_DAY + 30 days of waiting
REFUSAL = (
    "{name} 是在 {plan} 保障开始后补充参保的：保障自 2024-03-31 起生效（参保日期加等待期），"
    "入院日期 {adm} 早于该日期，不能理赔。"
)


@pytest.fixture
def plan(admin_user):
    plan = PlanFactory(code="P2024LATE", waiting_days=30)
    services.plan_set_enrollment_reopened(plan=plan, reopened=True, user=admin_user)
    plan.refresh_from_db()
    return plan


def enroll(plan, user, on):
    union = GrassrootsUnionFactory(code=f"GU{on:%m%d}")
    member = MemberFactory(union=union)
    with mock.patch("apps.insurance.services.today", return_value=on):
        services.enrollment_create(plan=plan, union=union, members=[member], user=user)
    return Coverage.objects.select_related("plan", "member", "union").get(plan=plan, member=member)


def claim(coverage, user, admitted, discharged):
    return services.claim_submit(
        plan=coverage.plan,
        member=coverage.member,
        admitted_on=admitted,
        discharged_on=discharged,
        total_expense=D("20000"),
        basic_insurance_paid=D("8000"),
        user=user,
    )


def test_a_late_enrollment_covers_from_its_date_plus_the_waiting_period(plan, county_user):
    coverage = enroll(plan, county_user, LATE_DAY)
    assert (coverage.covered_from, coverage.starts_on) == (dt.date(2024, 3, 31), dt.date(2024, 3, 31))
    with pytest.raises(ApplicationError) as exc:
        claim(coverage, county_user, dt.date(2024, 3, 30), dt.date(2024, 4, 5))
    assert exc.value.message == REFUSAL.format(name=coverage.member.name, plan=plan.code, adm="2024-03-30")
    assert exc.value.extra["fields"] == {"admitted_on": [exc.value.message]}
    assert Claim.objects.count() == 0
    # from the first covered day on, it is a claim like any other
    claim(coverage, county_user, dt.date(2024, 3, 31), dt.date(2024, 4, 5))
    assert Claim.objects.count() == 1


def test_a_correction_cannot_move_the_stay_before_the_coverage(plan, county_user):
    coverage = enroll(plan, county_user, LATE_DAY)
    c = claim(coverage, county_user, dt.date(2024, 4, 1), dt.date(2024, 4, 5))
    with pytest.raises(ApplicationError, match=f"保障自 {STARTS} 起生效"):
        services.claim_update(claim=c, admitted_on=dt.date(2024, 3, 2), user=county_user)
    c.refresh_from_db()
    assert c.admitted_on == dt.date(2024, 4, 1)


def test_an_enrollment_before_the_start_covers_the_whole_period(plan, county_user):
    coverage = enroll(plan, county_user, dt.date(2023, 12, 1))
    assert (coverage.covered_from, coverage.starts_on) == (None, dt.date(2024, 1, 1))
    claim(coverage, county_user, dt.date(2024, 1, 2), dt.date(2024, 1, 5))
    assert Claim.objects.count() == 1


def test_no_waiting_period_covers_from_the_enrollment_date(admin_user, county_user):
    plan = PlanFactory(code="P2024NOW")
    services.plan_set_enrollment_reopened(plan=plan, reopened=True, user=admin_user)
    plan.refresh_from_db()
    coverage = enroll(plan, county_user, LATE_DAY)
    assert coverage.covered_from == LATE_DAY
    with pytest.raises(ApplicationError, match="保障自 2024-03-01 起生效"):
        claim(coverage, county_user, dt.date(2024, 2, 28), dt.date(2024, 3, 2))
    claim(coverage, county_user, LATE_DAY, dt.date(2024, 3, 2))


def test_imported_historical_enrollments_cover_the_whole_period(tmp_path, plan, province_user, county_user):
    union = GrassrootsUnionFactory(code="GHIST")
    member = MemberFactory(union=union)
    path = tmp_path / "enrollments.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows(
            [["计划编码", "身份证号", "工会编码"], [plan.code, member.id_number, "GHIST"]]
        )
    with mock.patch("apps.insurance.services.today", return_value=LATE_DAY):
        result = run_import("enrollments", path, user=province_user)
    assert (result.created, result.invalid) == (1, 0)
    coverage = Coverage.objects.get(member=member)
    assert coverage.covered_from is None
    claim(coverage, county_user, dt.date(2024, 1, 10), dt.date(2024, 1, 20))
    assert Claim.objects.count() == 1


def test_the_claims_import_applies_the_same_rule(tmp_path, plan, county_user, admin_user):
    coverage = enroll(plan, county_user, LATE_DAY)
    path = tmp_path / "claims.csv"
    headers = ["理赔编号", "计划编码", "身份证号", "入院日期", "出院日期", "医疗总费用", "基本医保已报销", "状态", "支付日期", "拒绝原因"]  # fmt: skip
    row = [
        "LPLATE1",
        plan.code,
        coverage.member.id_number,
        "2024-03-10",
        "2024-03-20",
        "9000",
        "0",
        "已提交",
        "",
        "",
    ]
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows([headers, row])
    result = run_import("claims", path, user=admin_user)
    # the rule of claim entry (rules.clean_claim_cover), in its words
    assert not result.written and [str(e) for e in result.errors] == [
        "第 2 行【入院日期】：" + REFUSAL.format(name=coverage.member.name, plan=plan.code, adm="2024-03-10")
    ]
    assert Claim.objects.count() == 0


def test_claim_entry_through_the_api_and_the_page(plan, county_user, api_client, client):
    coverage = enroll(plan, county_user, LATE_DAY)
    resp = api_client(county_user).post(
        reverse("api:insurance-claim-list"),
        {
            "plan": plan.code,
            "member": coverage.member.pk,
            "admitted_on": "2024-03-15",
            "discharged_on": "2024-03-20",
            "total_expense": "1000.00",
            "basic_insurance_paid": "0.00",
        },
        format="json",
    )
    expected = REFUSAL.format(name=coverage.member.name, plan=plan.code, adm="2024-03-15")
    assert (resp.status_code, resp.json()["message"]) == (400, expected)
    covered = api_client(county_user).get(reverse("api:insurance-coverage-detail", args=[coverage.pk]))
    assert covered.json()["covered_from"] == STARTS
    client.force_login(county_user)
    resp = client.post(
        reverse("insurance:claim-create"),
        {
            "plan": plan.code,
            "id_number": coverage.member.id_number,
            "admitted_on": "2024-03-15",
            "discharged_on": "2024-03-20",
            "total_expense": "1000.00",
            "basic_insurance_paid": "0.00",
        },
    )
    assert resp.status_code == 200 and expected in resp.content.decode()
    assert Claim.objects.count() == 0


def test_the_enrollment_page_says_when_new_members_are_covered(plan, county_user, client):
    coverage = enroll(plan, county_user, LATE_DAY)
    client.force_login(county_user)
    enrollment = Enrollment.objects.get(plan=plan, union=coverage.union)
    with mock.patch("apps.insurance.services.today", return_value=dt.date(2024, 5, 1)):
        body = client.get(reverse("insurance:enrollment-detail", args=[enrollment.pk])).content.decode()
    assert "现在补充的会员自 2024-05-31 起享受保障（今天加 30 天等待期）" in body
    assert f'<td>{STARTS} <span class="badge warn">补充参保</span></td>' in body


def test_a_members_second_claim_pays_after_large_earlier_payouts():
    """paid_before sums payouts; on SQLite the sum came back as 21409.9600000000 and the next
    payment failed validation (more than 14 digits)."""
    from apps.insurance.services import paid_before
    from apps.insurance.tests.factories import ClaimFactory, CoverageFactory

    coverage = CoverageFactory()
    for payout in ("10704.98", "10704.98"):
        ClaimFactory(coverage=coverage, status="paid", payout=Decimal(payout), paid_on=dt.date(2024, 6, 1))
    used = paid_before(coverage)
    assert used == Decimal("21409.96")
    assert used.as_tuple().exponent == -2
