"""The worker-services domain (普惠服务与维权) in the reports: its sheet of the workbook, its part
of the printable document, its section of the dashboard (figures over the years, linked to the
registers' lists, next to the seed report's for the province) and the links behind them."""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.tests.factories import region
from apps.reports import document, indicators, services
from apps.reports.excel import DIRECT_HEADER, render_workbook
from apps.reports.seed import SEED_FIGURES
from apps.reports.selectors import figure_url
from apps.reports.tests.test_excel import indicator_rows
from apps.services.choices import CaseKind, EmploymentKind, TrainingKind
from apps.services.tests.factories import (
    EmploymentServiceFactory,
    JobFairFactory,
    MicroLoanFactory,
    ReliefPaymentFactory,
    RightsCaseFactory,
    TrainingClassFactory,
    VisitFactory,
)

from .conftest import ORG_AND_FAKE

DASHBOARD = "/reports/"
SVC = "普惠服务与维权"
WITH_LISTS = "apps.reports.tests.urls_services"


@pytest.fixture
def svc(data, settings):
    """Worker-services records of 2024 in Chengguan, Qilihe, at Lanzhou and at the province,
    and one employment service of 2023; every figure the tests expect follows from these."""
    settings.REPORTS_INDICATOR_SOURCES = [*ORG_AND_FAKE, "apps.services.selectors.svc_indicators"]
    cg, qlh, lz, gs = (region(c) for c in ("620102", "620103", "620100", "620000"))
    ReliefPaymentFactory(region=cg, jinqiu=True, amount=Decimal("3000.00"), paid_on=dt.date(2024, 8, 20))
    ReliefPaymentFactory(region=qlh, jinqiu=True, amount=Decimal("2000.00"), paid_on=dt.date(2024, 9, 1))
    ReliefPaymentFactory(region=lz, amount=Decimal("800.00"), paid_on=dt.date(2024, 1, 20))
    VisitFactory.create_batch(2, region=cg)
    VisitFactory(region=cg, enterprise=True)
    JobFairFactory(region=gs, positions=1200)
    EmploymentServiceFactory(region=cg, placed=True)
    EmploymentServiceFactory(region=cg, kind=EmploymentKind.LABOUR_EXPORT)
    EmploymentServiceFactory(region=qlh)
    EmploymentServiceFactory(region=cg, served_on=dt.date(2023, 5, 1))
    TrainingClassFactory(region=gs, kind=TrainingKind.CADRE, trainees=60)
    RightsCaseFactory(region=qlh, closed=True)  # wage arrears: 12 workers, 86,000 yuan, closed 2024
    RightsCaseFactory(region=cg, kind=CaseKind.WORK_INJURY)  # still open
    MicroLoanFactory(region=cg, jobs_created=4)


def _sheet_rows(ws):
    return {row[0]: row for row in indicator_rows(ws, values_only=True)}


# The workbook ------------------------------------------------------------------------------


def test_the_workbook_has_a_worker_services_sheet_like_the_others(svc):
    report = indicators.build_report(year=2024, region=region("620000"))
    wb = load_workbook(io.BytesIO(render_workbook(report)))
    assert wb.sheetnames == ["组织建设", "困难职工帮扶", SVC]
    ws = wb[SVC]
    assert [c.value for c in ws[1]] == [c.value for c in wb["组织建设"][1]]
    assert ws["C1"].value == "甘肃省（合计）" and ws.cell(1, ws.max_column).value == DIRECT_HEADER
    rows = _sheet_rows(ws)
    assert list(rows) == [i.code for i in indicators.indicators_of("svc")]
    header = [c.value for c in ws[1]]
    lanzhou = header.index("兰州市")
    assert rows["svc.jinqiu_students"][1] == "金秋助学人次"
    assert (rows["svc.jinqiu_students"][2], rows["svc.jinqiu_students"][lanzhou]) == (2, 2)
    assert rows["svc.relief_amount"][2] == 5800  # 3,000 + 2,000 + 800 yuan
    assert rows["svc.wage_amount"][lanzhou] == 86000
    # the province's own job fair and cadre class sit at the province itself (本级)
    assert (rows["svc.job_fairs"][2], rows["svc.job_fairs"][-1]) == (1, 1)
    assert rows["svc.cadre_training_attendance"][-1] == 60
    # distinct counts are not the sum of their children: no 本级 figure
    assert rows["svc.warmth_households"][2] == 2 and rows["svc.warmth_households"][-1] is None
    amount_row = next(r for r in indicator_rows(ws) if r[0].value == "svc.wage_amount")
    assert amount_row[2].number_format == "#,##0.00"


