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

The business rules a row must obey are the domain's ``clean_*`` functions, the ones its
services run (``ImportResource.check_rule``): the import is another door, not another set of
rules.

Modules, by concern (import from this package, not from them):

    cells       cell parsers (``parse_*``) and choice labels
    templates   ``Column`` and its makers, ``ImportResource`` and its hooks (with defaults
                driven by data: copied fields, a reference, the region path), the registry
    results     ``Row``, ``RowError``, ``ImportResult``
    limits      rows, upload size, errors kept
    reading     .xlsx and .csv, streamed
    keys        the keys seen, for duplicates
    running     ``run_import``: validate and write, batch by batch
    output      ``write_table``, the error file
    template_file  the downloadable template: drop-downs, dates, an instruction sheet
    exporting   ``run_export``
"""

from ..bulk import CHUNK, chunks, filter_in
from .cells import (
    cell_text,
    choice_label,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_optional_resident_id,
    parse_resident_id,
    parse_text,
    parse_year,
)
from .exceptions import CellError, ImportFileError
from .exporting import run_export
from .limits import check_upload_size, max_rows, max_upload_bytes
from .output import neutralise, write_error_file, write_table
from .reading import check_file, read_table
from .results import ImportResult, Row, RowError
from .running import run_import
from .template_file import write_template
from .templates import (
    Column,
    Context,
    ImportResource,
    RefMixin,
    RegionRefMixin,
    choice_column,
    get_resource,
    number_column,
    region_column,
    register,
    registry,
    related_column,
)

__all__ = [
    "CHUNK",
    "CellError",
    "Column",
    "Context",
    "ImportFileError",
    "ImportResource",
    "ImportResult",
    "RefMixin",
    "RegionRefMixin",
    "Row",
    "RowError",
    "cell_text",
    "check_file",
    "check_upload_size",
    "choice_column",
    "choice_label",
    "chunks",
    "filter_in",
    "get_resource",
    "max_rows",
    "max_upload_bytes",
    "neutralise",
    "number_column",
    "parse_bool",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "parse_optional_resident_id",
    "parse_resident_id",
    "parse_text",
    "parse_year",
    "read_table",
    "region_column",
    "register",
    "registry",
    "related_column",
    "run_export",
    "run_import",
    "write_error_file",
    "write_table",
    "write_template",
]
