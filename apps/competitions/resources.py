"""Import/export templates of the competitions domain (IMPORT.md: competitions,
participations, innovations), through the one pipeline of apps/core/importing.py."""

from __future__ import annotations

from functools import partial
from typing import Any

from apps.core.importing import (
    CellError,
    Column,
    Context,
    ImportResource,
    Row,
    _chunks,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    parse_text,
    parse_year,
    register,
)
from apps.core.models import Region
from apps.unions.resources import UnionRefMixin, union_column

from .choices import CompetitionKind, Grade, InnovationKind
from .models import Competition, InnovationAchievement, Participation


def _label(choices, value: str) -> str:
    return dict(choices.choices).get(value, "") if value else ""


def _yes_no(raw: Any) -> bool:
    """推荐全国: 是/否 (blank means 否)."""
    text = parse_text(raw)
    if text in ("是", "否", ""):
        return text == "是"
    try:
        return parse_bool(raw)
    except CellError:
        raise CellError(f"“{text}”应为“是”或“否”") from None


def _code(raw: Any) -> str:
    return parse_text(raw, max_length=32).upper()


def competitions_by_code(codes: set[str]) -> dict[str, Competition]:
    found: dict[str, Competition] = {}
    for chunk in _chunks(sorted(c for c in codes if c)):
        for comp in Competition.objects.filter(code__in=chunk).select_related("organizer_region"):
            found[comp.code] = comp
    return found


@register
class CompetitionResource(ImportResource):
    name = "competitions"
    title = "劳动竞赛"
    model = Competition
    columns = [
        Column("竞赛编码", "code", _code, required=True, key=True),
        Column("竞赛名称", "name", partial(parse_text, max_length=200), required=True),
        Column(
            "竞赛类型",
            "kind",
            partial(parse_choice, choices=CompetitionKind),
            required=True,
            export=lambda r: _label(CompetitionKind, r.kind),
        ),
        Column("组织地区代码", "region_code", required=True, export=lambda r: r.organizer_region.code),
        Column("主题", "theme", partial(parse_text, max_length=200)),
        Column("开始日期", "start_date", parse_date, required=True),
        Column("结束日期", "end_date", parse_date, required=True),
    ]
    compare_fields = ["name", "kind", "organizer_region", "theme", "start_date", "end_date"]

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        codes = {r.values["region_code"] for r in rows}
        ctx.cache["regions"] = {r.code: r for r in Region.objects.filter(code__in=codes)}

    def check(self, row: Row, ctx: Context) -> None:
        v = row.values
        if v["region_code"] not in ctx.cache["regions"]:
            row.error("组织地区代码", f"地区代码“{v['region_code']}”不存在")
        if v.get("start_date") and v.get("end_date") and v["end_date"] < v["start_date"]:
            row.error("结束日期", f"结束日期 {v['end_date']} 早于开始日期 {v['start_date']}")

    def region_id(self, row: Row, ctx: Context) -> int | None:
        region = ctx.cache["regions"].get(row.values["region_code"])
        return region.pk if region else None

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Competition]:
        found = competitions_by_code({r.values["code"] for r in rows})
        for row in rows:
            comp = found.get(row.values["code"])
            if comp is not None and not ctx.may_change(comp.organizer_region_id):
                row.error("竞赛编码", f"竞赛“{comp.code}”不在您的管辖范围内，无权修改")
        return {(code,): c for code, c in found.items()}

    def apply(self, row: Row, record: Competition | None, ctx: Context) -> Competition:
        v = row.values
        comp = record or Competition(code=v["code"])
        comp.name = v["name"]
        comp.kind = v["kind"]
        comp.organizer_region = ctx.cache["regions"][v["region_code"]]
        comp.theme = v["theme"]
        comp.start_date = v["start_date"]
        comp.end_date = v["end_date"]
        return comp

    def export_queryset(self, user):
        return Competition.objects.restrict(user).select_related("organizer_region").order_by("code")


