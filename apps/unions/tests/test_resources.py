"""The import pipeline end to end on the unions templates (IMPORT.md rules)."""

import csv
import datetime as dt

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import audit
from apps.core.choices import AuditAction, AuditSource
from apps.core.importing import ImportFileError, run_export, run_import
from apps.core.models import AuditEntry
from apps.core.tests.factories import make_resident_id
from apps.unions.choices import MemberStatus, Sex
from apps.unions.models import CollectiveContract, GrassrootsUnion, Member

UNION_HEADERS = ["工会编码", "工会名称", "组织类型", "所属地区代码", "上级工会编码", "成立日期"]
MEMBER_HEADERS = [
    "姓名",
    "身份证号",
    "工会编码",
    "民族",
    "手机号",
    "学历",
    "户籍类型",
    "重点群体",
    "入会日期",
    "入会方式",
    "离会日期",
]


def write_csv(path, headers, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def write_xlsx(path, headers, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def unions(db, tmp_path):
    rows = [
        ["GH001", "城关一厂工会", "企业", "620102", "", dt.date(2010, 5, 1)],
        ["GH002", "城关二厂工会", "企业", "620102", "GH001", dt.date(2012, 1, 1)],
        ["GH101", "七里河工会", "社区", "620103", "", dt.date(2015, 3, 3)],
    ]
    result = run_import("unions", write_xlsx(tmp_path / "unions.xlsx", UNION_HEADERS, rows))
    assert result.written and result.created == 3
    return {u.code: u for u in GrassrootsUnion.objects.all()}


def member_row(id_number, union="GH001", name="张三", joined="2020-01-02", left="", key="", channel="线下"):
    return [name, id_number, union, "汉族", "13800000000", "大专", "城镇", key, joined, channel, left]


def test_union_parent_in_the_same_file_is_linked(unions):
    assert unions["GH002"].parent == unions["GH001"]
    assert unions["GH101"].region.code == "620103"


def test_members_import_from_gb18030_csv_with_slash_dates(unions, tmp_path):
    female = make_resident_id("620102", dt.date(1990, 3, 7), female=True)
    rows = [member_row(female, joined="2021/3/1", key="快递员", channel="网上")]
    path = write_csv(tmp_path / "m.csv", MEMBER_HEADERS, rows, encoding="gb18030")
    result = run_import("members", path)
    assert (result.created, result.invalid) == (1, 0)
    m = Member.objects.get()
    assert (m.sex, m.birth_date, m.joined_on, m.key_group, m.join_channel, m.status) == (
        Sex.FEMALE,
        dt.date(1990, 3, 7),
        dt.date(2021, 3, 1),
        "courier",
        "online",
        MemberStatus.ACTIVE,
    )


def test_reimport_changes_nothing_and_a_changed_row_is_an_audited_update(unions, tmp_path):
    ids = [make_resident_id("620102") for _ in range(3)]
    path = write_csv(tmp_path / "m.csv", MEMBER_HEADERS, [member_row(i) for i in ids])
    assert run_import("members", path).created == 3
    audit_count = AuditEntry.objects.count()
    again = run_import("members", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert AuditEntry.objects.count() == audit_count
    rows = [member_row(i) for i in ids]
    rows[1][0] = "李四"
    changed = run_import("members", write_csv(tmp_path / "m2.csv", MEMBER_HEADERS, rows))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE).get()
    assert (entry.fields, entry.object_count, entry.source) == (["name"], 1, AuditSource.IMPORT)
    member = Member.objects.get(id_number=ids[1])
    latest = audit.history_for(member).first()
    assert (latest.pk, latest.batch_changes, latest.batch_line) == (entry.pk, {"name": ["张三", "李四"]}, 3)


def test_one_bad_row_writes_nothing_and_names_row_column_value(unions, tmp_path):
    good = make_resident_id("620102")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [member_row(good), member_row(bad), member_row(make_resident_id("620102"), joined="2024-02-30")]
    with pytest.raises(CommandError, match="有 2 行数据有误，未写入任何数据"):
        call_command("import_records", "members", str(write_csv(tmp_path / "m.csv", MEMBER_HEADERS, rows)))
    assert Member.objects.count() == 0
    result = run_import("members", tmp_path / "m.csv")
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份证号"), (4, "入会日期")]
    assert bad in result.errors[0].message and "校验位" in result.errors[0].message
    assert "2024-02-30" in result.errors[1].message


def test_unknown_and_missing_columns_are_named(unions, tmp_path):
    path = write_csv(tmp_path / "m.csv", ["姓名", "身份证号", "备注"], [["张三", make_resident_id(), "x"]])
    with pytest.raises(ImportFileError) as info:
        run_import("members", path)
    assert "未知的列：备注" in str(info.value)
    assert "工会编码" in str(info.value)


def test_skip_invalid_writes_good_rows_and_an_error_file_to_fix(unions, tmp_path):
    good = make_resident_id("620102")
    rows = [member_row(good), member_row(make_resident_id("620102"), union="NOPE")]
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, rows)
    result = run_import("members", path, skip_invalid=True)
    assert (result.created, result.invalid, result.written) == (1, 1, True)
    assert Member.objects.get().id_number == good
    wb = openpyxl.load_workbook(result.error_file)
    data = list(wb.active.iter_rows(values_only=True))
    assert data[0][-1] == "错误" and list(data[0][:-1]) == MEMBER_HEADERS
    assert len(data) == 2 and "NOPE" in data[1][-1]
    # fix the union code in the error file and import it again
    ws = wb.active
    ws.cell(row=2, column=3, value="GH001")
    wb.save(result.error_file)
    again = run_import("members", result.error_file)
    assert (again.created, again.invalid) == (1, 0)
    assert Member.objects.count() == 2


def test_dry_run_writes_nothing(unions, tmp_path):
    path = write_csv(tmp_path / "m.csv", MEMBER_HEADERS, [member_row(make_resident_id("620102"))])
    result = run_import("members", path, dry_run=True)
    assert (result.created, result.written) == (1, False)
    assert Member.objects.count() == 0


def test_county_user_cannot_import_into_another_county(unions, tmp_path, county_user):
    rows = [member_row(make_resident_id("620102")), member_row(make_resident_id("620103"), union="GH101")]
    result = run_import("members", write_csv(tmp_path / "m.csv", MEMBER_HEADERS, rows), user=county_user)
    assert [e.row for e in result.errors] == [3]
    assert "管辖范围" in result.errors[0].message
    assert Member.objects.count() == 0


def test_duplicate_active_id_and_union_change_are_refused(unions, tmp_path):
    rid = make_resident_id("620102")
    run_import("members", write_csv(tmp_path / "a.csv", MEMBER_HEADERS, [member_row(rid)]))
    moved = run_import(
        "members", write_csv(tmp_path / "b.csv", MEMBER_HEADERS, [member_row(rid, union="GH101")])
    )
    assert "会籍转接" in moved.errors[0].message
    dup = run_import(
        "members", write_csv(tmp_path / "c.csv", MEMBER_HEADERS, [member_row(rid), member_row(rid)])
    )
    assert "与第 2 行重复" in dup.errors[0].message
    assert Member.objects.count() == 1


def test_audit_entries_cover_every_imported_record(unions, tmp_path, admin_user):
    rows = [member_row(make_resident_id("620102")) for _ in range(25)]
    run_import("members", write_csv(tmp_path / "m.csv", MEMBER_HEADERS, rows), user=admin_user)
    entry = AuditEntry.objects.get(content_type__model="member")
    assert (entry.source, entry.user, entry.action, entry.object_count) == (
        AuditSource.IMPORT,
        admin_user,
        "create",
        25,
    )
    assert audit.audited_ids(Member) == {str(pk): 1 for pk in Member.objects.values_list("pk", flat=True)}
    # the fields are named, their values (personal data included) stay in the records only
    assert "id_number" in entry.fields and entry.changes == {}
    assert not entry.members.exclude(changes=None).exists()


def test_query_count_does_not_grow_with_rows(unions, tmp_path):
    used: set[str] = set()

    def queries(n, name):
        ids: set[str] = set()
        while len(ids) < n:  # random IDs may collide: a repeated one would not be a new member
            candidate = make_resident_id("620102")
            if candidate not in used:
                ids.add(candidate)
        used.update(ids)
        rows = [member_row(i) for i in sorted(ids)]
        path = write_csv(tmp_path / name, MEMBER_HEADERS, rows)
        with CaptureQueriesContext(connection) as ctx:
            assert run_import("members", path).created == n
        return len(ctx.captured_queries)

    small, large = queries(10, "a.csv"), queries(300, "b.csv")
    # look-ups are per batch; only the INSERT statements split (SQLite's parameter limit); on
    # PostgreSQL a batch is 9: the look-ups, the members by COPY (3), its audit entry (1) and
    # the entry's member rows by COPY (3)
    assert small <= 9
    assert large <= small + 12


def test_export_masks_ids_neutralises_formulas_and_reimports(unions, tmp_path, county_user, admin_user):
    rid = make_resident_id("620102")
    rows = [member_row(rid, name='=HYPERLINK("http://x")')]
    run_import("members", write_csv(tmp_path / "m.csv", MEMBER_HEADERS, rows))
    assert Member.objects.get().name.startswith("=")  # stored as text
    out = tmp_path / "out.csv"
    assert run_export("members", out, user=county_user) == 1
    with open(out, encoding="utf-8-sig") as fh:
        data = list(csv.reader(fh))
    assert data[0] == MEMBER_HEADERS
    assert data[1][1] == rid[:6] + "********" + rid[-4:]
    assert data[1][0].startswith("'=")
    full = tmp_path / "full.xlsx"
    run_export("members", full, user=admin_user)
    wb = openpyxl.load_workbook(full)
    assert list(wb.active.iter_rows(values_only=True))[1][1] == rid


def test_export_of_unions_round_trips_unchanged(unions, tmp_path, admin_user):
    out = tmp_path / "u.xlsx"
    assert run_export("unions", out, user=admin_user) == 3
    result = run_import("unions", out)
    assert (result.unchanged, result.invalid) == (3, 0)


def test_contract_import_with_bad_rows(unions, tmp_path):
    headers = ["合同编号", "工会编码", "合同类型", "签订日期", "到期日期", "覆盖企业数", "覆盖职工数"]
    rows = [
        ["HT1", "GH001", "综合", "2024-01-01", "2026-12-31", "1", "10"],
        ["HT2", "GH001", "工资专项", "2024-01-01", "2023-12-31", "1", "10"],
        ["HT3", "GH001", "综合", "2024-01-01", "2026-12-31", "-1", "x"],
    ]
    result = run_import("contracts", write_csv(tmp_path / "c.csv", headers, rows, encoding="gb18030"))
    assert sorted((e.row, e.column) for e in result.errors) == [
        (3, "到期日期"),
        (4, "覆盖企业数"),
        (4, "覆盖职工数"),
    ]
    assert CollectiveContract.objects.count() == 0
