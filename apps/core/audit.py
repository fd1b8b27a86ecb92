"""Explicit audit trail: services call ``record`` (one row) or ``record_many`` (bulk).

Who and through which door come from ``audit_context``, which the request middleware,
the import pipeline and the management commands set; an explicit ``user`` wins.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .bulk import bulk_insert
from .choices import AuditAction, AuditSource
from .validators import mask_resident_id


@dataclass(frozen=True)
class AuditContext:
    user: Any = None
    source: str = AuditSource.SYSTEM
    note: str = ""  # added to every entry written in the context (an approved change request)


_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "audit_context",
    default=AuditContext(),  # noqa: B039 - frozen, so sharing it is safe
)


@contextmanager
def audit_context(*, user: Any = None, source: str, note: str = "") -> Iterator[AuditContext]:
    ctx = AuditContext(user=user, source=source, note=note)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def current_context() -> AuditContext:
    return _context.get()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a record, as JSON-safe values, sensitive ones masked."""
    masked = set(getattr(instance, "personal_fields", ()))
    excluded = {"id", "password", "last_login", *getattr(instance, "audit_excluded_fields", ())}
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in excluded or (not field.editable and not field.is_relation):
            continue
        value = _plain(field.value_from_object(instance))
        if field.name in masked and isinstance(value, str):
            value = mask_resident_id(value)
        data[field.name] = value
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _entry(
    instance: models.Model,
    action: str,
    changes: dict,
    note: str,
    user: Any,
    source: str | None,
    content_type: ContentType | None = None,
):
    from .models import AuditEntry
    from .scoping import region_of

    ctx = current_context()
    user = user if user is not None else ctx.user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEntry(
        user=user,
        username=user.get_username() if user is not None else "",
        source=source or ctx.source,
        action=action,
        content_type=content_type or ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        region_id=region_of(instance) if hasattr(instance, "scope_region_lookup") else None,
        changes=changes,
        note=(note or ctx.note)[:200],
    )


def record(
    instance: models.Model,
    action: str,
    *,
    changes: dict | None = None,
    note: str = "",
    user: Any = None,
    source: str | None = None,
):
    """Write one audit entry for a create, update, delete or a view of personal data."""
    if changes is None:
        changes = (
            {k: [None, v] for k, v in snapshot(instance).items()} if action == AuditAction.CREATE else {}
        )
    entry = _entry(instance, action, changes, note, user, source)
    entry.save()
    return entry


def record_many(
    instances: Iterable[models.Model],
    action: str,
    *,
    changes: list[dict] | None = None,
    note: str = "",
    user: Any = None,
    source: str | None = None,
    batch_size: int = 2000,
) -> int:
    """The bulk counterpart of ``record``: one INSERT per batch, same content per row."""
    from .models import AuditEntry

    entries = []
    types: dict[type, ContentType] = {}  # one look-up per model, not per row
    for i, instance in enumerate(instances):
        if changes is not None:
            ch = changes[i]
        elif action == AuditAction.CREATE:
            ch = {k: [None, v] for k, v in snapshot(instance).items()}
        else:
            ch = {}
        ct = types.get(type(instance))
        if ct is None:
            ct = types[type(instance)] = ContentType.objects.get_for_model(instance, for_concrete_model=True)
        entries.append(_entry(instance, action, ch, note, user, source, ct))
    bulk_insert(AuditEntry, entries, batch_size=batch_size)
    return len(entries)


def history_for(instance: models.Model):
    """Audit entries of one record, newest first."""
    from .models import AuditEntry

    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related("user")
