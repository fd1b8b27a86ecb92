"""Import/export templates of the worker-services domain (IMPORT.md: relief, visits, job_fairs,
employment_services, trainings, rights_cases, loans), through the one pipeline of
apps/core/importing/. 所属地区代码 is any region in the user's scope; the rules a row obeys
are the models' ``clean()`` (``rules.py``), the ones the services run.

Rows of an import are work already done: a relief row is a payment made. Above its programme's
approval threshold only provincial staff and administrators may import one (as for historical
households); county and prefecture staff file such a payment in the browser for approval.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role
from apps.core.importing import (
    Column,
    Context,
    ImportResource,
    RegionRefMixin,
    Row,
    choice_column,
    choice_label,
    number_column,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_optional_resident_id,
    parse_resident_id,
    parse_text,
    region_column,
    register,
)
from apps.core.importing.cells import contract_text

from . import rules
from .choices import (
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
from .models import (
    ApprovalThreshold,
    EmploymentService,
    JobFair,
    MicroLoan,
    ReliefPayment,
    RightsCase,
    ServiceRecord,
    TrainingClass,
    Visit,
)

_text = partial(parse_text, max_length=64)
_long_text = partial(parse_text, max_length=200)


def _upper(raw: Any) -> str:
    return parse_text(raw, max_length=18).upper()


def _yes_no(name: str, header: str) -> Column:
    return Column(header, name, parse_bool, export=lambda r: "是" if getattr(r, name) else "否")


class _ServiceResource(RegionRefMixin, ImportResource):
    """A register of this domain: keyed by its number, in the region of its 所属地区代码; a row
    sets its other columns' fields from the values of the same names."""

    export_order = ("number",)

    @property
    def noun(self) -> str:  # type: ignore[override]
        return contract_text(self.title)


@register
class ReliefResource(_ServiceResource):
    name = "relief"
    title = _("专项帮扶发放")
    model = ReliefPayment
    columns = [
        number_column("发放编号"),
        Column("身份证号", "id_number", parse_resident_id, required=True, sensitive=True),
        Column("姓名", "name", _text, required=True),
        region_column(),
        choice_column("项目", "programme", Programme),
        choice_column("对象类型", "recipient_kind", RecipientKind),
        Column("金额", "amount", parse_decimal, required=True),
        Column("发放日期", "paid_on", parse_date, required=True),
        Column("学生姓名", "student_name", _text),
        choice_column("入学层次", "school_level", SchoolLevel, required=False),
    ]

    derived = ("status",)

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        super().prepare(rows, ctx)
        if "thresholds" not in ctx.cache:
            ctx.cache["thresholds"] = {
                **rules.DEFAULT_THRESHOLDS,
                **dict(ApprovalThreshold.objects.values_list("programme", "amount")),
            }

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        v, user = row.values, ctx.user
        top = user is None or user.is_superuser or user.role in (Role.PROVINCE, Role.ADMIN)
        threshold = ctx.cache["thresholds"].get(v.get("programme"))
        if not top and v.get("amount") is not None and rules.needs_approval(v["amount"], threshold):
            row.error(
                "金额",
                f"{v['amount']} 元超过该项目的审批限额 {threshold} 元：须在系统中录入并经上级审批，"
                "不能直接导入为已发放",
            )

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, ServiceRecord]:
        found = super().existing(rows, ctx)
        for row in rows:
            record = found.get(self.key_of(row))
            if record is not None and record.status != ReliefStatus.PAID:
                row.error(
                    "发放编号",
                    f"发放“{record.number}”{choice_label(ReliefStatus, record.status)}，不能通过导入修改",
                )
        return found

    def apply(self, row: Row, record: ServiceRecord | None, ctx: Context) -> ServiceRecord:
        record = super().apply(row, record, ctx)
        record.status = ReliefStatus.PAID
        return record

    def export_queryset(self, user: Any) -> QuerySet:
        # a row is a payment made: one awaiting approval, approved or rejected is not (and,
        # without its payment date, would not import back)
        return super().export_queryset(user).filter(status=ReliefStatus.PAID)


