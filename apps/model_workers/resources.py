"""Import/export templates of the model workers domain (IMPORT.md: model_workers, honours,
benefits, recuperations, studios, talks), through the one pipeline of apps.core.importing."""

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
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_resident_id,
    parse_text,
    parse_year,
    register,
)
from apps.core.models import Region
from apps.unions.resources import UnionRefMixin, union_column

from .choices import (
    BenefitKind,
    HonourKind,
    HonourLevel,
    StudioLevel,
    VenueKind,
    WorkerLevel,
    WorkerStatus,
    WorkerTitle,
)
from .models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk
from .selectors import model_workers_by_id


def _label(choices, value: str) -> str:
    return dict(choices.choices).get(value, "") if value else ""


def _choice_column(header: str, name: str, choices, *, required: bool = True) -> Column:
    return Column(
        header,
        name,
        partial(parse_choice, choices=choices, blank=not required),
        required=required,
        export=lambda r: _label(choices, getattr(r, name)),
    )


def _optional_resident_id(raw: Any) -> str:
    text = parse_text(raw)
    return parse_resident_id(text) if text else ""


def _by_key(model, field: str, values: set[str], related: tuple[str, ...]) -> dict[tuple, Any]:
    found = {}
    for chunk in _chunks(sorted(values)):
        for record in model.objects.filter(**{f"{field}__in": chunk}).select_related(*related):
            found[(getattr(record, field),)] = record
    return found


def _scope_existing(rows: list[Row], found: dict[tuple, Any], ctx: Context, header: str, region_of) -> None:
    """An existing record may only be changed by someone who may change its current region."""
    for row in rows:
        key = ctx.resource.key_of(row)
        record = found.get(key)
        if record is not None and not ctx.may_change(region_of(record)):
            row.error(header, f"“{key[0]}”不在您的管辖范围内，无权修改")


@register
class ModelWorkerResource(UnionRefMixin, ImportResource):
    name = "model_workers"
    title = "劳动模范"
    model = ModelWorker
    columns = [
        Column("姓名", "name", partial(parse_text, max_length=64), required=True),
        Column("身份证号", "id_number", parse_resident_id, required=True, key=True, sensitive=True),
        union_column(),
        _choice_column("级别", "level", WorkerLevel),
        _choice_column("称号", "title", WorkerTitle),
        Column("授予年度", "title_year", parse_year, required=True),
        _choice_column("状态", "status", WorkerStatus),
        Column("工匠称号年度", "craftsman_year", parse_year),
    ]
    compare_fields = ["name", "union", "level", "title", "title_year", "status", "craftsman_year"]

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, ModelWorker]:
        found = _by_key(ModelWorker, "id_number", {r.values["id_number"] for r in rows}, ("union",))
        _scope_existing(rows, found, ctx, "身份证号", lambda w: w.union.region_id)
        return found

    def apply(self, row: Row, record: ModelWorker | None, ctx: Context) -> ModelWorker:
        v = row.values
        worker = record or ModelWorker(id_number=v["id_number"])
        worker.union = self.union_of(row, ctx)
        for name in ("name", "level", "title", "title_year", "status", "craftsman_year"):
            setattr(worker, name, v[name])
        return worker

    def export_queryset(self, user):
        return ModelWorker.objects.restrict(user).select_related("union").order_by("id")


@register
class HonourResource(UnionRefMixin, ImportResource):
    name = "honours"
    title = "五一劳动奖章等荣誉"
    model = Honour
    columns = [
        Column("荣誉编号", "number", partial(parse_text, max_length=32), required=True, key=True),
        _choice_column("荣誉类型", "kind", HonourKind),
        _choice_column("级别", "level", HonourLevel),
        Column("获得者名称", "recipient_name", partial(parse_text, max_length=200), required=True),
        Column("身份证号", "id_number", _optional_resident_id, sensitive=True),
        union_column(),
        Column("年度", "year", parse_year, required=True),
    ]
    compare_fields = ["kind", "level", "recipient_name", "id_number", "union", "year"]

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        v = row.values
        if v.get("id_number") and v.get("kind") != HonourKind.MEDAL:
            row.error(
                "身份证号",
                f"{_label(HonourKind, v['kind'])}授予单位或集体，不应填写身份证号（“{v['id_number']}”）",
            )

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Honour]:
        found = _by_key(Honour, "number", {r.values["number"] for r in rows}, ("union",))
        _scope_existing(rows, found, ctx, "荣誉编号", lambda h: h.union.region_id)
        return found

    def apply(self, row: Row, record: Honour | None, ctx: Context) -> Honour:
        v = row.values
        honour = record or Honour(number=v["number"])
        honour.union = self.union_of(row, ctx)
        for name in ("kind", "level", "recipient_name", "id_number", "year"):
            setattr(honour, name, v[name])
        return honour

    def export_queryset(self, user):
        return Honour.objects.restrict(user).select_related("union").order_by("number")


