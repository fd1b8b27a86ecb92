import datetime as dt
from decimal import Decimal

import pytest

from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from ..choices import AidKind, Category, Status
from ..selectors import hs_indicators
from .factories import DisbursementFactory, FiledHouseholdFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

ZERO = {
    "hs.households": 0,
    "hs.households_deep": 0,
    "hs.households_filed": 0,
    "hs.households_exited": 0,
    "hs.households_aided": 0,
    "hs.aid_amount": Decimal("0.00"),
    "hs.students_aided": 0,
    "hs.warmth_households": 0,
}


def _hh(code="620102", **kw):
    status = Status.EXITED if kw.get("exited_on") else Status.FILED
    return FiledHouseholdFactory(union=GrassrootsUnionFactory(region=region(code)), status=status, **kw)


def test_empty_region_gives_zeros_of_every_code(db):
    assert hs_indicators(year=2024, region=region("620000")) == ZERO


def test_household_counts_on_both_sides_of_the_year_boundaries(db):
    _hh(filed_on=dt.date(2024, 12, 31), category=Category.DEEP)  # filed on the last day: counted
    _hh(filed_on=dt.date(2025, 1, 1), category=Category.DEEP)  # after year end: not
    _hh(filed_on=dt.date(2023, 12, 31))  # filed the year before
    _hh(filed_on=dt.date(2022, 1, 1), exited_on=dt.date(2024, 12, 31))  # exited on year end: not active
    _hh(filed_on=dt.date(2022, 1, 1), exited_on=dt.date(2025, 1, 1), category=Category.DEEP)  # still active
    _hh(filed_on=dt.date(2022, 1, 1), exited_on=dt.date(2024, 1, 1))  # exited on the first day
    _hh(filed_on=dt.date(2022, 1, 1), exited_on=dt.date(2023, 12, 31))  # exited the year before
    HouseholdFactory(status=Status.NOTICE)  # still in the filing: never counted
    got = hs_indicators(year=2024, region=region("620102"))
    assert (got["hs.households"], got["hs.households_deep"]) == (3, 2)
    assert got["hs.households_filed"] == 1
    assert got["hs.households_exited"] == 2


def test_aid_on_both_sides_of_the_year_and_distinct_households(db):
    a = _hh(filed_on=dt.date(2020, 1, 1))
    b = _hh(filed_on=dt.date(2020, 1, 1))
    DisbursementFactory(household=a, paid_on=dt.date(2024, 1, 1), amount=Decimal("100.10"))
    DisbursementFactory(
        household=a, paid_on=dt.date(2024, 12, 31), amount=Decimal("200.20"), kind=AidKind.WARMTH
    )
    DisbursementFactory(household=a, paid_on=dt.date(2024, 6, 1), amount=Decimal("1.00"), kind=AidKind.WARMTH)
    DisbursementFactory(
        household=b, paid_on=dt.date(2023, 12, 31), amount=Decimal("999.00"), kind=AidKind.WARMTH
    )
    DisbursementFactory(household=b, paid_on=dt.date(2025, 1, 1), amount=Decimal("999.00"))
    DisbursementFactory(
        household=b,
        paid_on=dt.date(2024, 9, 1),
        amount=Decimal("1500.00"),
        kind=AidKind.EDUCATION,
        student_name="甲",
    )
    DisbursementFactory(
        household=b,
        paid_on=dt.date(2024, 9, 2),
        amount=Decimal("1500.00"),
        kind=AidKind.EDUCATION,
        student_name="乙",
    )
    got = hs_indicators(year=2024, region=region("620102"))
    assert got["hs.households_aided"] == 2
    assert got["hs.aid_amount"] == Decimal("3301.30")
    assert got["hs.students_aided"] == 2
    assert got["hs.warmth_households"] == 1


def test_region_membership_follows_the_union(db):
    _hh("620102", filed_on=dt.date(2024, 3, 1))
    _hh("620103", filed_on=dt.date(2024, 3, 1))
    far = _hh("623001", filed_on=dt.date(2024, 3, 1))
    DisbursementFactory(household=far, paid_on=dt.date(2024, 5, 1), amount=Decimal("10.00"))
    assert hs_indicators(year=2024, region=region("620102"))["hs.households_filed"] == 1
    assert hs_indicators(year=2024, region=region("620100"))["hs.households_filed"] == 2
    province = hs_indicators(year=2024, region=region("620000"))
    assert (province["hs.households_filed"], province["hs.aid_amount"]) == (3, Decimal("10.00"))
    assert hs_indicators(year=2024, region=region("620100"))["hs.aid_amount"] == Decimal("0.00")


def test_indicators_take_a_fixed_number_of_queries(db, django_assert_num_queries):
    _hh(filed_on=dt.date(2024, 3, 1))
    lanzhou = region("620100")
    with django_assert_num_queries(2):
        assert hs_indicators(year=2024, region=lanzhou)["hs.households_filed"] == 1
