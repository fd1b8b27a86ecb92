"""Import/export templates of the unions domain (IMPORT.md: unions, members, contracts)."""

from __future__ import annotations

from functools import partial
from typing import Any

from apps.core.choices import RegionLevel
from apps.core.importing import (
    CellError,
    Column,
    Context,
    ImportResource,
    Row,
    _chunks,
    parse_choice,
    parse_date,
    parse_int,
    parse_resident_id,
    parse_text,
    parse_year,
    register,
)
from apps.core.models import Region
from apps.core.validators import resident_id_birth_date, resident_id_is_female, validate_mobile

from . import services
from .choices import ContractKind, HouseholdType, JoinChannel, KeyGroup, MemberStatus, Sex, UnionKind
from .models import CollectiveContract, GrassrootsUnion, Member


def _label(choices, value: str) -> str:
    return dict(choices.choices).get(value, "") if value else ""


def unions_by_code(codes: set[str]) -> dict[str, GrassrootsUnion]:
    """One query per few thousand codes, regions attached (no per-row look-ups later)."""
    found: dict[str, GrassrootsUnion] = {}
    for chunk in _chunks(sorted(c for c in codes if c)):
        for union in GrassrootsUnion.objects.filter(code__in=chunk).select_related("region"):
            found[union.code] = union
    return found


def union_column(header: str = "工会编码", required: bool = True, key: bool = False) -> Column:
    return Column(header, "union_code", required=required, key=key, export=lambda r: r.union.code)


class UnionRefMixin:
    """Resolves the 工会编码 column of every row with one look-up per chunk."""

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        ctx.cache["unions"] = unions_by_code({r.values.get("union_code", "") for r in rows})

    def union_of(self, row: Row, ctx: Context) -> GrassrootsUnion | None:
        return ctx.cache["unions"].get(row.values.get("union_code"))

    def check(self, row: Row, ctx: Context) -> None:
        if self.union_of(row, ctx) is None:
            row.error("工会编码", f"工会编码“{row.values.get('union_code')}”不存在")

    def region_id(self, row: Row, ctx: Context) -> int | None:
        union = self.union_of(row, ctx)
        return union.region_id if union else None


