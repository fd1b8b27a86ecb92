"""Import/export templates of mutual medical insurance (IMPORT.md: plans, enrollments, claims).

``enrollments`` has one row per (plan, member) with the member's unit: it writes Coverage rows
and then the unit-level Enrollment rows that are still missing. ``claims`` never imports a
payout: paid claims get theirs computed here, in settlement order (discharge date, then claim
number), after what the member's claims already paid under the plan received.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.exceptions import ApplicationError
from apps.core.importing import (
    CellError,
    Column,
    Context,
    ImportResource,
    Row,
    choice_column,
    chunks,
    filter_in,
    number_column,
    parse_date,
    parse_decimal,
    parse_resident_id,
    parse_text,
    parse_year,
    register,
    related_column,
)
from apps.unions.public import Member, union_column, unions_by_code

from .choices import ClaimStatus, Product
from .models import Claim, Coverage, Plan
from .payout import ZERO, plan_payout
from .rules import (
    clean_claim,
    clean_claim_cover,
    clean_covered_member,
    clean_plan_period,
    clean_plan_terms_change,
)
from .services import enrollment_is_open, ensure_enrollments, is_plan_editor


def _ratio(raw: Any) -> Decimal | None:
    value = parse_decimal(raw, places=4)
    if value is not None and value > 1:
        raise CellError(f"“{raw}”应在 0 到 1 之间")
    return value


def _ratio_text(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def plans_by_code(codes: set[str]) -> dict[str, Plan]:
    return {p.code: p for p in filter_in(Plan.objects.all(), "code", codes)}


def coverages_by_key(plan_codes: set[str], id_numbers: set[str]) -> dict[tuple[str, str], Coverage]:
    """The coverages of the members (by resident ID) under the plans (by code), by (code, ID)."""
    coverages = Coverage.objects.filter(plan__code__in=plan_codes).select_related("plan", "member", "union")
    return {
        (c.plan.code, c.member.id_number): c for c in filter_in(coverages, "member__id_number", id_numbers)
    }


money = partial(parse_decimal, places=2)


def plan_column(path: str, key: bool = False) -> Column:
    """The 计划编码 column, exported from the plan at ``path``."""
    return related_column(
        "计划编码", "plan_code", path, partial(parse_text, max_length=32), required=True, key=key
    )


def member_column(path: str, key: bool = False) -> Column:
    """The covered member's 身份证号 column, exported from the member at ``path``."""
    return related_column(
        "身份证号", "id_number", path, parse_resident_id, required=True, key=key, sensitive=True
    )


@register
class PlanResource(ImportResource):
    name = "plans"
    title = gettext_lazy("医疗互助计划")
    model = Plan
    export_order = ("code",)
    columns = [
        number_column("计划编码", "code"),
        Column("年度", "year", parse_year, required=True),
        choice_column("险种", "product", Product),
        Column("每人缴费", "fee", money, required=True),
        Column("保障开始日期", "coverage_start", parse_date, required=True),
        Column("保障结束日期", "coverage_end", parse_date, required=True),
        Column("起付线", "deductible", money, required=True),
        Column("报销比例", "ratio", _ratio, required=True, export=lambda r: _ratio_text(r.ratio)),
        Column("单次限额", "cap_per_claim", money, required=True),
        Column("年度限额", "cap_per_year", money, required=True),
    ]

    def check(self, row: Row, ctx: Context) -> None:
        self.check_rule(row, clean_plan_period, from_row=("year", "coverage_start", "coverage_end"))
        if not is_plan_editor(ctx.user):
            row.error("计划编码", "医疗互助计划只能由省总工会或管理员维护")

    def region_id(self, row: Row, ctx: Context) -> int | None:
        return None  # provincial

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Plan]:
        found = plans_by_code({r.values["code"] for r in rows})
        paid = set(
            Claim.objects.filter(coverage__plan__in=found.values(), status=ClaimStatus.PAID)
            .values_list("coverage__plan__code", flat=True)
            .distinct()
        )
        for row in rows:
            plan = found.get(row.values["code"])
            if plan is not None:
                self.check_rule(
                    row, clean_plan_terms_change, plan=plan, changes=row.values, paid=plan.code in paid
                )
        return {(code,): p for code, p in found.items()}


def _window_error(plan: Plan, ctx: Context) -> str | None:
    """Historical enrollments (coverage started) only by provincial staff and administrators."""
    if ctx.user is None or is_plan_editor(ctx.user) or enrollment_is_open(plan):
        return None
    return f"计划“{plan.code}”已于 {plan.coverage_start} 开始保障，参保变更已截止；历史参保数据只能由省总工会或管理员导入"


