import io
from decimal import Decimal

from openpyxl import load_workbook

from apps.core.models import Region
from apps.core.tests.factories import region
from apps.reports import indicators, services
from apps.reports.excel import DIRECT_HEADER, render_workbook


def _workbook(report_data):
    return load_workbook(io.BytesIO(render_workbook(report_data)))


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
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == [i.code for i in indicators.indicators_of("org")]
    assert ws["B2"].value == "基层工会组织数"


def test_every_cell_equals_the_json_and_totals_add_up(data):
    report = indicators.build_report(year=2024, region=region("620000"))
    wb = _workbook(report)
    checked = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2, values_only=True):
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
    values = {row[0]: row[2] for ws in wb.worksheets for row in ws.iter_rows(min_row=2, values_only=True)}
    assert {k: Decimal(str(v)) for k, v in values.items()} == {
        k: Decimal(str(v)) for k, v in report.snapshot["indicators"].items()
    }