@register
class ParticipationResource(UnionRefMixin, ImportResource):
    name = "participations"
    title = "竞赛参与"
    model = Participation
    columns = [
        Column(
            "竞赛编码",
            "competition_code",
            _code,
            required=True,
            key=True,
            export=lambda r: r.competition.code,
        ),
        union_column(key=True),
        Column("参赛职工数", "participating_workers", parse_int, required=True),
        Column("晋升技术等级人数", "promoted_workers", parse_int),
        Column("获奖", "award", partial(parse_text, max_length=200)),
    ]
    compare_fields = ["participating_workers", "promoted_workers", "award"]

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        super().prepare(rows, ctx)
        ctx.cache["competitions"] = competitions_by_code({r.values["competition_code"] for r in rows})

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        v = row.values
        if v["competition_code"] not in ctx.cache["competitions"]:
            row.error("竞赛编码", f"竞赛编码“{v['competition_code']}”不存在")

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Participation]:
        comp_ids = sorted({c.pk for c in ctx.cache["competitions"].values()})
        union_ids = sorted({u.pk for u in ctx.cache["unions"].values()})
        found: dict[tuple, Participation] = {}
        for comp_chunk in _chunks(comp_ids, 500):
            for union_chunk in _chunks(union_ids, 500):
                qs = Participation.objects.filter(
                    competition_id__in=comp_chunk, union_id__in=union_chunk
                ).select_related("competition", "union")
                for p in qs:
                    found[(p.competition.code, p.union.code)] = p
        return found

    def apply(self, row: Row, record: Participation | None, ctx: Context) -> Participation:
        v = row.values
        if record is None:
            record = Participation(
                competition=ctx.cache["competitions"][v["competition_code"]], union=self.union_of(row, ctx)
            )
        record.participating_workers = v["participating_workers"]
        record.promoted_workers = v.get("promoted_workers") or 0
        record.award = v["award"]
        return record

    def export_queryset(self, user):
        return (
            Participation.objects.restrict(user)
            .select_related("competition", "union")
            .order_by("competition__code", "union__code")
        )


@register
class InnovationResource(UnionRefMixin, ImportResource):
    name = "innovations"
    title = "职工技术创新成果"
    model = InnovationAchievement
    columns = [
        Column("成果编号", "number", _code, required=True, key=True),
        Column("成果名称", "name", partial(parse_text, max_length=200), required=True),
        Column(
            "成果类型",
            "kind",
            partial(parse_choice, choices=InnovationKind),
            required=True,
            export=lambda r: _label(InnovationKind, r.kind),
        ),
        union_column(),
        Column("年度", "year", parse_year, required=True),
        Column("完成人", "authors", partial(parse_text, max_length=200)),
        Column(
            "等级",
            "grade",
            partial(parse_choice, choices=Grade, blank=True),
            export=lambda r: _label(Grade, r.grade),
        ),
        Column(
            "推荐全国",
            "recommended_nationally",
            _yes_no,
            export=lambda r: "是" if r.recommended_nationally else "否",
        ),
    ]
    compare_fields = ["name", "kind", "union", "year", "authors", "grade", "recommended_nationally"]

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, InnovationAchievement]:
        found = {}
        for chunk in _chunks(sorted({r.values["number"] for r in rows})):
            for a in InnovationAchievement.objects.filter(number__in=chunk).select_related("union"):
                found[(a.number,)] = a
        for row in rows:
            a = found.get((row.values["number"],))
            if a is not None and not ctx.may_change(a.union.region_id):
                row.error("成果编号", f"成果“{a.number}”不在您的管辖范围内，无权修改")
        return found

    def apply(self, row: Row, record: InnovationAchievement | None, ctx: Context) -> InnovationAchievement:
        v = row.values
        item = record or InnovationAchievement(number=v["number"])
        item.name = v["name"]
        item.kind = v["kind"]
        item.union = self.union_of(row, ctx)
        item.year = v["year"]
        item.authors = v["authors"]
        item.grade = v["grade"]
        item.recommended_nationally = v["recommended_nationally"]
        return item

    def export_queryset(self, user):
        return InnovationAchievement.objects.restrict(user).select_related("union").order_by("number")