# The printable document --------------------------------------------------------------------


def _pdf_text(report, tmp_path):
    pdf = document.render_document(report)
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(
    document.find_cjk_font() is None or shutil.which("pdftotext") is None,
    reason="needs a CJK font (fonts-noto-cjk) and pdftotext (poppler-utils)",
)
def test_the_document_has_the_worker_services_section_and_the_province_the_seed_figures(svc, tmp_path):
    text = _pdf_text(indicators.build_report(year=2024, region=region("620000")), tmp_path)
    assert "、普惠服务与维权" in text
    assert "追回欠薪金额（元）" in text and "86,000.00" in text
    assert "、分地区情况（普惠服务与维权）" in text
    assert "图：免费就业服务人次（按地区）" in text
    # the province's figures next to the seed report's
    assert document.SEED_HEADER in text
    assert "43,827" in text and "1,096,000,000.00" in text
    # a prefecture's document has the section, without the seed report's figures
    text = _pdf_text(indicators.build_report(year=2024, region=region("620100")), tmp_path)
    assert "、普惠服务与维权" in text
    assert document.SEED_HEADER not in text and "43,827" not in text


# The dashboard -----------------------------------------------------------------------------


def _rows(section):
    return {r["code"]: r for r in section["rows"]}


@pytest.mark.urls(WITH_LISTS)
def test_the_province_dashboard_shows_the_programmes_over_the_years_next_to_the_seed_report(
    svc, client, province_user
):
    client.force_login(province_user)
    resp = client.get(DASHBOARD, {"year": 2024})
    assert resp.status_code == 200
    section = resp.context["services"]
    assert section["name"] == SVC and section["seed"] is True
    assert section["years"] == [2023, 2024]  # the years with worker-services figures
    rows = _rows(section)
    assert list(rows) == [i.code for i in indicators.indicators_of("svc")]
    assert [c["value"] for c in rows["svc.employment_services"]["cells"]] == [1, 3]
    assert [c["value"] for c in rows["svc.wage_amount"]["cells"]] == [Decimal("0.00"), Decimal("86000.00")]
    assert rows["svc.cases_open"]["value"] == 1
    # each year's figure links to the register's list of that year and region
    relief = reverse("services:relief-list")
    assert rows["svc.jinqiu_students"]["cells"][1]["url"] == (
        f"{relief}?region=620000&year=2024&programme=jinqiu&status=paid"
    )
    assert rows["svc.placements"]["cells"][0]["url"] == (
        f"{reverse('services:employmentservice-list')}?region=620000&year=2023&placed=true"
    )
    # the seed report's figures, and the share the year reached
    assert rows["svc.jinqiu_students"]["seed"] == 43827
    assert rows["svc.jinqiu_students"]["share"] == Decimal(2) / Decimal(43827)
    assert rows["svc.wage_amount"]["seed"] == SEED_FIGURES["svc.wage_amount"]
    assert rows["svc.relief_amount"]["seed"] is None  # the report gives no such figure
    # by prefecture, with the drill-down to each
    breakdown = {r["region"].code: r for r in section["breakdown"]}
    assert len(breakdown) == 14
    assert [v["value"] for v in breakdown["620100"]["values"]][:2] == [2, Decimal("5800.00")]
    assert breakdown["620100"]["drill"] == f"{DASHBOARD}?region=620100&year=2024"
    # worker services are no longer one of the plain domain tables
    assert SVC not in [d["name"] for d in resp.context["domains"]]
    html = resp.content.decode()
    assert 'data-testid="services"' in html and 'data-testid="services-breakdown"' in html
    assert f'href="{relief}?region=620000&amp;year=2024&amp;programme=jinqiu&amp;status=paid"' in html
    assert '<td class="num" data-testid="seed">43,827</td>' in html
    assert '<td class="num" data-testid="seed">1,096,000,000.00</td>' in html
    assert "86,000.00" in html


@pytest.mark.urls(WITH_LISTS)
def test_a_prefecture_sees_its_own_figures_and_no_seed_comparison(svc, client, prefecture_user):
    client.force_login(prefecture_user)
    resp = client.get(DASHBOARD, {"year": 2024})
    section = resp.context["services"]
    assert section["seed"] is False
    rows = _rows(section)
    assert rows["svc.jinqiu_students"]["seed"] is None
    # Lanzhou's own figures: the province's job fair and cadre class are not Lanzhou's
    assert rows["svc.job_fairs"]["value"] == 0
    assert rows["svc.relief_amount"]["value"] == Decimal("5800.00")
    breakdown = {r["region"].code: [v["value"] for v in r["values"]] for r in section["breakdown"]}
    assert breakdown["620102"][0] == 1 and breakdown["620103"][0] == 1
    html = resp.content.decode()
    assert 'data-testid="seed"' not in html
    assert "43,827" not in html