@register
class EnrollmentResource(ImportResource):
    name = "enrollments"
    title = gettext_lazy("医疗互助参保")
    model = Coverage
    export_order = ("plan__code", "id")
    batch_size = 5000
    columns = [
        plan_column("plan.code", key=True),
        member_column("member.id_number", key=True),
        union_column(),
    ]
    compare_fields = ["union", "member"]

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        ctx.cache["plans"] = plans_by_code({r.values["plan_code"] for r in rows})
        ctx.cache["unions"] = unions_by_code({r.values["union_code"] for r in rows})
        by_id: dict[str, list[Member]] = defaultdict(list)
        for m in filter_in(Member.objects.all(), "id_number", {r.values["id_number"] for r in rows}):
            by_id[m.id_number].append(m)
        ctx.cache["members"] = by_id

    def member_of(self, row: Row, ctx: Context) -> Member | None:
        union = ctx.cache["unions"].get(row.values["union_code"])
        plan = ctx.cache["plans"].get(row.values["plan_code"])
        if union is None or plan is None:
            return None
        candidates = [
            m for m in ctx.cache["members"].get(row.values["id_number"], []) if m.union_id == union.pk
        ]
        # the membership that overlaps the coverage, the active one first
        candidates = [
            m
            for m in candidates
            if m.joined_on <= plan.coverage_end and (m.left_on is None or m.left_on >= plan.coverage_start)
        ]
        candidates.sort(key=lambda m: (m.left_on is not None, -m.pk))
        return candidates[0] if candidates else None

    def check(self, row: Row, ctx: Context) -> None:
        v = row.values
        plan = ctx.cache["plans"].get(v["plan_code"])
        union = ctx.cache["unions"].get(v["union_code"])
        if plan is None:
            row.error("计划编码", f"计划编码“{v['plan_code']}”不存在")
        if union is None:
            row.error("工会编码", f"工会编码“{v['union_code']}”不存在")
        if plan is None or union is None:
            return
        member = self.member_of(row, ctx)
        if member is None:
            row.error("身份证号", f"该身份证号在计划“{plan.code}”保障期内不是“{union.name}”的会员")
            return
        self.check_rule(row, clean_covered_member, fields={"member": "id_number"}, plan=plan, member=member)
        problem = _window_error(plan, ctx)
        if problem:
            row.error("计划编码", problem)
        row.values["_member"] = member

    def region_id(self, row: Row, ctx: Context) -> int | None:
        union = ctx.cache["unions"].get(row.values["union_code"])
        return union.region_id if union else None

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Coverage]:
        found = coverages_by_key({r.values["plan_code"] for r in rows}, {r.values["id_number"] for r in rows})
        with_claims = set(
            Claim.objects.filter(coverage__in=[c.pk for c in found.values()]).values_list(
                "coverage_id", flat=True
            )
        )
        for row in rows:
            c = found.get(self.key_of(row))
            if c is None or c.union.code == row.values["union_code"]:
                continue
            if not ctx.may_change(c.union.region_id):
                row.error("工会编码", f"该会员已通过“{c.union.name}”参加计划，不在您的管辖范围内，无权修改")
            elif c.pk in with_claims:
                row.error("工会编码", f"该会员已通过“{c.union.name}”参加计划并有理赔，不能改到其他单位")
        return found

    def apply(self, row: Row, record: Coverage | None, ctx: Context) -> Coverage:
        coverage = record or Coverage(plan=ctx.cache["plans"][row.values["plan_code"]])
        coverage.union = ctx.cache["unions"][row.values["union_code"]]
        coverage.member = row.values["_member"]
        return coverage

    def after_write(self, rows: list[Row], ctx: Context) -> None:
        ensure_enrollments({(r.instance.plan_id, r.instance.union_id) for r in rows}, user=ctx.user)


