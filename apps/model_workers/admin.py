"""Admin of the model workers domain: scoped, audited, import/export through the one
pipeline, resident IDs masked without the personal-data right, never a <select> of every union."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ImportExportAdminMixin, ScopedAdmin
from apps.core.validators import mask_resident_id, normalize_resident_id

from . import selectors
from .models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk


class _MaskedIdAdmin(ScopedAdmin):
    """Shows ``id_field`` masked in the list and hides it from the form unless the user has
    the personal-data right; a full resident ID in the search box finds the record exactly."""

    id_field = "id_number"
    id_search_lookup = "id_number"

    @admin.display(description=_("resident ID"))
    def masked_id(self, obj):  # replaced per request in get_list_display
        return mask_resident_id(self._id_of(obj))

    def _id_of(self, obj) -> str:
        value = obj
        for part in self.id_field.split("__"):
            value = getattr(value, part)
        return value or ""

    def get_list_display(self, request):
        def masked_id(obj):
            value = self._id_of(obj)
            return value if request.user.can_view_personal_data else mask_resident_id(value)

        masked_id.short_description = _("resident ID")
        return [masked_id if name == "masked_id" else name for name in super().get_list_display(request)]

    def get_exclude(self, request, obj=None):
        if obj is not None and not request.user.can_view_personal_data and "__" not in self.id_field:
            return [self.id_field]
        return []

    def get_search_results(self, request, queryset, search_term):
        term = normalize_resident_id(search_term)
        if len(term) == 18 and term[:17].isdigit():
            return queryset.filter(**{self.id_search_lookup: term}), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(ModelWorker)
class ModelWorkerAdmin(ImportExportAdminMixin, _MaskedIdAdmin):
    import_resource = "model_workers"
    list_display = ["name", "masked_id", "union", "level", "title", "title_year", "status", "craftsman_year"]
    list_filter = ["level", "title", "status"]
    search_fields = ["name", "union__code"]
    list_select_related = ["union"]
    raw_id_fields = ["union"]
    ordering = ["-title_year", "name"]


@admin.register(Honour)
class HonourAdmin(ImportExportAdminMixin, _MaskedIdAdmin):
    import_resource = "honours"
    list_display = ["number", "kind", "level", "recipient_name", "masked_id", "union", "year"]
    list_filter = ["kind", "level", "year"]
    search_fields = ["number", "recipient_name", "union__code"]
    list_select_related = ["union"]
    raw_id_fields = ["union"]
    ordering = ["-year", "number"]


@admin.register(BenefitPayment)
class BenefitPaymentAdmin(ImportExportAdminMixin, _MaskedIdAdmin):
    import_resource = "benefits"
    id_field = "model_worker__id_number"
    id_search_lookup = "model_worker__id_number"
    list_display = ["number", "model_worker", "masked_id", "kind", "amount", "paid_on"]
    list_filter = ["kind"]
    search_fields = ["number", "model_worker__name"]
    list_select_related = ["model_worker"]
    raw_id_fields = ["model_worker"]
    date_hierarchy = "paid_on"


@admin.register(Recuperation)
class RecuperationAdmin(ImportExportAdminMixin, _MaskedIdAdmin):
    import_resource = "recuperations"
    id_field = "model_worker__id_number"
    id_search_lookup = "model_worker__id_number"
    list_display = ["model_worker", "masked_id", "year", "place"]
    list_filter = ["year"]
    search_fields = ["model_worker__name", "place"]
    list_select_related = ["model_worker"]
    raw_id_fields = ["model_worker"]


@admin.register(InnovationStudio)
class InnovationStudioAdmin(ImportExportAdminMixin, _MaskedIdAdmin):
    import_resource = "studios"
    id_field = "leader_id_number"
    id_search_lookup = "leader_id_number"
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
    list_display = ["number", "held_on", "region", "venue_kind", "audience"]
    list_filter = ["venue_kind"]
    search_fields = ["number", "region__code", "region__name"]
    list_select_related = ["region"]
    raw_id_fields = ["region"]
    date_hierarchy = "held_on"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = selectors.regions_for_talks(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
