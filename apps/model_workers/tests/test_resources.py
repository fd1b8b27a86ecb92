"""The import/export templates of the model workers domain (IMPORT.md) through the one pipeline."""

import csv
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.importing import ImportFileError, run_export, run_import
from apps.core.models import AuditEntry
from apps.core.tests.factories import make_resident_id, region
from apps.core.validators import mask_resident_id
from apps.model_workers.models import (
    BenefitPayment,
    Honour,
    InnovationStudio,
    ModelWorker,
    Recuperation,
    Talk,
)
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import BenefitPaymentFactory, ModelWorkerFactory

pytestmark = pytest.mark.django_db

MW_HEADERS = ["姓名", "身份证号", "工会编码", "级别", "称号", "授予年度", "状态", "工匠称号年度"]
HONOUR_HEADERS = ["荣誉编号", "荣誉类型", "级别", "获得者名称", "身份证号", "工会编码", "年度"]
BENEFIT_HEADERS = ["发放编号", "身份证号", "类型", "金额", "发放日期"]
RECUP_HEADERS = ["身份证号", "年度", "地点"]
STUDIO_HEADERS = [
    "工作室编码",
    "工作室名称",
    "领办人身份证号",
    "工会编码",
    "级别",
    "创建日期",
    "技能带头人数",
    "师徒结对数",
]
TALK_HEADERS = ["宣讲编号", "日期", "地区代码", "场所类型", "听众人数"]


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


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def bad_check(rid: str) -> str:
    return rid[:-1] + ("0" if rid[-1] != "0" else "1")


@pytest.fixture
def unions(db):
    return {
        "own": GrassrootsUnionFactory(code="GH001", region=region("620102")),
        "other": GrassrootsUnionFactory(code="GH101", region=region("620103")),
    }


def mw_row(
    rid, union="GH001", name="王劳模", level="省部级", title="劳动模范", year=2015, status="在世", craft=None
):
    return [name, rid, union, level, title, year, status, craft]


