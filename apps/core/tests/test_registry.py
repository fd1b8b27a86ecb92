"""The cross-domain registry (apps.core.registry): resident flags and records about residents,
each with declared keys, one answer per key, normalized IDs, one lookup per domain asked (per
chunk of IDs), and the flags the domains contribute today answered from their real tables."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import registry
from apps.core.testing import override_flag
from apps.core.tests.factories import make_resident_id

TEST_FLAG = "test_flag"
OTHER_FLAG = "other_test_flag"
TEST_RECORDS = "test_records"


@pytest.fixture
def flags(monkeypatch):
    """Two declared test flags and a registry restored afterwards."""
    monkeypatch.setitem(registry.FLAGS, TEST_FLAG, "test flag")
    monkeypatch.setitem(registry.FLAGS, OTHER_FLAG, "other test flag")
    saved = dict(registry._contributions)
    yield
    registry._contributions.clear()
    registry._contributions.update(saved)


@pytest.fixture
def records(monkeypatch):
    """A declared test kind of records and a registry restored afterwards."""
    monkeypatch.setitem(registry.RECORDS, TEST_RECORDS, "test records")
    saved = dict(registry._record_contributions)
    yield
    registry._record_contributions.clear()
    registry._record_contributions.update(saved)


def _recording(answer: set[str]):
    calls: list[list[str]] = []

    def lookup(ids, *, user=None):
        calls.append(list(ids))
        return {i for i in ids if i in answer}

    return lookup, calls


def test_an_undeclared_flag_is_refused_both_ways():
    with pytest.raises(ImproperlyConfigured, match="Unknown resident flag 'is_astronaut'"):
        registry.contribute("is_astronaut", lambda ids, user=None: set())
    with pytest.raises(ImproperlyConfigured, match="declare it in apps.core.registry.FLAGS"):
        registry.holders("is_astronaut", ["620102199001011234"])


def test_a_second_domain_cannot_answer_the_same_flag(flags):
    first, _calls = _recording(set())
    second, _calls = _recording(set())
    registry.contribute(TEST_FLAG, first)
    registry.contribute(TEST_FLAG, first)  # ready() running again is harmless
    with pytest.raises(ImproperlyConfigured, match="'test_flag' is already contributed by .*lookup"):
        registry.contribute(TEST_FLAG, second)
    assert registry.contributions()[TEST_FLAG].lookup is first


def test_holders_normalizes_and_asks_the_contributor_once(flags):
    lookup, calls = _recording({"62010219900101123X"})
    registry.contribute(TEST_FLAG, lookup)
    found = registry.holders(TEST_FLAG, [" 62010219900101123x ", "62010219900101123X", "", None, "620102"])
    assert found == {"62010219900101123X"}
    assert calls == [["620102", "62010219900101123X"]]


def test_no_ids_or_no_contributor_asks_nobody(flags):
    lookup, calls = _recording({"620102"})
    registry.contribute(TEST_FLAG, lookup)
    assert registry.holders(TEST_FLAG, ["", None]) == set()
    assert calls == []
    # Declared but contributed by no installed domain: nobody carries it.
    assert registry.holders(OTHER_FLAG, ["620102"]) == set()


def test_many_ids_are_asked_in_chunks(flags, monkeypatch):
    monkeypatch.setattr(registry, "CHUNK", 2)
    lookup, calls = _recording({"A", "E"})
    registry.contribute(TEST_FLAG, lookup)
    assert registry.holders(TEST_FLAG, ["e", "d", "c", "b", "a"]) == {"A", "E"}
    assert calls == [["A", "B"], ["C", "D"], ["E"]]


def test_flags_for_maps_every_id_with_one_lookup_per_flag(flags):
    test_lookup, test_calls = _recording({"A", "B"})
    other_lookup, other_calls = _recording({"B", "Z"})  # Z was not asked: ignored
    registry.contribute(TEST_FLAG, test_lookup)
    registry.contribute(OTHER_FLAG, other_lookup)
    found = registry.flags_for(["a", "b", "c"], keys=[TEST_FLAG, OTHER_FLAG])
    assert found == {
        "A": frozenset({TEST_FLAG}),
        "B": frozenset({TEST_FLAG, OTHER_FLAG}),
        "C": frozenset(),
    }
    assert (len(test_calls), len(other_calls)) == (1, 1)
    assert registry.flags_for(["a"], keys=[OTHER_FLAG]) == {"A": frozenset()}


def test_override_flag_stubs_and_restores_the_domain_s_answer():
    real = registry.contributions()[registry.HARDSHIP_HOUSEHOLD]
    with override_flag(registry.HARDSHIP_HOUSEHOLD, lambda ids, user=None: set(ids)) as calls:
        assert registry.holders(registry.HARDSHIP_HOUSEHOLD, ["x"]) == {"X"}
    assert calls == [["X"]]
    assert registry.contributions()[registry.HARDSHIP_HOUSEHOLD] == real


def test_the_domains_contribute_their_flags_in_ready():
    from apps.hardship.selectors import hardship_id_numbers
    from apps.insurance.selectors import insured_id_numbers
    from apps.model_workers.selectors import model_worker_id_numbers
    from apps.unions.selectors import member_id_numbers

    contributed = {key: c.lookup for key, c in registry.contributions().items()}
    assert contributed == {
        registry.MODEL_WORKER: model_worker_id_numbers,
        registry.HARDSHIP_HOUSEHOLD: hardship_id_numbers,
        registry.MEMBER: member_id_numbers,
        registry.INSURED: insured_id_numbers,
    }
    assert set(registry.FLAGS) == set(contributed)  # every declared flag has its domain


@pytest.mark.django_db
def test_flags_for_answers_from_both_domains_with_one_query_each():
    from apps.hardship.tests.factories import FiledHouseholdFactory, HouseholdFactory
    from apps.model_workers.tests.factories import ModelWorkerFactory

    worker = ModelWorkerFactory()
    filed = FiledHouseholdFactory(head_id_number=worker.id_number)  # a model worker in hardship
    in_progress = HouseholdFactory()  # not filed: no flag
    stranger = make_resident_id("620102")
    asked = [worker.id_number, filed.head_id_number, in_progress.head_id_number, stranger]
    with CaptureQueriesContext(connection) as ctx:
        found = registry.flags_for(asked, keys=[registry.MODEL_WORKER, registry.HARDSHIP_HOUSEHOLD])
    assert found == {
        worker.id_number: frozenset({registry.MODEL_WORKER, registry.HARDSHIP_HOUSEHOLD}),
        in_progress.head_id_number: frozenset(),
        stranger: frozenset(),
    }
    assert len(ctx.captured_queries) == 2


@pytest.mark.django_db
def test_member_and_insured_flags_answered_by_unions_and_insurance_with_one_query_each():
    from apps.insurance.selectors import insured_id_numbers
    from apps.insurance.tests.factories import CoverageFactory, PlanFactory
    from apps.unions.choices import MemberStatus
    from apps.unions.tests.factories import MemberFactory

    today = dt.date(2026, 12, 1)
    this_year = PlanFactory(year=2026, coverage_start=dt.date(2026, 1, 1), coverage_end=dt.date(2026, 12, 31))
    last_year = PlanFactory(year=2025, coverage_start=dt.date(2025, 1, 1), coverage_end=dt.date(2025, 12, 31))
    insured = CoverageFactory(plan=this_year).member  # an active member covered now
    lapsed = CoverageFactory(plan=last_year).member  # covered last year only
    late = CoverageFactory(plan=this_year, covered_from=dt.date(2026, 12, 15)).member  # not yet
    left = MemberFactory(status=MemberStatus.LEFT, left_on=dt.date(2025, 6, 30))
    stranger = make_resident_id("620102")
    asked = [insured.id_number, lapsed.id_number, late.id_number, left.id_number, stranger]
    with CaptureQueriesContext(connection) as ctx:
        members = registry.holders(registry.MEMBER, asked)
    assert members == {insured.id_number, lapsed.id_number, late.id_number}
    assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        covered = insured_id_numbers(asked, today=today)
    assert covered == {insured.id_number}
    assert len(ctx.captured_queries) == 1


# Records about residents ----------------------------------------------------------------------


def _record(id_number: str, number: str, date: dt.date | None) -> registry.ResidentRecord:
    return registry.ResidentRecord(
        id_number=id_number,
        number=number,
        kind="relief",
        what="",
        date=date,
        amount=Decimal("1"),
        region="城关区",
    )


def _recording_records(by_id: dict[str, list[registry.ResidentRecord]]):
    calls: list[tuple[list[str], object]] = []

    def lookup(ids, *, user):
        calls.append((list(ids), user))
        return [r for i in ids for r in by_id.get(i, [])]

    return lookup, calls


def test_undeclared_records_are_refused_both_ways():
    with pytest.raises(ImproperlyConfigured, match="Unknown resident records 'benefits_received'"):
        registry.contribute_records("benefits_received", lambda ids, *, user: [])
    with pytest.raises(ImproperlyConfigured, match="declare it in apps.core.registry.RECORDS"):
        registry.records_for("benefits_received", ["620102199001011234"], user=None)
    # A flag is not a kind of records, nor the other way round.
    with pytest.raises(ImproperlyConfigured, match="Unknown resident records 'model_worker'"):
        registry.records_for(registry.MODEL_WORKER, ["620102199001011234"], user=None)
    with pytest.raises(ImproperlyConfigured, match="Unknown resident flag 'services_received'"):
        registry.holders(registry.SERVICES_RECEIVED, ["620102199001011234"])


def test_a_second_domain_cannot_answer_the_same_records(records):
    first, _calls = _recording_records({})
    second, _calls = _recording_records({})
    registry.contribute_records(TEST_RECORDS, first)
    registry.contribute_records(TEST_RECORDS, first)  # ready() running again is harmless
    with pytest.raises(
        ImproperlyConfigured, match="resident records 'test_records' is already contributed by .*lookup"
    ):
        registry.contribute_records(TEST_RECORDS, second)
    assert registry.record_contributions()[TEST_RECORDS].lookup is first
    assert registry.record_contributions()[TEST_RECORDS].label == "test records"
    assert TEST_RECORDS not in registry.contributions()  # records are not flags


def test_records_for_normalizes_asks_once_with_the_user_and_sorts_newest_first(records):
    old = _record("A", "R1", dt.date(2023, 5, 1))
    new = _record("A", "R2", dt.date(2024, 1, 20))
    pending = _record("B", "R3", None)  # waiting for approval: no date yet, listed first
    lookup, calls = _recording_records({"A": [old, new], "B": [pending]})
    registry.contribute_records(TEST_RECORDS, lookup)
    user = object()
    assert registry.records_for(TEST_RECORDS, [" a ", "A", "b", "", None], user=user) == [pending, new, old]
    assert calls == [(["A", "B"], user)]


def test_records_for_asks_nobody_without_ids_or_a_contributor(records):
    lookup, calls = _recording_records({"A": [_record("A", "R1", dt.date(2024, 1, 1))]})
    assert registry.records_for(TEST_RECORDS, ["a"], user=None) == []  # declared, not contributed
    registry.contribute_records(TEST_RECORDS, lookup)
    assert registry.records_for(TEST_RECORDS, ["", None], user=None) == []
    assert calls == []


def test_many_ids_are_asked_for_records_in_chunks_and_merged_newest_first(records, monkeypatch):
    monkeypatch.setattr(registry, "CHUNK", 2)
    a, e = _record("A", "R1", dt.date(2024, 1, 1)), _record("E", "R2", dt.date(2024, 6, 1))
    lookup, calls = _recording_records({"A": [a], "E": [e]})
    registry.contribute_records(TEST_RECORDS, lookup)
    assert registry.records_for(TEST_RECORDS, ["e", "d", "c", "b", "a"], user=None) == [e, a]
    assert [ids for ids, _user in calls] == [["A", "B"], ["C", "D"], ["E"]]


def test_the_services_domain_contributes_its_records_in_ready():
    from apps.services.links import services_received

    contributed = {key: c.lookup for key, c in registry.record_contributions().items()}
    assert contributed == {registry.SERVICES_RECEIVED: services_received}
    assert set(registry.RECORDS) == set(contributed)
