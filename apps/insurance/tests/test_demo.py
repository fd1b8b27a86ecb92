"""The demo generator writes consistent records: payouts by the formula, yearly cap held."""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Sum

from apps.insurance import demo
from apps.insurance.choices import ClaimStatus
from apps.insurance.models import Claim, Coverage, Enrollment, Plan
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory


def test_demo_generate(db):
    for _ in range(6):
        union = GrassrootsUnionFactory()
        for _ in range(8):
            MemberFactory(union=union, joined_on=dt.date(2020, 1, 1))
    counts = demo.generate(rng=random.Random(3), scale="demo", years=[2023, 2024])
    assert counts["plan"] == 6 == Plan.objects.count()
    assert counts["coverage"] == Coverage.objects.count() > 0
    assert counts["enrollment"] == Enrollment.objects.count()
    assert counts["claim"] == Claim.objects.count()
    for coverage in Coverage.objects.select_related("plan"):
        used = Claim.objects.filter(coverage=coverage, status=ClaimStatus.PAID).aggregate(s=Sum("payout"))[
            "s"
        ]
        assert (used or Decimal("0")) <= coverage.plan.cap_per_year
    for claim in Claim.objects.filter(status=ClaimStatus.PAID).select_related("coverage__plan"):
        from apps.insurance.payout import plan_payout

        expected = plan_payout(
            claim.coverage.plan,
            total=claim.total_expense,
            basic_paid=claim.basic_insurance_paid,
            used_before=claim.year_used_before,
        )
        assert claim.payout == expected.payout
    # every coverage is a member of its unit's enrollment
    pairs = set(Enrollment.objects.values_list("plan_id", "union_id"))
    assert set(Coverage.objects.values_list("plan_id", "union_id")) <= pairs
    # running it again adds nothing for the same years' plans
    assert demo.generate(rng=random.Random(4), scale="demo", years=[2023, 2024])["plan"] == 0
