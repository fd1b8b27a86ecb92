"""The downloadable template: drop-downs on every choice column, date and number validation,
an instruction sheet with an example row, and a file filled from it imports."""

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from apps.core.importing import get_resource, run_import
from apps.core.tests.factories import make_resident_id
from apps.unions.models import Member
from apps.unions.tests.factories import GrassrootsUnionFactory


def _download(client, user, resource):
    client.force_login(user)
    resp = client.get(reverse("import-template", args=[resource]))
    assert resp.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content)))


def _validations(sheet) -> dict[str, object]:
    """The data validation of each column of the data sheet, by header."""
    headers = [c.value for c in sheet[1]]
    found = {}
    for rule in sheet.data_validations.dataValidation:
        for cell_range in rule.sqref.ranges:
            found[headers[cell_range.min_col - 1]] = rule
    return found


def test_members_template_has_a_drop_down_on_every_choice_column(client, county_user):
    wb = _download(client, county_user, "members")
    data = wb["data"]
    assert wb.sheetnames[0] == "data"  # the sheet the import reads
    assert [c.value for c in data[1]] == get_resource("members").headers
    rules = _validations(data)
    choice_headers = ["户籍类型", "重点群体", "入会方式"]
    for header in choice_headers:
        assert rules[header].type == "list", header
    lists = wb["选项"]
    labels = {
        lists.cell(row=1, column=c).value: [
            lists.cell(row=r, column=c).value
            for r in range(2, lists.max_row + 1)
            if lists.cell(row=r, column=c).value
        ]
        for c in range(1, lists.max_column + 1)
        if lists.cell(row=1, column=c).value
    }
    assert labels["户籍类型"] == ["城镇", "农村"]
    assert labels["入会方式"] == ["线下", "网上"]
    assert "货车司机" in labels["重点群体"]
    assert rules["入会日期"].type == "date" and rules["离会日期"].type == "date"


def test_instruction_sheet_explains_every_column_with_an_example(client, county_user):
    wb = _download(client, county_user, "members")
    guide = [list(r) for r in wb["填写说明"].iter_rows(values_only=True)]
    described = {r[0]: r for r in guide if r and r[0] in get_resource("members").headers and r[3]}
    assert set(described) == set(get_resource("members").headers)
    assert described["身份证号"][2] == "是"  # the key
    assert "下拉" in described["户籍类型"][3]
    example_header = guide.index(get_resource("members").headers)
    assert len(guide[example_header + 1]) >= len(get_resource("members").headers)


def test_a_file_filled_from_the_template_imports(client, county_user, tmp_path):
    union = GrassrootsUnionFactory(code="GH900")
    wb = _download(client, county_user, "members")
    data = wb["data"]
    headers = [c.value for c in data[1]]
    rid = make_resident_id("620102")
    values = {
        "姓名": "王五", "身份证号": rid, "工会编码": union.code, "民族": "汉族", "手机号": "13800000001",
        "学历": "大专", "户籍类型": "城镇", "入会日期": dt.date(2024, 3, 1), "入会方式": "线下",
    }  # fmt: skip
    data.append([values.get(h) for h in headers])
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    result = run_import("members", path, user=county_user)
    assert result.written and result.created == 1
    assert Member.objects.get(id_number=rid).union == union
