import csv
import datetime as dt
from decimal import Decimal

import pytest

from apps.core import audit
from apps.core.choices import AuditAction, AuditSource
from apps.core.importing import run_export, run_import
from apps.core.models import AuditEntry
from apps.core.tests.factories import make_resident_id, region
from apps.unions.tests.factories import GrassrootsUnionFactory

from ..choices import AidKind, Category, Status, Step
from ..models import Disbursement, FamilyMember, FilingStep, Household, IdClaim
from .factories import FiledHouseholdFactory

pytestmark = pytest.mark.django_db

HH = [
    "户主姓名",
    "户主身份证号",
    "工会编码",
    "困难类别",
    "致困原因",
    "家庭人口",
    "家庭月收入",
    "当地困难标准",
    "建档日期",
    "脱困日期",
    "脱困原因",
]
FM = ["户主身份证号", "身份证号", "姓名", "与户主关系", "月收入", "健康状况"]
DB = ["发放编号", "户主身份证号", "帮扶类型", "金额", "发放日期", "资金来源", "学生姓名"]


def _csv(path, headers, rows):
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


@pytest.fixture
def union(db):
    return GrassrootsUnionFactory(code="GU-HS-1", region=region("620102"))


@pytest.fixture
def heads():
    return [make_resident_id("620102"), make_resident_id("620102")]


def _households_file(tmp_path, union, heads, **override):
    rows = [
        ["王强", heads[0], union.code, "深度困难", "因病；因学", "3", "1500.00", "760", "2023-03-01", "", ""],
        [
            "李芳",
            heads[1],
            union.code,
            "相对困难",
            "下岗失业",
            "2",
            "2000",
            "760",
            "2022/7/15",
            "2024-12-31",
            "再就业",
        ],
    ]
    return _csv(tmp_path / "households.csv", HH, rows)


def test_households_import_files_historical_records_with_an_audit_entry(
    tmp_path, union, heads, province_user
):
    result = run_import("households", _households_file(tmp_path, union, heads), user=province_user)
    assert (result.ok, result.created) == (True, 2)
    first = Household.objects.get(head_id_number=heads[0])
    assert (first.status, first.filed_on, first.category, first.causes, first.imported) == (
        Status.FILED,
        dt.date(2023, 3, 1),
        Category.DEEP,
        "illness,education",
        True,
    )
    assert (first.family_size, first.family_income, first.per_capita_income, first.living_standard) == (
        3,
        Decimal("1500.00"),
        Decimal("500.00"),
        Decimal("760.00"),
    )
    second = Household.objects.get(head_id_number=heads[1])
    assert (second.status, second.exited_on, second.exit_reason) == (
        Status.EXITED,
        dt.date(2024, 12, 31),
        "再就业",
    )
    entry = audit.history_for(first).get(action=AuditAction.CREATE)
    assert (entry.source, entry.note, entry.user) == (
        AuditSource.IMPORT,
        "导入 households.csv",
        province_user,
    )
    assert (entry.object_count, entry.batch_line) == (2, 2)  # the file's first data row
    step = FilingStep.objects.get(household=first)
    assert (step.step, step.note) == (Step.IMPORTED, "历史建档导入：建档日期 2023-03-01")
    # only the filed, not exited household holds its ID for the comparison
    assert set(IdClaim.objects.values_list("id_number", flat=True)) == {heads[0]}


def test_households_reimport_changes_nothing(tmp_path, union, heads, admin_user):
    path = _households_file(tmp_path, union, heads)
    run_import("households", path, user=admin_user)
    audits = AuditEntry.objects.count()
    result = run_import("households", path, user=admin_user)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert (Household.objects.count(), AuditEntry.objects.count(), FilingStep.objects.count()) == (
        2,
        audits,
        2,
    )


@pytest.mark.parametrize("fixture", ["county_user", "prefecture_user"])
def test_households_import_is_for_provincial_staff_and_administrators_only(
    tmp_path, union, heads, fixture, request
):
    user = request.getfixturevalue(fixture)
    result = run_import("households", _households_file(tmp_path, union, heads), user=user)
    assert result.ok is False
    assert "只有省总工会工作人员和系统管理员可以导入历史建档家庭" in str(result.errors[0])
    assert Household.objects.count() == 0


def test_households_import_bad_rows_name_row_column_and_value(tmp_path, union, heads, province_user):
    rows = [
        ["王强", heads[0], union.code, "深度困难", "因病；因穷", "3", "1500", "760", "2023-03-01", "", ""],
        ["李芳", heads[1], union.code, "相对困难", "因病", "2", "2000", "760", "", "", ""],
        ["赵六", make_resident_id(), "NO-SUCH", "相对困难", "因病", "2", "2000", "760", "2023-01-01", "", ""],
    ]
    result = run_import("households", _csv(tmp_path / "h.csv", HH, rows), user=province_user)
    messages = [str(e) for e in result.errors]
    assert messages[0].startswith("第 2 行【致困原因】：“因穷”不是可选的致困原因")
    assert messages[1].startswith("第 3 行【建档日期】：不能为空")
    assert messages[2] == "第 4 行【工会编码】：工会编码“NO-SUCH”不存在"
    assert Household.objects.count() == 0


