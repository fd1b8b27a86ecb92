"""The one import/export pipeline (IMPORT.md), behind three doors: the browser, the admin
and ``manage.py import_records``.

A domain describes a template as an ``ImportResource`` (columns with Chinese headers and
parsers, the key, how a row becomes a record) and registers it; the pipeline reads .xlsx
and .csv (UTF-8 with or without BOM, GB18030), checks headers, parses and validates every
row, looks references up in bulk, checks the importing user's scope, and then writes all
or nothing (or, with ``skip_invalid``, the valid rows plus an error file), in batches,
with one audit entry per written record.

Files are streamed: limits (rows, upload size, unpacked size of an .xlsx) are checked before
any row is read, and rows are parsed, validated and written one batch at a time inside one
transaction, so memory stays flat however long the file is.
"""

from __future__ import annotations

import array
import copy
import csv
import datetime as dt
import functools
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, ClassVar

from django.conf import settings
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
    errors: list[RowError] = field(default_factory=list)  # the first MAX_KEPT_ERRORS
    dry_run: bool = False
    written: bool = False
    error_file: Path | None = None
    error_count: int = 0  # every error, shown or not

    @property
    def ok(self) -> bool:
        return not self.error_count

    def to_json(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "errors": [[e.row, e.column, e.message] for e in self.errors],
            "error_count": self.error_count,
            "dry_run": self.dry_run,
            "written": self.written,
            "error_file": str(self.error_file) if self.error_file else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportResult:
        values = dict(data)
        values["errors"] = [RowError(*e) for e in data.get("errors", [])]
        values["error_file"] = Path(data["error_file"]) if data.get("error_file") else None
        return cls(**values)

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
    """Subclass per template. Hooks, all working on lists of rows, one batch of the file at a
    time (never per-row queries); rows of earlier batches may already be written:

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
    # Rows refer to other rows of the same file (a parent further down, an order across the
    # file): the hooks then get the whole file as one batch instead of batch_size rows.
    whole_file: ClassVar[bool] = False
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


# Limits -------------------------------------------------------------------------------------
# Answered before any row is read (IMPORT_* settings, config/settings/base.py).

MB = 1024 * 1024
MAX_KEPT_ERRORS = 1000  # RowErrors kept for display; the rest are counted (and in the error file)
_XLSX_MAX_MEMBERS = 10_000


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 1_000_000)


def max_upload_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UPLOAD_MB", 100) * MB


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        f"文件的数据超过 {max_rows():,} 行的上限，未导入任何数据；请拆分成多个文件后分别导入"
    )


def check_upload_size(size: int) -> None:
    """Refuse a file larger than IMPORT_MAX_UPLOAD_MB before it is stored or read."""
    limit = max_upload_bytes()
    if size > limit:
        raise ImportFileError(
            f"文件有 {size / MB:,.1f} MB，超过上限 {limit // MB} MB，未导入任何数据；请拆分成多个文件后分别导入"
        )


# Reading files ---------------------------------------------------------------------------

_ENCODINGS = ("utf-8-sig", "gb18030")
_ENCODING_ERROR = "无法识别文件编码，请另存为 UTF-8 或 GB18030（GBK）编码的 CSV"


def _blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


@dataclass
class Table:
    """An open .xlsx or .csv: its headers, the number of data rows counted before any work
    (None when unknown), and its non-blank data rows as (row number, cells), read lazily."""

    headers: list[str]
    count: int | None
    rows: Iterator[tuple[int, list[Any]]]
    close: Callable[[], None] = lambda: None


Opener = Callable[[], IO[bytes]]


def _opener(path: Path, data: bytes | None) -> Opener:
    if data is not None:
        return lambda: io.BytesIO(data)
    return lambda: path.open("rb")


def _csv_reader(opener: Opener, encoding: str) -> Iterator[list[str]]:
    """The rows of a CSV decoded as a stream (never the whole file in memory)."""
    with opener() as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
        try:
            yield from csv.reader(text)
        except csv.Error as exc:
            raise ImportFileError(f"CSV 文件格式有误：{exc}") from None


def _csv_count(opener: Opener, encoding: str) -> int:
    """Data rows up to the limit (one more means too many); UnicodeDecodeError if the encoding is wrong."""
    limit = max_rows()
    count = 0
    rows = _csv_reader(opener, encoding)
    next(rows, None)  # headers
    for cells in rows:
        if not _blank(cells):
            count += 1
            if count > limit:
                break
    rows.close()
    return count


def _open_csv(opener: Opener) -> Table:
    # The whole file is decoded once before any work, as a stream: in UTF-8 (with or without
    # BOM), else in GB18030; so a bad byte near the end is found before anything is written.
    for encoding in _ENCODINGS:
        try:
            count = _csv_count(opener, encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise ImportFileError(_ENCODING_ERROR)
    if count > max_rows():
        raise _too_many_rows()

    def rows() -> Iterator[list[str]]:
        try:
            yield from _csv_reader(opener, encoding)
        except UnicodeDecodeError:  # the file changed since it was counted
            raise ImportFileError(_ENCODING_ERROR) from None

    reader = rows()
    return _table(reader, count, reader.close)


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _first_worksheet(zf: zipfile.ZipFile) -> str | None:
    """The zip member of the workbook's first worksheet (the one openpyxl reads), or None."""
    from defusedxml import ElementTree

    try:
        if zf.getinfo("xl/workbook.xml").file_size > 10 * MB:
            return None
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001 - an unusual package: openpyxl will say what is wrong
        return None
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in rels.iter(f"{_NS_PKG}Relationship")
        if rel.get("Type", "").endswith("/worksheet")
    }
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"))
        if target:
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            return name if name in zf.namelist() else None
    return None


