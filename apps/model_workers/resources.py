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
    number_column,
    parse_date,
    parse_decimal,
    parse_int,
    parse_optional_resident_id,
    parse_resident_id,
    parse_text,
    parse_year,
    region_column,
    register,
    related_column,
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


@register
class HonourResource(UnionRefMixin, ImportResource):
    name = "honours"
    title = _("五一劳动奖章等荣誉")
    model = Honour
    export_order = ("number",)
    columns = [
        number_column("荣誉编号"),
        choice_column("荣誉类型", "kind", HonourKind),
        choice_column("级别", "level", HonourLevel),
        Column("获得者名称", "recipient_name", partial(parse_text, max_length=200), required=True),
        Column("身份证号", "id_number", parse_optional_resident_id, sensitive=True),
        union_column(),
        Column("年度", "year", parse_year, required=True),
    ]

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        self.check_rule(row, clean_honour_id, from_row=("kind", "id_number"))


def worker_column(key: bool = False) -> Column:
    """The 身份证号 column naming a model worker (``WorkerRefMixin``)."""
    return related_column(
        "身份证号",
        "id_number",
        "model_worker.id_number",
        parse_resident_id,
        required=True,
        key=key,
        sensitive=True,
    )


class WorkerRefMixin(RefMixin):
    """Resolves the 身份证号 column (``worker_column``) to a model worker with one look-up per batch."""

    ref_column = "id_number"
    ref_cache = "workers"
    ref_unknown = "身份证号“{value}”不是已登记的劳动模范"
    ref_field = "model_worker"
    record_region = "model_worker__union__region"

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
    export_order = ("number",)
    columns = [
        number_column("发放编号"),
        worker_column(),
        choice_column("类型", "kind", BenefitKind),
        Column("金额", "amount", parse_decimal, required=True),
        Column("发放日期", "paid_on", parse_date, required=True),
    ]

    def check(self, row: Row, ctx: Context) -> None:
        super().check(row, ctx)
        worker = self.worker_of(row, ctx)
        if worker is not None:
            self.check_rule(row, clean_benefit, from_row=("amount", "paid_on"), model_worker=worker)


@register
class RecuperationResource(WorkerRefMixin, ImportResource):
    name = "recuperations"
    title = _("劳模疗休养")
    model = Recuperation
    columns = [
        worker_column(key=True),
        Column("年度", "year", parse_year, required=True, key=True),
        Column("地点", "place", partial(parse_text, max_length=100), required=True),
    ]

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

    def new_record(self, row: Row, ctx: Context) -> Recuperation:
        return Recuperation(year=row.values["year"])


@register
class StudioResource(UnionRefMixin, ImportResource):
    name = "studios"
    title = _("劳模创新工作室")
    model = InnovationStudio
    export_order = ("code",)
    columns = [
        number_column("工作室编码", "code"),
        Column("工作室名称", "name", partial(parse_text, max_length=200), required=True),
        Column("领办人身份证号", "leader_id_number", parse_resident_id, required=True, sensitive=True),
        union_column(),
        choice_column("级别", "level", StudioLevel),
        Column("创建日期", "founded_on", parse_date, required=True),
        Column("技能带头人数", "skill_leaders", parse_int),
        Column("师徒结对数", "mentor_pairs", parse_int),
    ]
    blank_as = {"skill_leaders": 0, "mentor_pairs": 0}


@register
class TalkResource(RegionRefMixin, ImportResource):
    name = "talks"
    title = _("劳模宣讲")
    model = Talk
    export_order = ("number",)
    columns = [
        number_column("宣讲编号"),
        Column("日期", "held_on", parse_date, required=True),
        region_column("地区代码"),
        choice_column("场所类型", "venue_kind", VenueKind),
        Column("听众人数", "audience", parse_int),
    ]
    blank_as = {"audience": 0}
