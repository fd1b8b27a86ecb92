"""Services of mutual medical insurance: plans, enrollment rules and window, the claim
workflow with its computed payout, refusals that change nothing, audit."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from apps.core.choices import AuditAction
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry
from apps.core.tests.factories import make_resident_id
from apps.insurance import selectors, services
from apps.insurance.choices import ClaimStatus, Product
from apps.insurance.models import Claim, Coverage, Enrollment, Plan
from apps.unions.models import Member
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

from .factories import ClaimFactory, CoverageFactory, PlanFactory

D = Decimal
BEFORE_START = dt.date(2023, 12, 1)  # "today" while 2024 plans are still open
AFTER_START = dt.date(2024, 2, 1)


@pytest.fixture
def open_window():
    with mock.patch("apps.insurance.services.today", return_value=BEFORE_START):
        yield


def female(union):
    return MemberFactory(union=union, id_number=make_resident_id("620102", female=True), sex="F")


def male(union):
    return MemberFactory(union=union, id_number=make_resident_id("620102", female=False), sex="M")


# Plans --------------------------------------------------------------------------------------


def plan_data(**kw):
    data = {
        "code": "p2025a",
        "year": 2025,
        "product": Product.INPATIENT,
        "fee": D("50"),
        "coverage_start": dt.date(2025, 1, 1),
        "coverage_end": dt.date(2025, 12, 31),
        "deductible": D("800"),
        "ratio": D("0.6"),
        "cap_per_claim": D("5000"),
        "cap_per_year": D("10000"),
    }
    data.update(kw)
    return data


def test_province_creates_plans_county_may_not(province_user, county_user):
    plan = services.plan_create(user=province_user, **plan_data())
    assert plan.code == "P2025A"
    assert AuditEntry.objects.filter(object_id=str(plan.pk), action=AuditAction.CREATE).count() == 1
    with pytest.raises(ApplicationError, match="医疗互助计划只能由省总工会或管理员维护"):
        services.plan_create(user=county_user, **plan_data(code="P2"))
    assert Plan.objects.count() == 1


def test_plan_dates_and_year_are_checked(admin_user):
    with pytest.raises(ApplicationError) as exc:
        services.plan_create(user=admin_user, **plan_data(coverage_end=dt.date(2024, 12, 31)))
    assert "coverage_end" in exc.value.extra["fields"]
    with pytest.raises(ApplicationError) as exc:
        services.plan_create(user=admin_user, **plan_data(coverage_start=dt.date(2024, 6, 1)))
    assert "coverage_start" in exc.value.extra["fields"]
    assert Plan.objects.count() == 0


def test_payout_terms_freeze_after_a_paid_claim(admin_user, county_user):
    claim = ClaimFactory(status=ClaimStatus.APPROVED)
    services.claim_pay(claim=claim, user=county_user, paid_on=dt.date(2024, 4, 1))
    plan = claim.coverage.plan
    with pytest.raises(ApplicationError, match="已有理赔支付，保障期和赔付条件不能再修改"):
        services.plan_update(plan=plan, user=admin_user, ratio=D("0.9"))
    plan.refresh_from_db()
    assert plan.ratio == D("0.6")
    services.plan_update(plan=plan, user=admin_user, fee=D("70"))  # not a payout term
    plan.refresh_from_db()
    assert plan.fee == D("70.00")


def test_only_administrators_reopen(province_user, admin_user):
    plan = PlanFactory()
    with pytest.raises(ApplicationError, match="只有管理员可以重新开放参保变更"):
        services.plan_set_enrollment_reopened(plan=plan, reopened=True, user=province_user)
    services.plan_set_enrollment_reopened(plan=plan, reopened=True, user=admin_user)
    plan.refresh_from_db()
    assert plan.enrollment_reopened is True


# Enrollments --------------------------------------------------------------------------------


def test_enrollment_with_members_and_derived_contribution(county_user, open_window):
    plan = PlanFactory(fee=D("60"))
    union = GrassrootsUnionFactory()
    members = [MemberFactory(union=union) for _ in range(3)]
    enrollment = services.enrollment_create(plan=plan, union=union, members=members, user=county_user)
    row = selectors.enrollment_list(user=county_user).get(pk=enrollment.pk)
    assert (row.covered_count, row.contribution) == (3, D("180.00"))
    assert selectors.enrollment_contribution(enrollment) == (3, D("180.00"))

    # adding and removing members updates it
    extra = MemberFactory(union=union)
    services.enrollment_add_members(enrollment=enrollment, members=[extra], user=county_user)
    services.enrollment_remove_members(enrollment=enrollment, members=members[:2], user=county_user)
    row = selectors.enrollment_list(user=county_user).get(pk=enrollment.pk)
    assert (row.covered_count, row.contribution) == (2, D("120.00"))
    assert set(Coverage.objects.values_list("member_id", flat=True)) == {members[2].pk, extra.pk}
    notes = list(
        AuditEntry.objects.filter(object_id=str(enrollment.pk), action=AuditAction.UPDATE).values_list(
            "changes", flat=True
        )
    )
    assert {"covered_members": [None, "+1"]} in notes and {"covered_members": [None, "-2"]} in notes


def test_only_active_members_of_the_unit(county_user, open_window):
    plan = PlanFactory()
    union, other = GrassrootsUnionFactory(), GrassrootsUnionFactory()
    left = MemberFactory(union=union, left_on=dt.date(2023, 6, 1), status="left")
    stranger = MemberFactory(union=other)
    for bad in (left, stranger):
        with pytest.raises(ApplicationError) as exc:
            services.enrollment_create(plan=plan, union=union, members=[bad], user=county_user)
        assert bad.name in exc.value.message
    assert Enrollment.objects.count() == 0 and Coverage.objects.count() == 0


def test_female_plan_covers_women_only(county_user, open_window):
    plan = PlanFactory(product=Product.FEMALE)
    union = GrassrootsUnionFactory()
    woman, man = female(union), male(union)
    with pytest.raises(ApplicationError) as exc:
        services.enrollment_create(plan=plan, union=union, members=[woman, man], user=county_user)
    assert man.name in exc.value.message and woman.name not in exc.value.message
    assert Coverage.objects.count() == 0
    services.enrollment_create(plan=plan, union=union, members=[woman], user=county_user)
    assert Coverage.objects.get().member == woman


def test_a_member_is_covered_once_per_plan(county_user, open_window):
    plan = PlanFactory()
    union = GrassrootsUnionFactory()
    m = MemberFactory(union=union)
    e = services.enrollment_create(plan=plan, union=union, members=[m], user=county_user)
    with pytest.raises(ApplicationError) as exc:
        services.enrollment_add_members(enrollment=e, members=[m], user=county_user)
    assert plan.code in exc.value.message
    assert Coverage.objects.count() == 1


def test_enrollment_changes_close_at_the_plan_start_unless_reopened(county_user, admin_user):
    plan = PlanFactory()
    union = GrassrootsUnionFactory()
    m = MemberFactory(union=union)
    with mock.patch("apps.insurance.services.today", return_value=AFTER_START):
        with pytest.raises(ApplicationError) as exc:
            services.enrollment_create(plan=plan, union=union, members=[m], user=county_user)
        assert "2024-01-01" in exc.value.message
        assert Enrollment.objects.count() == 0
        services.plan_set_enrollment_reopened(plan=plan, reopened=True, user=admin_user)
        plan.refresh_from_db()
        services.enrollment_create(plan=plan, union=union, members=[m], user=county_user)
    assert Coverage.objects.count() == 1


def test_other_county_cannot_enroll(other_county_user, open_window):
    union = GrassrootsUnionFactory()
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.enrollment_create(
            plan=PlanFactory(), union=union, members=[MemberFactory(union=union)], user=other_county_user
        )
    assert Enrollment.objects.count() == 0


def test_member_with_a_claim_stays_covered(county_user, open_window):
    claim = ClaimFactory()
    enrollment = Enrollment.objects.get()
    with pytest.raises(ApplicationError, match="在该计划下已有理赔，不能退保"):
        services.enrollment_remove_members(
            enrollment=enrollment, members=[claim.coverage.member], user=county_user
        )
    with pytest.raises(ApplicationError, match="本单位参保会员已有理赔，不能撤销参保"):
        services.enrollment_delete(enrollment=enrollment, user=county_user)
    assert Coverage.objects.count() == 1 and Enrollment.objects.count() == 1


# Claims -------------------------------------------------------------------------------------


def submit(user, coverage, **kw):
    data = {
        "admitted_on": dt.date(2024, 5, 1),
        "discharged_on": dt.date(2024, 5, 11),
        "total_expense": D("40000"),
        "basic_insurance_paid": D("8000"),
    }
    data.update(kw)
    return services.claim_submit(plan=coverage.plan, member=coverage.member, user=user, **data)


def test_claim_workflow_computes_the_payout_on_payment(county_user, prefecture_user):
    # county staff submit and pay; the prefecture above reviews and approves (separate duties)
    coverage = CoverageFactory()
    claim = submit(county_user, coverage)
    assert claim.status == ClaimStatus.SUBMITTED and claim.number.startswith("LP")
    assert claim.submitted_by == county_user
    assert Claim.objects.get(pk=claim.pk).union_id == coverage.union_id  # the unit its scope is read through
    preview = services.claim_payout_preview(claim=claim)
    assert (preview.payout, preview.limited_by) == (D("8000.00"), "cap_per_claim")
    claim = services.claim_review(claim=claim, user=prefecture_user)
    claim = services.claim_approve(claim=claim, user=prefecture_user)
    assert (claim.reviewed_by, claim.approved_by) == (prefecture_user, prefecture_user)
    assert claim.payout is None
    claim = services.claim_pay(claim=claim, user=county_user, paid_on=dt.date(2024, 6, 1))
    claim.refresh_from_db()
    assert (claim.status, claim.payout, claim.year_used_before, claim.paid_on) == (
        ClaimStatus.PAID,
        D("8000.00"),
        D("0.00"),
        dt.date(2024, 6, 1),
    )
    actions = list(
        AuditEntry.objects.filter(object_id=str(claim.pk), content_type__model="claim")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE] + [AuditAction.UPDATE] * 3
    paid_entry = AuditEntry.objects.filter(object_id=str(claim.pk), content_type__model="claim").latest("id")
    assert paid_entry.changes["payout"] == [None, "8000.00"]
    assert paid_entry.changes["status"] == [ClaimStatus.APPROVED, ClaimStatus.PAID]


def test_yearly_cap_across_several_claims(county_user, prefecture_user):
    coverage = CoverageFactory()
    payouts = []
    for month in (2, 4, 6):
        claim = submit(
            county_user, coverage, admitted_on=dt.date(2024, month, 3), discharged_on=dt.date(2024, month, 12)
        )
        services.claim_review(claim=claim, user=prefecture_user)
        services.claim_approve(claim=claim, user=prefecture_user)
        payouts.append(
            services.claim_pay(claim=claim, user=county_user, paid_on=dt.date(2024, month, 20)).payout
        )
    assert payouts == [D("8000.00"), D("7000.00"), D("0.00")]


def test_paying_twice_is_impossible(county_user):
    claim = ClaimFactory(status=ClaimStatus.APPROVED)
    services.claim_pay(claim=claim, user=county_user, paid_on=dt.date(2024, 4, 1))
    with pytest.raises(ApplicationError) as exc:
        services.claim_pay(claim=claim, user=county_user, paid_on=dt.date(2024, 4, 2))
    assert exc.value.message == f"理赔 {claim.number} 已经支付，不能重复支付。"
    claim.refresh_from_db()
    assert (claim.payout, claim.paid_on) == (D("6600.00"), dt.date(2024, 4, 1))


def test_steps_out_of_order_are_refused(county_user, prefecture_user):
    claim = ClaimFactory()
    with pytest.raises(ApplicationError, match="只有已批准的理赔才能支付"):
        services.claim_pay(claim=claim, user=county_user)
    with pytest.raises(ApplicationError, match="当前状态为“已提交”，不能进行此操作"):
        services.claim_approve(claim=claim, user=prefecture_user)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and claim.payout is None


def test_reject_needs_a_reason_and_is_final(prefecture_user):
    claim = ClaimFactory()
    with pytest.raises(ApplicationError, match="拒绝理赔必须填写原因"):
        services.claim_reject(claim=claim, reason=" ", user=prefecture_user)
    services.claim_reject(claim=claim, reason="材料不全", user=prefecture_user)
    claim.refresh_from_db()
    assert (claim.status, claim.reject_reason) == (ClaimStatus.REJECTED, "材料不全")
    with pytest.raises(ApplicationError, match="当前状态为“已拒绝”，不能进行此操作"):
        services.claim_review(claim=claim, user=prefecture_user)


def test_claim_outside_coverage_is_refused(county_user):
    coverage = CoverageFactory()
    with pytest.raises(ApplicationError) as exc:
        submit(county_user, coverage, admitted_on=dt.date(2023, 12, 28), discharged_on=dt.date(2024, 1, 5))
    assert exc.value.message == (
        f"住院日期 2023-12-28 至 2024-01-05 不在 {coverage.plan.code} 的保障期（2024-01-01 至 2024-12-31）内。"
    )
    with pytest.raises(ApplicationError, match=r"住院日期 2024-12-28 至 2025-01-03 不在 PT\d+ 的保障期"):
        submit(county_user, coverage, admitted_on=dt.date(2024, 12, 28), discharged_on=dt.date(2025, 1, 3))
    assert Claim.objects.count() == 0
    # the last covered day is fine
    submit(county_user, coverage, admitted_on=dt.date(2024, 12, 20), discharged_on=dt.date(2024, 12, 31))
    assert Claim.objects.count() == 1


def test_claim_for_a_member_not_covered_is_refused(county_user):
    plan = PlanFactory()
    member = MemberFactory()
    with pytest.raises(ApplicationError) as exc:
        services.claim_submit(
            plan=plan,
            member=member,
            admitted_on=dt.date(2024, 5, 1),
            discharged_on=dt.date(2024, 5, 3),
            total_expense=D("1000"),
            basic_insurance_paid=D("0"),
            user=county_user,
        )
    assert member.name in exc.value.message and plan.code in exc.value.message
    assert Claim.objects.count() == 0


def test_basic_insurance_cannot_exceed_total(county_user):
    with pytest.raises(ApplicationError) as exc:
        submit(county_user, CoverageFactory(), total_expense=D("100"), basic_insurance_paid=D("200"))
    assert "basic_insurance_paid" in exc.value.extra["fields"]
    assert Claim.objects.count() == 0


def test_other_county_cannot_touch_claims(other_county_user):
    claim = ClaimFactory(status=ClaimStatus.APPROVED)
    with pytest.raises(ApplicationError, match="只有负责该地区的县区工会人员可以支付该理赔"):
        services.claim_pay(claim=claim, user=other_county_user)
    with pytest.raises(ApplicationError, match="当前状态为“已批准”，只有待审核或待批准的理赔才能拒绝"):
        services.claim_reject(claim=claim, reason="x", user=other_county_user)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.payout is None


def test_prefecture_may_review_but_not_pay(prefecture_user):
    claim = ClaimFactory()
    services.claim_review(claim=claim, user=prefecture_user)
    services.claim_approve(claim=claim, user=prefecture_user)
    with pytest.raises(ApplicationError, match="只有县区工会的人员可以支付该理赔"):
        services.claim_pay(claim=claim, user=prefecture_user)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_database_refuses_a_paid_claim_without_payout(db):
    from django.db import IntegrityError, transaction

    claim = ClaimFactory()
    with pytest.raises(IntegrityError, match="ins_claim_paid_payout"), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.PAID)


def test_submitted_claim_can_be_corrected_only_while_submitted(county_user, prefecture_user):
    claim = ClaimFactory()
    services.claim_update(claim=claim, total_expense=D("25000"), user=county_user)
    claim.refresh_from_db()
    assert claim.total_expense == D("25000.00")
    services.claim_review(claim=claim, user=prefecture_user)
    with pytest.raises(ApplicationError, match="只有已提交状态的理赔可以修改"):
        services.claim_update(claim=claim, total_expense=D("1"), user=county_user)
    claim.refresh_from_db()
    assert claim.total_expense == D("25000.00")


def test_member_model_is_unchanged_by_enrollment(county_user, open_window):
    union = GrassrootsUnionFactory()
    m = MemberFactory(union=union)
    services.enrollment_create(plan=PlanFactory(), union=union, members=[m], user=county_user)
    assert Member.objects.get(pk=m.pk).union_id == union.pk
