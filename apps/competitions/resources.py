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
    number_column,
    parse_bool,
    parse_date,
    parse_int,
    parse_text,
    parse_year,
    region_column,
    register,
    related_column,
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
    ref_field = record_region = "organizer_region"
    noun = "竞赛"
    export_order = ("code",)
    columns = [
        number_column("竞赛编码", "code", _code),
        Column("竞赛名称", "name", partial(parse_text, max_length=200), required=True),
        choice_column("竞赛类型", "kind", CompetitionKind),
        region_column("组织地区代码", "organizer_region"),
        Column("主题", "theme", partial(parse_text, max_length=200)),
        Column("开始日期", "start_date", parse_date, required=True),
        Column("结束日期", "end_date", parse_date, required=True),
    ]

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        v = row.values
        if v.get("start_date") and v.get("end_date") and v["end_date"] < v["start_date"]:
            row.error("结束日期", f"结束日期 {v['end_date']} 早于开始日期 {v['start_date']}")


@register
class ParticipationResource(UnionRefMixin, ImportResource):
    name = "participations"
    title = _("竞赛参与")
    model = Participation
    export_order = ("competition__code", "union__code")
    columns = [
        related_column("竞赛编码", "competition_code", "competition.code", _code, required=True, key=True),
        union_column(key=True),
        Column("参赛职工数", "participating_workers", parse_int, required=True),
        Column("晋升技术等级人数", "promoted_workers", parse_int),
        Column("获奖", "award", partial(parse_text, max_length=200)),
    ]
    blank_as = {"promoted_workers": 0}

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

    def new_record(self, row: Row, ctx: Context) -> Participation:
        return Participation(competition=ctx.cache["competitions"][row.values["competition_code"]])


@register
class InnovationResource(UnionRefMixin, ImportResource):
    name = "innovations"
    title = _("职工技术创新成果")
    model = InnovationAchievement
    export_order = ("number",)
    noun = "成果"
    columns = [
        number_column("成果编号", parse=_code),
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