@register
class UnionResource(ImportResource):
    name = "unions"
    title = "基层工会"
    model = GrassrootsUnion
    columns = [
        Column("工会编码", "code", partial(parse_text, max_length=32), required=True, key=True),
        Column("工会名称", "name", partial(parse_text, max_length=200), required=True),
        Column(
            "组织类型",
            "kind",
            partial(parse_choice, choices=UnionKind),
            required=True,
            export=lambda r: _label(UnionKind, r.kind),
        ),
        Column("所属地区代码", "region_code", required=True, export=lambda r: r.region.code),
        Column("上级工会编码", "parent_code", export=lambda r: r.parent.code if r.parent_id else ""),
        Column("单位名称", "employer_name", partial(parse_text, max_length=200)),
        Column("单位统一社会信用代码", "employer_credit_code"),
        Column("工会统一社会信用代码", "credit_code"),
        Column("成立日期", "founded_on", parse_date, required=True),
        Column("撤销日期", "dissolved_on", parse_date),
        Column("工会主席", "chair", partial(parse_text, max_length=64)),
        Column("规范化年度", "normalized_year", parse_year),
        Column("示范年度", "demonstration_year", parse_year),
        Column("职代会建立日期", "congress_since", parse_date),
        Column("厂务公开实行日期", "disclosure_since", parse_date),
    ]
    compare_fields = [f for f in services.UNION_FIELDS if f != "code"]

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        codes = {r.values["region_code"] for r in rows}
        ctx.cache["regions"] = {
            r.code: r for r in Region.objects.filter(code__in=codes).prefetch_related("children")
        }
        in_file = {r.values["code"] for r in rows}
        parents = {r.values["parent_code"] for r in rows if r.values.get("parent_code")}
        ctx.cache["parents"] = unions_by_code(parents - in_file)
        ctx.cache["in_file"] = in_file

    def check(self, row: Row, ctx: Context) -> None:
        region = ctx.cache["regions"].get(row.values["region_code"])
        if region is None:
            row.error("所属地区代码", f"地区代码“{row.values['region_code']}”不存在")
        elif region.level == RegionLevel.PREFECTURE and region.children.all():
            row.error("所属地区代码", f"“{region.code}”是市州，基层工会应属于县区或乡镇（街道）")
        elif region.level == RegionLevel.PROVINCE:
            row.error("所属地区代码", f"“{region.code}”是省级，基层工会应属于县区或乡镇（街道）")
        parent = row.values.get("parent_code")
        if parent and parent not in ctx.cache["parents"] and parent not in ctx.cache["in_file"]:
            row.error("上级工会编码", f"上级工会编码“{parent}”不存在")
        if parent and parent == row.values["code"]:
            row.error("上级工会编码", "上级工会不能是本工会")

    def region_id(self, row: Row, ctx: Context) -> int | None:
        region = ctx.cache["regions"].get(row.values["region_code"])
        return region.pk if region else None

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Any]:
        found = unions_by_code({r.values["code"] for r in rows})
        # an existing union may only be changed by someone who may change its current region
        for row in rows:
            union = found.get(row.values["code"])
            if union is not None and not ctx.may_change(union.region_id):
                row.error("工会编码", f"工会“{union.code}”不在您的管辖范围内，无权修改")
        return {(code,): u for code, u in found.items()}

    def apply(self, row: Row, record: GrassrootsUnion | None, ctx: Context) -> GrassrootsUnion:
        v = row.values
        union = record or GrassrootsUnion(code=v["code"])
        union.name = v["name"]
        union.kind = v["kind"]
        union.region = ctx.cache["regions"][v["region_code"]]
        parent_code = v.get("parent_code") or ""
        if parent_code in ctx.cache["parents"]:
            union.parent = ctx.cache["parents"][parent_code]
        elif not parent_code:
            union.parent = None
        # a parent in the same file is linked in after_write
        union.employer_name = v["employer_name"]
        union.employer_credit_code = v["employer_credit_code"]
        union.credit_code = v["credit_code"]
        for name in (
            "founded_on",
            "dissolved_on",
            "normalized_year",
            "demonstration_year",
            "congress_since",
            "disclosure_since",
        ):
            setattr(union, name, v.get(name))
        union.chair = v["chair"]
        return union

    def after_write(self, rows: list[Row], ctx: Context) -> None:
        pending = [r for r in rows if r.values.get("parent_code") in ctx.cache["in_file"]]
        if not pending:
            return
        by_code = unions_by_code({r.values["parent_code"] for r in pending})
        changed = []
        for r in pending:
            parent = by_code[r.values["parent_code"]]
            if r.instance.parent_id != parent.pk:
                r.instance.parent = parent
                changed.append(r.instance)
        GrassrootsUnion.objects.bulk_update(changed, ["parent"], batch_size=2000)

    def export_queryset(self, user):
        return GrassrootsUnion.objects.restrict(user).select_related("region", "parent").order_by("code")


def _mobile(raw: Any) -> str:
    text = parse_text(raw)
    if not text:
        return ""
    from django.core.exceptions import ValidationError

    try:
        return validate_mobile(text)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


