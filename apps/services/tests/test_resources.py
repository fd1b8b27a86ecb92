"""The seven worker-services templates (IMPORT.md: relief … loans) through the one pipeline
(``apps.core.importing.run_import``): a valid file creates the records and re-importing it
changes nothing; every invalid row of IMPORT.md's note is refused under its column with a
message that says why, and then nothing of the file is written; the region's scope; the relief
threshold for those below the province; the export masks resident IDs without the right and,
with it, re-imports unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal

import pytest

from apps.core import audit
from apps.core.choices import AuditAction, AuditSource, Role
from apps.core.importing import get_resource, run_export, run_import
from apps.core.models import AuditEntry
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.core.validators import mask_resident_id
from apps.services.choices import (
    CaseKind,
    CaseStatus,
    EmploymentKind,
    Programme,
    RecipientKind,
    ReliefStatus,
    SchoolLevel,
    TrainingKind,
    VisitKind,
)
from apps.services.models import (
    EmploymentService,
    JobFair,
    MicroLoan,
    ReliefPayment,
    RightsCase,
    TrainingClass,
    Visit,
)

from .factories import (
    EmploymentServiceFactory,
    JobFairFactory,
    MicroLoanFactory,
    ReliefPaymentFactory,
    RightsCaseFactory,
    TrainingClassFactory,
    VisitFactory,
    make_credit_code,
    township,
    wrong_check,
)

pytestmark = pytest.mark.django_db

D = dt.date
RID = make_resident_id(
    "620102", birth=D(1980, 5, 6), rng=random.Random(58)
)  # fixed: part of the test ids (xdist)
RID2 = make_resident_id("620103", birth=D(1975, 1, 2), rng=random.Random(59))
CODE = make_credit_code(random.Random(60))

# The templates of IMPORT.md, column for column (a contract with the offices' spreadsheets), a
# valid row of each, and what that row stores.
HEADERS = {
    "relief": ["发放编号", "身份证号", "姓名", "所属地区代码", "项目", "对象类型", "金额", "发放日期", "学生姓名", "入学层次"],
    "visits": ["走访编号", "所属地区代码", "走访日期", "对象类型", "单位统一社会信用代码", "户主身份证号", "名称", "慰问金额"],
    "job_fairs": ["招聘会编号", "名称", "所属地区代码", "举办日期", "参会企业数", "提供岗位数", "进场人数"],
    "employment_services": ["服务编号", "身份证号", "姓名", "所属地区代码", "服务日期", "服务类型", "是否就业"],
    "trainings": ["培训班编号", "名称", "所属地区代码", "培训类型", "开班日期", "结业日期", "培训人数"],
    "rights_cases": ["案件编号", "所属地区代码", "受理日期", "案件类型", "涉及职工人数", "追回金额", "办结日期"],
    "loans": ["贷款编号", "身份证号", "姓名", "所属地区代码", "发放日期", "金额", "带动就业人数", "还清日期"],
}  # fmt: skip

BASE = {
    "relief": {
        "发放编号": "RL-1", "身份证号": RID, "姓名": "张三", "所属地区代码": "620102", "项目": "金秋助学",
        "对象类型": "困难农民工", "金额": "1200.50", "发放日期": "2024-09-01", "学生姓名": "李小明",
        "入学层次": "本科",
    },
    "visits": {
        "走访编号": "ZF-1", "所属地区代码": "620102", "走访日期": "2024/1/25", "对象类型": "企业",
        "单位统一社会信用代码": CODE, "户主身份证号": "", "名称": "兰州某机械有限公司", "慰问金额": "5000",
    },
    "job_fairs": {
        "招聘会编号": "ZP-1", "名称": "春风行动专场招聘会", "所属地区代码": "620102", "举办日期": "2024-02-20",
        "参会企业数": "40", "提供岗位数": "1200", "进场人数": "3000",
    },
    "employment_services": {
        "服务编号": "JY-1", "身份证号": RID, "姓名": "求职者", "所属地区代码": "620102",
        "服务日期": "2024-03-05", "服务类型": "劳务输出", "是否就业": "是",
    },
    "trainings": {
        "培训班编号": "PX-1", "名称": "工会干部培训班", "所属地区代码": "620102", "培训类型": "工会干部培训",
        "开班日期": "2024-04-01", "结业日期": "2024-04-10", "培训人数": "50",
    },
    "rights_cases": {
        "案件编号": "WQ-1", "所属地区代码": "620102", "受理日期": "2024-05-10", "案件类型": "欠薪",
        "涉及职工人数": "12", "追回金额": "86000", "办结日期": "2024-06-30",
    },
    "loans": {
        "贷款编号": "DK-1", "身份证号": RID, "姓名": "创业者", "所属地区代码": "620102",
        "发放日期": "2024-01-31", "金额": "100000", "带动就业人数": "4", "还清日期": "",
    },
}  # fmt: skip

STORED = {
    "relief": {
        "id_number": RID, "name": "张三", "programme": Programme.JINQIU, "recipient_kind": RecipientKind.MIGRANT,
        "amount": Decimal("1200.50"), "paid_on": D(2024, 9, 1), "student_name": "李小明",
        "school_level": SchoolLevel.UNDERGRADUATE, "status": ReliefStatus.PAID,
    },
    "visits": {
        "visited_on": D(2024, 1, 25), "kind": VisitKind.ENTERPRISE, "credit_code": CODE, "head_id_number": "",
        "name": "兰州某机械有限公司", "amount": Decimal("5000.00"),
    },
    "job_fairs": {
        "name": "春风行动专场招聘会", "held_on": D(2024, 2, 20), "enterprises": 40, "positions": 1200,
        "attendees": 3000,
    },
    "employment_services": {
        "id_number": RID, "name": "求职者", "served_on": D(2024, 3, 5), "kind": EmploymentKind.LABOUR_EXPORT,
        "placed": True,
    },
    "trainings": {
        "name": "工会干部培训班", "kind": TrainingKind.CADRE, "start_date": D(2024, 4, 1),
        "end_date": D(2024, 4, 10), "trainees": 50,
    },
    "rights_cases": {
        "received_on": D(2024, 5, 10), "kind": CaseKind.WAGE_ARREARS, "workers": 12,
        "amount_recovered": Decimal("86000.00"), "closed_on": D(2024, 6, 30), "status": CaseStatus.CLOSED,
    },
    "loans": {
        "id_number": RID, "name": "创业者", "granted_on": D(2024, 1, 31), "amount": Decimal("100000.00"),
        "jobs_created": 4, "due_on": D(2026, 1, 31), "repaid_on": None,
    },
}  # fmt: skip

MODELS = {
    "relief": ReliefPayment,
    "visits": Visit,
    "job_fairs": JobFair,
    "employment_services": EmploymentService,
    "trainings": TrainingClass,
    "rights_cases": RightsCase,
    "loans": MicroLoan,
}
FACTORIES = {
    "relief": ReliefPaymentFactory,
    "visits": VisitFactory,
    "job_fairs": JobFairFactory,
    "employment_services": EmploymentServiceFactory,
    "trainings": TrainingClassFactory,
    "rights_cases": RightsCaseFactory,
    "loans": MicroLoanFactory,
}
TEMPLATES = list(HEADERS)
each_template = pytest.mark.parametrize("name", TEMPLATES)
SCOPE = "该记录所属地区不在您的管辖范围内，无权导入"


def key_header(name: str) -> str:
    return HEADERS[name][0]


def row(name: str, changes: dict | None = None, **by_key) -> list:
    """The template's valid row with ``changes`` (by header); ``number=`` sets the key."""
    values = {**BASE[name], **(changes or {})}
    if "number" in by_key:
        values[key_header(name)] = by_key["number"]
    return [values[h] for h in HEADERS[name]]


