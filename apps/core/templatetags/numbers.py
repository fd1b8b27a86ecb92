"""Figures as people read them: ``money`` (yuan to the fen, thousands separated), ``count``
(thousands separated) and ``ratio`` (a fraction as a percentage). Only the figures that are
amounts or counts use them: years, codes and IDs keep their digits as they are."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import wraps
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


def _figure(format_number: Callable[[Decimal], str]) -> Callable[[Any], str]:
    """A filter from how a number is written: a blank shows as —, what isn't a number as it is."""

    @wraps(format_number)
    def figure_filter(value: Any) -> str:
        number = _decimal(value)
        if number is None:
            return EMPTY if value in (None, "") else str(value)
        return format_number(number)

    return register.filter(format_number.__name__, figure_filter)


@_figure
def money(amount: Decimal) -> str:
    """1234567.5 → 1,234,567.50 (half up to the fen); blank → —."""
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


@_figure
def count(number: Decimal) -> str:
    """2214839 → 2,214,839; blank → —."""
    return f"{number.to_integral_value(rounding=ROUND_HALF_UP):,}"


@_figure
def ratio(number: Decimal) -> str:
    """0.6 → 60%, 0.655 → 65.5%."""
    percent = (number * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{percent:f}%"
