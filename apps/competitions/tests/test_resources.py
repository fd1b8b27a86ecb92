"""The import pipeline on the competitions templates (IMPORT.md): good files, bad rows
refused with row/column/value and nothing written, re-import unchanged, scope, export."""

import csv
import datetime as dt

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.competitions.choices import CompetitionKind, Grade, InnovationKind
from apps.competitions.models import Competition, InnovationAchievement, Participation
from apps.core.choices import AuditAction, AuditSource
from apps.core.importing import ImportFileError, run_export, run_import
from apps.core.models import AuditEntry
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import CompetitionFactory, InnovationFactory, ParticipationFactory

COMP_HEADERS = ["竞赛编码", "竞赛名称", "竞赛类型", "组织地区代码", "主题", "开始日期", "结束日期"]
PART_HEADERS = ["竞赛编码", "工会编码", "参赛职工数", "晋升技术等级人数", "获奖"]
INNOV_HEADERS = ["成果编号", "成果名称", "成果类型", "工会编码", "年度", "完成人", "等级", "推荐全国"]


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


def errors(result) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


# Competitions ----------------------------------------------------------------------------


def test_competitions_import_xlsx_with_date_cells_then_reimport_is_unchanged(admin_user, tmp_path):
    rows = [
        [
            "JS-001",
            "全省职工技能大赛",
            "技能竞赛",
            "620000",
            "技能强省",
            dt.date(2024, 3, 1),
            dt.date(2024, 9, 30),
        ],
        ["js-002", "城关区安康杯", "安康杯", "620102", "", "2024/1/1", "2024-12-31"],
    ]
    path = write_xlsx(tmp_path / "c.xlsx", COMP_HEADERS, rows)
    result = run_import("competitions", path, user=admin_user)
    assert (result.ok, result.created) == (True, 2)
    comp = Competition.objects.get(code="JS-002")
    assert (comp.kind, comp.organizer_region.code, comp.start_date) == (
        CompetitionKind.ANKANG,
        "620102",
        dt.date(2024, 1, 1),
    )
    entries = AuditEntry.objects.filter(content_type__model="competition", action=AuditAction.CREATE)
    assert entries.count() == 2 and set(entries.values_list("source", flat=True)) == {AuditSource.IMPORT}
    again = run_import("competitions", path, user=admin_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.filter(content_type__model="competition").count() == 2


def test_competitions_bad_rows_name_row_column_and_value_and_nothing_is_written(admin_user, tmp_path):
    rows = [
        ["JS-1", "好竞赛", "园区", "620102", "", "2024-01-01", "2024-02-01"],
        ["JS-2", "坏类型", "比武", "620102", "", "2024-01-01", "2024-02-01"],
        ["JS-3", "坏地区", "园区", "999999", "", "2024-01-01", "2024-02-01"],
        ["JS-4", "倒序", "园区", "620102", "", "2024-03-01", "2024-02-01"],
        ["JS-5", "坏日期", "园区", "620102", "", "2024-02-30", "2024-03-01"],
    ]
    result = run_import("competitions", write_csv(tmp_path / "c.csv", COMP_HEADERS, rows), user=admin_user)
    assert not result.written
    assert errors(result) == [(3, "竞赛类型"), (4, "组织地区代码"), (5, "结束日期"), (6, "开始日期")]
    messages = [e.message for e in result.errors]
    assert "“比武”" in messages[0]
    assert "“999999”" in messages[1]
    assert "2024-02-01" in messages[2]
    assert "“2024-02-30”" in messages[3]
    assert Competition.objects.count() == 0


def test_county_cannot_import_a_provincial_competition_or_change_one(county_user, tmp_path):
    CompetitionFactory(code="JS-P", organizer_region=region("620000"))
    rows = [
        ["JS-NEW", "省级", "园区", "620000", "", "2024-01-01", "2024-02-01"],
        ["JS-P", "改名", "园区", "620102", "", "2024-01-01", "2024-02-01"],
    ]
    result = run_import("competitions", write_csv(tmp_path / "c.csv", COMP_HEADERS, rows), user=county_user)
    assert errors(result) == [(2, ""), (3, "竞赛编码")]
    assert Competition.objects.count() == 1
    assert Competition.objects.get().organizer_region.code == "620000"


def test_unknown_column_is_refused(admin_user, tmp_path):
    with pytest.raises(ImportFileError) as exc:
        run_import(
            "competitions", write_csv(tmp_path / "c.csv", [*COMP_HEADERS, "备注"], []), user=admin_user
        )
    assert "备注" in str(exc.value)


# Participations --------------------------------------------------------------------------


def test_participations_import_in_gb18030_key_is_competition_and_union(county_user, tmp_path):
    comp = CompetitionFactory(code="JS-P", organizer_region=region("620000"))
    u1 = GrassrootsUnionFactory(code="GH-1", region=region("620102"))
    GrassrootsUnionFactory(code="GH-2", region=region("620102"))
    ParticipationFactory(competition=comp, union=u1, participating_workers=5, promoted_workers=0)
    rows = [["JS-P", "GH-1", "50", "3", "一等奖"], ["JS-P", "GH-2", "20", "", ""]]
    path = write_csv(tmp_path / "p.csv", PART_HEADERS, rows, encoding="gb18030")
    result = run_import("participations", path, user=county_user)
    assert (result.ok, result.created, result.updated) == (True, 1, 1)
    p1 = Participation.objects.get(union=u1)
    assert (p1.participating_workers, p1.promoted_workers, p1.award) == (50, 3, "一等奖")
    assert Participation.objects.get(union__code="GH-2").promoted_workers == 0
    again = run_import("participations", path, user=county_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_participations_bad_rows_and_other_county_unit_write_nothing(county_user, tmp_path):
    CompetitionFactory(code="JS-P", organizer_region=region("620000"))
    GrassrootsUnionFactory(code="GH-1", region=region("620102"))
    GrassrootsUnionFactory(code="GH-Q", region=region("620103"))
    rows = [
        ["JS-P", "GH-1", "50", "3", ""],
        ["JS-NONE", "GH-1", "50", "3", ""],
        ["JS-P", "GH-NONE", "50", "3", ""],
        ["JS-P", "GH-Q", "50", "3", ""],
        ["JS-P", "GH-1", "五十", "3", ""],
        ["JS-P", "GH-1", "50", "3", ""],
    ]
    result = run_import("participations", write_csv(tmp_path / "p.csv", PART_HEADERS, rows), user=county_user)
    assert errors(result) == [
        (3, "竞赛编码"),
        (4, "工会编码"),
        (5, ""),
        (6, "参赛职工数"),
        (7, "竞赛编码、工会编码"),
    ]
    assert "“JS-NONE”" in result.errors[0].message
    assert "“五十”" in result.errors[3].message
    assert Participation.objects.count() == 0


def test_import_records_command_exits_non_zero_on_a_bad_row(admin_user, tmp_path):
    CompetitionFactory(code="JS-P")
    path = write_csv(tmp_path / "p.csv", PART_HEADERS, [["JS-P", "GH-NONE", "1", "0", ""]])
    with pytest.raises(CommandError, match="有 1 行数据有误，未写入任何数据"):
        call_command("import_records", "participations", str(path), "--user", admin_user.username)
    assert Participation.objects.count() == 0


# Innovations -----------------------------------------------------------------------------


def test_innovations_import_parses_yes_no_and_blank_grade(county_user, tmp_path):
    GrassrootsUnionFactory(code="GH-1")
    rows = [
        ["CX-1", "数控工艺改进", "技术创新成果", "GH-1", 2024, "张三、李四", "特等奖", "是"],
        ["CX-2", "王明操作法", "先进操作法", "GH-1", "2023", "王明", "", "否"],
        ["CX-3", "无推荐", "先进操作法", "GH-1", "2023", "", "三等奖", ""],
    ]
    path = write_xlsx(tmp_path / "i.xlsx", INNOV_HEADERS, rows)
    result = run_import("innovations", path, user=county_user)
    assert (result.ok, result.created) == (True, 3)
    got = {
        a.number: (a.kind, a.grade, a.recommended_nationally, a.year)
        for a in InnovationAchievement.objects.all()
    }
    assert got == {
        "CX-1": (InnovationKind.ACHIEVEMENT, Grade.SPECIAL, True, 2024),
        "CX-2": (InnovationKind.METHOD, "", False, 2023),
        "CX-3": (InnovationKind.METHOD, Grade.THIRD, False, 2023),
    }
    assert run_import("innovations", path, user=county_user).unchanged == 3


def test_innovations_bad_rows(county_user, tmp_path):
    GrassrootsUnionFactory(code="GH-1")
    GrassrootsUnionFactory(code="GH-Q", region=region("620103"))
    rows = [
        ["CX-1", "好", "技术创新成果", "GH-1", 2024, "", "", "是"],
        ["CX-2", "坏推荐", "技术创新成果", "GH-1", 2024, "", "", "也许"],
        ["CX-3", "坏等级", "技术创新成果", "GH-1", 2024, "", "金奖", "否"],
        ["CX-4", "坏年度", "技术创新成果", "GH-1", "二〇二四", "", "", "否"],
        ["CX-5", "他县", "技术创新成果", "GH-Q", 2024, "", "", "否"],
    ]
    result = run_import("innovations", write_csv(tmp_path / "i.csv", INNOV_HEADERS, rows), user=county_user)
    assert errors(result) == [(3, "推荐全国"), (4, "等级"), (5, "年度"), (6, "")]
    assert "“也许”" in result.errors[0].message
    assert "“金奖”" in result.errors[1].message
    assert InnovationAchievement.objects.count() == 0


# Export ----------------------------------------------------------------------------------


def test_export_writes_the_template_neutralises_formulas_and_keeps_scope(county_user, tmp_path):
    comp = CompetitionFactory(code="JS-X", name="=HYPERLINK(1)", organizer_region=region("620000"))
    own = GrassrootsUnionFactory(code="GH-1", region=region("620102"))
    ParticipationFactory(competition=comp, union=own, participating_workers=9, promoted_workers=1, award="+1")
    ParticipationFactory(competition=comp, union=GrassrootsUnionFactory(region=region("620103")))
    InnovationFactory(number="CX-E", union=own, grade=Grade.FIRST, recommended_nationally=True)
    InnovationFactory(union=GrassrootsUnionFactory(region=region("620103")))

    target = tmp_path / "p.csv"
    run_export("participations", target, user=county_user)
    with open(target, encoding="utf-8-sig") as fh:
        assert list(csv.reader(fh)) == [PART_HEADERS, ["JS-X", "GH-1", "9", "1", "'+1"]]
    target = tmp_path / "c.csv"
    run_export("competitions", target, user=county_user)
    with open(target, encoding="utf-8-sig") as fh:
        body = list(csv.reader(fh))
    assert body == [
        COMP_HEADERS,
        ["JS-X", "'=HYPERLINK(1)", "企业", "620000", "建功新时代", "2024-03-01", "2024-10-31"],
    ]
    target = tmp_path / "i.csv"
    run_export("innovations", target, user=county_user)
    with open(target, encoding="utf-8-sig") as fh:
        body = list(csv.reader(fh))
    assert body[0] == INNOV_HEADERS
    assert body[1:] == [["CX-E", body[1][1], "技术创新成果", "GH-1", "2024", "张三、李四", "一等奖", "是"]]


def test_exported_file_reimports_unchanged(admin_user, tmp_path):
    ParticipationFactory()
    InnovationFactory(grade=Grade.SECOND)
    for resource in ("competitions", "participations", "innovations"):
        target = tmp_path / f"{resource}.xlsx"
        run_export(resource, target, user=admin_user)
        result = run_import(resource, target, user=admin_user)
        assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 0, 1), resource
