"""Running an import: headers checked, rows parsed, validated and written batch by batch in
one transaction, counted, the invalid ones kept for the error file."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import models, transaction

from .. import audit
from ..bulk import bulk_insert, chunks
from ..choices import AuditAction, AuditSource
from . import limits
from .exceptions import CellError, ImportFileError
from .keys import KeyIndex
from .output import ERROR_HEADER, ErrorFile, error_path
from .reading import Table, open_table
from .results import ImportResult, Row
from .templates import Context, ImportResource, get_resource


def _check_headers(resource: ImportResource, headers: list[str]) -> None:
    known = {c.header for c in resource.columns}
    problems = []
    unknown = [h for h in headers if h not in known and h != ERROR_HEADER]
    if unknown:
        problems.append(f"未知的列：{'、'.join(h or '(空)' for h in unknown)}")
    dupes = sorted({h for h in headers if headers.count(h) > 1})
    if dupes:
        problems.append(f"重复的列：{'、'.join(dupes)}")
    missing = [c.header for c in resource.columns if (c.required or c.key) and c.header not in headers]
    if missing:
        problems.append(f"缺少必填列：{'、'.join(missing)}")
    if problems:
        raise ImportFileError(
            "；".join(problems) + f"。模板“{resource.name}”的列为：{'、'.join(resource.headers)}"
        )


def parse_row(resource: ImportResource, headers: list[str], number: int, cells: list[Any]) -> Row:
    raw = {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(headers)}
    row = Row(number=number, raw=raw)
    for col in resource.columns:
        value = raw.get(col.header)
        if col.required and (value is None or (isinstance(value, str) and not value.strip())):
            row.error(col.header, "不能为空")
            continue
        try:
            row.values[col.name] = col.parse(value)
        except CellError as exc:
            row.error(col.header, str(exc))
    return row


def _comparable(record: models.Model, names: Sequence[str]) -> dict[str, Any]:
    # foreign keys by id: comparing related objects would load them, one query per row
    meta = record._meta
    return {n: getattr(record, meta.get_field(n).attname) for n in names}


class _Run:
    """One pass over a file. Rows are parsed, validated and written batch by batch (the
    resource's batch_size, or the whole file for a ``whole_file`` template); across the
    file only the keys seen (for duplicates), the counts, the first errors and the error file
    are kept, so memory does not grow with the file."""

    def __init__(
        self,
        resource: ImportResource,
        table: Table,
        ctx: Context,
        result: ImportResult,
        *,
        skip_invalid: bool,
        error_file: ErrorFile | None,
        progress: Callable[[int, int], None] | None,
        note: str = "导入",
    ) -> None:
        self.resource = resource
        self.table = table
        self.ctx = ctx
        self.result = result
        self.skip_invalid = skip_invalid
        self.error_file = error_file
        self.progress = progress
        self.note = note
        self.seen = KeyIndex()  # the first row number of every key, for duplicates
        self.key_headers = "、".join(c.header for c in resource.columns if c.key)

    def batches(self) -> Iterator[list[Row]]:
        size = None if self.resource.whole_file else self.resource.batch_size
        resource, headers = self.resource, self.table.headers
        batch: list[Row] = []
        for number, cells in self.table.rows:
            batch.append(parse_row(resource, headers, number, cells))
            if size and len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def validate(self, rows: list[Row]) -> None:
        resource, ctx, seen = self.resource, self.ctx, self.seen
        # Keys must be unique within the file.
        for row in rows:
            if row.errors:
                continue
            first = seen.first(resource.key_of(row), row.number)
            if first is not None:
                row.error(self.key_headers, f"与第 {first} 行重复")

        resource.prepare([r for r in rows if not r.errors], ctx)
        for row in rows:
            if not row.errors:
                resource.check(row, ctx)
            if not row.errors and not ctx.may_change(resource.region_id(row, ctx)):
                row.error("", "该记录所属地区不在您的管辖范围内，无权导入")
        valid = [r for r in rows if not r.errors]
        existing = resource.existing(valid, ctx)
        for row in valid:
            if row.errors:  # refused while matching it to a record
                continue
            record = existing.get(resource.key_of(row))
            before = _comparable(record, resource.compare_fields) if record is not None else None
            # apply() changes the record in place; the full snapshot is only needed if it changed
            original = copy.copy(record) if record is not None else None
            instance = resource.apply(row, record, ctx)
            resource.validate_record(row, instance)
            if row.errors:
                continue
            row.instance = instance
            if record is None:
                row.action = "create"
            elif before != _comparable(instance, resource.compare_fields):
                row.action = "update"
                row.changes = audit.diff(audit.snapshot(original), audit.snapshot(instance))
            else:
                row.action = "unchanged"

    def account(self, rows: list[Row]) -> list[Row]:
        """Counts, the first errors and the error file; returns the good rows."""
        result, good = self.result, []
        for row in rows:
            if row.errors:
                result.invalid += 1
                result.error_count += len(row.errors)
                room = limits.MAX_KEPT_ERRORS - len(result.errors)
                if room > 0:
                    result.errors.extend(row.errors[:room])
                if self.error_file is not None:
                    self.error_file.add(row)
                continue
            good.append(row)
            if row.action == "create":
                result.created += 1
            elif row.action == "update":
                result.updated += 1
            else:
                result.unchanged += 1
        return good

    def run(self, *, write: bool, user: Any) -> None:
        for rows in self.batches():
            self.validate(rows)
            good = self.account(rows)
            # all or nothing: after the first invalid row nothing more is written (it is all
            # rolled back at the end), but every row is still checked
            if write and (self.skip_invalid or not self.result.invalid):
                _write(self.resource, good, self.ctx, user, self.note)
            self.result.total += len(rows)
            if self.progress is not None:
                self.progress(self.result.total, max(self.table.count or 0, self.result.total))


def run_import(
    resource: ImportResource | str,
    path: Path | str,
    *,
    user: Any = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    data: bytes | None = None,
    source: str = AuditSource.IMPORT,
    error_file: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import one file. Raises ImportFileError, and writes nothing, when the file as a whole is
    unusable (format, encoding, headers, a limit); the limits are checked before any row is read.

    The file is streamed: rows are validated and written batch by batch inside one transaction,
    which is rolled back at the end when a row was invalid (unless ``skip_invalid``); a dry run
    writes nothing. ``progress(rows_done, rows_total)`` is called after every batch.
    """
    if isinstance(resource, str):
        resource = get_resource(resource)
    path = Path(path)
    table = open_table(path, data)
    try:
        _check_headers(resource, table.headers)
        result = ImportResult(resource=resource.name, dry_run=dry_run)
        errors = (
            ErrorFile(table.headers, error_file or error_path(path)) if skip_invalid and not dry_run else None
        )
        run = _Run(
            resource,
            table,
            Context(user, resource),
            result,
            skip_invalid=skip_invalid,
            error_file=errors,
            progress=progress,
            # the audit trail names the file (a job's stored file is named by the job's id)
            note=f"导入 {path.name}"[:200],
        )
        try:
            if dry_run:
                run.run(write=False, user=user)
            else:
                with audit.audit_context(user=user, source=source), transaction.atomic():
                    run.run(write=True, user=user)
                    if result.invalid and not skip_invalid:
                        transaction.set_rollback(True)
                    else:
                        result.written = True
        except BaseException:
            if errors is not None:
                errors.discard()
            raise
        if errors is not None:
            result.error_file = errors.close()
    finally:
        table.close()
    return result


def _write(resource: ImportResource, rows: list[Row], ctx: Context, user: Any, note: str = "导入") -> None:
    model = resource.model
    new = [r for r in rows if r.action == "create"]
    changed = [r for r in rows if r.action == "update"]
    for batch in chunks(new, resource.batch_size):
        created = bulk_insert(model, [r.instance for r in batch], batch_size=resource.batch_size)
        for r, obj in zip(batch, created, strict=True):
            r.instance = obj
        # one batch entry per batch; each record keeps its line of the file
        audit.record_many(created, AuditAction.CREATE, user=user, note=note, lines=[r.number for r in batch])
    fields = list(resource.compare_fields)
    for batch in chunks(changed, resource.batch_size):
        model.objects.bulk_update([r.instance for r in batch], fields, batch_size=resource.batch_size)
        audit.record_many(
            [r.instance for r in batch],
            AuditAction.UPDATE,
            changes=[r.changes for r in batch],
            user=user,
            note=note,
            lines=[r.number for r in batch],
        )
    resource.after_write(rows, ctx)
