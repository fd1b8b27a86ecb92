"""One rule, one place (STYLE.md 13): a plan or a claim is refused by ``apps.insurance.rules``
whichever door it comes through — the services or the import — for the same reason, with the
same message."""

import csv
import datetime as dt
from decimal import Decimal

import pytest

from apps.core.exceptions import ApplicationError
from apps.core.importing import run_import

from .. import services
from ..choices import Product
from ..models import Claim, Plan
from .factories import CoverageFactory, PlanFactory

pytestmark = pytest.mark.django_db

CLAIM_HEADERS = ["理赔编号", "计划编码", "身份证号", "入院日期", "出院日期", "医疗总费用", "基本医保已报销", "状态", "支付日期", "拒绝原因"]  # fmt: skip
PLAN_HEADERS = ["计划编码", "年度", "险种", "每人缴费", "保障开始日期", "保障结束日期", "起付线", "报销比例", "单次限额", "年度限额"]  # fmt: skip


def _import(tmp_path, template: str, headers: list[str], row: list, user) -> list[tuple[str, str]]:
    path = tmp_path / f"{template}.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows([headers, row])
    return [(e.column, e.message) for e in run_import(template, path, user=user).errors]


@pytest.mark.parametrize(
    ("admitted", "discharged", "total", "basic", "column"),
    [
        (dt.date(2024, 5, 1), dt.date(2024, 5, 3), "1000.00", "1200.00", "基本医保已报销"),
        (dt.date(2023, 12, 28), dt.date(2024, 1, 5), "1000.00", "0.00", "入院日期"),
        (dt.date(2024, 5, 3), dt.date(2024, 5, 1), "1000.00", "0.00", "出院日期"),
    ],
)
def test_a_claim_is_refused_by_both_doors_for_the_same_reason(
    tmp_path, admin_user, admitted, discharged, total, basic, column
):
    # given: a member covered by a plan of 2024
    coverage = CoverageFactory(plan=PlanFactory(code="P2024"))
    # when: the same claim is submitted through the service and imported
    with pytest.raises(ApplicationError) as refused:
        services.claim_submit(
            plan=coverage.plan,
            member=coverage.member,
            admitted_on=admitted,
            discharged_on=discharged,
            total_expense=Decimal(total),
            basic_insurance_paid=Decimal(basic),
            user=None,
        )
    row = ["LP1", "P2024", coverage.member.id_number, admitted, discharged, total, basic, "已提交", "", ""]
    errors = _import(tmp_path, "claims", CLAIM_HEADERS, row, admin_user)
    # then: both refuse it with the rule's message, under the field it is about
    assert errors == [(column, refused.value.message)]
    assert Claim.objects.count() == 0


def test_a_plan_starting_in_another_year_is_refused_by_both_doors(tmp_path, admin_user):
    with pytest.raises(ApplicationError) as refused:
        services.plan_create(
            code="P2025",
            year=2025,
            product=Product.INPATIENT,
            fee=Decimal("60"),
            coverage_start=dt.date(2024, 12, 1),
            coverage_end=dt.date(2025, 11, 30),
            deductible=Decimal("1000"),
            ratio=Decimal("0.6"),
            cap_per_claim=Decimal("8000"),
            cap_per_year=Decimal("15000"),
            user=admin_user,
        )
    row = ["P2025", "2025", "住院", "60", "2024-12-01", "2025-11-30", "1000", "0.6", "8000", "15000"]
    errors = _import(tmp_path, "plans", PLAN_HEADERS, row, admin_user)
    assert errors == [("保障开始日期", refused.value.message)]
    assert not Plan.objects.filter(code="P2025").exists()
