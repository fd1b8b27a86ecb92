"""Bulk inserts for the places where volume is: imports, audit trails of imports, generators.

On PostgreSQL new rows go in with ``COPY ... FROM STDIN``: the primary keys are drawn from
the table's sequence first (one query), so every instance knows its id afterwards, as with
``bulk_create``. COPY avoids building the parameter arrays of Django's ``INSERT ... UNNEST``
in Python, which was a third of the time of a 100,000-row import. Elsewhere (SQLite) this is
``bulk_create``.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")

CHUNK = 5000  # values per IN (...) look-up: well under SQLite's variable limit


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size``."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def filter_in(queryset: models.QuerySet, field: str, values: Iterable[Any]) -> Iterator[Any]:
    """The records of ``queryset`` whose ``field`` is one of ``values`` (blanks ignored), one
    query per CHUNK values: bulk look-ups of a file's keys never hit the variable limit."""
    wanted = sorted({v for v in values if v is not None and v != ""})
    for chunk in chunks(wanted):
        yield from queryset.filter(**{f"{field}__in": chunk})


def bulk_insert(model: type[M], instances: Sequence[M], *, batch_size: int = 5000) -> list[M]:
    """Insert new ``instances`` of ``model`` and set their primary keys; returns them."""
    instances = list(instances)
    if not instances:
        return instances
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    if connection.vendor != "postgresql" or meta.parents or not _is_auto(meta.pk):
        return model.objects.using(alias).bulk_create(instances, batch_size=batch_size)
    quote = connection.ops.quote_name
    fields = list(meta.concrete_fields)
    columns = ", ".join(quote(f.column) for f in fields)
    row_of = _row_getter(fields, connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
        sequence = cursor.fetchone()[0]
        for start in range(0, len(instances), batch_size):
            batch = instances[start : start + batch_size]
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(batch)])
            for obj, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = pk
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for obj in batch:
                    copy.write_row(row_of(obj))
    for obj in instances:
        obj._state.adding = False
        obj._state.db = alias
    return instances


# Fields whose Python value psycopg adapts as it is (Django's preparation returns it unchanged
# on PostgreSQL); everything else, e.g. JSON, goes through get_db_prep_save.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,  # DateTimeField included
    models.DecimalField,
    models.ForeignKey,
)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Insert new ``rows`` (tuples of the values of ``fields``, attribute names) into
    ``model``'s table and return their primary keys, in order: ``bulk_insert`` without a model
    instance per row, for generators' millions. Values must be what the column stores (ids for
    foreign keys, dates, plain strings)."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    if connection.vendor != "postgresql" or not _is_auto(meta.pk):
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.using(alias).bulk_create(objs, batch_size=CHUNK // max(len(fields), 1))
        return [obj.pk for obj in objs]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(rows)])
        pks = [pk for (pk,) in cursor.fetchall()]
    copy_rows(model, (meta.pk.attname, *fields), ((pk, *row) for pk, row in zip(pks, rows, strict=True)))
    return pks


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples of the values of ``fields``, attribute names such as
    ``entry_id``) into ``model``'s table; the columns not named, the primary key included, take
    their database defaults. For volume whose ids nobody reads back (audit batch members): no
    model instance per row. JSON values are given already encoded. Returns the count."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    columns = [by_attname[name] for name in fields]
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        for field in columns:
            if isinstance(field, models.JSONField):  # given encoded, as COPY takes it
                for obj in objs:
                    raw = getattr(obj, field.attname)
                    setattr(obj, field.attname, None if raw is None else json.loads(raw))
        model.objects.using(alias).bulk_create(objs, batch_size=CHUNK // max(len(fields), 1))
        return len(objs)
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in columns)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _row_getter(fields: list[models.Field], connection: Any) -> Callable[[models.Model], Sequence[Any]]:
    """A function giving an instance's values of ``fields`` in order: one C-level attrgetter
    when every field is plain (most tables), per-field getters otherwise."""
    if all(isinstance(f, _PLAIN) and not _is_auto_now(f) for f in fields):
        getter = operator.attrgetter(*(f.attname for f in fields))
        return getter if len(fields) > 1 else (lambda obj: (getter(obj),))
    getters = [_getter(f, connection) for f in fields]
    return lambda obj: [get(obj) for get in getters]


def _is_auto_now(field: models.Field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _getter(field: models.Field, connection: Any) -> Callable[[models.Model], Any]:
    if isinstance(field, _PLAIN) and not _is_auto_now(field):
        return operator.attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def _is_auto(field: models.Field) -> bool:
    return isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField)
