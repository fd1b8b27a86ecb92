"""What one domain knows about a resident that another domain shows, by resident ID.

Two kinds of question, each declared here once (as the report's indicator codes are
declared in one list) and answered by exactly one domain:

- **flags** (``FLAGS``): yes or no — "this resident ID is a model worker", "... is head or
  member of a filed hardship household", "... is an active union member", "... is insured";
- **records** (``RECORDS``): the records a domain holds about residents, as plain values for
  another domain's page — "the relief payments and warmth visits of the worker-services
  registers" on a hardship household's page.

A domain *contributes* its answer once, from its ``AppConfig.ready()``; any other domain
asks here (``holders``, ``flags_for``, ``records_for``) and never imports the contributing
domain (STYLE.md convention 11, docs/architecture.md). A contribution or a question with an
undeclared key is a programming error, not an empty answer.

A lookup takes the normalized IDs (stripped, upper case, no blanks; at most ``CHUNK`` per
call) and the asking user, and answers in one query. The flag lookups answer province-wide
on purpose: the information comparison (信息比对) spans the province, and a flag reveals only
yes or no, never the other domain's record. A records lookup reveals records, so it answers
only with those the asking user may see (the contributing domain's ``restrict(user)``): no
user, no records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The flags, declared once: key -> label. A domain that knows the answer contributes it.
MODEL_WORKER = "model_worker"
HARDSHIP_HOUSEHOLD = "hardship_household"
MEMBER = "member"
INSURED = "insured"
FLAGS: dict[str, str | Promise] = {
    MODEL_WORKER: _("model worker"),
    HARDSHIP_HOUSEHOLD: _("in a filed hardship household"),
    MEMBER: _("union member"),
    INSURED: _("insured"),
}

# The records about residents, declared once: key -> label.
SERVICES_RECEIVED = "services_received"
RECORDS: dict[str, str | Promise] = {
    SERVICES_RECEIVED: _("aid from worker services"),
}

CHUNK = 5000  # IDs per lookup call: one query each, well under SQLite's variable limit

Lookup = Callable[..., Iterable[Any]]  # lookup(ids: list[str], *, user) -> IDs with the flag / records


@dataclass(frozen=True)
class ResidentRecord:
    """One record a domain holds about a resident, as plain values another domain's page
    shows: never a model instance of the other domain."""

    id_number: str  # the resident ID (normalized) the record was found by
    number: str  # the record's number in its register
    kind: str | Promise  # what sort of record: "relief payment", "warmth visit"
    what: str | Promise  # the programme or purpose ("" when there is nothing more to say)
    date: dt.date | None  # when it was paid, done...; None while it waits (a pending payment)
    amount: Decimal | None
    region: str  # the name of the record's region
    name: str = ""  # the person named on the record
    status: str | Promise = ""  # a state worth showing ("awaiting approval"), else ""
    url: str = ""  # the record's page, when there is one the user may open


def newest_first(records: Iterable[ResidentRecord]) -> list[ResidentRecord]:
    """Records without a date yet (waiting) first, then by date, the newest first."""
    return sorted(records, key=lambda r: (r.date is None, r.date or dt.date.min, r.number), reverse=True)


@dataclass(frozen=True)
class Contribution:
    key: str
    lookup: Lookup

    @property
    def label(self) -> str | Promise:
        return FLAGS[self.key] if self.key in FLAGS else RECORDS[self.key]

    @property
    def source(self) -> str:
        return f"{self.lookup.__module__}.{getattr(self.lookup, '__qualname__', repr(self.lookup))}"


@dataclass(frozen=True)
class _Kind:
    """One kind of question: its declared keys and the domains' contributions to it."""

    noun: str
    declared_in: str
    declared: dict[str, str | Promise]
    contributed: dict[str, Contribution]


_contributions: dict[str, Contribution] = {}
_record_contributions: dict[str, Contribution] = {}
_FLAG_KIND = _Kind("resident flag", "FLAGS", FLAGS, _contributions)
_RECORDS_KIND = _Kind("resident records", "RECORDS", RECORDS, _record_contributions)