@register
class ClaimResource(ImportResource):
    name = "claims"
    title = gettext_lazy("医疗互助理赔")
    model = Claim
    export_order = ("discharged_on", "number")
    record_region = "union__region"
    noun = "理赔"
    whole_file = True  # payouts are settled in discharge order across the whole file
    columns = [
        number_column("理赔编号"),
        plan_column("coverage.plan.code"),
        member_column("coverage.member.id_number"),
        Column("入院日期", "admitted_on", parse_date, required=True),
        Column("出院日期", "discharged_on", parse_date, required=True),
        Column("医疗总费用", "total_expense", money, required=True),
        Column("基本医保已报销", "basic_insurance_paid", money, required=True),
        choice_column("状态", "status", ClaimStatus),
        Column("支付日期", "paid_on", parse_date),
        Column("拒绝原因", "reject_reason", partial(parse_text, max_length=200)),
    ]
    derived = ("coverage", "union", "payout", "year_used_before")

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        plans = {r.values["plan_code"] for r in rows}
        ctx.cache["coverages"] = coverages_by_key(plans, {r.values["id_number"] for r in rows})
        ctx.cache["plans"] = plans_by_code(plans)

    def coverage_of(self, row: Row, ctx: Context) -> Coverage | None:
        return ctx.cache["coverages"].get((row.values["plan_code"], row.values["id_number"]))

    def check(self, row: Row, ctx: Context) -> None:
        v = row.values
        plan = ctx.cache["plans"].get(v["plan_code"])
        if plan is None:
            row.error("计划编码", f"计划编码“{v['plan_code']}”不存在")
            return
        coverage = self.coverage_of(row, ctx)
        if coverage is None:
            row.error("身份证号", f"该身份证号的会员未参加计划“{plan.code}”，不能理赔")
            return
        # the rules of claim entry and payment, in the order the services check them
        self.check_rule(row, clean_claim_cover, from_row=("admitted_on", "discharged_on"), coverage=coverage)
        self.check_rule(row, clean_claim, from_row=self.copied)  # the claim's own fields are its arguments

    def region_id(self, row: Row, ctx: Context) -> int | None:
        coverage = self.coverage_of(row, ctx)
        return coverage.union.region_id if coverage else None

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Claim]:
        found = super().existing(rows, ctx)
        for row in rows:
            c = found.get((row.values["number"],))
            if (
                c is not None
                and not row.errors
                and c.status == ClaimStatus.PAID
                and not self._same_paid(row, c, ctx)
            ):
                row.error("理赔编号", f"理赔“{c.number}”已支付，不能再修改")
        self._settle([r for r in rows if not r.errors], found, ctx)
        return found

    def _same_paid(self, row: Row, claim: Claim, ctx: Context) -> bool:
        v = row.values
        coverage = self.coverage_of(row, ctx)
        return (
            v["status"] == ClaimStatus.PAID
            and coverage is not None
            and coverage.pk == claim.coverage_id
            and all(
                getattr(claim, f) == v[f]
                for f in ("admitted_on", "discharged_on", "total_expense", "basic_insurance_paid", "paid_on")
            )
        )

    def _settle(self, rows: list[Row], found: dict[tuple, Claim], ctx: Context) -> None:
        """Payouts of the rows that become paid, in settlement order, after what the member's
        claims already paid under the plan received."""
        to_settle = [
            r
            for r in rows
            if r.values["status"] == ClaimStatus.PAID
            and (
                found.get((r.values["number"],)) is None
                or found[(r.values["number"],)].status != ClaimStatus.PAID
            )
        ]
        settled: dict[str, tuple[Decimal, Decimal]] = {}
        ctx.cache["settled"] = settled
        if not to_settle:
            return
        coverage_ids = {self.coverage_of(r, ctx).pk for r in to_settle}
        used: dict[int, Decimal] = defaultdict(lambda: ZERO)
        paid = Claim.objects.filter(status=ClaimStatus.PAID).values("coverage_id").annotate(s=Sum("payout"))
        for item in filter_in(paid, "coverage_id", coverage_ids):
            used[item["coverage_id"]] = item["s"] or ZERO
        for r in sorted(to_settle, key=lambda r: (r.values["discharged_on"], r.values["number"])):
            coverage = self.coverage_of(r, ctx)
            before = used[coverage.pk]
            breakdown = plan_payout(
                coverage.plan,
                total=r.values["total_expense"],
                basic_paid=r.values["basic_insurance_paid"],
                used_before=before,
            )
            settled[r.values["number"]] = (breakdown.payout, before)
            used[coverage.pk] = before + breakdown.payout

    def apply(self, row: Row, record: Claim | None, ctx: Context) -> Claim:
        if record is not None and record.status == ClaimStatus.PAID:
            return record  # unchanged (checked in existing)
        v = row.values
        claim = super().apply(row, record, ctx)
        claim.coverage = self.coverage_of(row, ctx)
        claim.union_id = claim.coverage.union_id
        if v["status"] == ClaimStatus.PAID:
            claim.payout, claim.year_used_before = ctx.cache["settled"].get(v["number"], (ZERO, ZERO))
            claim.paid_on = v["paid_on"]
        else:
            claim.payout = claim.year_used_before = claim.paid_on = None
        return claim

    def after_write(self, rows: list[Row], ctx: Context) -> None:
        """Inside the write transaction: lock the members' coverages and make sure no payment
        that ran meanwhile in the browser pushed anyone over the yearly cap."""
        coverage_ids = sorted(
            {r.instance.coverage_id for r in rows if r.values["status"] == ClaimStatus.PAID}
        )
        for chunk in chunks(coverage_ids):
            list(Coverage.objects.select_for_update().filter(pk__in=chunk).values_list("pk", flat=True))
            over = (
                Claim.objects.filter(coverage_id__in=chunk, status=ClaimStatus.PAID)
                .values("coverage_id", "coverage__plan__cap_per_year")
                .annotate(s=Sum("payout"))
            )
            for item in over:
                if item["s"] > item["coverage__plan__cap_per_year"]:
                    raise ApplicationError(
                        _(
                            "Payments made while the file was being imported changed the yearly caps; import it again."
                        )
                    )
