"""The dashboards' refresh computes a whole level in one grouped pass (``Regions.totals``): it
must give every region exactly the figures the report computes for that region alone."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import Region
from apps.core.tests.factories import make_resident_id, region
from apps.reports import indicators
from apps.reports.models import IndicatorSummary
from apps.reports.services import SUMMARY_LEVELS, summary_refresh
from apps.services.tests.factories import JobFairFactory, ReliefPaymentFactory, VisitFactory, township

YEARS = [2024, 2025]


@pytest.fixture
def demo(db, settings):
    settings.REPORTS_INDICATOR_SOURCES = [path for _key, _name, path in indicators.SOURCES]
    call_command(
        "generate_demo_data", "--scale", "demo", "--years", ",".join(map(str, YEARS)), "--no-summaries"
    )
    # records that sit at a prefecture itself and at a township, and one person relieved in two
    # counties of one prefecture: counted once in the prefecture, once in each county
    prefecture = region("620100")
    JobFairFactory(region=prefecture, held_on=dt.date(2025, 3, 1), positions=77)
    JobFairFactory(region=township(), held_on=dt.date(2025, 3, 2), positions=5)
    person = make_resident_id("620102")
    for county in ("620102", "620103"):
        ReliefPaymentFactory(region=region(county), id_number=person, paid_on=dt.date(2025, 5, 1))
    VisitFactory(region=prefecture, visited_on=dt.date(2025, 1, 9), amount=Decimal("123.45"))


def _regions() -> list[Region]:
    return list(Region.objects.filter(level__in=SUMMARY_LEVELS).order_by("code"))


def test_grouped_figures_equal_each_region_computed_alone(demo):
    regions = _regions()
    assert len(regions) > 20  # the province, its prefectures and their counties
    for year in YEARS:
        grouped = indicators.compute_many(year=year, regions=regions)
        alone = {r.pk: indicators.compute(year=year, region=r) for r in regions}
        assert grouped == alone, year
    # what the check relies on: the data is not empty, and the extra records count where they sit
    by_code = {r.code: grouped[r.pk] for r in regions}
    assert by_code["620000"]["org.members"] > 0
    lanzhou = [c for c in by_code if c.startswith("6201") and c != "620100"]
    # the prefecture's own fair is in none of its counties; the township's is in 620102's
    assert by_code["620100"]["svc.job_fairs"] == sum(by_code[c]["svc.job_fairs"] for c in lanzhou) + 1
    # a person relieved in two of its counties counts once in the prefecture
    assert by_code["620100"]["svc.relief_workers"] < sum(by_code[c]["svc.relief_workers"] for c in lanzhou)


def test_a_level_costs_the_same_queries_whatever_its_regions(demo):
    counties = [r for r in _regions() if r.level == "county"]
    assert len(counties) > 10

    def queries(regions: list[Region]) -> int:
        with CaptureQueriesContext(connection) as captured:
            indicators.compute_many(year=2025, regions=regions)
        return len(captured.captured_queries)

    assert queries(counties) == queries(counties[:2])


def test_the_refresh_writes_each_region_its_own_figures(demo):
    regions = _regions()
    written = summary_refresh(years=[2025], regions=regions)
    assert written == len(regions)
    stored = dict(IndicatorSummary.objects.filter(year=2025).values_list("region__code", "indicators"))
    for code in ("620000", "620100", "620102", "620103"):
        assert stored[code] == indicators.compute(year=2025, region=region(code)), code
