"""One rule, one place (STYLE.md 13): a household's figures and an aid payment are judged by
``apps.hardship.rules`` whichever door they come through — the services (the seven-step
filing, a payment entered in the browser or the API) or the import of historical records —
with the same figures and the same refusals."""

import csv
import datetime as dt
from decimal import Decimal

import pytest

from apps.core.exceptions import ApplicationError
from apps.core.importing import choice_label, run_export, run_import
from apps.core.tests.factories import make_resident_id, region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .. import services
from ..choices import AidKind, Category, Relation, Step
from ..models import Disbursement, Household
from .factories import FiledHouseholdFactory, standard
from .helpers import end_notice, walk

pytestmark = pytest.mark.django_db

DISBURSEMENT_HEADERS = ["发放编号", "户主身份证号", "帮扶类型", "金额", "发放日期", "资金来源", "学生姓名"]


def _filed_through_the_seven_steps(county_user, prefecture_user, *, rigid_expenses: str) -> Household:
    standard("620000", amount="800.00")
    household = services.household_create(
        user=county_user,
        union=GrassrootsUnionFactory(region=region("620102")),
        head_name="张明",
        head_id_number=make_resident_id("620102"),
        category=Category.RELATIVE,
        causes=["illness"],
        head_income="1200.00",
        rigid_expenses=rigid_expenses,
    )
    for name, relation, income in (("李丽", Relation.SPOUSE, "800.00"), ("张小", Relation.CHILD, "0")):
        services.member_add(
            household=household,
            user=county_user,
            name=name,
            id_number=make_resident_id("620102"),
            relation=relation,
            monthly_income=income,
        )
    household = end_notice(walk(household, county_user, until=Step.NOTICE))
    return services.household_advance(household=household, user=prefecture_user, step=Step.REVIEW)


def _figures(household: Household) -> tuple:
    household.refresh_from_db()
    return (household.family_size, household.family_income, household.per_capita_income)


def test_the_same_household_through_both_doors_gets_the_same_income_per_capita(
    tmp_path, county_user, prefecture_user, province_user, admin_user
):
    # given: a household filed through the seven steps, its figures from the members' incomes
    # less its rigid expenses: (1200 + 800 + 0 − 300) ÷ 3
    filed = _filed_through_the_seven_steps(county_user, prefecture_user, rigid_expenses="300.00")
    assert _figures(filed) == (3, Decimal("2000.00"), Decimal("566.67"))
    # when: its record comes back through the import (the template carries 家庭月收入 and
    # 家庭人口, not the expenses)
    path = tmp_path / "households.csv"
    assert run_export("households", path, user=admin_user) == 1
    result = run_import("households", path, user=province_user)
    # then: the import computes the income per capita as the calculation step did, so the
    # record is unchanged (dividing the family income by the size gave 666.67)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 0, 1)
    assert _figures(filed) == (3, Decimal("2000.00"), Decimal("566.67"))


def test_a_new_household_through_both_doors_gets_the_same_figures(
    tmp_path, county_user, prefecture_user, province_user
):
    # given: a household filed through the seven steps, without rigid expenses
    filed = _filed_through_the_seven_steps(county_user, prefecture_user, rigid_expenses="0")
    # when: a household with the same family income and size is imported as a historical record
    head = make_resident_id("620102")
    path = tmp_path / "households.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["户主姓名", "户主身份证号", "工会编码", "困难类别", "致困原因", "家庭人口", "家庭月收入", "建档日期"])  # fmt: skip
        writer.writerow(["王强", head, filed.union.code, "相对困难", "因病", "3", "2000.00", "2023-03-01"])
    assert run_import("households", path, user=province_user).created == 1
    # then: both have the same figures
    imported = Household.objects.get(head_id_number=head)
    assert _figures(imported) == _figures(filed) == (3, Decimal("2000.00"), Decimal("666.67"))