def test_households_import_refuses_a_head_already_filed_elsewhere(tmp_path, union, heads, province_user):
    FiledHouseholdFactory(
        head_id_number=heads[0],
        union=GrassrootsUnionFactory(region=region("623001")),
        filed_on=dt.date(2020, 1, 1),
    )
    result = run_import("households", _households_file(tmp_path, union, heads), user=province_user)
    assert [str(e) for e in result.errors] == [
        "第 2 行【户主身份证号】：信息比对：该户主已有合作市的困难家庭（已建档）"
    ]
    assert Household.objects.count() == 1


def test_family_members_import_and_comparison(tmp_path, union, heads, province_user):
    run_import("households", _households_file(tmp_path, union, heads), user=province_user)
    spouse, child = make_resident_id(), make_resident_id()
    rows = [
        [heads[0], spouse, "张丽", "配偶", "800.50", "慢性病"],
        [heads[0], child, "王小", "子女", "", ""],
    ]
    path = _csv(tmp_path / "fm.csv", FM, rows)
    result = run_import("family_members", path, user=province_user)
    assert (result.ok, result.created) == (True, 2)
    members = {m.id_number: m for m in FamilyMember.objects.all()}
    assert (members[spouse].monthly_income, members[spouse].health, members[spouse].relation) == (
        Decimal("800.50"),
        "chronic",
        "spouse",
    )
    assert (members[child].monthly_income, members[child].health) == (Decimal("0.00"), "healthy")
    assert {spouse, child} <= set(IdClaim.objects.values_list("id_number", flat=True))
    assert run_import("family_members", path, user=province_user).unchanged == 2
    # the spouse may not also be a member of another filed household
    other = FiledHouseholdFactory()
    bad = _csv(tmp_path / "fm2.csv", FM, [[other.head_id_number, spouse, "张丽", "配偶", "0", "健康"]])
    result = run_import("family_members", bad, user=province_user)
    assert [str(e) for e in result.errors] == [
        "第 2 行【身份证号】：信息比对：该身份证号已在城关区的已建档家庭中"
    ]
    assert FamilyMember.objects.count() == 2


def test_disbursements_import_and_the_exit_rule(tmp_path, union, heads, admin_user):
    run_import("households", _households_file(tmp_path, union, heads), user=admin_user)
    rows = [
        ["BF1", heads[0], "金秋助学", "1500.00", "2024-09-01", "工会经费", "王小"],
        ["BF2", heads[1], "送温暖", "300", "2024-12-30", "省级财政", ""],
    ]
    path = _csv(tmp_path / "d.csv", DB, rows)
    result = run_import("disbursements", path, user=admin_user)
    assert (result.ok, result.created) == (True, 2)
    d = Disbursement.objects.get(number="BF1")
    assert (d.kind, d.amount, d.student_name, d.household.head_id_number) == (
        AidKind.EDUCATION,
        Decimal("1500.00"),
        "王小",
        heads[0],
    )
    assert run_import("disbursements", path, user=admin_user).unchanged == 2
    late = _csv(tmp_path / "late.csv", DB, [["BF3", heads[1], "送温暖", "300", "2024-12-31", "省级财政", ""]])
    result = run_import("disbursements", late, user=admin_user)
    # the rule of the service (rules.clean_aid_date), in its words
    assert [str(e) for e in result.errors] == [
        "第 2 行【发放日期】：The household exited on 2024-12-31; no aid can be paid to it."
    ]


def test_disbursements_bad_file_date_and_amount_are_refused(tmp_path, union, heads, admin_user):
    run_import("households", _households_file(tmp_path, union, heads), user=admin_user)
    rows = [
        ["BADD1", heads[0], "生活救助", "100.00", "2024-02-30", "工会经费", ""],
        ["BADD2", heads[0], "生活救助", "一百元", "2024-02-01", "工会经费", ""],
        ["OK1", heads[0], "生活救助", "100.00", "2024-02-01", "工会经费", ""],
    ]
    result = run_import("disbursements", _csv(tmp_path / "bad.csv", DB, rows), user=admin_user)
    assert [str(e) for e in result.errors] == [
        "第 2 行【发放日期】：“2024-02-30”不是存在的日期",
        "第 3 行【金额】：“一百元”不是有效金额或数字",
    ]
    assert Disbursement.objects.count() == 0


def test_export_masks_resident_ids_without_the_right(tmp_path, union, heads, admin_user, county_user):
    run_import("households", _households_file(tmp_path, union, heads), user=admin_user)
    target = tmp_path / "out.csv"
    assert run_export("households", target, user=county_user) == 2
    with open(target, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == HH
    exported = {r[0]: r for r in rows[1:]}
    assert exported["王强"][1] == heads[0][:6] + "********" + heads[0][-4:]
    # the family income is personal data too: masked, and the standard it is compared with is not
    assert exported["王强"][3:9] == ["深度困难", "因病；因学", "3", "***", "760.00", "2023-03-01"]
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()
    assert run_export("households", target, user=admin_user) == 2
    with open(target, encoding="utf-8-sig") as fh:
        assert heads[0] in fh.read()
    # an export in full is on record: who, which columns, how many rows
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert (entry.user, entry.changes["count"], entry.changes["fields"]) == (
        admin_user,
        2,
        ["户主身份证号", "家庭月收入"],
    )
