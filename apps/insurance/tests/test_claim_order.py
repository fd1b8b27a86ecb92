"""The claims' default order, newest discharge first, on the pages and in the API: ties are
broken by id in the same direction, so that the index on (discharged_on, id) (migration 0005)
serves the order as it is; on PostgreSQL the planner reads the first page through it instead
of sorting the table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from apps.insurance import selectors
from apps.insurance.choices import ClaimStatus
from apps.insurance.models import Claim

from .factories import ClaimFactory, CoverageFactory


@pytest.fixture
def claims(db, county_user):
    coverage = CoverageFactory()
    same_day = [ClaimFactory(coverage=coverage, discharged_on=dt.date(2024, 5, 1)) for _ in range(3)]
    older = ClaimFactory(coverage=coverage, discharged_on=dt.date(2024, 4, 1))
    return same_day, older


def test_page_and_api_list_newest_discharge_first_ties_by_newest_id(claims, county_user, client):
    same_day, older = claims
    expected = [c.number for c in sorted(same_day, key=lambda c: -c.pk)] + [older.number]
    client.force_login(county_user)
    page = client.get(reverse("insurance:claim-list"))
    assert [c.number for c in page.context["object_list"]] == expected
    api = client.get(reverse("api:insurance-claim-list")).json()
    assert [row["number"] for row in api["results"]] == expected
    ascending = client.get(reverse("insurance:claim-list"), {"o": "discharged_on"})
    assert [c.number for c in ascending.context["object_list"]] == expected[::-1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes and planner")
def test_postgresql_reads_the_first_page_through_the_order_index(claims, province_user):
    coverage = claims[1].coverage
    Claim.objects.bulk_create(
        Claim(
            number=f"LPB{i:06d}",
            coverage=coverage,
            union_id=coverage.union_id,
            admitted_on=dt.date(2023, 1, 1) + dt.timedelta(days=i % 700),
            discharged_on=dt.date(2023, 1, 2) + dt.timedelta(days=i % 700),
            total_expense=Decimal("1000.00"),
            basic_insurance_paid=Decimal("100.00"),
            status=ClaimStatus.APPROVED if i % 2 else ClaimStatus.REJECTED,
            reject_reason="" if i % 2 else "材料不全",
        )
        for i in range(20_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE insurance_claim")
    first_page = selectors.claim_list(user=province_user).order_by("-discharged_on", "-pk")[:50]
    assert "insurance_claim_discharged" in first_page.explain()
    # a review queue: one status, oldest discharge first
    queue = selectors.claim_review_queue(user=province_user, status=ClaimStatus.APPROVED)[:50]
    assert "insurance_claim_queue" in queue.explain()