def _declared(kind: _Kind, key: str) -> None:
    if key not in kind.declared:
        raise ImproperlyConfigured(
            f"Unknown {kind.noun} {key!r}: declare it in apps.core.registry.{kind.declared_in} "
            f"(declared: {', '.join(sorted(kind.declared))})."
        )


def _contribute(kind: _Kind, key: str, lookup: Lookup) -> None:
    _declared(kind, key)
    existing = kind.contributed.get(key)
    if existing is not None and existing.lookup is not lookup:
        raise ImproperlyConfigured(
            f"The {kind.noun} {key!r} is already contributed by {existing.source}; "
            f"{Contribution(key, lookup).source} cannot contribute it too."
        )
    kind.contributed[key] = Contribution(key, lookup)


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def contribute(key: str, lookup: Lookup) -> None:
    """Register the domain's lookup for the flag ``key`` (call from ``AppConfig.ready``).

    Registering the same lookup again is a no-op (``ready`` may run again in a shell or a
    test); a second domain answering the same flag is refused: one answer per question."""
    _contribute(_FLAG_KIND, key, lookup)


def contributions() -> dict[str, Contribution]:
    """The contributed flags by key (a copy): which domains answer which question."""
    return dict(_contributions)


def normalize_ids(id_numbers: Iterable[str | None]) -> list[str]:
    """The IDs as stored (resident IDs are kept upper case), without blanks or repeats, sorted."""
    return sorted({(i or "").strip().upper() for i in id_numbers} - {""})


def holders(key: str, id_numbers: Iterable[str | None], *, user: Any = None) -> set[str]:
    """The IDs among those given (normalized) that carry the flag ``key``.

    One query by the contributing domain (per ``CHUNK`` IDs); none when no ID is given or no
    installed domain contributes the flag (then nobody carries it)."""
    _declared(_FLAG_KIND, key)
    ids = normalize_ids(id_numbers)
    contribution = _contributions.get(key)
    if not ids or contribution is None:
        return set()
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(contribution.lookup(chunk, user=user))
    return found


def flags_for(
    id_numbers: Iterable[str | None], *, user: Any = None, keys: Iterable[str] | None = None
) -> dict[str, frozenset[str]]:
    """Every given ID (normalized) with the flags it carries, among ``keys`` (default: all
    contributed): ``{"6201...": frozenset({"model_worker"}), "6202...": frozenset()}``.

    One query per contributing domain asked, whatever the number of IDs up to ``CHUNK``."""
    ids = normalize_ids(id_numbers)
    wanted = list(_contributions) if keys is None else list(keys)
    found: dict[str, set[str]] = {i: set() for i in ids}
    for key in wanted:
        for id_number in holders(key, ids, user=user) & found.keys():
            found[id_number].add(key)
    return {i: frozenset(flags) for i, flags in found.items()}


# Records about residents ------------------------------------------------------------------


def contribute_records(key: str, lookup: Lookup) -> None:
    """Register the domain's lookup for the records ``key`` (call from ``AppConfig.ready``):
    ``lookup(ids, *, user)`` returns the ``ResidentRecord`` of those IDs that ``user`` may
    see, in one query. Same rules as ``contribute``: declared keys, one domain per key."""
    _contribute(_RECORDS_KIND, key, lookup)


def record_contributions() -> dict[str, Contribution]:
    """The contributed records by key (a copy)."""
    return dict(_record_contributions)


def records_for(key: str, id_numbers: Iterable[str | None], *, user: Any) -> list[ResidentRecord]:
    """The records ``key`` about the given IDs (normalized) that ``user`` may see, newest
    first (``newest_first``). One query by the contributing domain per ``CHUNK`` IDs; none
    when no ID is given or no installed domain contributes the records (then there are none)."""
    _declared(_RECORDS_KIND, key)
    ids = normalize_ids(id_numbers)
    contribution = _record_contributions.get(key)
    if not ids or contribution is None:
        return []
    found: list[ResidentRecord] = []
    for chunk in _chunks(ids):
        found.extend(contribution.lookup(chunk, user=user))
    return newest_first(found)
