"""Import/export of plans, enrollments and claims through the shared pipeline: good files,
bad rows (nothing written, row/column/value named), re-import unchanged, computed payouts
in settlement order, masked exports."""

import csv
import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.utils.translation import gettext as _

from apps.core.importing import run_export, run_import
from apps.core.tests.factories import make_resident_id
from apps.insurance.choices import ClaimStatus, Product
from apps.insurance.models import Claim, Coverage, Enrollment, Plan
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

from .factories import ClaimFactory, CoverageFactory, PlanFactory

PLAN_HEADERS = [
    "计划编码",
    "年度",
    "险种",
    "每人缴费",
    "保障开始日期",
    "保障结束日期",
    "起付线",
    "报销比例",
    "单次限额",
    "年度限额",
]
ENR_HEADERS = ["计划编码", "身份证号", "工会编码"]
CLAIM_HEADERS = [
    "理赔编号", "计划编码", "身份证号", "入院日期", "出院日期", "医疗总费用", "基本医保已报销", "状态", "支付日期", "拒绝原因",
]  # fmt: skip


def write(path, headers, rows):
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def read(path):
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


# Plans --------------------------------------------------------------------------------------


def test_plans_import_and_reimport(tmp_path, province_user):
    f = write(
        tmp_path / "plans.csv",
        PLAN_HEADERS,
        [
            ["P202401", "2024", "住院", "60", "2024-01-01", "2024-12-31", "1000", "0.65", "8000", "15000"],
            [
                "P202403",
                "2024",
                "女职工特殊疾病",
                "30",
                "2024/1/1",
                "2024/12/31",
                "0",
                "0.5",
                "20000",
                "10000",
            ],
        ],
    )
    result = run_import("plans", f, user=province_user)
    assert (result.created, result.invalid) == (2, 0)
    plan = Plan.objects.get(code="P202401")
    assert (plan.product, plan.fee, plan.ratio, plan.cap_per_year) == (
        Product.INPATIENT,
        Decimal("60.00"),
        Decimal("0.6500"),
        Decimal("15000.00"),
    )
    again = run_import("plans", f, user=province_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_plans_bad_rows_write_nothing(tmp_path, admin_user):
    f = write(
        tmp_path / "plans.csv",
        PLAN_HEADERS,
        [
            ["P1", "2024", "住院", "60", "2024-01-01", "2024-12-31", "1000", "0.6", "8000", "15000"],
            ["P2", "2024", "门诊", "60", "2024-01-01", "2024-12-31", "1000", "1.2", "8000", "15000"],
        ],
    )
    result = run_import("plans", f, user=admin_user)
    assert not result.written and Plan.objects.count() == 0
    messages = [str(e) for e in result.errors]
    assert any("第 3 行【险种】" in m and "门诊" in m for m in messages)
    assert any("第 3 行【报销比例】" in m and "1.2" in m for m in messages)


def test_county_staff_cannot_import_plans(tmp_path, county_user):
    f = write(
        tmp_path / "plans.csv",
        PLAN_HEADERS,
        [["P1", "2024", "住院", "60", "2024-01-01", "2024-12-31", "1000", "0.6", "8000", "15000"]],
    )
    result = run_import("plans", f, user=county_user)
    assert not result.written and Plan.objects.count() == 0 and result.invalid == 1


# Enrollments --------------------------------------------------------------------------------


def test_enrollments_import_creates_coverages_and_unit_enrollments(tmp_path, admin_user):
    plan = PlanFactory(code="P202401")
    u1, u2 = GrassrootsUnionFactory(code="GH1"), GrassrootsUnionFactory(code="GH2")
    a, b, c = MemberFactory(union=u1), MemberFactory(union=u1), MemberFactory(union=u2)
    f = write(
        tmp_path / "enr.csv",
        ENR_HEADERS,
        [["P202401", a.id_number, "GH1"], ["P202401", b.id_number, "GH1"], ["P202401", c.id_number, "GH2"]],
    )
    result = run_import("enrollments", f, user=admin_user)
    assert (result.created, result.invalid) == (3, 0)
    assert set(Enrollment.objects.values_list("plan__code", "union__code")) == {
        ("P202401", "GH1"),
        ("P202401", "GH2"),
    }
    assert Coverage.objects.filter(plan=plan, union=u1).count() == 2
    again = run_import("enrollments", f, user=admin_user)
    assert (again.created, again.unchanged) == (0, 3)
    assert Enrollment.objects.count() == 2


def test_enrollment_bad_rows_are_named_and_nothing_written(tmp_path, admin_user):
    PlanFactory(code="PF", product=Product.FEMALE)
    union = GrassrootsUnionFactory(code="GH1")
    man = MemberFactory(union=union, id_number=make_resident_id("620102", female=False))
    woman = MemberFactory(union=union, id_number=make_resident_id("620102", female=True), sex="F")
    stranger = MemberFactory()
    f = write(
        tmp_path / "enr.csv",
        ENR_HEADERS,
        [["PF", woman.id_number, "GH1"], ["PF", man.id_number, "GH1"], ["PF", stranger.id_number, "GH1"]],
    )
    result = run_import("enrollments", f, user=admin_user)
    assert not result.written and Coverage.objects.count() == 0 and Enrollment.objects.count() == 0
    messages = [str(e) for e in result.errors]
    assert any(m.startswith("第 3 行【身份证号】") and "女" in m for m in messages)
    assert any(m.startswith("第 4 行【身份证号】") for m in messages)


def test_historical_enrollments_only_by_province_and_admin(tmp_path, county_user, province_user):
    PlanFactory(code="P2024")
    union = GrassrootsUnionFactory(code="GH1")
    m = MemberFactory(union=union)
    f = write(tmp_path / "enr.csv", ENR_HEADERS, [["P2024", m.id_number, "GH1"]])
    with mock.patch("apps.insurance.services.today", return_value=dt.date(2024, 3, 1)):
        refused = run_import("enrollments", f, user=county_user)
        assert not refused.written and "开始保障" in str(refused.errors[0])
        assert Coverage.objects.count() == 0
        accepted = run_import("enrollments", f, user=province_user)
    assert accepted.created == 1 and Coverage.objects.count() == 1


# Claims -------------------------------------------------------------------------------------


@pytest.fixture
def covered(db):
    """One covered member under a plan with deductible 1000, ratio 0.6, caps 8000 / 15000."""
    return CoverageFactory(plan=PlanFactory(code="P2024"))


def claim_row(no, cov, adm, dis, total, basic, status="已支付", paid="", reason=""):
    return [no, cov.plan.code, cov.member.id_number, adm, dis, total, basic, status, paid, reason]


def test_paid_claims_get_payouts_in_settlement_order(tmp_path, admin_user, covered):
    # given: rows in file order that is not the settlement order
    f = write(
        tmp_path / "claims.csv",
        CLAIM_HEADERS,
        [
            claim_row("LP3", covered, "2024-06-01", "2024-06-10", "40000", "8000", paid="2024-07-01"),
            claim_row("LP1", covered, "2024-02-01", "2024-02-10", "40000", "8000", paid="2024-03-01"),
            claim_row("LP2", covered, "2024-04-01", "2024-02-10", "40000", "8000", "已提交"),
            claim_row("LP0", covered, "2024-01-20", "2024-02-10", "40000", "8000", paid="2024-03-01"),
            claim_row("LP4", covered, "2024-08-01", "2024-08-03", "3000", "500", "已拒绝", reason="材料不全"),
        ],
    )
    # (LP2 is bad: discharged before admitted)
    result = run_import("claims", f, user=admin_user)
    assert not result.written and [str(e) for e in result.errors] == [
        "第 4 行【出院日期】：出院日期不能早于入院日期。"
    ]
    rows = read(f)
    rows[3][3] = "2024-02-01"
    write(f, rows[0], rows[1:])
    result = run_import("claims", f, user=admin_user)
    assert (result.created, result.invalid) == (5, 0)
    got = dict(Claim.objects.values_list("number", "payout"))
    # LP0 and LP1 discharged the same day: claim number decides; LP2 is not paid
    assert got == {
        "LP0": Decimal("8000.00"),
        "LP1": Decimal("7000.00"),
        "LP2": None,
        "LP3": Decimal("0.00"),
        "LP4": None,
    }
    assert Claim.objects.get(number="LP1").year_used_before == Decimal("8000.00")
    assert Claim.objects.get(number="LP4").reject_reason == "材料不全"
    # each claim holds its coverage's unit (its scope is read through it)
    assert set(Claim.objects.values_list("union_id", flat=True)) == {covered.union_id}
    again = run_import("claims", f, user=admin_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_imported_claims_count_existing_paid_claims(tmp_path, admin_user, covered):
    ClaimFactory(
        coverage=covered, status=ClaimStatus.PAID, payout=Decimal("12000.00"), year_used_before=Decimal("0"),
        paid_on=dt.date(2024, 2, 1),
    )  # fmt: skip
    f = write(
        tmp_path / "claims.csv",
        CLAIM_HEADERS,
        [claim_row("LP9", covered, "2024-05-01", "2024-05-03", "40000", "8000", paid="2024-06-01")],
    )
    run_import("claims", f, user=admin_user)
    assert Claim.objects.get(number="LP9").payout == Decimal("3000.00")


def test_claim_outside_coverage_or_not_enrolled_is_refused(tmp_path, admin_user, covered):
    stranger = MemberFactory()
    f = write(
        tmp_path / "claims.csv",
        CLAIM_HEADERS,
        [
            claim_row("OK1", covered, "2024-05-01", "2024-05-03", "1000", "0", "已提交"),
            claim_row("BAD1", covered, "2019-01-01", "2019-01-05", "1000", "100", "已提交"),
            ["BAD2", "P2024", stranger.id_number, "2024-05-01", "2024-05-03", "1000", "0", "已提交", "", ""],
            claim_row("BAD3", covered, "2024-05-01", "2024-05-03", "1000", "0", "已支付"),
        ],
    )
    result = run_import("claims", f, user=admin_user)
    assert not result.written and Claim.objects.count() == 0
    messages = [str(e) for e in result.errors]
    assert (
        messages[0].startswith("第 3 行【入院日期】")
        and "2019-01-01" in messages[0]
        and "保障期" in messages[0]
    )
    assert messages[1].startswith("第 4 行【身份证号】") and "未参加计划" in messages[1]
    assert messages[2] == "第 5 行【支付日期】：" + _("A paid claim needs its payment date.")


def test_a_paid_claim_cannot_be_changed_by_import(tmp_path, admin_user, covered):
    f = write(
        tmp_path / "claims.csv",
        CLAIM_HEADERS,
        [claim_row("LP1", covered, "2024-02-01", "2024-02-10", "40000", "8000", paid="2024-03-01")],
    )
    run_import("claims", f, user=admin_user)
    write(
        f,
        CLAIM_HEADERS,
        [claim_row("LP1", covered, "2024-02-01", "2024-02-10", "90000", "8000", paid="2024-03-01")],
    )
    result = run_import("claims", f, user=admin_user)
    assert not result.written and "已支付" in str(result.errors[0])
    assert Claim.objects.get().total_expense == Decimal("40000.00")


def test_other_county_cannot_import_claims(tmp_path, other_county_user, covered):
    f = write(
        tmp_path / "claims.csv",
        CLAIM_HEADERS,
        [claim_row("LP1", covered, "2024-02-01", "2024-02-10", "4000", "800", "已提交")],
    )
    result = run_import("claims", f, user=other_county_user)
    assert not result.written and Claim.objects.count() == 0


# Export ------------------------------------------------------------------------------------


def test_exports_mask_ids_and_round_trip(tmp_path, county_user, admin_user, covered):
    ClaimFactory(coverage=covered, number="LPX")
    target = tmp_path / "claims.csv"
    assert run_export("claims", target, user=county_user) == 1
    rows = read(target)
    assert rows[0] == CLAIM_HEADERS
    rid = covered.member.id_number
    assert rows[1][2] == rid[:6] + "********" + rid[-4:]
    assert rows[1][7] == "已提交"
    enr = tmp_path / "enr.csv"
    run_export("enrollments", enr, user=county_user)
    assert read(enr)[1][1] == rid[:6] + "********" + rid[-4:]
    # the administrator's export re-imports unchanged
    plans = tmp_path / "plans.csv"
    run_export("plans", plans, user=admin_user)
    assert read(plans)[1][7] == "0.6"
    assert run_import("plans", plans, user=admin_user).unchanged == 1
    run_export("claims", target, user=admin_user)
    assert run_import("claims", target, user=admin_user).unchanged == 1
