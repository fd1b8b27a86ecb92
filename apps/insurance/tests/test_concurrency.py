"""Concurrent payments on PostgreSQL: a claim is paid once, and two claims of one member
paid at the same moment never push the member over the yearly cap."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from apps.core.exceptions import ApplicationError
from apps.core.tests.factories import UserFactory, region
from apps.insurance import services
from apps.insurance.choices import ClaimStatus
from apps.insurance.models import Claim

from .factories import ClaimFactory, CoverageFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
    pytest.mark.django_db(transaction=True),
]


def run_together(*calls):
    """Start every call at the same moment in its own thread and connection; collect outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def runner(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = call()
        except ApplicationError as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_the_same_claim_paid_twice_at_once_is_paid_once():
    user = UserFactory(username="pay_cg", region=region("620102"))
    claim = ClaimFactory(status=ClaimStatus.APPROVED)  # payout 6600
    outcomes = run_together(
        lambda: services.claim_pay(claim=claim, user=user, paid_on=dt.date(2024, 4, 1)),
        lambda: services.claim_pay(claim=claim, user=user, paid_on=dt.date(2024, 4, 2)),
    )
    errors = [o for o in outcomes if isinstance(o, ApplicationError)]
    paid = [o for o in outcomes if isinstance(o, Claim)]
    assert len(errors) == 1 and len(paid) == 1
    assert claim.number in errors[0].message
    claim.refresh_from_db()
    assert (claim.status, claim.payout) == (ClaimStatus.PAID, Decimal("6600.00"))
    assert claim.paid_on == paid[0].paid_on


def test_two_claims_of_one_member_at_once_stay_within_the_yearly_cap():
    user = UserFactory(username="pay_cg2", region=region("620102"))
    coverage = CoverageFactory()  # caps 8000 per claim, 15000 per year
    claims = [
        ClaimFactory(
            coverage=coverage,
            status=ClaimStatus.APPROVED,
            admitted_on=dt.date(2024, m, 1),
            discharged_on=dt.date(2024, m, 10),
            total_expense=Decimal("40000"),
            basic_insurance_paid=Decimal("8000"),
        )
        for m in (3, 5)
    ]
    outcomes = run_together(
        *[lambda c=c: services.claim_pay(claim=c, user=user, paid_on=dt.date(2024, 6, 1)) for c in claims]
    )
    assert all(isinstance(o, Claim) for o in outcomes)
    payouts = sorted(Claim.objects.filter(coverage=coverage).values_list("payout", flat=True))
    # one got the full cap per claim, the other what was left of the yearly cap
    assert payouts == [Decimal("7000.00"), Decimal("8000.00")]
    second = Claim.objects.get(coverage=coverage, payout=Decimal("7000.00"))
    assert second.year_used_before == Decimal("8000.00")
