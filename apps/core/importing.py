"""The one import/export pipeline (IMPORT.md), behind three doors: the browser, the admin
and ``manage.py import_records``.

A domain describes a template as an ``ImportResource`` (columns with Chinese headers and
parsers, the key, how a row becomes a record) and registers it; the pipeline reads .xlsx
and .csv (UTF-8 with or without BOM, GB18030), checks headers, parses and validates every
row, looks references up in bulk, checks the importing user's scope, and then writes all
or nothing (or, with ``skip_invalid``, the valid rows plus an error file), in batches,
with one audit entry per written record.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.module_loading import autodiscover_modules

from . import audit
from .bulk import bulk_insert
from .choices import AuditAction, AuditSource
from .scoping import CHANGE, scope_region_ids
from .validators import validate_resident_id

ERROR_HEADER = "错误"
CHUNK = 5000  # ids per IN (...) look-up: well under SQLite's variable limit


class CellError(Exception):
    """A cell that cannot be read; the message is shown to the user as is (Chinese)."""


# Cell parsers --------------------------------------------------------------------------
# Each takes the raw cell (str, int, float, datetime, date or None) and returns the value,
# raising CellError with a message that quotes the bad value.


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    return str(raw).strip()


def parse_text(raw: Any, max_length: int | None = None) -> str:
    value = _text(raw)
    if max_length and len(value) > max_length:
        raise CellError(f"“{value[:20]}…”超过 {max_length} 个字符")
    return value


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]0{1,2}:0{2}(?::0{2})?)?$")


def parse_date(raw: Any) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:  # an Excel serial date in a cell without a date format
            from openpyxl.utils.datetime import from_excel

            return from_excel(raw).date()
        raise CellError(f"“{raw}”不是有效日期")
    text = str(raw).strip()
    if not text:
        return None
    m = _DATE_RE.match(text)
    if not m:
        raise CellError(f"“{text}”不是有效日期，请使用 2024-03-01 或 2024/3/1 格式")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise CellError(f"“{text}”不是存在的日期") from None


def parse_int(raw: Any, minimum: int | None = 0, maximum: int | None = None) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise CellError(f"“{raw}”不是整数")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    else:
        text = str(raw).strip().replace(",", "")
        if text.endswith(".0"):
            text = text[:-2]
        if not re.fullmatch(r"-?\d+", text):
            raise CellError(f"“{raw}”不是整数")
        value = int(text)
    if minimum is not None and value < minimum:
        raise CellError(f"“{raw}”不能小于 {minimum}")
    if maximum is not None and value > maximum:
        raise CellError(f"“{raw}”不能大于 {maximum}")
    return value


def parse_year(raw: Any) -> int | None:
    return parse_int(raw, minimum=1900, maximum=2100)


def parse_decimal(raw: Any, places: int = 2, minimum: Decimal | None = Decimal(0)) -> Decimal | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise CellError(f"“{raw}”不是数字")
    text = repr(raw) if isinstance(raw, float) else str(raw).strip().replace(",", "").replace("¥", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{raw}”不是有效金额或数字") from None
    if not value.is_finite():
        raise CellError(f"“{raw}”不是有效数字")
    if -value.as_tuple().exponent > places and value != value.quantize(Decimal(1).scaleb(-places)):
        raise CellError(f"“{raw}”最多保留 {places} 位小数")
    if minimum is not None and value < minimum:
        raise CellError(f"“{raw}”不能小于 {minimum}")
    return value.quantize(Decimal(1).scaleb(-places))


@functools.cache
def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    # .choices builds a new list on every access; a row file asks hundreds of thousands of times
    return {str(label): value for value, label in choices.choices}


def parse_choice(raw: Any, choices: type[models.TextChoices], blank: bool = False) -> str:
    text = _text(raw)
    if not text:
        if blank:
            return ""
        raise CellError("不能为空")
    value = _labels(choices).get(text)
    if value is not None:
        return value
    allowed = "、".join(str(label) for _v, label in choices.choices)
    raise CellError(f"“{text}”不是可选值（可选：{allowed}）")


def parse_bool(raw: Any) -> bool:
    text = _text(raw)
    if text in ("是", "Y", "y", "1", "TRUE", "True", "true"):
        return True
    if text in ("否", "N", "n", "0", "FALSE", "False", "false", ""):
        return False
    raise CellError(f"“{text}”应为“是”或“否”")


def parse_resident_id(raw: Any) -> str:
    text = _text(raw)
    if not text:
        raise CellError("不能为空")
    try:
        return validate_resident_id(text)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


# Templates ------------------------------------------------------------------------------


@dataclass
class Column:
    header: str
    name: str
    parse: Callable[[Any], Any] = parse_text
    required: bool = False
    key: bool = False
    # personal data, masked on export for users without the right: True for a resident ID,
    # or a kind of apps.core.personal (AMOUNT)
    sensitive: bool | str = False
    export: Callable[[Any], Any] | None = None  # record -> cell value; default getattr(name)


@dataclass
class RowError:
    row: int  # the spreadsheet row number (headers are row 1)
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行" + (f"【{self.column}】" if self.column else "") + f"：{self.message}"


@dataclass
class Row:
    number: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    instance: models.Model | None = None
    action: str = ""  # create / update / unchanged
    changes: dict = field(default_factory=dict)

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))


@dataclass
class ImportResult:
    resource: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    error_file: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{self.resource}: 新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}，有误 {self.invalid} "
            f"(created {self.created}, updated {self.updated}, unchanged {self.unchanged}, invalid {self.invalid})"
        )


class ImportFileError(Exception):
    """The file as a whole cannot be imported (format, encoding, headers)."""


class Context:
    """What a resource may need while validating: the user, their scope, caches."""

    def __init__(self, user: Any, resource: ImportResource) -> None:
        self.user = user
        self.resource = resource
        self.cache: dict[str, Any] = {}
        # None = every region; else the region ids the user may change.
        if user is None:
            self.change_ids = None
        else:
            self.change_ids = scope_region_ids(user, CHANGE, resource.model)

    def may_change(self, region_id: int | None) -> bool:
        return self.change_ids is None or (region_id is not None and region_id in self.change_ids)


class ImportResource:
    """Subclass per template. Hooks, all working on whole lists of rows (never per-row queries):

    prepare(rows, ctx)           bulk look-ups of references (stash them in ctx.cache)
    check(row, ctx)              cross-field rules; call row.error(header, message)
    region_id(row, ctx)          the region the row writes into (for the scope check)
    existing(rows, ctx)          {key: record} for the rows' keys
    apply(row, record, ctx)      a new or updated (unsaved) record from row.values
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    model: ClassVar[type[models.Model]]
    columns: ClassVar[list[Column]] = []
    batch_size: ClassVar[int] = 2000
    # Fields compared to decide between "updated" and "unchanged".
    compare_fields: ClassVar[Sequence[str]] = ()

    def key_of(self, row: Row) -> tuple:
        return tuple(row.values.get(c.name) for c in self.columns if c.key)

    def record_key(self, record: models.Model) -> tuple:
        return tuple(getattr(record, c.name) for c in self.columns if c.key)

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        return None

    def check(self, row: Row, ctx: Context) -> None:
        return None

    def region_id(self, row: Row, ctx: Context) -> int | None:
        raise NotImplementedError

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, models.Model]:
        raise NotImplementedError

    def apply(self, row: Row, record: models.Model | None, ctx: Context) -> models.Model:
        raise NotImplementedError

    def validate_record(self, row: Row, record: models.Model) -> None:
        """Model field validators and clean(), without the per-row FK and unique queries."""
        fk_names = [f.name for f in record._meta.concrete_fields if f.is_relation]
        # a resident ID column was checked in full by its parser, with the model's own validator
        checked = [c.name for c in self.columns if c.parse is parse_resident_id]
        try:
            record.clean_fields(exclude=fk_names + checked)
            record.clean()
        except ValidationError as exc:
            headers = {c.name: c.header for c in self.columns}
            for name, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                for message in messages:
                    row.error(headers.get(name, ""), message)

    def after_write(self, rows: list[Row], ctx: Context) -> None:
        """Second pass after the batch writes (e.g. references between rows of one file)."""
        return None

    # Export
    def export_queryset(self, user: Any) -> models.QuerySet:
        return self.model.objects.restrict(user)

    def export_row(self, record: models.Model) -> list[Any]:
        out = []
        for c in self.columns:
            out.append(c.export(record) if c.export else getattr(record, c.name, ""))
        return out

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


