"""Reads of reports: scoped report lists, the regions a user may report on, dashboard data."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from apps.core.choices import RegionLevel
from apps.core.models import Region
from apps.core.scoping import VIEW, scope_region_ids, user_may
from apps.core.views_base import page_allowed

from . import indicators
from .models import IndicatorSummary, YearlyReport


def report_list(*, user: Any, action: str = VIEW) -> QuerySet[YearlyReport]:
    return YearlyReport.objects.restrict(user, action).select_related("region", "requested_by")


def reportable_regions(*, user: Any) -> QuerySet[Region]:
    """Province, prefectures and counties within the user's scope (what reports are made for)."""
    qs = Region.objects.filter(
        level__in=[RegionLevel.PROVINCE, RegionLevel.PREFECTURE, RegionLevel.COUNTY]
    ).order_by("code")
    ids = scope_region_ids(user, VIEW, YearlyReport)
    if ids is None:
        return qs
    return qs.filter(pk__in=ids)


def user_may_see_region(user: Any, region: Region) -> bool:
    return user_may(user, VIEW, region.pk, IndicatorSummary)


def _page_allowed_cached(user: Any, url: str) -> bool:
    """``page_allowed`` once per user object and page (a dashboard links the same lists many times)."""
    cache = user.__dict__.setdefault("_pages_allowed", {})
    if url not in cache:
        cache[url] = page_allowed(user, url)
    return cache[url]


def dashboard_path(*, user: Any, region: Region) -> list[Region]:
    """The breadcrumbs of a region's dashboard: the regions from the top down to it that the
    user may open, so a county's staff start at their county and a prefecture's at their
    prefecture (the province above them is a 404 for them, so it is no link)."""
    codes = [c for c in region.path.strip("/").split("/") if c]
    qs = Region.objects.filter(code__in=codes).order_by("path")
    ids = scope_region_ids(user, VIEW, IndicatorSummary)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(qs)


def default_region(user: Any) -> Region | None:
    if user.region_id is not None:
        return user.region
    return Region.objects.filter(parent__isnull=True).order_by("code").first()


def default_year() -> int:
    """The last complete year (the dashboard's default)."""
    return timezone.localdate().year - 1


def summaries(*, years: list[int], regions: list[Region]) -> dict[tuple[int, int], dict[str, Any]]:
    """Precomputed indicators by (year, region id); missing ones are computed once and stored,
    so a page view never recomputes what the nightly task already wrote."""
    found = {
        (s.year, s.region_id): s.indicators
        for s in IndicatorSummary.objects.filter(year__in=years, region__in=regions).only(
            "year", "region_id", "indicators"
        )
    }
    from .services import summaries_store  # the write the nightly task makes, for what it missed

    for year in years:
        missing = [r for r in regions if (year, r.pk) not in found]
        if missing:
            found.update(
                {(year, pk): values for pk, values in summaries_store(year=year, regions=missing).items()}
            )
    return found


# Each figure links to the list behind it: (URL name, query parameters) by code prefix.
LIST_URLS: list[tuple[str, str]] = [
    ("org.unions", "unions:union-list"),
    ("org.normalized", "unions:union-list"),
    ("org.demonstration", "unions:union-list"),
    ("org.workers_congresses", "unions:union-list"),
    ("org.affairs_disclosure", "unions:union-list"),
    ("org.members", "unions:member-list"),
    ("org.contracts", "unions:contract-list"),
    ("comp.", "competitions:competition-list"),
    ("mw.", "model_workers:modelworker-list"),
    ("hs.", "hardship:household-list"),
    ("ins.", "insurance:plan-list"),
]


def _in_year(field: str, year: int) -> dict[str, str]:
    return {f"{field}_after": f"{year}-01-01", f"{field}_before": f"{year}-12-31"}


# Narrower filters of the list behind some figures (names of apps.unions.filtersets).
LIST_FILTERS: dict[str, Any] = {
    "org.unions_founded": lambda y: _in_year("founded_on", y),
    "org.normalized_township_unions": lambda y: {"kind": "township"},
    "org.members_female": lambda y: {"sex": "F"},
    "org.members_migrant": lambda y: {"household_type": "rural"},
    "org.members_joined": lambda y: _in_year("joined_on", y),
    "org.members_joined_online": lambda y: {**_in_year("joined_on", y), "join_channel": "online"},
    "org.contracts_general": lambda y: {"kind": "general"},
    "org.contracts_wage": lambda y: {"kind": "wage"},
    "org.contracts_safety": lambda y: {"kind": "safety"},
    "org.contracts_safety_workers": lambda y: {"kind": "safety"},
}


