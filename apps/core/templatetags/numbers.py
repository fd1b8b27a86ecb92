"""Figures as people read them: ``money`` (yuan to the fen, thousands separated), ``count``
(thousands separated) and ``ratio`` (a fraction as a percentage). Only the figures that are
amounts or counts use them: years, codes and IDs keep their digits as they are."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()

EMPTY = "—"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def money(value: Any) -> str:
    """1234567.5 → 1,234,567.50 (half up to the fen); blank → —."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY if value in (None, "") else str(value)
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


@register.filter
def count(value: Any) -> str:
    """2214839 → 2,214,839; blank → —."""
    number = _decimal(value)
    if number is None:
        return EMPTY if value in (None, "") else str(value)
    return f"{number.to_integral_value(rounding=ROUND_HALF_UP):,}"


@register.filter
def ratio(value: Any) -> str:
    """0.6 → 60%, 0.655 → 65.5%."""
    number = _decimal(value)
    if number is None:
        return EMPTY if value in (None, "") else str(value)
    percent = (number * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{percent:f}%"
