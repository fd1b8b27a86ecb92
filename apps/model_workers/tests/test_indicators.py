"""mw.* indicators (INDICATORS.md): every code, region membership, both sides of each boundary."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.tests.factories import region
from apps.model_workers.choices import (
    BenefitKind,
    HonourKind,
    StudioLevel,
    WorkerLevel,
    WorkerStatus,
)
from apps.model_workers.selectors import mw_indicators
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import (
    BenefitPaymentFactory,
    HonourFactory,
    InnovationStudioFactory,
    ModelWorkerFactory,
    RecuperationFactory,
    TalkFactory,
)

pytestmark = pytest.mark.django_db

CODES = [
    "mw.model_workers",
    "mw.model_workers_national",
    "mw.craftsmen",
    "mw.medals",
    "mw.certificates",
    "mw.pioneer_teams",
    "mw.benefits_amount",
    "mw.hardship_subsidy_amount",
    "mw.recuperation",
    "mw.studios",
    "mw.studios_demonstration",
    "mw.skill_leaders",
    "mw.mentor_pairs",
    "mw.talks",
    "mw.talk_audience",
]


@pytest.fixture
def own_union(db):
    return GrassrootsUnionFactory(region=region("620102"))


@pytest.fixture
def other_union(db):
    return GrassrootsUnionFactory(region=region("620103"))


def ind(year=2024, code="620102"):
    return mw_indicators(year=year, region=region(code))


def test_empty_region_has_every_code_with_zero_values():
    result = ind()
    assert list(result) == CODES
    assert result["mw.benefits_amount"] == Decimal("0.00")
    assert str(result["mw.benefits_amount"]) == "0.00"
    assert str(result["mw.hardship_subsidy_amount"]) == "0.00"
    assert all(result[c] == 0 for c in CODES if not c.endswith("amount"))
    assert all(type(result[c]) is int for c in CODES if not c.endswith("amount"))


def test_model_workers_title_year_boundary_and_deceased_excluded(own_union):
    ModelWorkerFactory(union=own_union, title_year=2024, level=WorkerLevel.NATIONAL)  # counts in 2024
    ModelWorkerFactory(union=own_union, title_year=2025)  # not yet in 2024
    ModelWorkerFactory(union=own_union, title_year=2000, status=WorkerStatus.DECEASED)  # deceased
    ModelWorkerFactory(union=own_union, title_year=2010, level=WorkerLevel.PREFECTURE)
    assert (ind(2024)["mw.model_workers"], ind(2024)["mw.model_workers_national"]) == (2, 1)
    assert (ind(2023)["mw.model_workers"], ind(2023)["mw.model_workers_national"]) == (1, 0)
    assert ind(2025)["mw.model_workers"] == 3


def test_craftsmen_by_craftsman_year_whatever_the_status(own_union):
    ModelWorkerFactory(union=own_union, craftsman_year=2024)
    ModelWorkerFactory(union=own_union, craftsman_year=2025)
    ModelWorkerFactory(union=own_union, craftsman_year=2020, status=WorkerStatus.DECEASED)
    ModelWorkerFactory(union=own_union, craftsman_year=None)
    assert ind(2023)["mw.craftsmen"] == 1
    assert ind(2024)["mw.craftsmen"] == 2
    assert ind(2025)["mw.craftsmen"] == 3


def test_honours_of_the_year_by_kind(own_union):
    HonourFactory(union=own_union, kind=HonourKind.MEDAL, year=2024)
    HonourFactory(union=own_union, kind=HonourKind.MEDAL, year=2023)
    HonourFactory(union=own_union, kind=HonourKind.CERTIFICATE, year=2024)
    HonourFactory(union=own_union, kind=HonourKind.PIONEER, year=2024)
    HonourFactory(union=own_union, kind=HonourKind.PIONEER, year=2025)
    r = ind(2024)
    assert (r["mw.medals"], r["mw.certificates"], r["mw.pioneer_teams"]) == (1, 1, 1)
    assert ind(2023)["mw.medals"] == 1


def test_payments_dated_dec_31_and_jan_1_fall_in_their_own_year(own_union):
    worker = ModelWorkerFactory(union=own_union)
    BenefitPaymentFactory(model_worker=worker, amount=Decimal("100.01"), paid_on=dt.date(2023, 12, 31))
    BenefitPaymentFactory(model_worker=worker, amount=Decimal("200.10"), paid_on=dt.date(2024, 1, 1))
    BenefitPaymentFactory(
        model_worker=worker, kind=BenefitKind.HARDSHIP, amount=Decimal("0.05"), paid_on=dt.date(2024, 12, 31)
    )
    BenefitPaymentFactory(
        model_worker=worker,
        kind=BenefitKind.SPECIAL_HARDSHIP,
        amount=Decimal("1000.00"),
        paid_on=dt.date(2024, 6, 30),
    )
    BenefitPaymentFactory(
        model_worker=worker, kind=BenefitKind.CONDOLENCE, amount=Decimal("3.33"), paid_on=dt.date(2025, 1, 1)
    )
    r = ind(2024)
    assert r["mw.benefits_amount"] == Decimal("1200.15")
    assert str(r["mw.benefits_amount"]) == "1200.15"
    assert str(r["mw.hardship_subsidy_amount"]) == "1000.05"
    assert str(ind(2023)["mw.benefits_amount"]) == "100.01"
    assert str(ind(2025)["mw.benefits_amount"]) == "3.33"
    assert str(ind(2025)["mw.hardship_subsidy_amount"]) == "0.00"


def test_payments_of_a_deceased_worker_still_count(own_union):
    worker = ModelWorkerFactory(union=own_union, status=WorkerStatus.DECEASED)
    BenefitPaymentFactory(model_worker=worker, kind=BenefitKind.CONDOLENCE, amount=Decimal("500.00"))
    assert str(ind(2024)["mw.benefits_amount"]) == "500.00"


def test_recuperation_of_the_year(own_union):
    worker = ModelWorkerFactory(union=own_union)
    RecuperationFactory(model_worker=worker, year=2023)
    RecuperationFactory(model_worker=worker, year=2024)
    RecuperationFactory(model_worker=ModelWorkerFactory(union=own_union), year=2024)
    assert (ind(2023)["mw.recuperation"], ind(2024)["mw.recuperation"], ind(2025)["mw.recuperation"]) == (
        1,
        2,
        0,
    )


def test_studios_founded_on_year_end_count_the_day_after_does_not(own_union):
    InnovationStudioFactory(
        union=own_union,
        founded_on=dt.date(2024, 12, 31),
        level=StudioLevel.DEMONSTRATION,
        skill_leaders=7,
        mentor_pairs=9,
    )
    InnovationStudioFactory(
        union=own_union, founded_on=dt.date(2025, 1, 1), skill_leaders=100, mentor_pairs=100
    )
    InnovationStudioFactory(union=own_union, founded_on=dt.date(2019, 3, 1), skill_leaders=3, mentor_pairs=0)
    r = ind(2024)
    assert (r["mw.studios"], r["mw.studios_demonstration"], r["mw.skill_leaders"], r["mw.mentor_pairs"]) == (
        2,
        1,
        10,
        9,
    )
    r = ind(2023)
    assert (r["mw.studios"], r["mw.studios_demonstration"], r["mw.skill_leaders"], r["mw.mentor_pairs"]) == (
        1,
        0,
        3,
        0,
    )


def test_talks_by_their_own_region_and_date(own_union):
    TalkFactory(region=region("620102"), held_on=dt.date(2024, 1, 1), audience=100)
    TalkFactory(region=region("620102"), held_on=dt.date(2024, 12, 31), audience=50)
    TalkFactory(region=region("620102"), held_on=dt.date(2023, 12, 31), audience=7)
    TalkFactory(region=region("620100"), held_on=dt.date(2024, 6, 1), audience=1000)  # the prefecture itself
    assert (ind(2024)["mw.talks"], ind(2024)["mw.talk_audience"]) == (2, 150)
    assert (ind(2024, "620100")["mw.talks"], ind(2024, "620100")["mw.talk_audience"]) == (3, 1150)
    assert (ind(2023)["mw.talks"], ind(2023)["mw.talk_audience"]) == (1, 7)


def test_region_membership_through_the_union_and_rollup(own_union, other_union):
    far = GrassrootsUnionFactory(region=region("623001"))
    for union in (own_union, other_union, far):
        worker = ModelWorkerFactory(union=union, title_year=2020)
        BenefitPaymentFactory(model_worker=worker, amount=Decimal("10.10"))
        HonourFactory(union=union, kind=HonourKind.MEDAL)
        InnovationStudioFactory(union=union)
    own, pref, prov = ind(2024, "620102"), ind(2024, "620100"), ind(2024, "620000")
    assert (own["mw.model_workers"], pref["mw.model_workers"], prov["mw.model_workers"]) == (1, 2, 3)
    assert (
        str(own["mw.benefits_amount"]),
        str(pref["mw.benefits_amount"]),
        str(prov["mw.benefits_amount"]),
    ) == (
        "10.10",
        "20.20",
        "30.30",
    )
    assert (own["mw.medals"], pref["mw.medals"], prov["mw.medals"]) == (1, 2, 3)
    assert (own["mw.studios"], pref["mw.studios"], prov["mw.studios"]) == (1, 2, 3)
    assert ind(2024, "620103")["mw.model_workers"] == 1


def test_indicators_take_a_fixed_number_of_queries(own_union):
    worker = ModelWorkerFactory(union=own_union)
    for i in range(5):
        BenefitPaymentFactory(model_worker=worker, paid_on=dt.date(2024, 1, 1 + i))
        TalkFactory()
    with CaptureQueriesContext(connection) as ctx:
        ind(2024)
    assert len(ctx.captured_queries) <= 8
