"""Import/export templates of the competitions domain (IMPORT.md: competitions,
participations, innovations), through the one pipeline of apps/core/importing/."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.utils.translation import gettext_lazy as _

from apps.core.importing import (
    CellError,
    Column,
    Context,
    ImportResource,
    RegionRefMixin,
    Row,
    choice_column,
    chunks,
    filter_in,
    parse_bool,
    parse_date,
    parse_int,
    parse_text,
    parse_year,
    register,
)
from apps.unions.public import UnionRefMixin, union_column

from .choices import CompetitionKind, Grade, InnovationKind
from .models import Competition, InnovationAchievement, Participation


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
    competitions = Competition.objects.select_related("organizer_region")
    return {c.code: c for c in filter_in(competitions, "code", codes)}


@register
class CompetitionResource(RegionRefMixin, ImportResource):
    name = "competitions"
    title = _("劳动竞赛")
    model = Competition
    export_related = ("organizer_region",)
    export_order = ("code",)
    columns = [
        Column("竞赛编码", "code", _code, required=True, key=True),
        Column("竞赛名称", "name", partial(parse_text, max_length=200), required=True),
        choice_column("竞赛类型", "kind", CompetitionKind),
        Column("组织地区代码", "region_code", required=True, export=lambda r: r.organizer_region.code),
        Column("主题", "theme", partial(parse_text, max_length=200)),
        Column("开始日期", "start_date", parse_date, required=True),
        Column("结束日期", "end_date", parse_date, required=True),
    ]
    compare_fields = ["name", "kind", "organizer_region", "theme", "start_date", "end_date"]

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        v = row.values
        if v.get("start_date") and v.get("end_date") and v["end_date"] < v["start_date"]:
            row.error("结束日期", f"结束日期 {v['end_date']} 早于开始日期 {v['start_date']}")

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Competition]:
        competitions = Competition.objects.select_related("organizer_region")
        return self.existing_by_key(
            rows, ctx, competitions, region_of=lambda c: c.organizer_region_id, noun="竞赛"
        )

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


@register
class ParticipationResource(UnionRefMixin, ImportResource):
    name = "participations"
    title = _("竞赛参与")
    model = Participation
    export_related = ("competition", "union")
    export_order = ("competition__code", "union__code")
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
        for comp_chunk in chunks(comp_ids, 500):
            for union_chunk in chunks(union_ids, 500):
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


@register
class InnovationResource(UnionRefMixin, ImportResource):
    name = "innovations"
    title = _("职工技术创新成果")
    model = InnovationAchievement
    export_related = ("union",)
    export_order = ("number",)
    columns = [
        Column("成果编号", "number", _code, required=True, key=True),
        Column("成果名称", "name", partial(parse_text, max_length=200), required=True),
        choice_column("成果类型", "kind", InnovationKind),
        union_column(),
        Column("年度", "year", parse_year, required=True),
        Column("完成人", "authors", partial(parse_text, max_length=200)),
        choice_column("等级", "grade", Grade, required=False),
        Column(
            "推荐全国",
            "recommended_nationally",
            _yes_no,
            export=lambda r: "是" if r.recommended_nationally else "否",
        ),
    ]
    compare_fields = ["name", "kind", "union", "year", "authors", "grade", "recommended_nationally"]

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, InnovationAchievement]:
        achievements = InnovationAchievement.objects.select_related("union")
        return self.existing_by_key(
            rows, ctx, achievements, region_of=lambda a: a.union.region_id, noun="成果"
        )

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
