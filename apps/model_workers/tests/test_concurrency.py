"""Two clerks recording the same model worker, or the same recuperation year, at the same
moment: exactly one record is written and the other clerk gets a clear message, not a 500.
Real threads on real PostgreSQL connections (transaction=True)."""

import threading

import pytest
from django.db import connection

from apps.core.exceptions import ApplicationError
from apps.core.tests.factories import make_resident_id
from apps.model_workers import services
from apps.model_workers.models import ModelWorker, Recuperation
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import ModelWorkerFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
    pytest.mark.django_db(transaction=True),
]


def _race(calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcome: list[str] = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
            outcome.append("ok")
        except ApplicationError as exc:
            outcome.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcome


def test_same_resident_id_recorded_twice_at_once_writes_one(county_user):
    union = GrassrootsUnionFactory()
    rid = make_resident_id("620102")

    def create(name):
        return lambda: services.model_worker_create(
            name=name,
            id_number=rid,
            union=union,
            level="provincial",
            title="model_worker",
            title_year=2020,
            user=county_user,
        )

    outcome = _race([create("甲"), create("乙")])
    assert outcome.count("ok") == 1
    refused = next(o for o in outcome if o != "ok")
    assert union.name in refused  # the clerk is told where the person is already recorded
    assert ModelWorker.objects.filter(id_number=rid).count() == 1


def test_same_recuperation_year_recorded_twice_at_once_writes_one(county_user):
    worker = ModelWorkerFactory()

    def create(place):
        return lambda: services.recuperation_create(
            model_worker=worker, year=2024, place=place, user=county_user
        )

    outcome = _race([create("敦煌"), create("天水")])
    assert outcome.count("ok") == 1
    assert len(outcome) == 2
    assert Recuperation.objects.filter(model_worker=worker, year=2024).count() == 1