def test_model_workers_import_from_xlsx_and_reimport_is_unchanged(unions, tmp_path):
    ids = [make_resident_id("620102") for _ in range(3)]
    rows = [
        mw_row(ids[0], craft=2021),
        mw_row(ids[1], level="全国", status="已故"),
        mw_row(ids[2], union="GH101"),
    ]
    path = write_xlsx(tmp_path / "mw.xlsx", MW_HEADERS, rows)
    result = run_import("model_workers", path)
    assert (result.created, result.invalid, result.written) == (3, 0, True)
    w = ModelWorker.objects.get(id_number=ids[1])
    assert (w.level, w.status, w.craftsman_year, w.union.code) == ("national", "deceased", None, "GH001")
    assert ModelWorker.objects.get(id_number=ids[0]).craftsman_year == 2021
    audit_count = AuditEntry.objects.count()
    again = run_import("model_workers", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert AuditEntry.objects.count() == audit_count
    rows[0][6] = "已故"
    changed = run_import("model_workers", write_xlsx(tmp_path / "mw2.xlsx", MW_HEADERS, rows))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert ModelWorker.objects.get(id_number=ids[0]).status == "deceased"


def test_model_workers_bad_rows_write_nothing_and_name_row_column_value(unions, tmp_path):
    good = make_resident_id("620102")
    bad = bad_check(make_resident_id("620102"))
    rows = [
        mw_row(good),
        mw_row(bad),
        mw_row(make_resident_id("620102"), union="NO-SUCH"),
        mw_row(make_resident_id("620102"), level="县级"),
    ]
    path = write_csv(tmp_path / "mw.csv", MW_HEADERS, rows)
    with pytest.raises(CommandError, match="有 3 行数据有误，未写入任何数据"):
        call_command("import_records", "model_workers", str(path))
    assert ModelWorker.objects.count() == 0
    result = run_import("model_workers", path)
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份证号"), (4, "工会编码"), (5, "级别")]
    assert bad in result.errors[0].message
    assert "NO-SUCH" in result.errors[1].message
    assert "县级" in result.errors[2].message and "享受省部级待遇" in result.errors[2].message


def test_unknown_column_is_named(unions, tmp_path):
    path = write_csv(tmp_path / "mw.csv", [*MW_HEADERS, "备注"], [[*mw_row(make_resident_id()), "x"]])
    with pytest.raises(ImportFileError) as exc:
        run_import("model_workers", path)
    assert "备注" in str(exc.value)


def test_county_user_cannot_import_into_another_county(unions, tmp_path, county_user):
    path = write_csv(tmp_path / "mw.csv", MW_HEADERS, [mw_row(make_resident_id(), union="GH101")])
    result = run_import("model_workers", path, user=county_user)
    assert result.invalid == 1 and not result.written
    assert ModelWorker.objects.count() == 0


def test_honours_id_only_on_a_medal_and_blank_ids_accepted(unions, tmp_path):
    rid = make_resident_id("620102")
    rows = [
        ["RY1", "五一劳动奖章", "全国", "张奖章", rid, "GH001", 2024],
        ["RY2", "五一劳动奖章", "省级", "李奖章", "", "GH001", 2024],
        ["RY3", "五一劳动奖状", "省级", "某厂", "", "GH101", 2023],
        ["RY4", "工人先锋号", "全国", "某班组", "", "GH001", 2025],
    ]
    result = run_import("honours", write_xlsx(tmp_path / "h.xlsx", HONOUR_HEADERS, rows))
    assert (result.created, result.invalid) == (4, 0)
    assert Honour.objects.get(number="RY1").id_number == rid
    assert Honour.objects.get(number="RY4").kind == "pioneer"
    rows.append(["RY5", "工人先锋号", "全国", "某班组", make_resident_id("620102"), "GH001", 2025])
    result = run_import("honours", write_xlsx(tmp_path / "h2.xlsx", HONOUR_HEADERS, rows))
    assert [(e.row, e.column) for e in result.errors] == [(6, "身份证号")]
    assert Honour.objects.count() == 4


@pytest.fixture
def workers(unions):
    return [
        ModelWorkerFactory(union=unions["own"], title_year=2020),
        ModelWorkerFactory(union=unions["own"], title_year=2010),
        ModelWorkerFactory(union=unions["other"], title_year=2010),
    ]


def test_benefits_exact_decimals_and_one_worker_query_per_batch(workers, tmp_path):
    rows = [
        ["FF1", workers[0].id_number, "荣誉津贴", "1234.56", "2024-12-31"],
        ["FF2", workers[1].id_number, "生活困难补助", "0.1", "2025/1/1"],
        ["FF3", workers[2].id_number, "慰问", "300", "2024-06-01"],
    ]
    result = run_import("benefits", write_csv(tmp_path / "b.csv", BENEFIT_HEADERS, rows))
    assert (result.created, result.invalid) == (3, 0)
    assert [str(p.amount) for p in BenefitPayment.objects.order_by("number")] == ["1234.56", "0.10", "300.00"]
    assert BenefitPayment.objects.get(number="FF2").paid_on == dt.date(2025, 1, 1)
    # the look-ups do not grow with the number of rows
    many = [[f"FM{i}", workers[i % 3].id_number, "慰问", "1.00", "2024-01-01"] for i in range(30)]
    with CaptureQueriesContext(connection) as few_ctx:
        run_import("benefits", write_csv(tmp_path / "few.csv", BENEFIT_HEADERS, many[:3]), dry_run=True)
    with CaptureQueriesContext(connection) as many_ctx:
        run_import("benefits", write_csv(tmp_path / "many.csv", BENEFIT_HEADERS, many), dry_run=True)
    assert len(many_ctx.captured_queries) == len(few_ctx.captured_queries)


def test_benefits_bad_rows(workers, tmp_path):
    stranger = make_resident_id("620102")
    rows = [
        ["FF1", workers[0].id_number, "荣誉津贴", "100.00", "2024-01-01"],
        ["FF2", stranger, "荣誉津贴", "100.00", "2024-01-01"],
        ["FF3", workers[0].id_number, "荣誉津贴", "1.005", "2024-01-01"],
        ["FF4", workers[0].id_number, "荣誉津贴", "0", "2024-01-01"],
        ["FF5", workers[0].id_number, "荣誉津贴", "100", "2019-12-31"],
        ["FF6", workers[0].id_number, "荣誉津贴", "一百元", "2024-02-30"],
    ]
    result = run_import("benefits", write_csv(tmp_path / "b.csv", BENEFIT_HEADERS, rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "身份证号"),
        (4, "金额"),
        (5, "金额"),
        (6, "发放日期"),
        (7, "金额"),
        (7, "发放日期"),
    ]
    assert stranger in result.errors[0].message
    assert "1.005" in result.errors[1].message
    assert BenefitPayment.objects.count() == 0


def test_recuperations_keyed_on_id_and_year(workers, tmp_path):
    rows = [
        [workers[0].id_number, 2024, "敦煌"],
        [workers[0].id_number, 2025, "天水"],
        [workers[1].id_number, 2024, "张掖"],
    ]
    path = write_xlsx(tmp_path / "r.xlsx", RECUP_HEADERS, rows)
    assert run_import("recuperations", path).created == 3
    again = run_import("recuperations", path)
    assert (again.created, again.unchanged) == (0, 3)
    rows[0][2] = "兰州"
    changed = run_import("recuperations", write_xlsx(tmp_path / "r2.xlsx", RECUP_HEADERS, rows))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert Recuperation.objects.get(model_worker=workers[0], year=2024).place == "兰州"
    dupes = [
        [workers[1].id_number, 2023, "敦煌"],
        [workers[1].id_number, 2023, "天水"],
        [workers[0].id_number, 2019, "x"],
    ]
    result = run_import("recuperations", write_csv(tmp_path / "d.csv", RECUP_HEADERS, dupes))
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份证号、年度"), (4, "年度")]
    assert Recuperation.objects.count() == 3


def test_studios_and_talks(unions, tmp_path):
    leader = make_resident_id("620102")
    rows = [
        ["GZ1", "王劳模创新工作室", leader, "GH001", "省级示范", dt.date(2024, 12, 31), 12, 30],
        ["GZ2", "李劳模创新工作室", leader, "GH101", "市级", "2020-03-01", "", ""],
    ]
    assert run_import("studios", write_xlsx(tmp_path / "s.xlsx", STUDIO_HEADERS, rows)).created == 2
    s = InnovationStudio.objects.get(code="GZ2")
    assert (s.level, s.skill_leaders, s.mentor_pairs, s.founded_on) == (
        "prefecture",
        0,
        0,
        dt.date(2020, 3, 1),
    )
    talks = [["XJ1", "2024/3/1", "620102", "学校", "120"], ["XJ2", "2024/12/31", "620000", "企业", "2000"]]
    result = run_import("talks", write_csv(tmp_path / "t.csv", TALK_HEADERS, talks, encoding="gb18030"))
    assert (result.created, result.invalid) == (2, 0)
    assert Talk.objects.get(number="XJ2").region.code == "620000"
    bad = [["XJ3", "2024-01-01", "999999", "学校", "1"], ["XJ4", "2024-01-01", "620102", "公园", "1"]]
    result = run_import("talks", write_csv(tmp_path / "t2.csv", TALK_HEADERS, bad))
    assert [(e.row, e.column) for e in result.errors] == [(2, "地区代码"), (3, "场所类型")]
    assert Talk.objects.count() == 2


def test_exports_mask_ids_keep_decimals_and_reimport(workers, tmp_path, county_user, admin_user):
    BenefitPaymentFactory(
        number="FF-E", model_worker=workers[0], amount=Decimal("0.50"), paid_on=dt.date(2024, 1, 2)
    )
    BenefitPaymentFactory(number="FF-X", model_worker=workers[2])  # another county
    out = tmp_path / "benefits.csv"
    assert run_export("benefits", out, user=county_user) == 1
    rows = read_csv(out)
    assert rows == [
        BENEFIT_HEADERS,
        ["FF-E", mask_resident_id(workers[0].id_number), "荣誉津贴", "0.50", "2024-01-02"],
    ]
    out = tmp_path / "mw.csv"
    assert run_export("model_workers", out, user=county_user) == 2
    rows = read_csv(out)
    assert rows[0] == MW_HEADERS
    assert {r[1] for r in rows[1:]} == {mask_resident_id(w.id_number) for w in workers[:2]}
    # with the right the export is the import template, and re-imports unchanged
    full = tmp_path / "full.xlsx"
    assert run_export("benefits", full, user=admin_user) == 2
    again = run_import("benefits", full)
    assert (again.created, again.updated, again.unchanged, again.invalid) == (0, 0, 2, 0)


def test_export_neutralises_formula_cells(unions, tmp_path, admin_user):
    Talk.objects.create(
        number="=1+1", held_on=dt.date(2024, 1, 1), region=region("620102"), venue_kind="school"
    )
    out = tmp_path / "t.csv"
    run_export("talks", out, user=admin_user)
    assert read_csv(out)[1][0] == "'=1+1"