def _xlsx_count(zf: zipfile.ZipFile, member: str) -> int:
    """Rows with cells in a worksheet (closing tags, counted on the decompressed stream)."""
    count, tail = 0, b""
    with zf.open(member) as fh:
        while chunk := fh.read(4 * MB):
            buf = tail + chunk
            count += buf.count(b"</row>")
            tail = buf[-5:]  # shorter than the tag: no occurrence is counted twice
    if count == 0:  # a prefixed namespace (<x:row>) is rare; count those the slow way
        pattern, tail = re.compile(rb"</\w{1,32}:row>"), b""
        with zf.open(member) as fh:
            while chunk := fh.read(4 * MB):
                buf = tail + chunk
                end = 0
                for m in pattern.finditer(buf):
                    count += 1
                    end = m.end()
                tail = buf[max(end, len(buf) - 40) :]
    return count


def _open_zip(fh: IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(f"无法读取 Excel 文件：{exc}") from exc


def _check_zip(zf: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from the zip directory alone: zipfile never inflates a member beyond
    the size the directory gives, so the sum of those sizes bounds all the work."""
    limit = getattr(settings, "IMPORT_MAX_UNCOMPRESSED_MB", 1024) * MB
    max_ratio = getattr(settings, "IMPORT_MAX_COMPRESSION_RATIO", 200)
    infos = zf.infolist()
    if len(infos) > _XLSX_MAX_MEMBERS:
        raise ImportFileError(f"Excel 文件包含 {len(infos):,} 个部件，不像正常的工作簿，已拒绝")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limit:
        raise ImportFileError(
            f"Excel 文件解压后有 {unpacked / MB:,.1f} MB，超过上限 {limit // MB:,} MB，未导入任何数据；"
            "请删去多余的工作表、格式和空行，或拆分成多个文件后分别导入"
        )
    for i in infos:
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > MB and ratio > max_ratio:
            raise ImportFileError(
                f"Excel 文件中的“{i.filename}”压缩比异常（约 {ratio:,.0f} 倍，上限 {max_ratio} 倍），"
                "可能是恶意构造的文件，已拒绝"
            )


def _check_xlsx(opener: Opener) -> int | None:
    """The zip directory checked (before openpyxl opens anything), then the number of data rows
    of the first sheet (an upper bound: rows of empty cells count too), or None if unknown."""
    with opener() as fh, _open_zip(fh) as zf:
        _check_zip(zf)
        member = _first_worksheet(zf)
        if member is None:
            return None
        try:
            return max(_xlsx_count(zf, member) - 1, 0)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise ImportFileError(f"无法读取 Excel 文件：{exc}") from exc


def check_file(path: Path) -> None:
    """What can be refused without reading a row: the file type, an .xlsx's zip directory."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        with path.open("rb") as fh, _open_zip(fh) as zf:
            _check_zip(zf)
    elif suffix != ".csv":
        raise ImportFileError(f"不支持的文件类型“{suffix}”，请上传 .xlsx 或 .csv 文件")


def _open_xlsx(opener: Opener) -> Table:
    count = _check_xlsx(opener)
    if count is not None and count > max_rows():
        raise _too_many_rows()
    import openpyxl

    fh = opener()
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        fh.close()
        raise ImportFileError(f"无法读取 Excel 文件：{exc}") from exc
    ws = wb.worksheets[0]
    # The sheet's declared <dimension> may be stale (openpyxl itself writes such files
    # after edits): read-only mode would stop at it and drop the rows beyond, silently.
    ws.reset_dimensions()

    def close() -> None:
        wb.close()
        fh.close()

    return _table(ws.iter_rows(values_only=True), count, close)


def _table(rows: Iterator[Sequence[Any]], count: int | None, close: Callable[[], None]) -> Table:
    try:
        header_row = next(rows)
    except StopIteration:
        close()
        raise ImportFileError("文件是空的") from None
    headers = [_text(h) for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    limit = max_rows()

    def body() -> Iterator[tuple[int, list[Any]]]:
        seen = 0
        for number, cells in enumerate(rows, start=2):
            cells = list(cells)
            if _blank(cells):
                continue
            seen += 1
            if seen > limit:  # an .xlsx whose rows could not be counted beforehand
                raise _too_many_rows()
            yield number, cells

    return Table(headers, count, body(), close)


def open_table(path: Path, data: bytes | None = None) -> Table:
    """The first sheet of an .xlsx or a .csv, checked against the limits before any row is read."""
    suffix = path.suffix.lower()
    opener = _opener(path, data)
    if suffix in (".xlsx", ".xlsm"):
        return _open_xlsx(opener)
    if suffix == ".csv":
        return _open_csv(opener)
    raise ImportFileError(f"不支持的文件类型“{suffix}”，请上传 .xlsx 或 .csv 文件")


def read_table(path: Path, data: bytes | None = None) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """Headers and (row number, cells) of the first sheet of an .xlsx or of a .csv."""
    table = open_table(path, data)
    return table.headers, table.rows


# Running an import -----------------------------------------------------------------------

# Templates whose rows depend on other rows of the same file get the whole file as one batch
# (every hook sees all rows at once, as before imports were streamed), until their resources
# declare ``whole_file = True`` themselves:
#   unions          a 上级工会编码 may name a union further down the same file;
#   family_members  one resident ID in two filed households of the file is refused by row number;
#   claims          payouts are settled in discharge order across the whole file.
_WHOLE_FILE = frozenset({"unions", "family_members", "claims"})


def _whole_file(resource: ImportResource) -> bool:
    return resource.whole_file or resource.name in _WHOLE_FILE


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


class _ErrorFile:
    """The invalid rows in the same template plus an 错误 column, written as they are found."""

    def __init__(self, headers: list[str], target: Path) -> None:
        self.headers = [h for h in headers if h != ERROR_HEADER] + [ERROR_HEADER]
        self.target = target
        self.rows = 0
        self._fh: IO[str] | None = None
        self._csv: Any = None
        self._wb: Any = None
        self._ws: Any = None

    def add(self, row: Row) -> None:
        if self._fh is None and self._wb is None:
            self._open()
        message = "；".join(f"{e.column + '：' if e.column else ''}{e.message}" for e in row.errors)
        values = [row.raw.get(h) for h in self.headers[:-1]] + [message]
        if self._csv is not None:
            self._csv.writerow([v.isoformat() if isinstance(v, dt.date) else _cell(v) for v in values])
        else:
            self._ws.append([_cell(v) for v in values])
        self.rows += 1

    def _open(self) -> None:
        if self.target.suffix.lower() == ".csv":
            self._fh = self.target.open("w", newline="", encoding="utf-8-sig")
            self._csv = csv.writer(self._fh)
            self._csv.writerow(self.headers)
        else:
            import openpyxl

            self._wb = openpyxl.Workbook(write_only=True)  # rows go to a temporary file
            self._ws = self._wb.create_sheet("data")
            self._ws.append(self.headers)

    def close(self) -> Path | None:
        """The file, or None when no row was invalid."""
        if self._fh is not None:
            self._fh.close()
        if self._wb is not None:
            self._wb.save(self.target)
        self._fh = self._wb = None
        return self.target if self.rows else None

    def discard(self) -> None:
        self.close()
        if self.rows:
            self.target.unlink(missing_ok=True)


class KeyIndex:
    """The first row number of every key of a file, exact, in about 45 bytes a key where a
    dict of the keys would take about 145 (the one thing of an import that grows with the
    file): the keys' bytes one after another in an arena, their first row numbers in an array,
    and an open-addressing table (linear probing, at most half full) of key positions."""

    def __init__(self) -> None:
        self._arena = bytearray()
        self._starts = array.array("q")  # where each key's bytes start in the arena
        self._rows = array.array("i")  # the row each key was first seen on
        self._slots = array.array("i", [-1]) * 1024  # key position, or -1 when free
        self._mask = 1023

    def __len__(self) -> int:
        return len(self._rows)

    @staticmethod
    def _bytes(key: tuple) -> bytes:
        if len(key) == 1 and isinstance(key[0], str):
            return b"s" + key[0].encode("utf-8", "surrogatepass")
        return b"r" + repr(key).encode("utf-8", "surrogatepass")  # str, int, date, None parts

    def _key(self, position: int) -> bytes:
        end = self._starts[position + 1] if position + 1 < len(self._starts) else len(self._arena)
        return self._arena[self._starts[position] : end]

    def _find(self, data: bytes) -> int:
        """The slot holding ``data``, or the free slot where it belongs."""
        slots, mask = self._slots, self._mask
        i = hash(data) & mask
        while True:
            position = slots[i]
            if position < 0 or self._key(position) == data:
                return i
            i = (i + 1) & mask

    def first(self, key: tuple, number: int) -> int | None:
        """The row ``key`` was first seen on; None, and ``number`` remembered, if it is new."""
        data = self._bytes(key)
        i = self._find(data)
        position = self._slots[i]
        if position >= 0:
            return self._rows[position]
        position = len(self._rows)
        self._starts.append(len(self._arena))
        self._arena += data
        self._rows.append(number)
        self._slots[i] = position
        if 2 * len(self._rows) > self._mask:
            self._grow()
        return None

    def _grow(self) -> None:
        self._mask = 2 * (self._mask + 1) - 1
        self._slots = array.array("i", [-1]) * (self._mask + 1)
        for position in range(len(self._rows)):
            self._slots[self._find(bytes(self._key(position)))] = position


class _Run:
    """One pass over a file. Rows are parsed, validated and written batch by batch (the
    resource's batch_size, or the whole file for the templates of _WHOLE_FILE); across the
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
        error_file: _ErrorFile | None,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.resource = resource
        self.table = table
        self.ctx = ctx
        self.result = result
        self.skip_invalid = skip_invalid
        self.error_file = error_file
        self.progress = progress
        self.seen = KeyIndex()  # the first row number of every key, for duplicates
        self.key_headers = "、".join(c.header for c in resource.columns if c.key)

    def batches(self) -> Iterator[list[Row]]:
        size = None if _whole_file(self.resource) else self.resource.batch_size
        resource, headers = self.resource, self.table.headers
        batch: list[Row] = []
        for number, cells in self.table.rows:
            batch.append(_parse(resource, headers, number, cells))
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
                room = MAX_KEPT_ERRORS - len(result.errors)
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
                _write(self.resource, good, self.ctx, user)
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
            _ErrorFile(table.headers, error_file or _error_path(path))
            if skip_invalid and not dry_run
            else None
        )
        run = _Run(
            resource,
            table,
            Context(user, resource),
            result,
            skip_invalid=skip_invalid,
            error_file=errors,
            progress=progress,
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
    out = _ErrorFile(headers, target)
    for row in rows:
        out.add(row)
    if not rows:
        write_table(target, out.headers, [], neutralise=False)
    out.close()
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
