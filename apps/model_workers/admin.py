"""Admin of the model workers domain: scoped, writes through the model workers services (their
checks, their audit), import/export through the one pipeline, resident IDs masked without the
personal-data right, never a <select> of every union."""

from __future__ import annotations

from django.contrib import admin

from apps.core.admin_base import ImportExportAdminMixin, PersonalDataAdmin, ScopedAdmin, ServiceWrites

from . import selectors, services
from .models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk


@admin.register(ModelWorker)
class ModelWorkerAdmin(ImportExportAdminMixin, PersonalDataAdmin):
    import_resource = "model_workers"
    writes = ServiceWrites.named(services, "model_worker", update_fields=services.MODEL_WORKER_FIELDS)
    list_display = ["name", "masked_id", "union", "level", "title", "title_year", "status", "craftsman_year"]
    list_filter = ["level", "title", "status"]
    search_fields = ["name", "union__code"]
    list_select_related = ["union"]
    raw_id_fields = ["union"]
    ordering = ["-title_year", "name"]


@admin.register(Honour)
class HonourAdmin(ImportExportAdminMixin, PersonalDataAdmin):
    import_resource = "honours"
    writes = ServiceWrites.named(services, "honour", update_fields=services.HONOUR_FIELDS)
    list_display = ["number", "kind", "level", "recipient_name", "masked_id", "union", "year"]
    list_filter = ["kind", "level", "year"]
    search_fields = ["number", "recipient_name", "union__code"]
    list_select_related = ["union"]
    raw_id_fields = ["union"]
    ordering = ["-year", "number"]


@admin.register(BenefitPayment)
class BenefitPaymentAdmin(ImportExportAdminMixin, PersonalDataAdmin):
    import_resource = "benefits"
    writes = ServiceWrites.named(
        services,
        "benefit",
        record="payment",
        create=services.benefit_pay,
        update_fields=services.BENEFIT_FIELDS,
    )
    id_path = "model_worker__id_number"
    list_display = ["number", "model_worker", "masked_id", "kind", "amount", "paid_on"]
    list_filter = ["kind"]
    search_fields = ["number", "model_worker__name"]
    list_select_related = ["model_worker"]
    raw_id_fields = ["model_worker"]
    date_hierarchy = "paid_on"


@admin.register(Recuperation)
class RecuperationAdmin(ImportExportAdminMixin, PersonalDataAdmin):
    import_resource = "recuperations"
    writes = ServiceWrites.named(services, "recuperation", update_fields=services.RECUPERATION_FIELDS)
    id_path = "model_worker__id_number"
    list_display = ["model_worker", "masked_id", "year", "place"]
    list_filter = ["year"]
    search_fields = ["model_worker__name", "place"]
    list_select_related = ["model_worker"]
    raw_id_fields = ["model_worker"]


@admin.register(InnovationStudio)
class InnovationStudioAdmin(ImportExportAdminMixin, PersonalDataAdmin):
    import_resource = "studios"
    writes = ServiceWrites.named(services, "studio", update_fields=services.STUDIO_FIELDS)
    id_path = "leader_id_number"
    list_display = [
        "code",
        "name",
        "masked_id",
        "union",
        "level",
        "founded_on",
        "skill_leaders",
        "mentor_pairs",
    ]
    list_filter = ["level"]
    search_fields = ["code", "name", "union__code"]
    list_select_related = ["union"]
    raw_id_fields = ["union"]
    date_hierarchy = "founded_on"
    ordering = ["code"]


@admin.register(Talk)
class TalkAdmin(ImportExportAdminMixin, ScopedAdmin):
    import_resource = "talks"
    writes = ServiceWrites.named(services, "talk", update_fields=services.TALK_FIELDS)
    fk_choices = {"region": selectors.regions_for_talks}
    list_display = ["number", "held_on", "region", "venue_kind", "audience"]
    list_filter = ["venue_kind"]
    search_fields = ["number", "region__code", "region__name"]
    list_select_related = ["region"]
    raw_id_fields = ["region"]
    date_hierarchy = "held_on"
