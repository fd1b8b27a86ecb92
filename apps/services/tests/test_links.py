"""Worker services linked with the other domains through the core registry, both ways:

- the registers' people (relief recipients, visited householders, workers served, borrowers)
  carry the flags other domains contribute (filed hardship household, model worker, union
  member), asked with ``registry.flags_for``;
- a hardship household's page lists the relief payments and warmth visits its head and family
  members received, answered by this domain (``apps.services.links``) as plain records, only
  those the user may see, in one query whatever their number.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone, translation

from apps.core import registry
from apps.core.tests.factories import region
from apps.hardship.models import IdClaim
from apps.hardship.tests.factories import FamilyMemberFactory, FiledHouseholdFactory
from apps.insurance.tests.factories import CoverageFactory, PlanFactory
from apps.model_workers.tests.factories import ModelWorkerFactory
from apps.services import links
from apps.services.choices import Programme, ReliefStatus
from apps.services.tests.factories import (
    EmploymentServiceFactory,
    MicroLoanFactory,
    ReliefPaymentFactory,
    VisitFactory,
)
from apps.unions.tests.factories import MemberFactory
from config import urls as project_urls

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Labels are asserted on their English msgids; pages render in Chinese otherwise."""
    with translation.override("en"):
        yield


def _page(request, pk):  # a stand-in for a register's detail page
    raise AssertionError("never requested")


class _WithPages:
    """The project's URLs, and the registers' detail pages as the services' urls.py names
    them (the project's own, when installed, come first and win)."""

    urlpatterns = [
        *project_urls.urlpatterns,
        path(
            "services-stand-in/",
            include(
                (
                    [
                        path("relief/<int:pk>/", _page, name="relief-detail"),
                        path("visits/<int:pk>/", _page, name="visit-detail"),
                    ],
                    "services",
                )
            ),
        ),
    ]


class _WithoutPages:
    """The project's URLs without any page of the worker services."""

    urlpatterns = [p for p in project_urls.urlpatterns if getattr(p, "namespace", None) != "services"]


WITH_PAGES = override_settings(ROOT_URLCONF=_WithPages)
WITHOUT_PAGES = override_settings(ROOT_URLCONF=_WithoutPages)


# Flags on the registers' people ---------------------------------------------------------------


def test_register_people_get_the_other_domains_flags_through_the_registry(county_user):
    # given relief recipients who are the head of a filed household, a family member of
    # one, a model worker; a visited householder who is a union member; a borrower covered
    # by this year's mutual insurance; and a worker served who is none of these
    household = FiledHouseholdFactory()
    relative = FamilyMemberFactory(household=household)
    IdClaim.objects.create(id_number=relative.id_number, household=household)  # as filing writes it
    worker = ModelWorkerFactory()
    member = MemberFactory()
    today = timezone.localdate()
    plan = PlanFactory(
        year=today.year,
        coverage_start=today.replace(month=1, day=1),
        coverage_end=today.replace(month=12, day=31),
    )
    insured = CoverageFactory(plan=plan).member
    head_relief = ReliefPaymentFactory(id_number=household.head_id_number)
    relative_relief = ReliefPaymentFactory(id_number=relative.id_number)
    worker_relief = ReliefPaymentFactory(id_number=worker.id_number)
    member_visit = VisitFactory(head_id_number=member.id_number)
    loan = MicroLoanFactory(id_number=insured.id_number)
    served = EmploymentServiceFactory()
    people = [
        head_relief.id_number,
        relative_relief.id_number,
        worker_relief.id_number,
        member_visit.head_id_number,
        loan.id_number,
        served.id_number,
    ]
    # when the services pages ask for the flags of the page's people
    with CaptureQueriesContext(connection) as ctx:
        flags = registry.flags_for(people, user=county_user)
    # then each carries what the owning domain answers, in one query per domain
    assert flags == {
        household.head_id_number: frozenset({registry.HARDSHIP_HOUSEHOLD}),
        relative.id_number: frozenset({registry.HARDSHIP_HOUSEHOLD}),
        worker.id_number: frozenset({registry.MODEL_WORKER}),
        member.id_number: frozenset({registry.MEMBER}),
        loan.id_number: frozenset({registry.MEMBER, registry.INSURED}),
        served.id_number: frozenset(),
    }
    assert len(ctx.captured_queries) == len(registry.contributions()) == 4
    assert [
        str(registry.FLAGS[k]) for k in (registry.MEMBER, registry.INSURED, registry.HARDSHIP_HOUSEHOLD)
    ] == [
        "union member",
        "insured",
        "in a filed hardship household",
    ]