@register
class MemberResource(UnionRefMixin, ImportResource):
    name = "members"
    title = "会员"
    model = Member
    batch_size = 5000
    columns = [
        Column("姓名", "name", partial(parse_text, max_length=64), required=True),
        Column("身份证号", "id_number", parse_resident_id, required=True, key=True, sensitive=True),
        union_column(),
        Column("民族", "ethnicity", partial(parse_text, max_length=32)),
        Column("手机号", "phone", _mobile),
        Column("学历", "education", partial(parse_text, max_length=32)),
        Column(
            "户籍类型",
            "household_type",
            partial(parse_choice, choices=HouseholdType),
            required=True,
            export=lambda r: _label(HouseholdType, r.household_type),
        ),
        Column(
            "重点群体",
            "key_group",
            partial(parse_choice, choices=KeyGroup, blank=True),
            export=lambda r: _label(KeyGroup, r.key_group),
        ),
        Column("入会日期", "joined_on", parse_date, required=True),
        Column(
            "入会方式",
            "join_channel",
            partial(parse_choice, choices=JoinChannel),
            required=True,
            export=lambda r: _label(JoinChannel, r.join_channel),
        ),
        Column("离会日期", "left_on", parse_date),
    ]
    compare_fields = [
        "name",
        "union",
        "ethnicity",
        "phone",
        "education",
        "household_type",
        "key_group",
        "joined_on",
        "join_channel",
        "left_on",
        "status",
    ]

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        v = row.values
        if v.get("left_on") and v.get("joined_on") and v["left_on"] < v["joined_on"]:
            row.error("离会日期", f"离会日期 {v['left_on']} 早于入会日期 {v['joined_on']}")

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Member]:
        """The membership a row speaks of: the active one for that ID, else a left one that
        joined on the same day (a re-import); anything else is a new membership."""
        ids = sorted({r.values["id_number"] for r in rows})
        by_id: dict[str, list[Member]] = {}
        for chunk in _chunks(ids):
            for m in Member.objects.filter(id_number__in=chunk):
                by_id.setdefault(m.id_number, []).append(m)
        found: dict[tuple, Member] = {}
        refused: list[tuple[Row, str, str, int]] = []  # region names looked up once, below
        for row in rows:
            members = by_id.get(row.values["id_number"], [])
            active = next((m for m in members if m.left_on is None), None)
            same = next((m for m in members if m.joined_on == row.values["joined_on"]), None)
            match = same or active
            if match is None:
                continue
            if active is not None and match is not active and row.values.get("left_on") is None:
                refused.append(
                    (row, "身份证号", "该身份证号已是{region}的在会会员，不能重复入会", active.union_id)
                )
                continue
            if match.union_id != self.union_of(row, ctx).pk and match.left_on is None:
                # the region only: the union may be outside the importing user's scope
                refused.append(
                    (row, "工会编码", "该会员目前在{region}的工会，变更工会请使用会籍转接", match.union_id)
                )
                continue
            found[(row.values["id_number"],)] = match
        if refused:
            regions = dict(
                GrassrootsUnion.objects.filter(pk__in={r[3] for r in refused}).values_list(
                    "pk", "region__name"
                )
            )
            for row, column, message, union_id in refused:
                row.error(column, message.format(region=regions.get(union_id, "")))
        return found

    def apply(self, row: Row, record: Member | None, ctx: Context) -> Member:
        v = row.values
        member = record or Member(id_number=v["id_number"])
        member.union = self.union_of(row, ctx)
        member.name = v["name"]
        member.sex = Sex.FEMALE if resident_id_is_female(v["id_number"]) else Sex.MALE
        member.birth_date = resident_id_birth_date(v["id_number"])
        for name in (
            "ethnicity",
            "phone",
            "education",
            "household_type",
            "key_group",
            "joined_on",
            "join_channel",
            "left_on",
        ):
            setattr(member, name, v[name])
        if member.left_on is not None:
            member.status = MemberStatus.LEFT
        elif record is None or member.status == MemberStatus.LEFT:
            member.status = MemberStatus.ACTIVE
        return member

    def export_queryset(self, user):
        return Member.objects.restrict(user).select_related("union").order_by("id")


@register
class ContractResource(UnionRefMixin, ImportResource):
    name = "contracts"
    title = "集体合同"
    model = CollectiveContract
    columns = [
        Column("合同编号", "number", partial(parse_text, max_length=32), required=True, key=True),
        union_column(),
        Column(
            "合同类型",
            "kind",
            partial(parse_choice, choices=ContractKind),
            required=True,
            export=lambda r: _label(ContractKind, r.kind),
        ),
        Column("签订日期", "signed_on", parse_date, required=True),
        Column("到期日期", "expires_on", parse_date, required=True),
        Column("覆盖企业数", "covered_enterprises", parse_int),
        Column("覆盖职工数", "covered_workers", parse_int),
    ]
    compare_fields = ["union", "kind", "signed_on", "expires_on", "covered_enterprises", "covered_workers"]

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, CollectiveContract]:
        found = {}
        for chunk in _chunks(sorted({r.values["number"] for r in rows})):
            for c in CollectiveContract.objects.filter(number__in=chunk).select_related("union"):
                found[(c.number,)] = c
        for row in rows:
            c = found.get((row.values["number"],))
            if c is not None and not ctx.may_change(c.union.region_id):
                row.error("合同编号", f"合同“{c.number}”不在您的管辖范围内，无权修改")
        return found

    def apply(self, row: Row, record: CollectiveContract | None, ctx: Context) -> CollectiveContract:
        v = row.values
        contract = record or CollectiveContract(number=v["number"])
        contract.union = self.union_of(row, ctx)
        contract.kind = v["kind"]
        contract.signed_on = v["signed_on"]
        contract.expires_on = v["expires_on"]
        contract.covered_enterprises = v["covered_enterprises"] if v["covered_enterprises"] is not None else 1
        contract.covered_workers = v["covered_workers"] or 0
        return contract

    def export_queryset(self, user):
        return CollectiveContract.objects.restrict(user).select_related("union").order_by("number")
