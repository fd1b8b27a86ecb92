"""The demo generator writes consistent records: payouts by the formula, yearly cap held."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db.models import F, Sum
from django.utils import timezone

from apps.core.models import Attachment
from apps.core.tests.attachment_storage import isolated_storage, stored_keys
from apps.insurance import demo, services
from apps.insurance.choices import ClaimStatus, ReviewMode
from apps.insurance.models import Claim, Coverage, Enrollment, Plan
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    """The walk's invoices go to the test's own storage."""
    yield from isolated_storage(settings, tmp_path)


def test_demo_generate(db):
    for _ in range(6):
        union = GrassrootsUnionFactory()
        for _ in range(8):
            MemberFactory(union=union, joined_on=dt.date(2020, 1, 1))
    counts = demo.generate(rng=random.Random(3), scale="demo", years=[2023, 2024])
    # the years asked for and the current one
    assert counts["plan"] == 9 == Plan.objects.count()
    assert counts["coverage"] == Coverage.objects.count() > 0
    assert counts["enrollment"] == Enrollment.objects.count()
    assert counts["claim"] == Claim.objects.count()
    assert not Claim.objects.exclude(union_id=F("coverage__union_id")).exists()  # each holds its unit
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
    # the claims of plans that ended long ago are settled
    assert set(Claim.objects.filter(coverage__plan__year__lte=2024).values_list("status", flat=True)) <= {
        ClaimStatus.PAID,
        ClaimStatus.REJECTED,
    }
    # running it again adds nothing for the same years' plans
    assert demo.generate(rng=random.Random(4), scale="demo", years=[2023, 2024])["plan"] == 0


def test_demo_plans_of_this_year_are_open_with_double_review_and_last_years_closed(db):
    today = timezone.localdate()
    demo.generate(rng=random.Random(1), scale="demo", years=[today.year - 2, today.year - 1])
    current = Plan.objects.filter(year=today.year)
    assert current.count() == 3
    assert all(services.enrollment_is_open(p) for p in current)
    assert set(current.values_list("review_mode", flat=True)) == {ReviewMode.DOUBLE}
    last = Plan.objects.filter(year=today.year - 1)
    assert last.count() == 3
    assert not any(services.enrollment_is_open(p) for p in last)
    assert set(last.values_list("review_mode", flat=True)) == {ReviewMode.SINGLE}


def test_demo_claims_of_a_demo_county_go_through_the_services(db, storage):
    # given units with members in 620102, a demo county (no demo users: the steps are the system's)
    today = timezone.localdate()
    for _ in range(6):
        union = GrassrootsUnionFactory()
        for _ in range(12):
            MemberFactory(union=union, joined_on=dt.date(2020, 1, 1))
    # when
    demo.generate(rng=random.Random(5), scale="demo", years=[today.year - 2, today.year - 1])
    # then the walk's claims under the current inpatient plan (last year's early in a year)
    plan = demo._walk_plan(list(Plan.objects.all()), today)
    walk = Claim.objects.filter(number__startswith=f"LP{plan.year}620102")
    assert sorted(walk.values_list("status", flat=True)) == sorted(demo.WALK_CLAIMS)
    assert set(walk.values_list("coverage__plan", flat=True)) == {plan.pk}
    # they are the only claims of the demo county under that plan, and the services wrote them
    assert Claim.objects.filter(coverage__plan=plan).count() == len(demo.WALK_CLAIMS)
    for claim in walk.filter(status=ClaimStatus.PAID):
        assert claim.decided_at is not None and claim.paid_on <= today
    assert set(walk.filter(status=ClaimStatus.REJECTED).values_list("reject_reason", flat=True)) <= set(
        demo.REASONS
    )
    # each walk claim was submitted with its invoice (a real PDF in the storage), so that the
    # approvals passed the plan's invoice rule; the bulk claims carry no files
    assert plan.invoice_required
    invoices = Attachment.objects.filter(content_type__model="claim", kind="invoice")
    assert sorted(invoices.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in walk.values_list("pk", flat=True)
    )
    assert sorted(stored_keys()) == sorted(invoices.values_list("key", flat=True))
    with default_storage.open(invoices.first().key) as f:
        assert f.read(5) == b"%PDF-"