# Records about residents: the services domain's answer ------------------------------------------


@pytest.fixture
def family():
    """A filed household of Chengguan (620102): its head and one family member."""
    household = FiledHouseholdFactory()
    relative = FamilyMemberFactory(household=household, name="王小红")
    return household, relative


@pytest.fixture
def received(family):
    """What the worker-services registers hold about the family, from several offices."""
    household, relative = family
    head, rel = household.head_id_number, relative.id_number
    return {
        "head_paid": ReliefPaymentFactory(
            number="RL-HEAD",
            id_number=head,
            name="户主甲",
            amount=Decimal("800.00"),
            paid_on=dt.date(2024, 1, 20),
        ),
        "relative_jinqiu": ReliefPaymentFactory(
            number="RL-REL",
            id_number=rel,
            name="王小红",
            jinqiu=True,
            amount=Decimal("3000.00"),
            paid_on=dt.date(2024, 9, 1),
        ),
        "head_pending": ReliefPaymentFactory(
            number="RL-PEND",
            id_number=head,
            amount=Decimal("9000.00"),
            status=ReliefStatus.PENDING,
            paid_on=None,
        ),
        "head_visit": VisitFactory(
            number="ZF-HEAD", head_id_number=head, visited_on=dt.date(2024, 2, 5), amount=Decimal("500.00")
        ),
        # by the prefecture office: seen by its staff and the province, not by the county
        "relative_by_prefecture": ReliefPaymentFactory(
            number="RL-PREF", id_number=rel, region=region("620100"), paid_on=dt.date(2023, 12, 1)
        ),
        # by another county (Qilihe): seen by its staff, not by Chengguan's
        "visit_by_other_county": VisitFactory(
            number="ZF-QLH", head_id_number=head, region=region("620103"), visited_on=dt.date(2024, 6, 1)
        ),
    }


def _numbers(records):
    return [r.number for r in records]


@WITH_PAGES
def test_records_list_the_relief_and_visits_of_the_family_newest_first_with_their_pages(
    family, received, county_user
):
    household, relative = family
    rejected = ReliefPaymentFactory(
        number="RL-REJ", id_number=household.head_id_number, status=ReliefStatus.REJECTED, paid_on=None
    )
    VisitFactory(number="ZF-ENT", enterprise=True)
    ReliefPaymentFactory(number="RL-OTHER")
    # when
    found = registry.records_for(
        registry.SERVICES_RECEIVED, [household.head_id_number, relative.id_number], user=county_user
    )
    # then: the county's own records, the pending payment first, then the newest
    assert _numbers(found) == ["RL-PEND", "RL-REL", "ZF-HEAD", "RL-HEAD"]
    pending, jinqiu, visit, paid = found
    assert (str(pending.kind), str(pending.status), pending.date, pending.amount) == (
        "relief payment",
        "awaiting approval",
        None,
        Decimal("9000.00"),
    )
    assert (jinqiu.id_number, jinqiu.name, str(jinqiu.what), jinqiu.region) == (
        relative.id_number,
        "王小红",
        Programme.JINQIU.label,
        "城关区",
    )
    assert (str(visit.kind), visit.what, visit.status, visit.date, visit.amount) == (
        "warmth visit",
        "",
        "",
        dt.date(2024, 2, 5),
        Decimal("500.00"),
    )
    assert (paid.url, visit.url) == (
        reverse("services:relief-detail", args=[received["head_paid"].pk]),
        reverse("services:visit-detail", args=[received["head_visit"].pk]),
    )
    assert rejected.number not in _numbers(found)


@WITHOUT_PAGES
def test_records_without_the_registers_pages_have_no_link(family, received, county_user):
    household, _relative = family
    found = registry.records_for(registry.SERVICES_RECEIVED, [household.head_id_number], user=county_user)
    assert _numbers(found) == ["RL-PEND", "ZF-HEAD", "RL-HEAD"]
    assert [r.url for r in found] == ["", "", ""]


