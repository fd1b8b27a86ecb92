"""The downloadable template of an import: what a clerk fills in without reading the spec.

Sheet 1 (``data``, the one the import reads) has the exact headers of IMPORT.md and Excel data
validation on every column whose values are known in advance: a drop-down of the Chinese
labels for each choice column (是/否 for yes/no columns), real dates, whole numbers and amounts
of 0 or more; date columns are formatted as dates. Sheet 2 (``填写说明``) explains each column
(required, key, what to enter, the choices) with an example row. The example stays off the
data sheet, so that a template filled in and uploaded as it is never imports a made-up row.
The file is in Chinese whatever the language of the user who downloads it (a contract).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..validators import resident_id_check_char
from .cells import (
    contract_labels,
    contract_language,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_optional_resident_id,
    parse_resident_id,
    parse_year,
)

if TYPE_CHECKING:
    from .templates import Column, ImportResource

MAX_ROWS = 10000  # rows the validation covers; beyond them a clerk needs the import of a file anyway
_EXAMPLE_ID = "11010519491231002"
EXAMPLE_RESIDENT_ID = _EXAMPLE_ID + resident_id_check_char(_EXAMPLE_ID)


def _parser(column: Column) -> tuple[Any, dict[str, Any]]:
    parse = column.parse
    if isinstance(parse, functools.partial):
        return parse.func, dict(parse.keywords)
    return parse, {}


def describe_column(column: Column) -> tuple[str, list[str], Any]:
    """(what to enter, the allowed labels if a closed list, an example value) of a column."""
    func, kwargs = _parser(column)
    if func is parse_choice:
        labels = contract_labels(kwargs["choices"])
        blank = "，可留空" if kwargs.get("blank") else ""
        return f"从下拉列表中选择{blank}", labels, labels[0]
    if func is parse_bool:
        return "填“是”或“否”", ["是", "否"], "是"
    if func is parse_date:
        return "日期，如 2024-03-01 或 2024/3/1", [], dt.date(2024, 3, 1)
    if func is parse_year:
        return "四位年份，如 2024", [], 2024
    if func is parse_int:
        return "0 或以上的整数", [], 10
    if func is parse_decimal:
        return "金额（元），0 或以上，最多两位小数", [], "1000.00"
    if func in (parse_resident_id, parse_optional_resident_id):
        return "18 位居民身份证号，末位校验码须正确（X 大写）", [], EXAMPLE_RESIDENT_ID
    if "code" in column.name or "编码" in column.header or "代码" in column.header:
        return "编码，按原样填写", [], "620102" if "地区" in column.header else "示例编码"
    return "文字", [], f"示例{column.header}"


def write_template(resource: ImportResource, target: Path) -> Path:
    with contract_language():
        return _write_template(resource, target)


def _write_template(resource: ImportResource, target: Path) -> Path:
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "data"
    lists = wb.create_sheet("选项")
    guide = wb.create_sheet("填写说明")
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    data.append(resource.headers)
    data.freeze_panes = "A2"
    guide.append(
        [
            f"{resource.title or resource.name}导入模板：在“data”工作表第 2 行起填写，每行一条记录；列的顺序可以调整，列名不可改动。"
        ]
    )
    guide.append(["黄色的列必须填写；标“主键”的列用于匹配已有记录，重复导入同一文件不会产生重复数据。"])
    guide.append([])
    guide.append(["列名", "必填", "主键", "填写要求", "可选值", "示例"])
    for cell in guide[4]:
        cell.font = bold
    example = []
    for index, column in enumerate(resource.columns, start=1):
        letter = get_column_letter(index)
        header = data.cell(row=1, column=index)
        header.font = bold
        if column.required or column.key:
            header.fill = required_fill
        data.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        what, labels, sample = describe_column(column)
        cells = f"{letter}2:{letter}{MAX_ROWS + 1}"
        rule = None
        if labels:
            lists.cell(row=1, column=index, value=column.header)
            for n, label in enumerate(labels, start=2):
                lists.cell(row=n, column=index, value=label)
            rule = DataValidation(
                type="list", formula1=f"'选项'!${letter}$2:${letter}${len(labels) + 1}", allow_blank=True
            )
            rule.error, rule.errorTitle = f"请从下拉列表中选择：{'、'.join(labels)}", column.header
        elif isinstance(sample, dt.date):
            rule = DataValidation(
                type="date", operator="greaterThan", formula1="DATE(1900,1,1)", allow_blank=True
            )
            rule.error, rule.errorTitle = "请填写日期，如 2024-03-01", column.header
            for row in range(2, 202):  # typed dates show as dates
                data.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        elif what.startswith("0 或以上的整数") or what.startswith("四位年份"):
            rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            rule.error, rule.errorTitle = "请填写 0 或以上的整数", column.header
        elif what.startswith("金额"):
            rule = DataValidation(
                type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
            )
            rule.error, rule.errorTitle = "请填写 0 或以上的金额", column.header
        if rule is not None:
            rule.showErrorMessage = True
            rule.add(cells)
            data.add_data_validation(rule)
        guide.append(
            [
                column.header,
                "是" if column.required or column.key else "",
                "是" if column.key else "",
                what,
                "、".join(labels),
                sample,
            ]
        )
        example.append(sample)
    guide.append([])
    guide.append(["示例行（请勿复制到 data 工作表以外的位置；示例中的编码与身份证号仅为格式示意）："])
    guide.append(resource.headers)
    guide.append(example)
    for row in guide.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEF", (18, 6, 6, 44, 40, 22), strict=True):
        guide.column_dimensions[letter].width = width
    lists.sheet_state = "hidden"
    wb.save(target)
    return target
