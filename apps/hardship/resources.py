"""Import/export templates of the hardship domain (IMPORT.md: households, family_members,
disbursements). Rows with a 建档日期 are households filed before the system existed: only
provincial staff and administrators may import them, and each gets an audit entry and a
timeline entry saying so. New households go through the seven-step filing instead."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role
from apps.core.importing import (
    CellError,
    Column,
    Context,
    ImportResource,
    Row,
    choice_column,
    choice_label,
    chunks,
    filter_in,
    number_column,
    parse_date,
    parse_decimal,
    parse_int,
    parse_resident_id,
    parse_text,
    register,
    related_column,
)
from apps.core.importing.cells import contract_labels
from apps.core.personal import AMOUNT
from apps.unions.public import UnionRefMixin, union_column

from .choices import AidKind, Category, Cause, Health, Relation, Status, Step
from .models import Disbursement, FamilyMember, FilingStep, Household, IdClaim
from .rules import (
    aid_date_fits,
    clean_aid_date,
    clean_disbursement,
    clean_exit,
    clean_member_id,
    compute_per_capita_income,
    is_editable,
)
from .services import county_of


def parse_causes(raw: Any) -> str:
    text = parse_text(raw)
    if not text:
        raise CellError("不能为空")
    by_label = dict(zip(contract_labels(Cause), Cause.values, strict=True))
    codes, bad = [], []
    for part in re.split(r"[；;]", text):
        part = part.strip()
        if not part:
            continue
        if part in by_label:
            codes.append(by_label[part])
        else:
            bad.append(part)
    if bad or not codes:
        allowed = "、".join(contract_labels(Cause))
        raise CellError(f"“{'、'.join(bad) or text}”不是可选的致困原因（可选：{allowed}，用“；”分隔）")
    return ",".join(c for c in Cause.values if c in codes)


def _causes_label(household: Household) -> str:
    return "；".join(choice_label(Cause, c) for c in household.cause_list if c in Cause.values)


def _may_import_history(user: Any) -> bool:
    return user is None or user.is_superuser or getattr(user, "role", None) in (Role.PROVINCE, Role.ADMIN)


def households_by_head(ids: set[str]) -> dict[str, list[Household]]:
    found: dict[str, list[Household]] = {}
    for h in filter_in(Household.objects.select_related("union__region__parent"), "head_id_number", ids):
        found.setdefault(h.head_id_number, []).append(h)
    for items in found.values():
        items.sort(key=lambda h: h.pk)
    return found


def claims_for(ids: set[str]) -> dict[str, IdClaim]:
    claims = IdClaim.objects.select_related("household__union__region__parent")
    return {c.id_number: c for c in filter_in(claims, "id_number", ids)}


def sync_claims(households: list[Household]) -> None:
    """Comparison keys of the given households: filed and not exited ones hold their IDs."""
    pks = [h.pk for h in households]
    for chunk in chunks(pks):
        IdClaim.objects.filter(household_id__in=chunk).delete()
    filed = [h for h in households if h.status == Status.FILED]
    claims = [IdClaim(id_number=h.head_id_number, household=h) for h in filed]
    members: dict[int, list[str]] = {}
    ids = FamilyMember.objects.values_list("household_id", "id_number")
    for hid, id_number in filter_in(ids, "household_id", [h.pk for h in filed]):
        members.setdefault(hid, []).append(id_number)
    for h in filed:
        claims.extend(IdClaim(id_number=i, household=h) for i in members.get(h.pk, []))
    IdClaim.objects.bulk_create(claims, batch_size=2000)


@register
class HouseholdResource(UnionRefMixin, ImportResource):
    name = "households"
    title = _("困难职工家庭")
    model = Household
    columns = [
        Column("户主姓名", "head_name", partial(parse_text, max_length=64), required=True),
        Column("户主身份证号", "head_id_number", parse_resident_id, required=True, key=True, sensitive=True),
        union_column(),
        choice_column("困难类别", "category", Category),
        Column("致困原因", "causes", parse_causes, required=True, export=_causes_label),
        Column("家庭人口", "family_size", partial(parse_int, minimum=1, maximum=30), required=True),
        Column("家庭月收入", "family_income", parse_decimal, required=True, sensitive=AMOUNT),
        Column("当地困难标准", "living_standard", parse_decimal),
        Column("建档日期", "filed_on", parse_date),
        Column("脱困日期", "exited_on", parse_date),
        Column("脱困原因", "exit_reason", partial(parse_text, max_length=200)),
    ]
    derived = ("per_capita_income", "status")

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        super().prepare(rows, ctx)
        if ctx.user is not None and _may_import_history(ctx.user):
            ctx.change_ids = None  # provincial staff import history for the whole province
        heads = {r.values["head_id_number"] for r in rows}
        ctx.cache["by_head"] = households_by_head(heads)
        ctx.cache["claims"] = claims_for(heads)

    def check(self, row: Row, ctx: Context) -> None:
        if not _may_import_history(ctx.user):
            row.error(
                "建档日期", "只有省总工会工作人员和系统管理员可以导入历史建档家庭；新家庭请按七步法建档"
            )
            return
        super().check(row, ctx)
        v = row.values
        if v.get("filed_on") is None:
            row.error("建档日期", "不能为空：没有建档日期的新家庭请按七步法在系统中建档")
            return
        if v["filed_on"] > timezone.localdate():
            row.error("建档日期", f"建档日期 {v['filed_on']} 晚于今天")
        self.check_rule(row, clean_exit, from_row=("filed_on", "exited_on", "exit_reason"))

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Household]:
        """The household a row speaks of: the one of that head filed on the same day, else a
        new one; any other active household of the head, or a claim of the ID by another
        filed household (information comparison), makes the row invalid."""
        found: dict[tuple, Household] = {}
        for row in rows:
            v = row.values
            households = ctx.cache["by_head"].get(v["head_id_number"], [])
            match = next((h for h in households if h.filed_on == v["filed_on"]), None)
            active = [
                h for h in households if h is not match and h.status not in (Status.EXITED, Status.WITHDRAWN)
            ]
            if active and v.get("exited_on") is None:
                other = active[0]
                row.error(
                    "户主身份证号",
                    f"信息比对：该户主已有{county_of(other.union.region).name}的困难家庭（{choice_label(Status, other.status)}）",
                )
                continue
            claim = ctx.cache["claims"].get(v["head_id_number"])
            if (
                claim is not None
                and claim.household_id != (match.pk if match else None)
                and v.get("exited_on") is None
            ):
                other = claim.household
                row.error(
                    "户主身份证号",
                    f"信息比对：该身份证号已在{county_of(other.union.region).name}的已建档家庭中",
                )
                continue
            if match is not None:
                found[(v["head_id_number"],)] = match
        return found

    def new_record(self, row: Row, ctx: Context) -> Household:
        v = row.values
        return Household(head_id_number=v["head_id_number"], imported=True, last_checked_on=v["filed_on"])

    def apply(self, row: Row, record: Household | None, ctx: Context) -> Household:
        household = super().apply(row, record, ctx)
        household.per_capita_income = compute_per_capita_income(
            family_income=household.family_income,
            rigid_expenses=household.rigid_expenses,
            family_size=household.family_size,
        )
        household.status = Status.EXITED if household.exited_on else Status.FILED
        return household

    def after_write(self, rows: list[Row], ctx: Context) -> None:
        written = [r for r in rows if r.action in ("create", "update")]
        if not written:
            return
        now = timezone.now()
        user = ctx.user if ctx.user is not None and getattr(ctx.user, "is_authenticated", False) else None
        FilingStep.objects.bulk_create(
            [
                FilingStep(
                    household=r.instance,
                    step=Step.IMPORTED,
                    user=user,
                    username=user.get_username() if user else "",
                    at=now,
                    note=f"历史建档导入：建档日期 {r.instance.filed_on}"
                    + (f"，脱困日期 {r.instance.exited_on}" if r.instance.exited_on else ""),
                )
                for r in written
                if r.action == "create"
            ],
            batch_size=2000,
        )
        sync_claims([r.instance for r in written])


def _households_for_rows(rows: list[Row], key: str = "head_id") -> dict[str, list[Household]]:
    return households_by_head({r.values[key] for r in rows})


def _current(households: list[Household]) -> Household | None:
    """The household a head ID refers to today: the active one, else the latest."""
    active = [h for h in households if h.status not in (Status.EXITED, Status.WITHDRAWN)]
    return (active or households or [None])[-1]


def head_column(key: bool = False) -> Column:
    """The 户主身份证号 column naming a household by its head."""
    return related_column(
        "户主身份证号",
        "head_id",
        "household.head_id_number",
        parse_resident_id,
        required=True,
        key=key,
        sensitive=True,
    )


@register
class FamilyMemberResource(ImportResource):
    name = "family_members"
    title = _("困难家庭成员")
    model = FamilyMember
    export_order = ("household_id", "id")
    whole_file = True  # one resident ID in two filed households of the file is refused by row number
    columns = [
        head_column(key=True),
        Column("身份证号", "id_number", parse_resident_id, required=True, key=True, sensitive=True),
        Column("姓名", "name", partial(parse_text, max_length=64), required=True),
        choice_column("与户主关系", "relation", Relation),
        Column("月收入", "monthly_income", parse_decimal, sensitive=AMOUNT),
        choice_column("健康状况", "health", Health, required=False),
    ]

    def key_of(self, row: Row) -> tuple:
        return (row.values.get("head_id"), row.values.get("id_number"))

    def record_key(self, record: FamilyMember) -> tuple:
        return (record.household.head_id_number, record.id_number)

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        if ctx.user is not None and _may_import_history(ctx.user):
            ctx.change_ids = None
        by_head = _households_for_rows(rows)
        ctx.cache["household"] = {head: _current(items) for head, items in by_head.items()}
        ctx.cache["claims"] = claims_for({r.values["id_number"] for r in rows})
        ctx.cache["seen"] = {}

    def household_of(self, row: Row, ctx: Context) -> Household | None:
        return ctx.cache["household"].get(row.values.get("head_id"))

    def check(self, row: Row, ctx: Context) -> None:
        v = row.values
        household = self.household_of(row, ctx)
        if household is None:
            row.error("户主身份证号", "该户主身份证号没有困难家庭，请先导入或建立家庭")
            return
        self.check_rule(
            row, clean_member_id, head_id_number=household.head_id_number, id_number=v["id_number"]
        )
        if not is_editable(household.status) and not _may_import_history(ctx.user):
            row.error("户主身份证号", "该家庭已过核算步骤或已建档，成员只能由省总工会或系统管理员导入")
        claim = ctx.cache["claims"].get(v["id_number"])
        if claim is not None and claim.household_id != household.pk:
            row.error(
                "身份证号",
                f"信息比对：该身份证号已在{county_of(claim.household.union.region).name}的已建档家庭中",
            )
        if household.status == Status.FILED:
            first = ctx.cache["seen"].setdefault(v["id_number"], (household.pk, row.number))
            if first[0] != household.pk:
                row.error("身份证号", f"信息比对：该身份证号与第 {first[1]} 行另一个已建档家庭重复")
        if v.get("monthly_income") is None:
            v["monthly_income"] = Decimal("0.00")
        if not v.get("health"):
            v["health"] = Health.HEALTHY

    def region_id(self, row: Row, ctx: Context) -> int | None:
        household = self.household_of(row, ctx)
        return household.union.region_id if household else None

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, FamilyMember]:
        hh = {self.household_of(r, ctx).pk: self.household_of(r, ctx) for r in rows}
        members = filter_in(FamilyMember.objects.all(), "household_id", hh)
        return {(hh[m.household_id].head_id_number, m.id_number): m for m in members}

    def new_record(self, row: Row, ctx: Context) -> FamilyMember:
        return FamilyMember(household=self.household_of(row, ctx), id_number=row.values["id_number"])

    def after_write(self, rows: list[Row], ctx: Context) -> None:
        new = [
            r.instance for r in rows if r.action == "create" and r.instance.household.status == Status.FILED
        ]
        IdClaim.objects.bulk_create(
            [IdClaim(id_number=m.id_number, household_id=m.household_id) for m in new], batch_size=2000
        )


@register
class DisbursementResource(ImportResource):
    name = "disbursements"
    title = _("帮扶救助发放")
    model = Disbursement
    record_region = "household__union__region"
    noun = "发放记录"
    columns = [
        number_column("发放编号"),
        head_column(),
        choice_column("帮扶类型", "kind", AidKind),
        Column("金额", "amount", parse_decimal, required=True),
        Column("发放日期", "paid_on", parse_date, required=True),
        Column("资金来源", "fund_source", partial(parse_text, max_length=64)),
        Column("学生姓名", "student_name", partial(parse_text, max_length=64)),
    ]
    derived = ("household",)

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        ctx.cache["by_head"] = _households_for_rows(rows)
        ctx.cache["household"] = {}

    def household_of(self, row: Row, ctx: Context) -> Household | None:
        return ctx.cache["household"].get(row.number)

    def check(self, row: Row, ctx: Context) -> None:
        v = row.values
        households = [h for h in ctx.cache["by_head"].get(v["head_id"], []) if h.filed_on is not None]
        if not households:
            row.error("户主身份证号", "该户主身份证号没有已建档的困难家庭")
            return
        when = v["paid_on"]
        # the filing of the head the payment belongs to: the one whose dates admit it
        match = next((h for h in households if aid_date_fits(h, when)), None)
        if match is None:
            # refused for the filing in force on that date (else the first one)
            before = [h for h in households if h.filed_on <= when]
            self.check_rule(row, clean_aid_date, household=(before or households[:1])[-1], paid_on=when)
            return
        ctx.cache["household"][row.number] = match
        self.check_rule(row, clean_disbursement, from_row=("kind", "amount", "student_name"))

    def region_id(self, row: Row, ctx: Context) -> int | None:
        household = self.household_of(row, ctx)
        return household.union.region_id if household else None

    def values_of(self, row: Row, ctx: Context) -> dict[str, Any]:
        return {**super().values_of(row, ctx), "household": self.household_of(row, ctx)}