@register
class VisitResource(_ServiceResource):
    name = "visits"
    title = _("走访慰问")
    model = Visit
    columns = [
        number_column("走访编号"),
        region_column(),
        Column("走访日期", "visited_on", parse_date, required=True),
        choice_column("对象类型", "kind", VisitKind),
        Column("单位统一社会信用代码", "credit_code", _upper),
        Column("户主身份证号", "head_id_number", parse_optional_resident_id, sensitive=True),
        Column("名称", "name", _long_text, required=True),
        Column("慰问金额", "amount", parse_decimal),
    ]

    def apply(self, row: Row, record: ServiceRecord | None, ctx: Context) -> ServiceRecord:
        record = super().apply(row, record, ctx)
        record.amount = row.values["amount"] or 0
        return record


@register
class JobFairResource(_ServiceResource):
    name = "job_fairs"
    title = _("春送岗位招聘会")
    model = JobFair
    columns = [
        number_column("招聘会编号"),
        Column("名称", "name", _long_text, required=True),
        region_column(),
        Column("举办日期", "held_on", parse_date, required=True),
        Column("参会企业数", "enterprises", parse_int, required=True),
        Column("提供岗位数", "positions", parse_int, required=True),
        Column("进场人数", "attendees", parse_int, required=True),
    ]


@register
class EmploymentServiceResource(_ServiceResource):
    name = "employment_services"
    title = _("就业服务")
    model = EmploymentService
    columns = [
        number_column("服务编号"),
        Column("身份证号", "id_number", parse_resident_id, required=True, sensitive=True),
        Column("姓名", "name", _text, required=True),
        region_column(),
        Column("服务日期", "served_on", parse_date, required=True),
        choice_column("服务类型", "kind", EmploymentKind),
        _yes_no("placed", "是否就业"),
    ]


@register
class TrainingResource(_ServiceResource):
    name = "trainings"
    title = _("培训班")
    model = TrainingClass
    columns = [
        number_column("培训班编号"),
        Column("名称", "name", _long_text, required=True),
        region_column(),
        choice_column("培训类型", "kind", TrainingKind),
        Column("开班日期", "start_date", parse_date, required=True),
        Column("结业日期", "end_date", parse_date, required=True),
        Column("培训人数", "trainees", parse_int, required=True),
    ]


@register
class RightsCaseResource(_ServiceResource):
    name = "rights_cases"
    title = _("维权案件")
    model = RightsCase
    columns = [
        number_column("案件编号"),
        region_column(),
        Column("受理日期", "received_on", parse_date, required=True),
        choice_column("案件类型", "kind", CaseKind),
        Column("涉及职工人数", "workers", parse_int, required=True),
        Column("追回金额", "amount_recovered", parse_decimal),
        Column("办结日期", "closed_on", parse_date),
    ]

    derived = ("status",)

    def apply(self, row: Row, record: ServiceRecord | None, ctx: Context) -> ServiceRecord:
        was = record.status if record is not None else CaseStatus.RECEIVED
        record = super().apply(row, record, ctx)
        record.amount_recovered = row.values["amount_recovered"] or 0
        if record.closed_on:
            record.status = CaseStatus.CLOSED
        else:  # open: as it was, or back in progress when the file reopens a closed case
            record.status = CaseStatus.IN_PROGRESS if was == CaseStatus.CLOSED else was
        return record


@register
class LoanResource(_ServiceResource):
    name = "loans"
    title = _("小额贷款")
    model = MicroLoan
    columns = [
        number_column("贷款编号"),
        Column("身份证号", "id_number", parse_resident_id, required=True, sensitive=True),
        Column("姓名", "name", _text, required=True),
        region_column(),
        Column("发放日期", "granted_on", parse_date, required=True),
        Column("金额", "amount", parse_decimal, required=True),
        Column("带动就业人数", "jobs_created", parse_int, required=True),
        Column("还清日期", "repaid_on", parse_date),
    ]

    derived = ("due_on",)  # due_on follows a corrected grant date

    def apply(self, row: Row, record: ServiceRecord | None, ctx: Context) -> ServiceRecord:
        granted_before = record.granted_on if record is not None else None
        due_on = record.due_on if record is not None else None
        record = super().apply(row, record, ctx)
        if granted_before != record.granted_on:  # new, or its grant date corrected
            record.due_on = rules.compute_moved_due_on(
                granted_before=granted_before, granted_on=record.granted_on, due_on=due_on
            )
        return record
