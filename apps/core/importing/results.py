"""What an import reports: rows, their errors, the counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models


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
