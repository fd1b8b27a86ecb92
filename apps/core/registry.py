"""What one domain knows about a resident that another domain shows: flags by resident ID.

A domain *contributes* a flag ("this resident ID is a model worker", "... is head or member
of a filed hardship household") once, from its ``AppConfig.ready()``; any other domain asks
here (``holders``, ``flags_for``) and never imports the contributing domain (STYLE.md
convention 11, docs/architecture.md). The flags are declared in ``FLAGS`` below, as the
report's indicator codes are declared in one list: a contribution or a question with an
undeclared key is a programming error, not an empty answer.

A lookup takes the normalized IDs (stripped, upper case, no blanks; at most ``CHUNK`` per
call) and the asking user, and returns those that carry the flag, in one query. The lookups
contributed today answer province-wide on purpose: the information comparison (信息比对)
spans the province, and a flag reveals only yes or no, never the other domain's record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The flags, declared once: key -> label. A domain that knows the answer contributes it.
MODEL_WORKER = "model_worker"
HARDSHIP_HOUSEHOLD = "hardship_household"
FLAGS: dict[str, str | Promise] = {
    MODEL_WORKER: _("model worker"),
    HARDSHIP_HOUSEHOLD: _("in a filed hardship household"),
}

CHUNK = 5000  # IDs per lookup call: one query each, well under SQLite's variable limit

Lookup = Callable[..., Iterable[str]]  # lookup(ids: list[str], *, user) -> the IDs with the flag


@dataclass(frozen=True)
class Contribution:
    key: str
    lookup: Lookup

    @property
    def label(self) -> str | Promise:
        return FLAGS[self.key]

    @property
    def source(self) -> str:
        return f"{self.lookup.__module__}.{getattr(self.lookup, '__qualname__', repr(self.lookup))}"


_contributions: dict[str, Contribution] = {}


def _declared(key: str) -> None:
    if key not in FLAGS:
        raise ImproperlyConfigured(
            f"Unknown resident flag {key!r}: declare it in apps.core.registry.FLAGS "
            f"(declared: {', '.join(sorted(FLAGS))})."
        )


def contribute(key: str, lookup: Lookup) -> None:
    """Register the domain's lookup for the flag ``key`` (call from ``AppConfig.ready``).

    Registering the same lookup again is a no-op (``ready`` may run again in a shell or a
    test); a second domain answering the same flag is refused: one answer per question."""
    _declared(key)
    existing = _contributions.get(key)
    if existing is not None and existing.lookup is not lookup:
        raise ImproperlyConfigured(
            f"The resident flag {key!r} is already contributed by {existing.source}; "
            f"{Contribution(key, lookup).source} cannot contribute it too."
        )
    _contributions[key] = Contribution(key, lookup)


def contributions() -> dict[str, Contribution]:
    """The contributed flags by key (a copy): which domains answer which question."""
    return dict(_contributions)


def normalize_ids(id_numbers: Iterable[str | None]) -> list[str]:
    """The IDs as stored (resident IDs are kept upper case), without blanks or repeats, sorted."""
    return sorted({(i or "").strip().upper() for i in id_numbers} - {""})


def _ask(contribution: Contribution, ids: list[str], user: Any) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        found.update(contribution.lookup(ids[start : start + CHUNK], user=user))
    return found


def holders(key: str, id_numbers: Iterable[str | None], *, user: Any = None) -> set[str]:
    """The IDs among those given (normalized) that carry the flag ``key``.

    One query by the contributing domain (per ``CHUNK`` IDs); none when no ID is given or no
    installed domain contributes the flag (then nobody carries it)."""
    _declared(key)
    ids = normalize_ids(id_numbers)
    contribution = _contributions.get(key)
    if not ids or contribution is None:
        return set()
    return _ask(contribution, ids, user)


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
