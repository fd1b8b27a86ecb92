"""Import/export templates of the unions domain (IMPORT.md: unions, members, contracts)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.utils.translation import gettext_lazy as _

from apps.core.choices import RegionLevel
from apps.core.importing import (
    CellError,
    Column,
    Context,
    ImportResource,
    RefMixin,
    RegionRefMixin,
    Row,
    choice_column,
    filter_in,
    number_column,
    parse_date,
    parse_int,
    parse_resident_id,
    parse_text,
    parse_year,
    region_column,
    register,
    related_column,
)
from apps.core.validators import resident_id_birth_date, resident_id_is_female, validate_mobile

from . import services
from .choices import ContractKind, HouseholdType, JoinChannel, KeyGroup, MemberStatus, Sex, UnionKind
from .models import CollectiveContract, GrassrootsUnion, Member


def unions_by_code(codes: set[str]) -> dict[str, GrassrootsUnion]:
    """One query per few thousand codes, regions attached (no per-row look-ups later)."""
    return {u.code: u for u in filter_in(GrassrootsUnion.objects.select_related("region"), "code", codes)}


def union_column(header: str = "工会编码", required: bool = True, key: bool = False) -> Column:
    return related_column(header, "union_code", "union.code", required=required, key=key)


class UnionRefMixin(RefMixin):
    """Resolves the 工会编码 column (``union_column``) of every row with one look-up per batch."""

    ref_column = "union_code"
    ref_cache = "unions"
    ref_unknown = "工会编码“{value}”不存在"
    ref_field = "union"
    record_region = "union__region"

    def ref_lookup(self, values: set[str]) -> dict[str, GrassrootsUnion]:
        return unions_by_code(values)

    def union_of(self, row: Row, ctx: Context) -> GrassrootsUnion | None:
        return self.ref_of(row, ctx)


@register
class UnionResource(RegionRefMixin, ImportResource):
    name = "unions"
    title = _("基层工会")
    model = GrassrootsUnion
    export_order = ("code",)
    noun = "工会"
    whole_file = True  # a 上级工会编码 may name a union further down the same file
    columns = [
        number_column("工会编码", "code"),
        Column("工会名称", "name", partial(parse_text, max_length=200), required=True),
        choice_column("组织类型", "kind", UnionKind),
        region_column(),
        related_column("上级工会编码", "parent_code", "parent.code"),
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

    def regions(self):
        return super().regions().prefetch_related("children")

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        super().prepare(rows, ctx)
        in_file = {r.values["code"] for r in rows}
        parents = {r.values["parent_code"] for r in rows if r.values.get("parent_code")}
        ctx.cache["parents"] = unions_by_code(parents - in_file)
        ctx.cache["in_file"] = in_file

    def check(self, row: Row, ctx: Context) -> None:
        region = self.region_of(row, ctx)
        if region is None:
            super().check(row, ctx)
        elif region.level == RegionLevel.PREFECTURE and region.children.all():
            row.error("所属地区代码", f"“{region.code}”是市州，基层工会应属于县区或乡镇（街道）")
        elif region.level == RegionLevel.PROVINCE:
            row.error("所属地区代码", f"“{region.code}”是省级，基层工会应属于县区或乡镇（街道）")
        parent = row.values.get("parent_code")
        if parent and parent not in ctx.cache["parents"] and parent not in ctx.cache["in_file"]:
            row.error("上级工会编码", f"上级工会编码“{parent}”不存在")
        if parent and parent == row.values["code"]:
            row.error("上级工会编码", "上级工会不能是本工会")

    def apply(self, row: Row, record: GrassrootsUnion | None, ctx: Context) -> GrassrootsUnion:
        union = super().apply(row, record, ctx)
        parent_code = row.values.get("parent_code") or ""
        if parent_code in ctx.cache["parents"]:
            union.parent = ctx.cache["parents"][parent_code]
        elif not parent_code:
            union.parent = None
        # a parent in the same file is linked in after_write
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
    title = _("会员")
    model = Member
    batch_size = 5000
    columns = [
        Column("姓名", "name", partial(parse_text, max_length=64), required=True),
        Column("身份证号", "id_number", parse_resident_id, required=True, key=True, sensitive=True),
        union_column(),
        Column("民族", "ethnicity", partial(parse_text, max_length=32)),
        Column("手机号", "phone", _mobile),
        Column("学历", "education", partial(parse_text, max_length=32)),
        choice_column("户籍类型", "household_type", HouseholdType),
        choice_column("重点群体", "key_group", KeyGroup, required=False),
        Column("入会日期", "joined_on", parse_date, required=True),
        choice_column("入会方式", "join_channel", JoinChannel),
        Column("离会日期", "left_on", parse_date),
    ]
    derived = ("status",)

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        v = row.values
        if v.get("left_on") and v.get("joined_on") and v["left_on"] < v["joined_on"]:
            row.error("离会日期", f"离会日期 {v['left_on']} 早于入会日期 {v['joined_on']}")

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Member]:
        """The membership a row speaks of: the active one for that ID, else a left one that
        joined on the same day (a re-import); anything else is a new membership."""
        by_id: dict[str, list[Member]] = {}
        for m in filter_in(Member.objects.all(), "id_number", {r.values["id_number"] for r in rows}):
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
        member = super().apply(row, record, ctx)
        member.sex = Sex.FEMALE if resident_id_is_female(member.id_number) else Sex.MALE
        member.birth_date = resident_id_birth_date(member.id_number)
        if member.left_on is not None:
            member.status = MemberStatus.LEFT
        elif record is None or member.status == MemberStatus.LEFT:
            member.status = MemberStatus.ACTIVE
        return member


@register
class ContractResource(UnionRefMixin, ImportResource):
    name = "contracts"
    title = _("集体合同")
    model = CollectiveContract
    export_order = ("number",)
    noun = "合同"
    columns = [
        number_column("合同编号"),
        union_column(),
        choice_column("合同类型", "kind", ContractKind),
        Column("签订日期", "signed_on", parse_date, required=True),
        Column("到期日期", "expires_on", parse_date, required=True),
        Column("覆盖企业数", "covered_enterprises", parse_int),
        Column("覆盖职工数", "covered_workers", parse_int),
    ]
    blank_as = {"covered_enterprises": 1, "covered_workers": 0}