_registry: dict[str, type[ImportResource]] = {}


def register(cls: type[ImportResource]) -> type[ImportResource]:
    _registry[cls.name] = cls
    return cls


def registry() -> dict[str, type[ImportResource]]:
    autodiscover_modules("resources")
    return dict(_registry)


def get_resource(name: str) -> ImportResource:
    resources = registry()
    if name not in resources:
        raise ImportFileError(f"未知的导入模板“{name}”，可选：{'、'.join(sorted(resources))}")
    return resources[name]()


# Reading files ---------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("无法识别文件编码，请另存为 UTF-8 或 GB18030（GBK）编码的 CSV")


def read_table(path: Path, data: bytes | None = None) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """Headers and (row number, cells) of the first sheet of an .xlsx or of a .csv."""
    suffix = path.suffix.lower()
    if data is None:
        data = path.read_bytes()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook
            raise ImportFileError(f"无法读取 Excel 文件：{exc}") from exc
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
    elif suffix == ".csv":
        rows = csv.reader(io.StringIO(_decode(data), newline=""))
    else:
        raise ImportFileError(f"不支持的文件类型“{suffix}”，请上传 .xlsx 或 .csv 文件")
    try:
        header_row = next(iter(rows))
    except StopIteration:
        raise ImportFileError("文件是空的") from None
    headers = [_text(h) for h in header_row]
    while headers and not headers[-1]:
        headers.pop()

    def body() -> Iterator[tuple[int, list[Any]]]:
        for number, cells in enumerate(rows, start=2):
            cells = list(cells)
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            yield number, cells

    return headers, body()


