"""Explicit audit trail: services call ``record`` (one row) or ``record_many`` (bulk: an
entry per batch, its records as narrow member rows).

Who and through which door come from ``audit_context``, which the request middleware,
the import pipeline and the management commands set; an explicit ``user`` wins.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import OuterRef, Q, Subquery

from .bulk import bulk_insert, chunks, copy_rows
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


def _field_names(instance: models.Model) -> list[str]:
    """The names ``snapshot`` would record for a create, without reading any values."""
    excluded = {"id", "password", "last_login", *getattr(instance, "audit_excluded_fields", ())}
    return [
        f.name
        for f in instance._meta.concrete_fields
        if f.name not in excluded and (f.editable or f.is_relation)
    ]


def _changed_names(model: type[models.Model], changes: Iterable[dict]) -> list[str]:
    seen: set[str] = set()
    for ch in changes:
        seen.update(ch)
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
    return sorted(seen, key=lambda n: (order.get(n, len(order)), n))


def record_many(
    instances: Iterable[models.Model],
    action: str,
    *,
    changes: list[dict] | None = None,
    note: str = "",
    user: Any = None,
    source: str | None = None,
    batch_size: int = 2000,
    lines: Sequence[int | None] | None = None,
) -> int:
    """The bulk counterpart of ``record``; returns the number of entries written.

    Creates and updates become batch entries: one AuditEntry per model, region and batch of
    up to ``batch_size`` records (who, when, door, note, the changed field names), and per
    record one narrow AuditBatchMember row (its key, its line in an imported file, and only
    when given its own ``changes``: a create's values are the record's own). Deletes keep an
    entry per record with its snapshot: that is all that is left of it.
    """
    from .models import AuditEntry
    from .scoping import region_of

    instances = list(instances)
    if action == AuditAction.DELETE:
        entries = []
        types: dict[type, ContentType] = {}  # one look-up per model, not per row
        for i, instance in enumerate(instances):
            ch = changes[i] if changes is not None else {}
            ct = types.get(type(instance))
            if ct is None:
                ct = types[type(instance)] = ContentType.objects.get_for_model(
                    instance, for_concrete_model=True
                )
            entries.append(_entry(instance, action, ch, note, user, source, ct))
        bulk_insert(AuditEntry, entries, batch_size=batch_size)
        return len(entries)

    # records grouped by model and region: the audit list is scoped by the entry's region
    groups: dict[tuple[type, int | None], list[int]] = {}
    for i, instance in enumerate(instances):
        if getattr(instance, "scope_region_lookup", None) == "id":
            # a region is its own scope: its batch is filed under its parent, so that a load
            # of a county's townships is one entry, seen by whoever sees the county
            region_id = getattr(instance, "parent_id", None) or instance.pk
        else:
            region_id = region_of(instance) if hasattr(instance, "scope_region_lookup") else None
        groups.setdefault((type(instance), region_id), []).append(i)
    return _write_batches(
        groups,
        [str(instance.pk) for instance in instances],
        action,
        fields_of=lambda model, batch: (
            _changed_names(model, (changes[i] for i in batch))
            if changes is not None
            else _field_names(instances[batch[0]])
        ),
        changes=changes,
        lines=lines,
        note=note,
        user=user,
        source=source,
        batch_size=batch_size,
    )


def record_inserted(
    model: type[models.Model],
    keys: Sequence[Any],
    region_ids: Sequence[int | None],
    *,
    note: str = "",
    batch_size: int = 2000,
) -> int:
    """``record_many`` of a create for rows written without model instances (a generator's
    millions, by ``bulk.insert_rows``): their keys and regions are all it needs. Returns the
    number of entries written."""
    groups: dict[tuple[type, int | None], list[int]] = {}
    for i, region_id in enumerate(region_ids):
        groups.setdefault((model, region_id), []).append(i)
    names = _field_names(model())
    return _write_batches(
        groups,
        [str(k) for k in keys],
        AuditAction.CREATE,
        fields_of=lambda _model, _batch: names,
        note=note,
        batch_size=batch_size,
    )


def _write_batches(
    groups: dict[tuple[type, int | None], list[int]],
    keys: Sequence[str],
    action: str,
    *,
    fields_of: Any,
    changes: list[dict] | None = None,
    lines: Sequence[int | None] | None = None,
    note: str = "",
    user: Any = None,
    source: str | None = None,
    batch_size: int = 2000,
) -> int:
    """One entry per model, region and batch of ``groups`` (indexes into ``keys``), and a
    member row per record."""
    from .models import AuditEntry
    from .models.audit import AuditBatchMember

    ctx = current_context()
    user = user if user is not None else ctx.user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    entries, batches = [], []
    for (model, region_id), indexes in groups.items():
        ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
        for batch in chunks(indexes, batch_size):
            entries.append(
                AuditEntry(
                    user=user,
                    username=user.get_username() if user is not None else "",
                    source=source or ctx.source,
                    action=action,
                    content_type=ct,
                    object_id="",
                    object_repr=f"{model._meta.verbose_name} ×{len(batch)}"[:200],
                    region_id=region_id,
                    changes={},
                    note=(note or ctx.note)[:200],
                    object_count=len(batch),
                    fields=fields_of(model, batch),
                )
            )
            batches.append(batch)
    # the entries are few: one INSERT ... RETURNING gives their ids; the members go in by COPY,
    # one tuple a record, no model instance: at a generator's millions of rows they add up
    AuditEntry.objects.bulk_create(entries)
    encode = DjangoJSONEncoder().encode
    copy_rows(
        AuditBatchMember,
        ("entry_id", "object_id", "line", "changes"),
        (
            (
                entry.pk,
                keys[i],
                lines[i] if lines is not None else None,
                encode(changes[i]) if changes is not None and changes[i] is not None else None,
            )
            for entry, batch in zip(entries, batches, strict=True)
            for i in batch
        ),
    )
    return len(entries)


def entries_of(entries: models.QuerySet, object_id: str) -> models.QuerySet:
    """Those of ``entries`` about the record ``object_id``: its own and the batch entries
    holding it. On a batch entry ``batch_line`` is the record's line in the imported file (or
    None) and ``batch_changes`` its own changes (or None)."""
    from .models.audit import AuditBatchMember

    key = str(object_id)
    # the few batches holding the record first (one indexed query), so the query that pages
    # is an OR of two index look-ups rather than a join over the whole trail
    batch_ids = list(entries.filter(members__object_id=key).values_list("pk", flat=True))
    if not batch_ids:
        return entries.filter(object_id=key)
    mine = AuditBatchMember.objects.filter(entry=OuterRef("pk"), object_id=key)
    return entries.filter(Q(object_id=key) | Q(pk__in=batch_ids)).annotate(
        batch_line=Subquery(mine.values("line")[:1]),
        batch_changes=Subquery(mine.values("changes")[:1]),
    )


def history_for(instance: models.Model) -> models.QuerySet:
    """Audit entries of one record, newest first, batch entries included (``entries_of``)."""
    from .models import AuditEntry

    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return entries_of(AuditEntry.objects.filter(content_type=ct).select_related("user"), str(instance.pk))


def audited_ids(model: type[models.Model], *, action: str | None = None) -> dict[str, int]:
    """How many entries of ``model`` the trail holds per record key (own and batch entries),
    optionally of one action: a reconciliation of a bulk write against its trail."""
    from .models import AuditEntry
    from .models.audit import AuditBatchMember

    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    entries = AuditEntry.objects.filter(content_type=ct, **({"action": action} if action else {}))
    counts: dict[str, int] = {}
    own = entries.exclude(object_id="").values_list("object_id", flat=True)
    batched = AuditBatchMember.objects.filter(entry__in=entries).values_list("object_id", flat=True)
    for key in [*own, *batched]:
        counts[key] = counts.get(key, 0) + 1
    return counts
