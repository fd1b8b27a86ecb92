import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from apps.core.models import Region
from apps.core.tests.factories import region
from apps.reports import indicators, services
from apps.reports.excel import DIRECT_HEADER, render_workbook


def _workbook(report_data):
    return load_workbook(io.BytesIO(render_workbook(report_data)))


def indicator_rows(ws, **kwargs):
    """The table's rows, down to the blank row above the note."""
    for row in ws.iter_rows(min_row=2, **kwargs):
        first = row[0] if kwargs.get("values_only") else row[0].value
        if first is None:
            return
        yield row


def test_a_sheet_per_domain_with_chinese_names_and_region_columns(data):
    report = indicators.build_report(year=2024, region=region("620100"))
    wb = _workbook(report)
    assert wb.sheetnames == ["组织建设", "困难职工帮扶"]
    ws = wb["组织建设"]
    header = [c.value for c in ws[1]]
    children = list(
        Region.objects.filter(parent__code="620100").order_by("code").values_list("name", flat=True)
    )
    assert header == ["指标代码", "指标名称", "兰州市（合计）", *children, DIRECT_HEADER]
    assert [r[0].value for r in indicator_rows(ws)] == [i.code for i in indicators.indicators_of("org")]
    assert ws["B2"].value == "基层工会组织数"


def test_every_cell_equals_the_json_and_totals_add_up(data):
    report = indicators.build_report(year=2024, region=region("620000"))
    wb = _workbook(report)
    checked = 0
    for ws in wb.worksheets:
        for row in indicator_rows(ws, values_only=True):
            code, _name, total, *rest = row
            children, direct = rest[:-1], rest[-1]
            assert Decimal(str(total)) == Decimal(str(report["indicators"][code]))
            for value, child in zip(children, report["children"], strict=True):
                assert Decimal(str(value)) == Decimal(str(child["indicators"][code]))
            if indicators.BY_CODE[code].distinct:
                assert direct is None
            else:
                assert Decimal(str(total)) == sum(Decimal(str(v)) for v in children) + Decimal(str(direct))
            checked += 1
    assert checked == len(report["indicators"])


def test_the_stored_workbook_equals_the_snapshot(data):
    report, _ = services.report_get_or_create(year=2024, region=region("620102"))
    report = services.report_generate(report_id=report.pk)
    with report.xlsx_file.open("rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()))
    values = {row[0]: row[2] for ws in wb.worksheets for row in indicator_rows(ws, values_only=True)}
    assert {k: Decimal(str(v)) for k, v in values.items()} == {
        k: Decimal(str(v)) for k, v in report.snapshot["indicators"].items()
    }


# 本级: one rule ----------------------------------------------------------------------------


def test_direct_is_a_number_for_additive_indicators_zero_included_and_blank_only_for_distinct(data):
    # given a prefecture whose figures all sit in its counties
    report = indicators.build_report(year=2024, region=region("620100"))
    wb = _workbook(report)
    direct = {row[0]: row[-1] for ws in wb.worksheets for row in indicator_rows(ws, values_only=True)}
    # then every additive indicator has a 本级 number, 0 when nothing sits at Lanzhou itself
    assert direct["org.unions"] == 0
    assert direct["org.members"] == 0
    assert direct["hs.aid_amount"] == 0
    for code, value in direct.items():
        if indicators.BY_CODE[code].distinct:
            assert value is None, code
        else:
            assert value == indicators.direct_value(code, report), code
            assert value is not None, code
    # and the only blank is the distinct count
    assert [c for c, v in direct.items() if v is None] == ["hs.households_aided"]


def test_a_record_at_the_region_itself_is_its_direct_part(data):
    from apps.unions.tests.factories import GrassrootsUnionFactory

    GrassrootsUnionFactory(region=region("620100"), founded_on=dt.date(2000, 1, 1))
    report = indicators.build_report(year=2024, region=region("620100"))
    assert indicators.direct_value("org.unions", report) == 1
    row = next(
        r for r in indicator_rows(_workbook(report)["组织建设"], values_only=True) if r[0] == "org.unions"
    )
    assert (row[2], row[-1]) == (4, 1)  # three in the counties, one at Lanzhou itself


def test_each_sheet_says_under_its_table_what_direct_holds_and_why_it_is_blank(data):
    report = indicators.build_report(year=2024, region=region("620000"))
    wb = _workbook(report)
    org, hs = wb["组织建设"], wb["困难职工帮扶"]
    notes = {}
    for ws in (org, hs):
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        last = len(list(indicator_rows(ws)))
        assert all(v is None for v in rows[last])  # a blank row under the table
        notes[ws.title] = rows[last + 1][0]
        merged = [str(r) for r in ws.merged_cells.ranges]
        assert merged == [f"A{last + 3}:{ws.cell(1, ws.max_column).column_letter}{last + 3}"]
    assert notes["组织建设"] == indicators.direct_note([i.code for i in indicators.indicators_of("org")])
    assert "本级" in notes["组织建设"] and "填 0" in notes["组织建设"]
    assert "留空" not in notes["组织建设"]  # no distinct indicator on this sheet
    assert "当年帮扶救助家庭数按去重计数" in notes["困难职工帮扶"] and "留空" in notes["困难职工帮扶"]