# Running an import -----------------------------------------------------------------------


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


def _parse(resource: ImportResource, headers: list[str], number: int, cells: list[Any]) -> Row:
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


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _comparable(record: models.Model, names: Sequence[str]) -> dict[str, Any]:
    # foreign keys by id: comparing related objects would load them, one query per row
    meta = record._meta
    return {n: getattr(record, meta.get_field(n).attname) for n in names}


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
) -> ImportResult:
    """Import one file. Raises ImportFileError when the file as a whole is unusable."""
    if isinstance(resource, str):
        resource = get_resource(resource)
    path = Path(path)
    headers, body = read_table(path, data)
    _check_headers(resource, headers)
    rows = [_parse(resource, headers, number, cells) for number, cells in body]
    result = ImportResult(resource=resource.name, total=len(rows), dry_run=dry_run)
    ctx = Context(user, resource)

    # Keys must be unique within the file.
    seen: dict[tuple, int] = {}
    key_headers = "、".join(c.header for c in resource.columns if c.key)
    for row in rows:
        if row.errors:
            continue
        key = resource.key_of(row)
        if key in seen:
            row.error(key_headers, f"与第 {seen[key]} 行重复")
        else:
            seen[key] = row.number

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

    bad = [r for r in rows if r.errors]
    result.invalid = len(bad)
    result.errors = [e for r in bad for e in r.errors]
    good = [r for r in rows if not r.errors]
    result.created = sum(1 for r in good if r.action == "create")
    result.updated = sum(1 for r in good if r.action == "update")
    result.unchanged = sum(1 for r in good if r.action == "unchanged")

    if skip_invalid and bad and not dry_run:
        result.error_file = write_error_file(resource, headers, bad, error_file or _error_path(path))
    if dry_run or (bad and not skip_invalid):
        return result
    with audit.audit_context(user=user, source=source), transaction.atomic():
        _write(resource, good, ctx, user)
    result.written = True
    return result


