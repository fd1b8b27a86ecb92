"""The limits of an import, answered before any row is read (IMPORT_* settings,
config/settings/base.py)."""

from __future__ import annotations

from django.conf import settings

from .exceptions import ImportFileError

MB = 1024 * 1024
MAX_KEPT_ERRORS = 1000  # RowErrors kept for display; the rest are counted (and in the error file)
XLSX_MAX_MEMBERS = 10_000  # parts of an .xlsx package; a real workbook has a few dozen


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 1_000_000)


def max_upload_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UPLOAD_MB", 100) * MB


def too_many_rows() -> ImportFileError:
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