class WorkerRefMixin:
    """Resolves the 身份证号 column to a model worker with one look-up per chunk."""

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        ctx.cache["workers"] = model_workers_by_id({r.values.get("id_number", "") for r in rows})

    def worker_of(self, row: Row, ctx: Context) -> ModelWorker | None:
        return ctx.cache["workers"].get(row.values.get("id_number"))

    def check(self, row: Row, ctx: Context) -> None:
        if self.worker_of(row, ctx) is None:
            row.error("身份证号", f"身份证号“{row.values.get('id_number')}”不是已登记的劳动模范")

    def region_id(self, row: Row, ctx: Context) -> int | None:
        worker = self.worker_of(row, ctx)
        return worker.union.region_id if worker else None


def _positive_amount(raw: Any):
    value = parse_decimal(raw)
    if value is not None and value <= 0:
        raise CellError(f"“{raw}”必须大于 0")
    return value


@register
class BenefitResource(WorkerRefMixin, ImportResource):
    name = "benefits"
    title = "劳模待遇发放"
    model = BenefitPayment
    columns = [
        Column("发放编号", "number", partial(parse_text, max_length=32), required=True, key=True),
        Column(
            "身份证号",
            "id_number",
            parse_resident_id,
            required=True,
            sensitive=True,
            export=lambda r: r.model_worker.id_number,
        ),
        _choice_column("类型", "kind", BenefitKind),
        Column("金额", "amount", _positive_amount, required=True),
        Column("发放日期", "paid_on", parse_date, required=True),
    ]
    compare_fields = ["model_worker", "kind", "amount", "paid_on"]

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        worker, paid_on = self.worker_of(row, ctx), row.values.get("paid_on")
        if worker is not None and paid_on is not None and paid_on.year < worker.title_year:
            row.error("发放日期", f"发放日期 {paid_on} 早于{worker.name}的授予年度 {worker.title_year}")

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, BenefitPayment]:
        found = _by_key(
            BenefitPayment, "number", {r.values["number"] for r in rows}, ("model_worker__union",)
        )
        _scope_existing(rows, found, ctx, "发放编号", lambda p: p.model_worker.union.region_id)
        return found

    def apply(self, row: Row, record: BenefitPayment | None, ctx: Context) -> BenefitPayment:
        v = row.values
        payment = record or BenefitPayment(number=v["number"])
        payment.model_worker = self.worker_of(row, ctx)
        payment.kind = v["kind"]
        payment.amount = v["amount"]
        payment.paid_on = v["paid_on"]
        return payment

    def export_queryset(self, user):
        return BenefitPayment.objects.restrict(user).select_related("model_worker").order_by("number")


@register
class RecuperationResource(WorkerRefMixin, ImportResource):
    name = "recuperations"
    title = "劳模疗休养"
    model = Recuperation
    columns = [
        Column(
            "身份证号",
            "id_number",
            parse_resident_id,
            required=True,
            key=True,
            sensitive=True,
            export=lambda r: r.model_worker.id_number,
        ),
        Column("年度", "year", parse_year, required=True, key=True),
        Column("地点", "place", partial(parse_text, max_length=100), required=True),
    ]
    compare_fields = ["place"]

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        worker, year = self.worker_of(row, ctx), row.values.get("year")
        if worker is not None and year is not None and year < worker.title_year:
            row.error("年度", f"年度 {year} 早于{worker.name}的授予年度 {worker.title_year}")

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Recuperation]:
        workers = [w.pk for w in ctx.cache["workers"].values()]
        found: dict[tuple, Recuperation] = {}
        for chunk in _chunks(workers):
            for rec in Recuperation.objects.filter(model_worker_id__in=chunk).select_related(
                "model_worker__union"
            ):
                found[(rec.model_worker.id_number, rec.year)] = rec
        return found

    def apply(self, row: Row, record: Recuperation | None, ctx: Context) -> Recuperation:
        v = row.values
        rec = record or Recuperation(model_worker=self.worker_of(row, ctx), year=v["year"])
        rec.place = v["place"]
        return rec

    def export_queryset(self, user):
        return Recuperation.objects.restrict(user).select_related("model_worker").order_by("id")