def test_records_are_those_each_user_may_see(family, received, other_county_user, prefecture_user):
    household, relative = family
    ids = [household.head_id_number, relative.id_number]
    # the other county sees only its own visit to the head
    assert _numbers(registry.records_for(registry.SERVICES_RECEIVED, ids, user=other_county_user)) == [
        "ZF-QLH"
    ]
    # the prefecture sees its own and every county's of its subtree
    assert _numbers(registry.records_for(registry.SERVICES_RECEIVED, ids, user=prefecture_user)) == [
        "RL-PEND",
        "RL-REL",
        "ZF-QLH",
        "ZF-HEAD",
        "RL-HEAD",
        "RL-PREF",
    ]
    # no user, no records
    assert registry.records_for(registry.SERVICES_RECEIVED, ids, user=None) == []


def test_records_are_one_query_whatever_their_number(family, received, prefecture_user):
    household, relative = family
    ids = [household.head_id_number, relative.id_number]
    registry.records_for(registry.SERVICES_RECEIVED, ids, user=prefecture_user)  # the user's scope, cached
    with CaptureQueriesContext(connection) as ctx:
        found = links.services_received(ids, user=prefecture_user)
    assert len(found) == 6
    assert len(ctx.captured_queries) == 1
    assert "UNION" in ctx.captured_queries[0]["sql"].upper()


# The hardship household's page -----------------------------------------------------------------


def _detail(client, user, household):
    client.force_login(user)
    return client.get(reverse("hardship:household-detail", args=[household.pk]))


def _listed(resp) -> list[str]:
    html = resp.content.decode()
    section = html[html.index('data-testid="services-received"') :]
    section = section[: section.index("</section>")]
    return [chunk.split('"', 1)[0] for chunk in section.split('data-number="')[1:]]


@WITH_PAGES
def test_household_page_lists_the_aid_its_people_received_that_the_user_may_see(
    client, family, received, county_user
):
    household, _relative = family
    resp = _detail(client, county_user, household)
    assert resp.status_code == 200
    assert _numbers(resp.context["services_received"]) == ["RL-PEND", "RL-REL", "ZF-HEAD", "RL-HEAD"]
    assert _listed(resp) == ["RL-PEND", "RL-REL", "ZF-HEAD", "RL-HEAD"]  # not ZF-QLH, nor RL-PREF
    html = resp.content.decode()
    assert f'href="{reverse("services:visit-detail", args=[received["head_visit"].pk])}"' in html
    assert "3000.00" in html


@WITH_PAGES
def test_household_page_of_the_prefecture_lists_every_office_s_records(
    client, family, received, prefecture_user
):
    household, _relative = family
    resp = _detail(client, prefecture_user, household)
    assert resp.status_code == 200
    assert _listed(resp) == ["RL-PEND", "RL-REL", "ZF-QLH", "ZF-HEAD", "RL-HEAD", "RL-PREF"]


def test_household_page_without_records_says_so(client, family, county_user):
    household, _relative = family
    VisitFactory(head_id_number=household.head_id_number, region=region("620103"))  # not theirs to see
    resp = _detail(client, county_user, household)
    assert resp.status_code == 200
    assert resp.context["services_received"] == []
    assert _listed(resp) == []
    assert (
        'class="empty"'
        in resp.content.decode().split('data-testid="services-received"', 1)[1].split("</section>")[0]
    )


@WITH_PAGES
def test_household_page_asks_no_query_per_record(client, family, county_user):
    household, relative = family
    ReliefPaymentFactory(id_number=household.head_id_number)
    client.force_login(county_user)
    url = reverse("hardship:household-detail", args=[household.pk])
    client.get(url)  # warm: the user's granted permissions are cached after a first request
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).context["services_received"]) == 1
    for n in range(3):
        ReliefPaymentFactory(id_number=relative.id_number, paid_on=dt.date(2024, 3, n + 1))
        VisitFactory(head_id_number=household.head_id_number, visited_on=dt.date(2024, 4, n + 1))
    with CaptureQueriesContext(connection) as seven:
        assert len(client.get(url).context["services_received"]) == 7
    assert len(seven.captured_queries) == len(one.captured_queries)
    union = [q for q in seven.captured_queries if "services_reliefpayment" in q["sql"]]
    assert len(union) == 1 and "services_visit" in union[0]["sql"]
