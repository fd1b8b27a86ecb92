"""Personal data: one declaration, one rule, one record.

A model declares its personal fields (``personal_fields = {"id_number": RESIDENT_ID}``);
serializers, pages, the admin and exports all show them through ``reveal`` (or the helpers
built on it), which masks them for users without the personal-data right and notes every
value shown in full. What was noted during a request is written to the audit trail when the
request ends (``collecting``, run by the audit middleware): one entry for a single record,
one entry per model for a list, each saying who saw which fields of how many records, so
that administrators can see every unmasked view or export.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from .validators import mask_resident_id

RESIDENT_ID = "resident_id"
AMOUNT = "amount"
MASKED = "***"  # how a page shows a masked amount

# The ids of a list view kept in its audit entry; the count is always exact.
MAX_IDS = 500


def personal_fields(model: type[models.Model] | models.Model) -> dict[str, str]:
    """The model's declared personal fields: {field name: RESIDENT_ID or AMOUNT}."""
    return dict(getattr(model, "personal_fields", {}))


# model -> rules (user, record) -> bool: who else sees one record's personal data in full
# (e.g. the reviewer above who must check a household's incomes). Registered by the domain.
_grants: dict[type[models.Model], list[Callable[[Any, models.Model], bool]]] = {}


def grant(model: type[models.Model], rule: Callable[[Any, models.Model], bool]) -> None:
    """Let users see ``model`` records' personal data in full where ``rule(user, record)``
    holds, without the general right (and, like any full view, on record)."""
    _grants.setdefault(model, []).append(rule)