@register
class StudioResource(UnionRefMixin, ImportResource):
    name = "studios"
    title = "劳模创新工作室"
    model = InnovationStudio
    columns = [
        Column("工作室编码", "code", partial(parse_text, max_length=32), required=True, key=True),
        Column("工作室名称", "name", partial(parse_text, max_length=200), required=True),
        Column("领办人身份证号", "leader_id_number", parse_resident_id, required=True, sensitive=True),
        union_column(),
        _choice_column("级别", "level", StudioLevel),
        Column("创建日期", "founded_on", parse_date, required=True),
        Column("技能带头人数", "skill_leaders", parse_int),
        Column("师徒结对数", "mentor_pairs", parse_int),
    ]
    compare_fields = [
        "name",
        "leader_id_number",
        "union",
        "level",
        "founded_on",
        "skill_leaders",
        "mentor_pairs",
    ]

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, InnovationStudio]:
        found = _by_key(InnovationStudio, "code", {r.values["code"] for r in rows}, ("union",))
        _scope_existing(rows, found, ctx, "工作室编码", lambda s: s.union.region_id)
        return found

    def apply(self, row: Row, record: InnovationStudio | None, ctx: Context) -> InnovationStudio:
        v = row.values
        studio = record or InnovationStudio(code=v["code"])
        studio.union = self.union_of(row, ctx)
        for name in ("name", "leader_id_number", "level", "founded_on"):
            setattr(studio, name, v[name])
        studio.skill_leaders = v["skill_leaders"] or 0
        studio.mentor_pairs = v["mentor_pairs"] or 0
        return studio

    def export_queryset(self, user):
        return InnovationStudio.objects.restrict(user).select_related("union").order_by("code")


@register
class TalkResource(ImportResource):
    name = "talks"
    title = "劳模宣讲"
    model = Talk
    columns = [
        Column("宣讲编号", "number", partial(parse_text, max_length=32), required=True, key=True),
        Column("日期", "held_on", parse_date, required=True),
        Column("地区代码", "region_code", required=True, export=lambda r: r.region.code),
        _choice_column("场所类型", "venue_kind", VenueKind),
        Column("听众人数", "audience", parse_int),
    ]
    compare_fields = ["held_on", "region", "venue_kind", "audience"]

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        codes = {r.values["region_code"] for r in rows}
        ctx.cache["regions"] = {r.code: r for r in Region.objects.filter(code__in=codes)}

    def check(self, row: Row, ctx: Context) -> None:
        if row.values["region_code"] not in ctx.cache["regions"]:
            row.error("地区代码", f"地区代码“{row.values['region_code']}”不存在")

    def region_id(self, row: Row, ctx: Context) -> int | None:
        region = ctx.cache["regions"].get(row.values["region_code"])
        return region.pk if region else None

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Talk]:
        found = _by_key(Talk, "number", {r.values["number"] for r in rows}, ())
        _scope_existing(rows, found, ctx, "宣讲编号", lambda t: t.region_id)
        return found

    def apply(self, row: Row, record: Talk | None, ctx: Context) -> Talk:
        v = row.values
        talk = record or Talk(number=v["number"])
        talk.held_on = v["held_on"]
        talk.region = ctx.cache["regions"][v["region_code"]]
        talk.venue_kind = v["venue_kind"]
        talk.audience = v["audience"] or 0
        return talk

    def export_queryset(self, user):
        return Talk.objects.restrict(user).select_related("region").order_by("number")
