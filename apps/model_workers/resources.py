"""Import/export templates of the model workers domain (IMPORT.md: model_workers, honours,
benefits, recuperations, studios, talks), through the one pipeline of apps.core.importing."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext_lazy as _

from apps.core.importing import (
    Column,
    Context,
    ImportResource,
    RefMixin,
    RegionRefMixin,
    Row,
    choice_column,
    filter_in,
    parse_date,
    parse_decimal,
    parse_int,
    parse_optional_resident_id,
    parse_resident_id,
    parse_text,
    parse_year,
    register,
)
from apps.unions.public import UnionRefMixin, union_column

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
from .rules import clean_benefit, clean_honour_id, clean_not_before_title
from .selectors import model_workers_by_id


@register
class ModelWorkerResource(UnionRefMixin, ImportResource):
    name = "model_workers"
    title = _("劳动模范")
    model = ModelWorker
    export_related = ("union",)
    columns = [
        Column("姓名", "name", partial(parse_text, max_length=64), required=True),
        Column("身份证号", "id_number", parse_resident_id, required=True, key=True, sensitive=True),
        union_column(),
        choice_column("级别", "level", WorkerLevel),
        choice_column("称号", "title", WorkerTitle),
        Column("授予年度", "title_year", parse_year, required=True),
        choice_column("状态", "status", WorkerStatus),
        Column("工匠称号年度", "craftsman_year", parse_year),
    ]
    compare_fields = ["name", "union", "level", "title", "title_year", "status", "craftsman_year"]

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, ModelWorker]:
        workers = ModelWorker.objects.select_related("union")
        return self.existing_by_key(rows, ctx, workers, region_of=lambda w: w.union.region_id)

    def apply(self, row: Row, record: ModelWorker | None, ctx: Context) -> ModelWorker:
        v = row.values
        worker = record or ModelWorker(id_number=v["id_number"])
        worker.union = self.union_of(row, ctx)
        for name in ("name", "level", "title", "title_year", "status", "craftsman_year"):
            setattr(worker, name, v[name])
        return worker


@register
class HonourResource(UnionRefMixin, ImportResource):
    name = "honours"
    title = _("五一劳动奖章等荣誉")
    model = Honour
    export_related = ("union",)
    export_order = ("number",)
    columns = [
        Column("荣誉编号", "number", partial(parse_text, max_length=32), required=True, key=True),
        choice_column("荣誉类型", "kind", HonourKind),
        choice_column("级别", "level", HonourLevel),
        Column("获得者名称", "recipient_name", partial(parse_text, max_length=200), required=True),
        Column("身份证号", "id_number", parse_optional_resident_id, sensitive=True),
        union_column(),
        Column("年度", "year", parse_year, required=True),
    ]
    compare_fields = ["kind", "level", "recipient_name", "id_number", "union", "year"]

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        self.check_rule(row, clean_honour_id, kind=row.values["kind"], id_number=row.values.get("id_number"))

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Honour]:
        honours = Honour.objects.select_related("union")
        return self.existing_by_key(rows, ctx, honours, region_of=lambda h: h.union.region_id)

    def apply(self, row: Row, record: Honour | None, ctx: Context) -> Honour:
        v = row.values
        honour = record or Honour(number=v["number"])
        honour.union = self.union_of(row, ctx)
        for name in ("kind", "level", "recipient_name", "id_number", "year"):
            setattr(honour, name, v[name])
        return honour


class WorkerRefMixin(RefMixin):
    """Resolves the 身份证号 column to a model worker with one look-up per batch."""

    ref_column = "id_number"
    ref_cache = "workers"
    ref_unknown = "身份证号“{value}”不是已登记的劳动模范"

    def ref_lookup(self, values: set[str]) -> dict[str, ModelWorker]:
        return model_workers_by_id(values)

    def ref_region_id(self, record: ModelWorker) -> int | None:
        return record.union.region_id

    def worker_of(self, row: Row, ctx: Context) -> ModelWorker | None:
        return self.ref_of(row, ctx)


@register
class BenefitResource(WorkerRefMixin, ImportResource):
    name = "benefits"
    title = _("劳模待遇发放")
    model = BenefitPayment
    export_related = ("model_worker",)
    export_order = ("number",)
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
        choice_column("类型", "kind", BenefitKind),
        Column("金额", "amount", parse_decimal, required=True),
        Column("发放日期", "paid_on", parse_date, required=True),
    ]
    compare_fields = ["model_worker", "kind", "amount", "paid_on"]

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        worker, v = self.worker_of(row, ctx), row.values
        if worker is not None:
            self.check_rule(row, clean_benefit, model_worker=worker, amount=v["amount"], paid_on=v["paid_on"])

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, BenefitPayment]:
        payments = BenefitPayment.objects.select_related("model_worker__union")
        return self.existing_by_key(rows, ctx, payments, region_of=lambda p: p.model_worker.union.region_id)

    def apply(self, row: Row, record: BenefitPayment | None, ctx: Context) -> BenefitPayment:
        v = row.values
        payment = record or BenefitPayment(number=v["number"])
        payment.model_worker = self.worker_of(row, ctx)
        payment.kind = v["kind"]
        payment.amount = v["amount"]
        payment.paid_on = v["paid_on"]
        return payment


@register
class RecuperationResource(WorkerRefMixin, ImportResource):
    name = "recuperations"
    title = _("劳模疗休养")
    model = Recuperation
    export_related = ("model_worker",)
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
        worker = self.worker_of(row, ctx)
        if worker is not None:
            self.check_rule(
                row, clean_not_before_title, model_worker=worker, year=row.values["year"], field="year"
            )

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Recuperation]:
        workers = [w.pk for w in ctx.cache["workers"].values()]
        records = Recuperation.objects.select_related("model_worker__union")
        return {(r.model_worker.id_number, r.year): r for r in filter_in(records, "model_worker_id", workers)}

    def apply(self, row: Row, record: Recuperation | None, ctx: Context) -> Recuperation:
        v = row.values
        rec = record or Recuperation(model_worker=self.worker_of(row, ctx), year=v["year"])
        rec.place = v["place"]
        return rec


@register
class StudioResource(UnionRefMixin, ImportResource):
    name = "studios"
    title = _("劳模创新工作室")
    model = InnovationStudio
    export_related = ("union",)
    export_order = ("code",)
    columns = [
        Column("工作室编码", "code", partial(parse_text, max_length=32), required=True, key=True),
        Column("工作室名称", "name", partial(parse_text, max_length=200), required=True),
        Column("领办人身份证号", "leader_id_number", parse_resident_id, required=True, sensitive=True),
        union_column(),
        choice_column("级别", "level", StudioLevel),
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
        studios = InnovationStudio.objects.select_related("union")
        return self.existing_by_key(rows, ctx, studios, region_of=lambda s: s.union.region_id)

    def apply(self, row: Row, record: InnovationStudio | None, ctx: Context) -> InnovationStudio:
        v = row.values
        studio = record or InnovationStudio(code=v["code"])
        studio.union = self.union_of(row, ctx)
        for name in ("name", "leader_id_number", "level", "founded_on"):
            setattr(studio, name, v[name])
        studio.skill_leaders = v["skill_leaders"] or 0
        studio.mentor_pairs = v["mentor_pairs"] or 0
        return studio


@register
class TalkResource(RegionRefMixin, ImportResource):
    name = "talks"
    title = _("劳模宣讲")
    model = Talk
    export_related = ("region",)
    export_order = ("number",)
    columns = [
        Column("宣讲编号", "number", partial(parse_text, max_length=32), required=True, key=True),
        Column("日期", "held_on", parse_date, required=True),
        Column("地区代码", "region_code", required=True, export=lambda r: r.region.code),
        choice_column("场所类型", "venue_kind", VenueKind),
        Column("听众人数", "audience", parse_int),
    ]
    compare_fields = ["held_on", "region", "venue_kind", "audience"]

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, Talk]:
        return self.existing_by_key(rows, ctx, Talk.objects.all(), region_of=lambda t: t.region_id)

    def apply(self, row: Row, record: Talk | None, ctx: Context) -> Talk:
        v = row.values
        talk = record or Talk(number=v["number"])
        talk.held_on = v["held_on"]
        talk.region = ctx.cache["regions"][v["region_code"]]
        talk.venue_kind = v["venue_kind"]
        talk.audience = v["audience"] or 0
        return talk
