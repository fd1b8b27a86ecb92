"""Cell parsers. Each takes the raw cell (str, int, float, datetime, date or None) and
returns the value, raising CellError with a message that quotes the bad value.

Choice labels are read and written in Chinese (IMPORT.md, a contract) whatever the language of
the user: the labels are lazy translations whose msgid is the Chinese, resolved here under
``CONTRACT_LANGUAGE``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from ..validators import validate_resident_id
from .exceptions import CellError

# The language of the templates and their files (headers, choice labels, instructions, errors).
CONTRACT_LANGUAGE = "zh-hans"


def contract_language() -> translation.override:
    """``with contract_language():`` renders lazy labels in the templates' Chinese."""
    return translation.override(CONTRACT_LANGUAGE)


def contract_text(text: Any) -> str:
    """A lazy translation (a template's title, a choice label) in the templates' Chinese."""
    with contract_language():
        return str(text)


def contract_labels(choices: type[models.TextChoices]) -> list[str]:
    """The Chinese labels of ``choices``, in order, as the templates write them."""
    return list(_labels_by_value(choices).values())


def cell_text(raw: Any) -> str:
    """A cell as text: blank for nothing, whole floats without ``.0``, dates without midnight."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    return str(raw).strip()


def parse_text(raw: Any, max_length: int | None = None) -> str:
    value = cell_text(raw)
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
    return {label: value for value, label in _labels_by_value(choices).items()}


def parse_choice(raw: Any, choices: type[models.TextChoices], blank: bool = False) -> str:
    text = cell_text(raw)
    if not text:
        if blank:
            return ""
        raise CellError("不能为空")
    value = _labels(choices).get(text)
    if value is not None:
        return value
    allowed = "、".join(contract_labels(choices))
    raise CellError(f"“{text}”不是可选值（可选：{allowed}）")


def parse_bool(raw: Any) -> bool:
    text = cell_text(raw)
    if text in ("是", "Y", "y", "1", "TRUE", "True", "true"):
        return True
    if text in ("否", "N", "n", "0", "FALSE", "False", "false", ""):
        return False
    raise CellError(f"“{text}”应为“是”或“否”")


def parse_resident_id(raw: Any) -> str:
    text = cell_text(raw)
    if not text:
        raise CellError("不能为空")
    try:
        return validate_resident_id(text)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


def parse_optional_resident_id(raw: Any) -> str:
    """A resident ID that may be left blank."""
    return parse_resident_id(raw) if cell_text(raw) else ""


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The Chinese label of a stored choice, as the templates write it ('' for blank)."""
    return _labels_by_value(choices).get(value, "") if value else ""


@functools.cache
def _labels_by_value(choices: type[models.TextChoices]) -> dict[str, str]:
    # cached as plain strings rendered in Chinese: the same whichever language asks first
    with contract_language():
        return {value: str(label) for value, label in choices.choices}
