"""The cross-domain registry of resident flags (apps.core.registry): declared keys, one answer
per flag, normalized IDs, one lookup per domain asked, and the two flags the domains
contribute today answered from their real tables."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import registry
from apps.core.testing import override_flag
from apps.core.tests.factories import make_resident_id

TEST_FLAG = "test_flag"
OTHER_FLAG = "other_test_flag"


@pytest.fixture
def flags(monkeypatch):
    """Two declared test flags and a registry restored afterwards."""
    monkeypatch.setitem(registry.FLAGS, TEST_FLAG, "test flag")
    monkeypatch.setitem(registry.FLAGS, OTHER_FLAG, "other test flag")
    saved = dict(registry._contributions)
    yield
    registry._contributions.clear()
    registry._contributions.update(saved)


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
    from apps.model_workers.selectors import model_worker_id_numbers

    contributed = {key: c.lookup for key, c in registry.contributions().items()}
    assert contributed == {
        registry.MODEL_WORKER: model_worker_id_numbers,
        registry.HARDSHIP_HOUSEHOLD: hardship_id_numbers,
    }


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
        found = registry.flags_for(asked)
    assert found == {
        worker.id_number: frozenset({registry.MODEL_WORKER, registry.HARDSHIP_HOUSEHOLD}),
        in_progress.head_id_number: frozenset(),
        stranger: frozenset(),
    }
    assert len(ctx.captured_queries) == 2