def may_view(user: Any, record: models.Model | None = None) -> bool:
    """Whether the user sees personal data in full: the personal-data right, or a grant of
    the record's domain for this record."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.can_view_personal_data:
        return True
    rules = _grants.get(type(record), ()) if record is not None else ()
    if not rules:
        return False
    # A grant may query (a reviewer's reach, the last editor): evaluated once per record and
    # request, not once per personal field shown.
    cache = _granted.get()
    key = (getattr(user, "pk", None), type(record), record.pk)
    if cache is not None and key in cache:
        return cache[key]
    allowed = any(rule(user, record) for rule in rules)
    if cache is not None:
        cache[key] = allowed
    return allowed


def mask(kind: str, value: Any) -> Any:
    """The masked form: a resident ID keeps its region and last four characters; an amount
    is hidden (None)."""
    if value in (None, ""):
        return value
    if kind == RESIDENT_ID:
        return mask_resident_id(str(value))
    return None


def _resolve(record: models.Model, path: str) -> tuple[models.Model | None, str]:
    """The record that owns the field at ``path`` ("member__id_number") and the field name."""
    *hops, name = path.split("__")
    owner: Any = record
    for hop in hops:
        owner = getattr(owner, hop, None)
        if owner is None:
            return None, name
    return owner, name


def _kind(owner: models.Model, name: str) -> str:
    kind = personal_fields(owner).get(name)
    if kind is None:
        raise ValueError(f"{type(owner).__name__}.{name} is not declared in personal_fields")
    return kind


def reveal_shown(user: Any, record: models.Model, path: str) -> tuple[Any, bool]:
    """The value at ``path`` as ``user`` may see it, and whether that is in full (then noted)."""
    owner, name = _resolve(record, path)
    if owner is None:
        return None, False
    value = getattr(owner, name)
    if not may_view(user, owner):
        return mask(_kind(owner, name), value), False
    _kind(owner, name)  # only declared fields are ever shown
    if value not in (None, ""):
        note_view(user, owner, [name])
    return value, True


def reveal(user: Any, record: models.Model, path: str) -> Any:
    """The value at ``path`` as ``user`` may see it: in full (and noted) or masked."""
    return reveal_shown(user, record, path)[0]


def reveal_each(user: Any, records: Iterable[models.Model], path: str, attr: str) -> None:
    """Set ``attr`` on each record to its value at ``path`` as the user may see it (list pages)."""
    for record in records:
        setattr(record, attr, reveal(user, record, path))


# Collecting full views during a request -------------------------------------------------


@dataclass
class _Seen:
    user: Any
    model: type[models.Model]
    fields: set[str] = field(default_factory=set)
    records: dict[Any, models.Model] = field(default_factory=dict)


_pending: contextvars.ContextVar[dict | None] = contextvars.ContextVar("personal_pending", default=None)
_granted: contextvars.ContextVar[dict | None] = contextvars.ContextVar("personal_granted", default=None)


def note_view(user: Any, record: models.Model, fields: Iterable[str]) -> None:
    """Note that ``user`` saw ``fields`` of ``record`` in full. Inside a request the notes are
    written together when it ends; elsewhere (a task, a shell) at once."""
    pending = _pending.get()
    if pending is None:
        _write(
            {
                (getattr(user, "pk", None), type(record)): _Seen(
                    user, type(record), set(fields), {record.pk: record}
                )
            }
        )
        return
    key = (getattr(user, "pk", None), type(record))
    seen = pending.get(key)
    if seen is None:
        seen = pending[key] = _Seen(user, type(record))
    seen.fields.update(fields)
    seen.records.setdefault(record.pk, record)


@contextmanager
def collecting() -> Iterator[None]:
    """Collect the full views of a request and record them when it completes (a request that
    failed showed nothing, so it records nothing)."""
    token = _pending.set({})
    granted = _granted.set({})
    try:
        yield
        pending = _pending.get()
        if pending:
            _write(pending)
    finally:
        _granted.reset(granted)
        _pending.reset(token)


def _labels(model: type[models.Model], names: Iterable[str]) -> list[str]:
    return [str(model._meta.get_field(n).verbose_name) for n in sorted(names)]


def _write(pending: dict) -> None:
    from . import audit
    from .choices import AuditAction

    for seen in pending.values():
        labels = "、".join(_labels(seen.model, seen.fields))
        records = list(seen.records.values())
        if len(records) == 1:
            audit.record(
                records[0],
                AuditAction.VIEW,
                changes={},
                user=seen.user,
                note=_("Viewed in full: %(fields)s") % {"fields": labels},
            )
        else:
            _record_bulk(
                seen.user,
                seen.model,
                count=len(records),
                ids=[r.pk for r in records],
                fields=sorted(seen.fields),
                note=_("Viewed in full: %(fields)s of %(count)s records")
                % {"fields": labels, "count": len(records)},
            )


def _record_bulk(
    user: Any, model: type[models.Model], *, count: int, ids: list, fields: Iterable[str], note: str
) -> None:
    """One audit entry for many records of one model (a list page, an export)."""
    from django.contrib.contenttypes.models import ContentType

    from . import audit
    from .choices import AuditAction
    from .models import AuditEntry

    ctx = audit.current_context()
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    AuditEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        source=ctx.source,
        action=AuditAction.VIEW,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=True),
        object_id="",
        object_repr=f"{model._meta.verbose_name_plural} × {count}"[:200],
        region_id=getattr(user, "region_id", None) if authenticated else None,
        changes={"count": count, "fields": list(fields), "ids": [str(i) for i in ids[:MAX_IDS]]},
        note=note[:200],
    )


def record_export(user: Any, model: type[models.Model], *, count: int, fields: Iterable[str]) -> None:
    """An export that carried personal data in full: who, which columns (by header), how many rows."""
    fields = list(fields)
    _record_bulk(
        user,
        model,
        count=count,
        ids=[],
        fields=fields,
        note=_("Exported in full: %(fields)s of %(count)s records")
        % {"fields": "、".join(fields), "count": count},
    )


def note_form(user: Any, record: models.Model | None, form: Any) -> None:
    """An edit form that shows a record's personal fields filled in is a full view of them."""
    if record is None or not may_view(user, record):
        return
    shown = [n for n in personal_fields(record) if n in form.fields and form[n].value() not in (None, "")]
    if shown:
        note_view(user, record, shown)


def display(user: Any, record: models.Model, path: str) -> Any:
    """``reveal`` for a page: a masked amount reads ***, an empty one —."""
    owner, name = _resolve(record, path)
    raw = getattr(owner, name) if owner is not None else None
    value = reveal(user, record, path)
    if raw is None or raw == "":
        return "—" if _kind(owner, name) == AMOUNT else raw
    if value is None:
        return MASKED
    return value
