"""Reading files: the first sheet of an .xlsx or a .csv (UTF-8 with or without BOM, or
GB18030), streamed, checked against the limits before any row is read."""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from . import limits
from .cells import cell_text
from .exceptions import ImportFileError

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
    limit = limits.max_rows()
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
    if count > limits.max_rows():
        raise limits.too_many_rows()

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
        if zf.getinfo("xl/workbook.xml").file_size > 10 * limits.MB:
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
        while chunk := fh.read(4 * limits.MB):
            buf = tail + chunk
            count += buf.count(b"</row>")
            tail = buf[-5:]  # shorter than the tag: no occurrence is counted twice
    if count == 0:  # a prefixed namespace (<x:row>) is rare; count those the slow way
        pattern, tail = re.compile(rb"</\w{1,32}:row>"), b""
        with zf.open(member) as fh:
            while chunk := fh.read(4 * limits.MB):
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
    limit = getattr(settings, "IMPORT_MAX_UNCOMPRESSED_MB", 1024) * limits.MB
    max_ratio = getattr(settings, "IMPORT_MAX_COMPRESSION_RATIO", 200)
    infos = zf.infolist()
    if len(infos) > limits.XLSX_MAX_MEMBERS:
        raise ImportFileError(f"Excel 文件包含 {len(infos):,} 个部件，不像正常的工作簿，已拒绝")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limit:
        raise ImportFileError(
            f"Excel 文件解压后有 {unpacked / limits.MB:,.1f} MB，超过上限 {limit // limits.MB:,} MB，未导入任何数据；"
            "请删去多余的工作表、格式和空行，或拆分成多个文件后分别导入"
        )
    for i in infos:
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > limits.MB and ratio > max_ratio:
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
    if count is not None and count > limits.max_rows():
        raise limits.too_many_rows()
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
    headers = [cell_text(h) for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    limit = limits.max_rows()

    def body() -> Iterator[tuple[int, list[Any]]]:
        seen = 0
        for number, cells in enumerate(rows, start=2):
            cells = list(cells)
            if _blank(cells):
                continue
            seen += 1
            if seen > limit:  # an .xlsx whose rows could not be counted beforehand
                raise limits.too_many_rows()
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