def write_csv(path, headers, rows):
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def do_import(tmp_path, name, rows, user, file="in.csv"):
    return run_import(name, write_csv(tmp_path / file, HEADERS[name], rows), user=user)


def errors(result) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


def stored(record, name) -> dict:
    return {field: getattr(record, field) for field in STORED[name]}


def audit_count(name) -> int:
    return AuditEntry.objects.filter(content_type__model=MODELS[name]._meta.model_name).count()


@each_template
def test_the_template_s_columns_are_those_of_import_md(name):
    resource = get_resource(name)
    assert resource.headers == HEADERS[name]
    assert resource.model is MODELS[name]


# A valid file, then the same file again ---------------------------------------------------------


@each_template
def test_a_valid_file_creates_the_records_and_reimporting_it_changes_nothing(name, county_user, tmp_path):
    # given a file of the county: one record of the county itself, one of a township of it
    township("620102001")
    rows = [row(name, number="N-1"), row(name, {"所属地区代码": "620102001"}, number="N-2")]
    # when the county's clerk imports it
    result = do_import(tmp_path, name, rows, county_user)
    # then both records are written as the file says, each with its audit entry
    assert (result.ok, result.written, result.created, result.updated, result.invalid) == (
        True,
        True,
        2,
        0,
        0,
    )
    records = {r.number: r for r in MODELS[name].objects.select_related("region")}
    assert {n: (r.region.code, stored(r, name)) for n, r in records.items()} == {
        "N-1": ("620102", STORED[name]),
        "N-2": ("620102001", STORED[name]),
    }
    created = AuditEntry.objects.filter(content_type__model=MODELS[name]._meta.model_name)
    assert (
        sorted(created.values_list("action", "source", "user__username"))
        == [(AuditAction.CREATE, AuditSource.IMPORT, "county_cg")] * 2
    )
    # when the same file is imported again, nothing changes
    again = do_import(tmp_path, name, rows, county_user, file="again.csv")
    assert (again.ok, again.created, again.updated, again.unchanged) == (True, 0, 0, 2)
    assert audit_count(name) == 2
    assert {n: stored(r, name) for n, r in records.items()} == {
        r.number: stored(r, name) for r in MODELS[name].objects.all()
    }


