"""Two reviewers filing two households that share a resident ID at the same moment: at most
one is filed. Real threads on real PostgreSQL connections (transaction=True)."""

import threading

import pytest
from django.db import connection

from apps.core.exceptions import ApplicationError
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .. import services
from ..choices import Status, Step
from ..models import Household, IdClaim
from .factories import FamilyMemberFactory, HouseholdFactory, standard
from .helpers import end_notice, walk

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
    pytest.mark.django_db(transaction=True),
]


def _two_households_sharing_an_id(county_user, other_county_user):
    standard("620000")
    a = HouseholdFactory(union=GrassrootsUnionFactory(region=region("620102")), created_by=county_user)
    b = HouseholdFactory(union=GrassrootsUnionFactory(region=region("620103")), created_by=other_county_user)
    FamilyMemberFactory(household=b, id_number=a.head_id_number)
    a = end_notice(walk(a, county_user))
    b = end_notice(walk(b, other_county_user))
    return a, b


def _race(pks, reviewers):
    barrier = threading.Barrier(len(pks))
    outcome: dict[int, str] = {}

    def review(pk, user):
        try:
            household = Household.objects.get(pk=pk)
            barrier.wait(timeout=30)
            services.household_advance(household=household, user=user, step=Step.REVIEW, note="并发审核")
            outcome[pk] = "filed"
        except ApplicationError as exc:
            outcome[pk] = exc.message
        finally:
            connection.close()

    threads = [
        threading.Thread(target=review, args=(pk, user)) for pk, user in zip(pks, reviewers, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcome


def test_concurrent_filings_sharing_an_id_file_at_most_one(
    county_user, other_county_user, prefecture_user, province_user
):
    a, b = _two_households_sharing_an_id(county_user, other_county_user)
    outcome = _race([a.pk, b.pk], [prefecture_user, province_user])
    statuses = list(Household.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True))
    assert statuses.count(Status.FILED) <= 1
    assert sorted(outcome) == sorted([a.pk, b.pk])
    # each saw the other still in progress: the comparison refused both
    assert list(outcome.values()).count("filed") == statuses.count(Status.FILED)


def test_the_database_refuses_the_second_filing_even_past_the_comparison(
    county_user, other_county_user, prefecture_user, province_user, monkeypatch
):
    """With the comparison query blind (the check-then-act window), the advisory locks and the
    unique comparison key still let exactly one filing through."""
    a, b = _two_households_sharing_an_id(county_user, other_county_user)
    monkeypatch.setattr(services, "household_conflicts", lambda household: [])
    outcome = _race([a.pk, b.pk], [prefecture_user, province_user])
    statuses = dict(Household.objects.filter(pk__in=[a.pk, b.pk]).values_list("pk", "status"))
    assert sorted(statuses.values()) == [Status.FILED, Status.NOTICE]
    winner = next(pk for pk, s in statuses.items() if s == Status.FILED)
    loser = next(pk for pk, s in statuses.items() if s == Status.NOTICE)
    assert outcome[winner] == "filed"
    assert outcome[loser] == "信息比对：本家庭的身份证号刚刚在另一个家庭中建档，本次未建档。"
    assert IdClaim.objects.get(id_number=a.head_id_number).household_id == winner
    assert not IdClaim.objects.filter(household_id=loser).exists()