@pytest.mark.urls(WITH_LISTS)
def test_a_county_sees_its_county_only(svc, client, county_user):
    client.force_login(county_user)
    resp = client.get(DASHBOARD, {"year": 2024})
    rows = _rows(resp.context["services"])
    assert rows["svc.jinqiu_students"]["value"] == 1  # Qilihe's student is not Chengguan's
    assert rows["svc.wage_amount"]["value"] == Decimal("0.00")
    assert resp.context["services"]["breakdown"] == []
    assert client.get(DASHBOARD, {"region": "620103", "year": 2024}).status_code == 404


def test_without_svc_figures_there_is_no_section(data, client, province_user):
    # given the reports' sources without worker services (the conftest's)
    client.force_login(province_user)
    resp = client.get(DASHBOARD, {"year": 2024})
    assert resp.context["services"] is None
    assert 'data-testid="services"' not in resp.content.decode()


def test_the_dashboard_with_worker_services_keeps_its_query_count(
    svc, client, province_user, django_assert_max_num_queries
):
    # given the site's own worker-services pages, which the province may open
    services.summary_refresh(years=[2020, 2021, 2022, 2023, 2024])
    client.force_login(province_user)
    with django_assert_max_num_queries(12):
        resp = client.get(DASHBOARD, {"year": 2024})
    assert resp.status_code == 200
    links = [c["url"] for r in resp.context["services"]["rows"] for c in r["cells"]]
    assert len(links) == 23 * 2 and all(links)


# The links behind the figures --------------------------------------------------------------


@pytest.mark.urls(WITH_LISTS)
@pytest.mark.parametrize(
    "code, route, query",
    [
        ("svc.relief_migrant", "relief", "year=2024&recipient_kind=migrant&status=paid"),
        ("svc.warmth_enterprises", "visit", "year=2024&kind=enterprise"),
        ("svc.job_fair_positions", "jobfair", "year=2024"),
        ("svc.labour_export", "employmentservice", "year=2024&kind=labour_export"),
        ("svc.cadre_training_attendance", "training", "year=2024&kind=cadre"),
        ("svc.wage_workers", "rightscase", "year=2024&kind=wage_arrears&status=closed"),
        ("svc.loan_jobs", "loan", "year=2024"),
    ],
)
def test_every_register_is_linked_with_region_and_year(db, code, route, query):
    assert (
        figure_url(code, region("620102"), 2024)
        == f"{reverse(f'services:{route}-list')}?region=620102&{query}"
    )


@pytest.mark.urls(WITH_LISTS)
def test_open_cases_link_to_the_cases_without_a_year(db):
    # the open cases are a state at the year's end, not the cases received that year
    assert figure_url("svc.cases_open", region("620103"), 2024) == (
        f"{reverse('services:rightscase-list')}?region=620103"
    )


@pytest.mark.urls("apps.reports.tests.urls_without_services")
def test_without_the_services_pages_the_figures_link_nowhere(svc, client, province_user):
    assert figure_url("svc.jinqiu_students", region("620000"), 2024) is None
    client.force_login(province_user)
    rows = _rows(client.get(DASHBOARD, {"year": 2024}).context["services"])
    assert rows["svc.loans"]["value"] == 1
    assert {c["url"] for r in rows.values() for c in r["cells"]} == {None}


@pytest.mark.parametrize(
    "code, counted",
    [
        ("svc.jinqiu_students", 1),
        ("svc.warmth_households", 2),
        ("svc.placements", 1),
        ("svc.loans", 1),
    ],
)
def test_the_link_leads_to_exactly_the_records_counted(svc, client, county_user, code, counted):
    # given the site's own worker-services pages
    cg = region("620102")
    assert indicators.compute(year=2024, region=cg)[code] == counted
    url = figure_url(code, cg, 2024, user=county_user)
    assert url is not None
    # when the county user follows the link
    client.force_login(county_user)
    resp = client.get(url)
    # then the list holds the records the figure counts
    assert resp.status_code == 200
    assert len(list(resp.context["object_list"])) == counted