CHANGES = {  # one cell changed in a re-import, and the field it changes
    "relief": ({"姓名": "张三丰"}, "name", "张三丰"),
    "visits": ({"慰问金额": "6000.5"}, "amount", Decimal("6000.50")),
    "job_fairs": ({"提供岗位数": "1500"}, "positions", 1500),
    "employment_services": ({"是否就业": "否"}, "placed", False),
    "trainings": ({"培训人数": "55"}, "trainees", 55),
    "rights_cases": ({"追回金额": "90000.00"}, "amount_recovered", Decimal("90000.00")),
    "loans": ({"还清日期": "2025-06-30"}, "repaid_on", D(2025, 6, 30)),
}


@each_template
def test_a_changed_cell_updates_only_its_record(name, admin_user, tmp_path):
    do_import(tmp_path, name, [row(name, number="N-1"), row(name, number="N-2")], admin_user)
    change, field, value = CHANGES[name]
    result = do_import(
        tmp_path, name, [row(name, number="N-1"), row(name, change, number="N-2")], admin_user, file="b.csv"
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    got = dict(MODELS[name].objects.values_list("number", field))
    assert got == {"N-1": STORED[name][field], "N-2": value}
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert (entry.source, entry.fields, entry.object_count) == (AuditSource.IMPORT, [field], 1)
    updated = MODELS[name].objects.get(number="N-2")
    latest, created = audit.history_for(updated)  # newest first: the update, then the import
    assert (latest.pk, latest.batch_line, list(latest.batch_changes)) == (entry.pk, 3, [field])
    assert (created.action, created.batch_line, created.batch_changes) == (AuditAction.CREATE, 3, None)


def test_records_at_every_level_by_an_administrator(admin_user, tmp_path):
    township("620102001")
    codes = ["620000", "620100", "620102", "620102001", "620200"]
    rows = [row("job_fairs", {"所属地区代码": c}, number=f"ZP-{c}") for c in codes]
    result = do_import(tmp_path, "job_fairs", rows, admin_user)
    assert (result.ok, result.created) == (True, 5)
    assert sorted(JobFair.objects.values_list("region__code", flat=True)) == sorted(codes)


def test_a_visit_to_a_household_and_an_amount_left_blank(county_user, tmp_path):
    household = {
        "对象类型": "职工家庭",
        "单位统一社会信用代码": "",
        "户主身份证号": RID.lower(),
        "慰问金额": "",
    }
    enterprise = {"单位统一社会信用代码": f" {CODE.lower()} "}
    rows = [row("visits", household, number="ZF-H"), row("visits", enterprise, number="ZF-E")]
    result = do_import(tmp_path, "visits", rows, county_user)
    assert (result.ok, result.created) == (True, 2)
    got = {v.number: (v.kind, v.credit_code, v.head_id_number, v.amount) for v in Visit.objects.all()}
    assert got == {
        "ZF-H": (VisitKind.HOUSEHOLD, "", RID, Decimal("0")),
        "ZF-E": (VisitKind.ENTERPRISE, CODE, "", Decimal("5000.00")),
    }
    assert do_import(tmp_path, "visits", rows, county_user, file="b.csv").unchanged == 2


def test_an_open_case_is_received_and_one_reopened_by_the_file_is_in_progress(county_user, tmp_path):
    rows = [row("rights_cases", number="WQ-C"), row("rights_cases", {"办结日期": ""}, number="WQ-O")]
    assert do_import(tmp_path, "rights_cases", rows, county_user).created == 2
    assert dict(RightsCase.objects.values_list("number", "status")) == {
        "WQ-C": CaseStatus.CLOSED,
        "WQ-O": CaseStatus.RECEIVED,
    }
    reopened = [row("rights_cases", {"办结日期": ""}, number="WQ-C"), rows[1]]
    result = do_import(tmp_path, "rights_cases", reopened, county_user, file="b.csv")
    assert (result.updated, result.unchanged) == (1, 1)
    case = RightsCase.objects.get(number="WQ-C")
    assert (case.status, case.closed_on) == (CaseStatus.IN_PROGRESS, None)


def test_a_standard_due_date_follows_a_corrected_grant_date_and_an_agreed_one_stays(county_user, tmp_path):
    agreed = MicroLoanFactory(number="DK-A", id_number=RID, granted_on=D(2024, 1, 31), due_on=D(2025, 1, 31))
    rows = [row("loans", number="DK-A"), row("loans", {"发放日期": "2024-02-29"}, number="DK-N")]
    result = do_import(tmp_path, "loans", rows, county_user)
    assert (result.created, result.updated) == (1, 1)
    assert MicroLoan.objects.get(pk=agreed.pk).due_on == D(2025, 1, 31)  # grant date as it was
    assert MicroLoan.objects.get(number="DK-N").due_on == D(2026, 2, 28)
    moved = [
        row("loans", {"发放日期": "2024-03-31"}, number="DK-A"),
        row("loans", {"发放日期": "2024-03-31"}, number="DK-N"),
    ]
    assert do_import(tmp_path, "loans", moved, county_user, file="b.csv").updated == 2
    # an agreed due date stays (as loan_update keeps it); a standard-term one moves with the grant
    assert MicroLoan.objects.get(pk=agreed.pk).due_on == D(2025, 1, 31)
    assert MicroLoan.objects.get(number="DK-N").due_on == D(2026, 3, 31)


# Invalid rows: refused under their column, and nothing of the file is written --------------------

BAD_ROWS = [
    # relief: 金秋助学 names the student and the level, the other programmes neither
    ("relief", {"学生姓名": ""}, "学生姓名", "金秋助学发放须填写学生姓名"),
    ("relief", {"入学层次": ""}, "入学层次", "金秋助学发放须填写入学层次"),
    ("relief", {"项目": "送温暖", "入学层次": ""}, "学生姓名", "只有金秋助学发放才填写学生姓名"),
    ("relief", {"项目": "临时救助", "学生姓名": ""}, "入学层次", "只有金秋助学发放才填写入学层次"),
    ("relief", {"身份证号": wrong_check(RID)}, "身份证号", "校验位错误，最后一位应为 " + RID[-1]),
    ("relief", {"金额": "-1"}, "金额", "“-1”不能小于 0"),
    ("relief", {"入学层次": "博士"}, "入学层次", "“博士”不是可选值"),
    # visits: an enterprise by a valid credit code and no householder, a household the reverse
    ("visits", {"单位统一社会信用代码": ""}, "单位统一社会信用代码", "走访企业须填写单位统一社会信用代码"),
    ("visits", {"单位统一社会信用代码": wrong_check(CODE)}, "单位统一社会信用代码", "校验位错误"),
    ("visits", {"单位统一社会信用代码": "91620102ABC"}, "单位统一社会信用代码", "应为 18 位数字或大写字母"),
    ("visits", {"户主身份证号": RID2}, "户主身份证号", "走访企业不填写户主身份证号"),
    ("visits", {"对象类型": "职工家庭", "单位统一社会信用代码": ""}, "户主身份证号", "走访职工家庭须填写户主身份证号"),
    (
        "visits",
        {"对象类型": "职工家庭", "单位统一社会信用代码": "", "户主身份证号": wrong_check(RID2)},
        "户主身份证号",
        "校验位错误，最后一位应为 " + RID2[-1],
    ),
    ("visits", {"对象类型": "职工家庭", "户主身份证号": RID2}, "单位统一社会信用代码", "走访职工家庭不填写单位统一社会信用代码"),
    ("visits", {"慰问金额": "-5"}, "慰问金额", "“-5”不能小于 0"),
    # counts are whole numbers >= 0
    ("job_fairs", {"参会企业数": "-1"}, "参会企业数", "“-1”不能小于 0"),
    ("job_fairs", {"提供岗位数": "-10"}, "提供岗位数", "“-10”不能小于 0"),
    ("job_fairs", {"进场人数": "-3"}, "进场人数", "“-3”不能小于 0"),
    ("job_fairs", {"进场人数": "2.5"}, "进场人数", "“2.5”不是整数"),
    ("employment_services", {"身份证号": wrong_check(RID)}, "身份证号", "校验位错误"),
    ("employment_services", {"是否就业": "也许"}, "是否就业", "应为“是”或“否”"),
    ("trainings", {"结业日期": "2024-03-31"}, "结业日期", "结业日期（2024-03-31）不能早于开班日期（2024-04-01）"),
    ("trainings", {"培训人数": "-1"}, "培训人数", "“-1”不能小于 0"),
    ("rights_cases", {"办结日期": "2024-05-09"}, "办结日期", "办结日期（2024-05-09）不能早于受理日期（2024-05-10）"),
    ("rights_cases", {"涉及职工人数": "-2"}, "涉及职工人数", "“-2”不能小于 0"),
    ("rights_cases", {"追回金额": "-0.01"}, "追回金额", "“-0.01”不能小于 0"),
    ("loans", {"还清日期": "2024-01-30"}, "还清日期", "还清日期（2024-01-30）不能早于发放日期（2024-01-31）"),
    ("loans", {"身份证号": wrong_check(RID)}, "身份证号", "校验位错误"),
    ("loans", {"金额": "-100"}, "金额", "“-100”不能小于 0"),
    ("loans", {"带动就业人数": "-1"}, "带动就业人数", "“-1”不能小于 0"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "change", "column", "message"), BAD_ROWS)
def test_an_invalid_row_is_refused_under_its_column_and_nothing_is_written(
    name, change, column, message, admin_user, tmp_path
):
    # given a file whose first row is valid and whose second is not
    rows = [row(name, number="N-1"), row(name, change, number="N-2")]
    # when an administrator (who may import anything anywhere) imports it
    result = do_import(tmp_path, name, rows, admin_user)
    # then the bad row is named with its column and the reason, and nothing is written
    assert errors(result) == [(3, column)]
    assert message in result.errors[0].message
    assert (result.written, result.invalid) == (False, 1)
    assert not MODELS[name].objects.exists()
    assert audit_count(name) == 0


@each_template
def test_an_unknown_region_code_is_refused(name, admin_user, tmp_path):
    rows = [row(name, number="N-1"), row(name, {"所属地区代码": "629999"}, number="N-2")]
    result = do_import(tmp_path, name, rows, admin_user)
    assert errors(result) == [(3, "所属地区代码")]
    assert result.errors[0].message == "地区代码“629999”不存在"
    assert not MODELS[name].objects.exists()


@each_template
def test_a_region_outside_the_county_s_scope_is_refused(name, county_user, tmp_path):
    # another county, the prefecture above, and a township of another county
    township("620103001")
    rows = [
        row(name, number="N-1"),
        row(name, {"所属地区代码": "620103"}, number="N-2"),
        row(name, {"所属地区代码": "620100"}, number="N-3"),
        row(name, {"所属地区代码": "620103001"}, number="N-4"),
    ]
    result = do_import(tmp_path, name, rows, county_user)
    assert errors(result) == [(3, ""), (4, ""), (5, "")]
    assert {e.message for e in result.errors} == {SCOPE}
    assert not MODELS[name].objects.exists()


@each_template
def test_a_county_cannot_take_over_another_county_s_record_by_its_number(name, county_user, tmp_path):
    theirs = FACTORIES[name](number="N-Q", region=region("620103"))
    result = do_import(tmp_path, name, [row(name, number="N-Q")], county_user)
    assert errors(result) == [(2, key_header(name))]
    assert result.errors[0].message.endswith("“N-Q”不在您的管辖范围内，无权修改")
    assert MODELS[name].objects.get().region_id == theirs.region_id


@each_template
def test_a_prefecture_imports_in_its_subtree_not_another_prefecture(name, prefecture_user, tmp_path):
    rows = [
        row(name, {"所属地区代码": "620100"}, number="N-1"),
        row(name, {"所属地区代码": "620103"}, number="N-2"),
    ]
    assert do_import(tmp_path, name, rows, prefecture_user).created == 2
    outside = [row(name, {"所属地区代码": "623001"}, number="N-3")]
    result = do_import(tmp_path, name, outside, prefecture_user, file="b.csv")
    assert errors(result) == [(2, "")]
    assert MODELS[name].objects.count() == 2


def test_a_duplicate_number_within_a_file_is_refused(county_user, tmp_path):
    rows = [row("trainings", number="PX-1"), row("trainings", number="PX-1")]
    result = do_import(tmp_path, "trainings", rows, county_user)
    assert errors(result) == [(3, "培训班编号")]
    assert result.errors[0].message == "与第 2 行重复"
    assert not TrainingClass.objects.exists()


# Relief above the threshold: payments made, imported only from the province --------------------

ABOVE = {"项目": "送温暖", "学生姓名": "", "入学层次": "", "金额": "3000.00"}  # 送温暖: threshold 2,000


@pytest.mark.parametrize("role", [Role.COUNTY, Role.PREFECTURE])
def test_below_the_province_a_payment_above_the_threshold_is_refused(role, tmp_path):
    clerk = UserFactory(role=role, region=region("620102" if role == Role.COUNTY else "620100"))
    rows = [row("relief", number="RL-1"), row("relief", ABOVE, number="RL-2")]
    result = do_import(tmp_path, "relief", rows, clerk)
    assert errors(result) == [(3, "金额")]
    assert result.errors[0].message.startswith(
        "3000.00 元超过该项目的审批限额 2000.00 元：须在系统中录入并经上级审批"
    )
    assert not ReliefPayment.objects.exists()


def test_at_the_threshold_the_county_imports_the_payment(county_user, tmp_path):
    result = do_import(tmp_path, "relief", [row("relief", {**ABOVE, "金额": "2000"})], county_user)
    assert (result.ok, result.created) == (True, 1)
    assert ReliefPayment.objects.get().status == ReliefStatus.PAID


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PROVINCE])
def test_an_administrator_or_the_province_imports_it_as_paid(role, tmp_path):
    top = UserFactory(role=role, region=region("620000"))
    result = do_import(tmp_path, "relief", [row("relief", ABOVE)], top)
    assert (result.ok, result.created) == (True, 1)
    payment = ReliefPayment.objects.get()
    assert (payment.status, payment.paid_on, payment.amount) == (
        ReliefStatus.PAID,
        D(2024, 9, 1),
        Decimal("3000.00"),
    )