# Worker services: each figure's register, filtered by the year of the register's own date
# (``year``, apps/services/filtersets.py) and narrowed to what the code counts; the open cases
# are a state at the year's end, not a year's records (None: no year), so their link lists the
# region's cases without a year.
PAID = {"status": "paid"}
WAGE_CLOSED = {"kind": "wage_arrears", "status": "closed"}
SERVICE_LISTS: dict[str, dict[str, dict[str, str] | None]] = {
    "services:relief-list": {
        "svc.jinqiu_students": {"programme": "jinqiu", **PAID},
        "svc.jinqiu_amount": {"programme": "jinqiu", **PAID},
        "svc.relief_amount": PAID,
        "svc.relief_migrant": {"recipient_kind": "migrant", **PAID},
        "svc.relief_workers": PAID,
    },
    "services:visit-list": {
        "svc.warmth_enterprises": {"kind": "enterprise"},
        "svc.warmth_households": {"kind": "household"},
        "svc.warmth_amount": {},
    },
    "services:jobfair-list": {"svc.job_fairs": {}, "svc.job_fair_positions": {}},
    "services:employmentservice-list": {
        "svc.employment_services": {},
        "svc.labour_export": {"kind": "labour_export"},
        "svc.placements": {"placed": "true"},
    },
    "services:training-list": {
        "svc.trainings": {},
        "svc.training_attendance": {},
        "svc.cadre_training_attendance": {"kind": "cadre"},
    },
    "services:rightscase-list": {
        "svc.wage_cases": WAGE_CLOSED,
        "svc.wage_workers": WAGE_CLOSED,
        "svc.wage_amount": WAGE_CLOSED,
        "svc.cases_open": None,
    },
    "services:loan-list": {"svc.loans": {}, "svc.loan_amount": {}, "svc.loan_jobs": {}},
}


def _in_service_year(extra: dict[str, str] | None) -> Any:
    return (lambda y: {}) if extra is None else (lambda y: {"year": str(y), **extra})


for _route, _codes in SERVICE_LISTS.items():
    LIST_URLS += [(code, _route) for code in _codes]
    LIST_FILTERS.update({code: _in_service_year(extra) for code, extra in _codes.items()})
del _route, _codes


@functools.lru_cache(maxsize=8192)
def _figure_link(code: str, region_code: str, year: int, urlconf: str, prefix: str) -> tuple[str, str] | None:
    """(list path, link with its filters) behind a code for a region and year, built once per
    URLconf and script prefix: a dashboard links some 300 figures on every view."""
    name = next((name for start, name in LIST_URLS if code.startswith(start)), None)
    if name is None:
        return None
    try:
        url = reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return None
    params = {"region": region_code}
    if code in LIST_FILTERS:
        params.update(LIST_FILTERS[code](year))
    return url, f"{url}?{urlencode(params)}"


def figure_url(code: str, region: Region, year: int, *, user: Any = None) -> str | None:
    """The filtered list behind a figure, or None when that list is not installed or, given a
    user, when that user may not open it."""
    link = _figure_link(code, region.code, year, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    if link is None or (user is not None and not _page_allowed_cached(user, link[0])):
        return None
    return link[1]


# The headline of the home page (apps.core.work, contributed in apps.py) ----------------------

from apps.core import work as _work  # noqa: E402

# The region's key figures on the home page: a few of the dashboard's headline.
HOME_HEADLINE_CODES = [
    "org.unions",
    "org.members",
    "hs.households",
    "hs.aid_amount",
    "ins.payout_amount",
    "svc.employment_services",
]


def reports_work_headline(user: Any) -> _work.Headline | None:
    """The key figures of the user's region (a township's staff: none, as the dashboards are
    computed down to counties) for the latest complete year whose summary is computed, read
    from the precomputed summaries in one query — never computed here: before the nightly
    task has run, the headline has no figures and links to the dashboard. None when the user
    may not see the region's dashboard."""
    region = default_region(user)
    if region is None or region.level == RegionLevel.TOWNSHIP or not user_may_see_region(user, region):
        return None
    summary = (
        IndicatorSummary.objects.filter(region=region, year__lte=default_year())
        .order_by("-year")
        .only("year", "indicators")
        .first()
    )
    try:
        dashboard = reverse("reports:dashboard")
    except NoReverseMatch:
        dashboard = ""
    if summary is None:
        return _work.Headline(
            region=region.name, year=None, url=f"{dashboard}?region={region.code}" if dashboard else ""
        )
    figures = tuple(
        _work.Figure(
            code=code,
            label=indicators.BY_CODE[code].name,
            value=indicators.parse_value(code, summary.indicators[code]),
            amount=indicators.BY_CODE[code].amount,
            url=figure_url(code, region, summary.year, user=user) or "",
        )
        for code in HOME_HEADLINE_CODES
        if code in summary.indicators and code in indicators.BY_CODE
    )
    url = f"{dashboard}?{urlencode({'region': region.code, 'year': summary.year})}" if dashboard else ""
    return _work.Headline(region=region.name, year=summary.year, figures=figures, url=url)
