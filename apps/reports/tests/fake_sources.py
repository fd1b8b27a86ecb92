"""Indicator sources for tests: a stand-in with amounts, and one that fails."""

from decimal import Decimal

from apps.core.models import Region
from apps.unions.models import Member


def fake_indicators(*, year: int, region: Region) -> dict:
    """``hs.aid_amount`` = 12.5 yuan per member joined by year end (an additive amount)."""
    from apps.core.selectors import in_region

    n = Member.objects.filter(in_region("union__region", region), joined_on__year__lte=year).count()
    return {"hs.aid_amount": Decimal("12.5") * n, "hs.households_aided": min(n, 1)}


def broken_indicators(*, year: int, region: Region) -> dict:
    raise RuntimeError("the source broke")


def slow_indicators(*, year: int, region: Region) -> dict:
    """Takes a second per region, so a test can kill the worker in the middle of a report."""
    import time

    time.sleep(1.0)
    return {}
