"""Figures formatted for people: money to the fen with thousands separators, counts, ratios."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from apps.core.templatetags.numbers import count, money, ratio


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("2214839.95"), "2,214,839.95"),
        (Decimal("6720.000000"), "6,720.00"),
        ("0.005", "0.01"),  # half up to the fen
        (0, "0.00"),
        (None, "—"),
    ],
)
def test_money(value, shown):
    assert money(value) == shown


def test_count_and_ratio():
    assert (count(3887000), count("12"), count(None)) == ("3,887,000", "12", "—")
    assert (ratio(Decimal("0.6000")), ratio("0.655"), ratio(1)) == ("60%", "65.5%", "100%")


def test_the_filters_load_in_templates():
    html = Template("{% load numbers %}{{ a|money }} {{ b|count }} {{ c|ratio }}").render(
        Context({"a": Decimal("1234.5"), "b": 45000, "c": Decimal("0.6")})
    )
    assert html == "1,234.50 45,000 60%"
