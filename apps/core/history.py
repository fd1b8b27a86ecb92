"""The change history of a record as people read it: field labels instead of field names,
choice labels instead of stored codes, the related record's name instead of its id, yes/no,
and times in local time — in the UI language. The audit trail itself keeps the raw values
(what an auditor needs); this is only how a page shows them.

A batch entry (a bulk write, ``audit.record_many``) shows the record's own line of the
imported file and changes, or for a create the names of the fields it set.

``describe(entries, model)`` reads the related records of a whole page of entries with one
query per related model, never one per change.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

EMPTY = "—"


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _as_time(value: str) -> str | None:
    """An ISO timestamp (as the trail stores datetimes) in local time; None if it is not one."""
    if "T" not in value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "Y-m-d H:i")


def _plain(field: models.Field | None, value: Any, names: dict[tuple[type, str], str]) -> str:
    if value is None or value == "":
        return EMPTY
    if field is None:
        return str(value)
    if field.is_relation and field.many_to_one:
        return names.get((field.related_model, str(value)), f"#{value}")
    if field.choices:
        labels = dict(field.flatchoices)
        if isinstance(value, list):
            return "、".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        return _as_time(value) or value
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _changes_of(entry: Any) -> dict[str, Any]:
    """An entry's changes; of a batch entry, the shown record's own (``history_for``)."""
    if getattr(entry, "is_batch", False):
        return getattr(entry, "batch_changes", None) or {}
    return entry.changes or {}


def _label(model: type[models.Model], name: str) -> str:
    field = _field(model, name)
    return capfirst(str(field.verbose_name)) if field is not None else name


def _related_names(model: type[models.Model], entries: Iterable[Any]) -> dict[tuple[type, str], str]:
    wanted: dict[type, set[str]] = defaultdict(set)
    for entry in entries:
        for name, pair in _changes_of(entry).items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.many_to_one:
                wanted[field.related_model].update(str(v) for v in pair if v not in (None, ""))
    names: dict[tuple[type, str], str] = {}
    for related, ids in wanted.items():
        for obj in related._default_manager.filter(pk__in=sorted(ids)):
            names[(related, str(obj.pk))] = str(obj)
    return names


def describe(entries: Iterable[Any], model: type[models.Model]) -> list[Any]:
    """The entries, each given ``rows``: a ``ChangeRow`` per changed field, in field order."""
    entries = list(entries)
    names = _related_names(model, entries)
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
    for entry in entries:
        rows = []
        changes = _changes_of(entry)
        if getattr(entry, "is_batch", False):
            line = getattr(entry, "batch_line", None)
            if line is not None:
                entry.note = _("%(note)s (line %(line)s)") % {"note": entry.note, "line": line}
            if not changes and entry.fields:
                # a bulk create: the record holds the values; the entry says which fields
                labels = [_label(model, name) for name in entry.fields]
                rows.append(ChangeRow(_("Fields"), EMPTY, "、".join(labels)))
        for name in sorted(changes, key=lambda n: order.get(n, len(order))):
            pair = changes[name]
            before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            field = _field(model, name)
            label = _label(model, name)
            rows.append(ChangeRow(label, _plain(field, before, names), _plain(field, after, names)))
        entry.rows = rows
    return entries