def test_a_payment_waiting_for_approval_is_not_changed_by_an_import(admin_user, tmp_path):
    ReliefPaymentFactory(number="RL-1", status=ReliefStatus.PENDING, paid_on=None, amount=Decimal("3000"))
    result = do_import(tmp_path, "relief", [row("relief", number="RL-1")], admin_user)
    assert errors(result) == [(2, "发放编号")]
    assert result.errors[0].message == "发放“RL-1”待审批，不能通过导入修改"
    assert ReliefPayment.objects.get().status == ReliefStatus.PENDING


# Export --------------------------------------------------------------------------------------------

ID_COLUMNS = {
    "relief": ["身份证号"],
    "visits": ["户主身份证号"],
    "employment_services": ["身份证号"],
    "loans": ["身份证号"],
}


def test_the_export_masks_resident_ids_without_the_personal_data_right(county_user, tmp_path):
    assert not county_user.can_view_personal_data
    township("620102001")
    for name in TEMPLATES:
        do_import(
            tmp_path,
            name,
            [row(name, number="N-1"), row(name, {"所属地区代码": "620102001"}, number="N-2")],
            None,
            file=f"{name}.csv",
        )
        FACTORIES[name](number="N-Q", region=region("620103"))  # not the county's
    VisitFactory(number="N-H", head_id_number=RID2)
    for name in TEMPLATES:
        out = tmp_path / f"{name}-out.csv"
        run_export(name, out, user=county_user)
        exported = read_csv(out)
        assert list(exported[0]) == HEADERS[name]
        assert sorted(r[key_header(name)] for r in exported) == sorted(
            ["N-1", "N-2", *(["N-H"] if name == "visits" else [])]
        )
        for column in ID_COLUMNS.get(name, []):
            full = {r[key_header(name)]: r[column] for r in exported}
            expected = {"N-1": RID, "N-2": RID} if name != "visits" else {"N-1": "", "N-2": "", "N-H": RID2}
            assert full == {k: mask_resident_id(v) for k, v in expected.items()}
        if name == "visits":
            assert {r["单位统一社会信用代码"] for r in exported} == {
                CODE,
                "",
            }  # a credit code is not personal


