"""Writing files: exports in a template, and the error file of an import (the invalid rows
in the same template plus an 错误 column, ready to fix and re-import)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .results import Row

if TYPE_CHECKING:
    from .templates import ImportResource

ERROR_HEADER = "错误"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def cell_value(value: Any) -> Any:
    """A value as a spreadsheet cell: blank for None, decimals as text, 是/否 for booleans."""
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
                w.writerow([cleaner(v.isoformat() if isinstance(v, dt.date) else cell_value(v)) for v in row])
        return target
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(headers)
    for row in rows:
        ws.append([cleaner(cell_value(v)) for v in row])
    wb.save(target)
    return target


class ErrorFile:
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
            self._csv.writerow([v.isoformat() if isinstance(v, dt.date) else cell_value(v) for v in values])
        else:
            self._ws.append([cell_value(v) for v in values])
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


def error_path(path: Path) -> Path:
    """Where the error file of ``path`` goes by default: beside it, 名称.错误.xlsx (or .csv)."""
    return path.with_name(
        f"{path.stem}.错误{path.suffix if path.suffix.lower() in ('.xlsx', '.csv') else '.xlsx'}"
    )


def write_error_file(resource: ImportResource, headers: list[str], rows: list[Row], target: Path) -> Path:
    """The bad rows in the same template plus an 错误 column, ready to fix and re-import."""
    out = ErrorFile(headers, target)
    for row in rows:
        out.add(row)
    if not rows:
        write_table(target, out.headers, [], neutralise=False)
    out.close()
    return target
