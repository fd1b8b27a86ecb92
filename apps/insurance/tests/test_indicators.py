"""ins.* indicators: exact values, both sides of every date boundary, regions and distinct counts."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.core.tests.factories import region
from apps.insurance.choices import ClaimStatus
from apps.insurance.selectors import ins_indicators
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

from .factories import ClaimFactory, CoverageFactory, PlanFactory

pytestmark = pytest.mark.django_db

EMPTY = {
    "ins.units": 0,
    "ins.covered_workers": 0,
    "ins.contributions": Decimal("0.00"),
    "ins.claims_paid": 0,
    "ins.payout_amount": Decimal("0.00"),
}


def paid(coverage, paid_on, payout):
    return ClaimFactory(
        coverage=coverage,
        status=ClaimStatus.PAID,
        payout=Decimal(payout),
        year_used_before=Decimal("0"),
        paid_on=paid_on,
        admitted_on=dt.date(coverage.plan.year, 3, 1),
        discharged_on=dt.date(coverage.plan.year, 3, 5),
    )


def test_empty_region_gives_zeros():
    assert ins_indicators(year=2024, region=region("620000")) == EMPTY


def test_indicators_exact_with_boundaries_and_regions():
    p2024 = PlanFactory(year=2024, fee=Decimal("60"))
    p2024b = PlanFactory(year=2024, fee=Decimal("30.50"))
    p2025 = PlanFactory(
        year=2025, fee=Decimal("80"), coverage_start=dt.date(2025, 1, 1), coverage_end=dt.date(2025, 12, 31)
    )
    cg = GrassrootsUnionFactory(region=region("620102"))
    cg2 = GrassrootsUnionFactory(region=region("620102"))
    qlh = GrassrootsUnionFactory(region=region("620103"))
    gn = GrassrootsUnionFactory(region=region("623001"))
    a, b = MemberFactory(union=cg), MemberFactory(union=cg)
    c = MemberFactory(union=cg2)
    d = MemberFactory(union=qlh)
    e = MemberFactory(union=gn)
    ca = CoverageFactory(plan=p2024, union=cg, member=a)
    CoverageFactory(plan=p2024b, union=cg, member=a)  # same person in two plans: counted once
    CoverageFactory(plan=p2024, union=cg, member=b)
    CoverageFactory(plan=p2024, union=cg2, member=c)
    cd = CoverageFactory(plan=p2024, union=qlh, member=d)
    CoverageFactory(plan=p2024, union=gn, member=e)
    c25 = CoverageFactory(plan=p2025, union=cg, member=b)  # another year

    paid(ca, dt.date(2024, 1, 1), "100.10")  # first day of Y: in
    paid(ca, dt.date(2024, 12, 31), "200.20")  # last day of Y: in
    paid(cd, dt.date(2024, 12, 31), "50.00")
    # a 2024 plan's claim paid the next year counts in 2025 (paid date decides)
    paid(cd, dt.date(2025, 1, 1), "1.01")
    paid(c25, dt.date(2025, 6, 1), "9.99")
    ClaimFactory(coverage=ca, status=ClaimStatus.APPROVED)  # not paid: never counted
    ClaimFactory(coverage=ca, status=ClaimStatus.REJECTED, reject_reason="x")

    assert ins_indicators(year=2024, region=region("620000")) == {
        "ins.units": 4,
        "ins.covered_workers": 5,
        "ins.contributions": Decimal("330.50"),  # 5 × 60 + 30.50
        "ins.claims_paid": 3,
        "ins.payout_amount": Decimal("350.30"),
    }
    assert ins_indicators(year=2024, region=region("620100")) == {
        "ins.units": 3,
        "ins.covered_workers": 4,
        "ins.contributions": Decimal("270.50"),
        "ins.claims_paid": 3,
        "ins.payout_amount": Decimal("350.30"),
    }
    assert ins_indicators(year=2024, region=region("620102")) == {
        "ins.units": 2,
        "ins.covered_workers": 3,
        "ins.contributions": Decimal("210.50"),
        "ins.claims_paid": 2,
        "ins.payout_amount": Decimal("300.30"),
    }
    assert ins_indicators(year=2025, region=region("620102")) == {
        "ins.units": 1,
        "ins.covered_workers": 1,
        "ins.contributions": Decimal("80.00"),
        "ins.claims_paid": 1,
        "ins.payout_amount": Decimal("9.99"),
    }
    assert ins_indicators(year=2025, region=region("620103"))["ins.claims_paid"] == 1
    assert ins_indicators(year=2023, region=region("620000")) == EMPTY