def test_the_administrator_s_export_reimports_unchanged(admin_user, tmp_path):
    # given records of every register at several levels, in every state the registers know
    township("620102001")
    for name in TEMPLATES:
        FACTORIES[name](number="F-1")
        FACTORIES[name](number="F-2", region=region("620000"))
        FACTORIES[name](number="F-3", region=township("620102001"))
    ReliefPaymentFactory(number="F-J", jinqiu=True)
    ReliefPaymentFactory(number="F-P", status=ReliefStatus.PENDING, paid_on=None, amount=Decimal("3000"))
    VisitFactory(number="F-E", enterprise=True, amount=Decimal("0"))
    RightsCaseFactory(number="F-C", closed=True)
    RightsCaseFactory(number="F-I", status=CaseStatus.IN_PROGRESS)
    MicroLoanFactory(number="F-R", repaid_on=D(2025, 1, 1))
    MicroLoanFactory(number="F-D", granted_on=D(2024, 3, 15), due_on=D(2025, 3, 15))  # an agreed due date
    EmploymentServiceFactory(number="F-Y", placed=True)
    for name in TEMPLATES:
        out = tmp_path / f"{name}.csv"
        count = run_export(name, out, user=admin_user)
        exported = read_csv(out)
        # the export carries the resident IDs in full: it is the import template
        for column in ID_COLUMNS.get(name, []):
            by_number = {r[key_header(name)]: r[column] for r in exported}
            assert {n: by_number[n] for n in ("F-1", "F-2")} == dict(
                MODELS[name]
                .objects.filter(number__in=["F-1", "F-2"])
                .values_list("number", "head_id_number" if name == "visits" else "id_number")
            )
        # and re-imports unchanged
        before = audit_count(name)
        result = run_import(name, out, user=admin_user)
        assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 0, count), (
            name,
            result.errors[:3],
        )
        assert audit_count(name) == before
    # the payment waiting for approval is not a payment made: the relief export leaves it out
    assert "F-P" not in {r["发放编号"] for r in read_csv(tmp_path / "relief.csv")}
    # what the template does not carry is kept
    assert RightsCase.objects.get(number="F-I").status == CaseStatus.IN_PROGRESS
    assert MicroLoan.objects.get(number="F-D").due_on == D(2025, 3, 15)
