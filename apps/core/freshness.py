"""Which regions' figures a write has made stale, told to whoever keeps precomputed figures.

The dashboards read summaries computed in advance (the reports app). When records change, the
summaries of their regions are out of date until someone recomputes them. Core writes the
records but must not know the reports app (STYLE.md convention 11, docs/architecture.md), so
the knowledge flows the other way, as the work queues of ``work.py`` do: the reports app
*listens*, from its ``AppConfig.ready()``, and core tells the listeners which regions changed::

    reports/apps.py ready()
        freshness.listen(services.summaries_changed, active=services.refresh_on_write)

    core/services.py   model_create / model_update / model_delete / bulk_create_audited
        freshness.on_changed([region_of_record(instance)])   the written record's region
    core/import_jobs.py   after a confirmed import wrote rows
        freshness.on_changed(region ids of the rows written)

The rules:

- cheap: while no listener is active (its ``active()`` says no, e.g. a setting is off) nothing
  is looked up or collected at all;
- once per transaction, never per row: inside a transaction the region ids are collected and
  the listeners are told once, when it commits (``transaction.on_commit``), with every id the
  transaction touched; outside one they are told at once. A rolled-back write tells nobody;
- the years: which years a record counts in depends on its dates, which are not known
  generically, so a caller that does not know says nothing and the listeners hear
  ``recent_years()`` (last year and this year);
- a listener that fails is logged and does not fail the write: the data is committed, and
  the nightly refresh recomputes every figure anyway.

The core app's own records (users, regions, the audit trail, import jobs) are not figures of
any region: writing them tells nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .scoping import region_of

logger = logging.getLogger(__name__)

Listener = Callable[[frozenset[int], tuple[int, ...]], Any]  # (region ids, years)


@dataclass(frozen=True)
class _Registration:
    callback: Listener
    active: Callable[[], bool]


_listeners: list[_Registration] = []


def _always() -> bool:
    return True


def listen(callback: Listener, *, active: Callable[[], bool] = _always) -> None:
    """Register ``callback(region_ids, years)`` (call from ``AppConfig.ready``); it is told
    only while ``active()`` is true. Registering the same callback again replaces its
    ``active`` (``ready`` may run again in a shell or a test)."""
    _listeners[:] = [r for r in _listeners if r.callback is not callback]
    _listeners.append(_Registration(callback, active))


def listening() -> bool:
    """Whether any listener would hear a change now (else callers skip the work)."""
    return any(r.active() for r in _listeners)


def recent_years() -> tuple[int, ...]:
    """The years a change is assumed to count in when the caller cannot say: last and this."""
    this_year = timezone.localdate().year
    return (this_year - 1, this_year)


def tracked(model: type[models.Model]) -> bool:
    """Whether writes of ``model`` change a region's figures: a regional record of a domain."""
    return hasattr(model, "scope_region_lookup") and model._meta.app_label != "core"


def region_of_record(instance: models.Model) -> int | None:
    """The region of a written record, or None when nobody listens or the model is not tracked.
    Follows ``scope_region_lookup`` over related objects the write has usually loaded already
    (the audit entry reads the same path)."""
    if not tracked(type(instance)) or not listening():
        return None
    return region_of(instance)


def region_before_update(instance: models.Model, data: Mapping[str, Any]) -> int | None:
    """The record's region before ``data`` is applied, when ``data`` may move it to another
    region (it sets the first step of the record's region path); else None, without a query."""
    if not tracked(type(instance)) or not listening():
        return None
    first = instance.scope_region_lookup.split("__", 1)[0]
    if first == "id" or not ({first, f"{first}_id"} & set(data)):
        return None
    return region_of_record(instance)


@dataclass(eq=False)
class _Flush:
    """The one on-commit callback of a transaction, holding what the transaction changed."""

    region_ids: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    done: bool = False

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        _tell(frozenset(self.region_ids), tuple(sorted(self.years)))


def _pending_flush(connection: Any) -> _Flush | None:
    """This transaction's flush, if one is registered and has not run (a savepoint rolled back
    takes its callbacks with it; a test's captured callbacks stay listed after they ran)."""
    for entry in reversed(connection.run_on_commit):
        callback = entry[1]
        if isinstance(callback, _Flush) and not callback.done:
            return callback
    return None


def on_changed(
    region_ids: Iterable[int | None], years: Iterable[int] | None = None, *, using: str | None = None
) -> None:
    """Records of ``region_ids`` (None entries are ignored) changed, counting in ``years``
    (default ``recent_years()``): tell the listeners once the transaction commits, or now
    outside a transaction. Every call in one transaction ends in one call of each listener."""
    if not listening():
        return
    ids = {i for i in region_ids if i is not None}
    if not ids:
        return
    wanted = set(years) if years is not None else set(recent_years())
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _tell(frozenset(ids), tuple(sorted(wanted)))
        return
    flush = _pending_flush(connection)
    if flush is None:
        flush = _Flush()
        transaction.on_commit(flush, using=using)
    flush.region_ids |= ids
    flush.years |= wanted


def records_changed(instances: Iterable[models.Model], *, using: str | None = None) -> None:
    """Written records (a batch): their regions, told once per transaction (``on_changed``)."""
    if not listening():
        return
    on_changed({region_of(obj) for obj in instances if tracked(type(obj))}, using=using)


def _tell(region_ids: frozenset[int], years: tuple[int, ...]) -> None:
    for registration in list(_listeners):
        if not registration.active():
            continue
        try:
            registration.callback(region_ids, years)
        except Exception:
            logger.exception(
                "a listener of changed regions failed (%s); the figures wait for the nightly refresh",
                getattr(registration.callback, "__qualname__", registration.callback),
            )