def _write(resource: ImportResource, rows: list[Row], ctx: Context, user: Any) -> None:
    model = resource.model
    new = [r for r in rows if r.action == "create"]
    changed = [r for r in rows if r.action == "update"]
    for batch in _chunks(new, resource.batch_size):
        created = bulk_insert(model, [r.instance for r in batch], batch_size=resource.batch_size)
        for r, obj in zip(batch, created, strict=True):
            r.instance = obj
        audit.record_many(created, AuditAction.CREATE, user=user, note="导入")
    fields = list(resource.compare_fields)
    for batch in _chunks(changed, resource.batch_size):
        model.objects.bulk_update([r.instance for r in batch], fields, batch_size=resource.batch_size)
        audit.record_many(
            [r.instance for r in batch],
            AuditAction.UPDATE,
            changes=[r.changes for r in batch],
            user=user,
            note="导入",
        )
    resource.after_write(rows, ctx)


def _error_path(path: Path) -> Path:
    return path.with_name(
        f"{path.stem}.错误{path.suffix if path.suffix.lower() in ('.xlsx', '.csv') else '.xlsx'}"
    )


def write_error_file(resource: ImportResource, headers: list[str], rows: list[Row], target: Path) -> Path:
    """The bad rows in the same template plus an 错误 column, ready to fix and re-import."""
    out_headers = [h for h in headers if h != ERROR_HEADER] + [ERROR_HEADER]
    body = []
    for row in rows:
        message = "；".join(f"{e.column + '：' if e.column else ''}{e.message}" for e in row.errors)
        body.append([row.raw.get(h) for h in out_headers[:-1]] + [message])
    write_table(target, out_headers, body, neutralise=False)
    return target


# Export ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def write_table(
    target: Path, headers: list[str], rows: Iterable[list[Any]], *, neutralise: bool = True
) -> Path:
    cleaner = globals()["neutralise"] if neutralise else (lambda v: v)
    if target.suffix.lower() == ".csv":
        with target.open("w", newline="", encoding="utf-8-sig") as fh:
            w = csv.writer(fh)
            w.writerow(headers)
            for row in rows:
                w.writerow([cleaner(v.isoformat() if isinstance(v, dt.date) else _cell(v)) for v in row])
        return target
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(headers)
    for row in rows:
        ws.append([cleaner(_cell(v)) for v in row])
    wb.save(target)
    return target


def run_export(resource: ImportResource | str, target: Path | str, *, user: Any, queryset=None) -> int:
    """Export the user's records in the import template: personal columns masked without the
    right; an export that carries them in full is recorded (who, which columns, how many)."""
    from . import personal

    if isinstance(resource, str):
        resource = get_resource(resource)
    target = Path(target)
    qs = queryset if queryset is not None else resource.export_queryset(user)
    # no user: a command run by the operator of the server, who sees everything (and is recorded)
    show = user is None or personal.may_view(user)
    sensitive = [
        (i, personal.RESIDENT_ID if c.sensitive is True else c.sensitive)
        for i, c in enumerate(resource.columns)
        if c.sensitive
    ]
    count = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal count
        for record in qs.iterator(chunk_size=2000):
            values = resource.export_row(record)
            if not show:
                for i, kind in sensitive:
                    masked = personal.mask(kind, values[i])
                    values[i] = personal.MASKED if masked is None and values[i] not in (None, "") else masked
            count += 1
            yield values

    write_table(target, resource.headers, rows())
    if show and sensitive and count:
        personal.record_export(
            user, resource.model, count=count, fields=[resource.columns[i].header for i, _k in sensitive]
        )
    return count
