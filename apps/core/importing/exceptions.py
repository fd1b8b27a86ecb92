"""The two ways an import fails: a cell, or the whole file."""

from __future__ import annotations


class CellError(Exception):
    """A cell that cannot be read; the message is shown to the user as is (Chinese)."""


class ImportFileError(Exception):
    """The file as a whole cannot be imported (format, encoding, headers, a limit)."""
