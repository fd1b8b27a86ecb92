"""The Excel workbook of a yearly report: a sheet per domain, rows = indicators (Chinese names),
columns = the region, each child region and the region's own level (本级), so totals add up;
under the table, a note on what 本级 holds and why it is blank for some indicators
(``indicators.direct_value``, the rule the printable document follows too)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from apps.core.models import Region

from . import indicators

DIRECT_HEADER = indicators.DIRECT_HEADER
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def region_names(codes: list[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def sheet_columns(data: dict[str, Any]) -> list[str]:
    """Header of every domain sheet."""
    names = region_names([data["region"]] + [c["region"] for c in data["children"]])
    return (
        ["指标代码", "指标名称", f"{names.get(data['region'], data['region'])}（合计）"]
        + [names.get(c["region"], c["region"]) for c in data["children"]]
        + [DIRECT_HEADER]
    )


def render_workbook(data: dict[str, Any]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    stamp = dt.datetime(int(data["year"]) + 1, 1, 1)
    wb.properties.creator = "Gonghui"
    wb.properties.title = f"{data['year']}年度工会工作统计报表 {data['region']}"
    wb.properties.created = wb.properties.modified = stamp
    header = sheet_columns(data)
    present = set(data["indicators"])
    for domain, domain_name in indicators.DOMAIN_NAMES.items():
        rows = [i for i in indicators.indicators_of(domain) if i.code in present]
        if not rows:
            continue
        ws = wb.create_sheet(domain_name)
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for ind in rows:
            values = [indicators.parse_value(ind.code, data["indicators"][ind.code])]
            values += [
                indicators.parse_value(ind.code, c["indicators"].get(ind.code, 0)) for c in data["children"]
            ]
            values.append(indicators.direct_value(ind.code, data))
            ws.append([ind.code, ind.name, *values])
            if ind.amount:
                for cell in ws[ws.max_row][2:]:
                    cell.number_format = "#,##0.00"
        # the note: one blank row under the table, across its width
        note_row = ws.max_row + 2
        ws.cell(note_row, 1, indicators.direct_note([i.code for i in rows]))
        ws.cell(note_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=len(header))
        ws.row_dimensions[note_row].height = 45
        ws.freeze_panes = "C2"
        ws.column_dimensions["A"].width = 40
        ws.column_dimensions["B"].width = 42
        for col in range(3, len(header) + 1):
            ws.column_dimensions[get_column_letter(col)].width = 14
    if not wb.worksheets:
        wb.create_sheet("空")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