@pytest.mark.parametrize(
    ("kind", "amount", "paid_on", "student", "column"),
    [
        (AidKind.LIVING, "100.00", dt.date(2024, 6, 1), "", "发放日期"),  # on the exit date
        (AidKind.LIVING, "100.00", dt.date(2023, 4, 30), "", "发放日期"),  # before the filing
        (AidKind.LIVING, "0", dt.date(2024, 2, 1), "", "金额"),
        (AidKind.EDUCATION, "100.00", dt.date(2024, 2, 1), "", "学生姓名"),
        (AidKind.WARMTH, "100.00", dt.date(2024, 2, 1), "王小", "学生姓名"),
    ],
)
def test_a_payment_is_refused_by_both_doors_for_the_same_reason(
    tmp_path, admin_user, kind, amount, paid_on, student, column
):
    # given: a household filed on 2023-05-01 that exited on 2024-06-01
    household = FiledHouseholdFactory()
    services.household_exit(household=household, user=None, exited_on=dt.date(2024, 6, 1), reason="再就业")
    household.refresh_from_db()
    # when: the same payment is entered through the service and through the import
    with pytest.raises(ApplicationError) as refused:
        services.disbursement_create(
            household=household, user=None, kind=kind, amount=amount, paid_on=paid_on, student_name=student
        )
    path = tmp_path / "disbursements.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(DISBURSEMENT_HEADERS)
        label = choice_label(AidKind, kind)  # import files carry the Chinese labels
        writer.writerow(["BF1", household.head_id_number, label, amount, paid_on.isoformat(), "", student])
    result = run_import("disbursements", path, user=admin_user)
    # then: both refuse it, with the same message, and nothing is written
    assert [(e.column, e.message) for e in result.errors] == [(column, refused.value.message)]
    assert Disbursement.objects.count() == 0


def test_a_payment_before_the_exit_is_accepted_by_both_doors(tmp_path, admin_user):
    # given: a household filed on 2023-05-01 that exited on 2024-06-01
    household = FiledHouseholdFactory()
    services.household_exit(household=household, user=None, exited_on=dt.date(2024, 6, 1), reason="再就业")
    household.refresh_from_db()
    # when: a payment made before the exit is recorded through each door
    services.disbursement_create(
        household=household, user=None, kind=AidKind.LIVING, amount="100.00", paid_on=dt.date(2024, 5, 31)
    )
    path = tmp_path / "disbursements.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(DISBURSEMENT_HEADERS)
        writer.writerow(["BF2", household.head_id_number, "生活救助", "100.00", "2024-05-31", "", ""])
    result = run_import("disbursements", path, user=admin_user)
    # then: both write it
    assert (result.ok, result.created) == (True, 1)
    assert Disbursement.objects.filter(household=household).count() == 2


def test_an_exit_on_the_filing_date_is_refused_by_both_doors_for_the_same_reason(tmp_path, province_user):
    # given: a household filed on 2023-05-01
    household = FiledHouseholdFactory()
    # when: it exits on its filing date through the service, and a record saying so is imported
    with pytest.raises(ApplicationError) as refused:
        services.household_exit(
            household=household, user=None, exited_on=dt.date(2023, 5, 1), reason="再就业"
        )
    path = tmp_path / "households.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["户主姓名", "户主身份证号", "工会编码", "困难类别", "致困原因", "家庭人口", "家庭月收入", "建档日期", "脱困日期", "脱困原因"])  # fmt: skip
        writer.writerow(
            [
                "王强",
                make_resident_id("620102"),
                household.union.code,
                "相对困难",
                "因病",
                "1",
                "900",
                "2023-05-01",
                "2023-05-01",
                "再就业",
            ]  # fmt: skip
        )
    result = run_import("households", path, user=province_user)
    # then: both refuse it with the rule's message
    assert refused.value.message == "The exit date must be after the filing date."
    assert [(e.column, e.message) for e in result.errors] == [("脱困日期", refused.value.message)]
