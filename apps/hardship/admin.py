"""Admin of the hardship domain: scoped, audited, masked. The filing state machine is never
bypassed here: households, family and aid are read-only (they change through the pages, the
API and the imports); administrators maintain the minimum living standards."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ImportExportAdminMixin, ScopedAdmin
from apps.core.choices import Role
from apps.core.validators import mask_resident_id, normalize_resident_id

from .models import Disbursement, FamilyMember, FilingStep, Household, LivingStandard, Recheck


def _masked(request, value: str) -> str:
    return value if request.user.can_view_personal_data else mask_resident_id(value)


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class _MaskMixin:
    id_field = "id_number"
    personal_fields: list[str] = []

    @admin.display(description=_("resident ID"))
    def masked_id(self, obj):  # replaced per request in get_list_display
        return mask_resident_id(getattr(obj, self.id_field))

    def get_list_display(self, request):
        field = self.id_field

        def masked_id(obj):
            return _masked(request, getattr(obj, field))

        masked_id.short_description = _("resident ID")
        return [masked_id if name == "masked_id" else name for name in super().get_list_display(request)]

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if not request.user.can_view_personal_data:
            excluded += list(self.personal_fields)
        return excluded

    def get_search_results(self, request, queryset, search_term):
        term = normalize_resident_id(search_term)
        if len(term) == 18 and term[:17].isdigit():
            return queryset.filter(**{self.id_field: term}), False
        return super().get_search_results(request, queryset, search_term)


class StepInline(admin.TabularInline):
    model = FilingStep
    extra = 0
    can_delete = False
    fields = ["step", "username", "at", "note", "attachments"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(ImportExportAdminMixin, _MaskMixin, ReadOnlyAdmin):
    import_resource = "households"
    id_field = "head_id_number"
    personal_fields = [
        "head_id_number",
        "head_income",
        "family_income",
        "per_capita_income",
        "rigid_expenses",
    ]
    list_display = ["head_name", "masked_id", "union", "category", "status", "filed_on", "exited_on"]
    list_filter = ["status", "category", "imported"]
    search_fields = ["head_name"]
    list_select_related = ["union"]
    date_hierarchy = "filed_on"
    inlines = [StepInline]


@admin.register(FamilyMember)
class FamilyMemberAdmin(ImportExportAdminMixin, _MaskMixin, ReadOnlyAdmin):
    import_resource = "family_members"
    personal_fields = ["id_number", "monthly_income"]
    list_display = ["name", "masked_id", "household", "relation", "health"]
    list_filter = ["relation", "health"]
    search_fields = ["name"]
    list_select_related = ["household"]


@admin.register(Disbursement)
class DisbursementAdmin(ImportExportAdminMixin, ReadOnlyAdmin):
    import_resource = "disbursements"
    list_display = ["number", "household", "kind", "amount", "paid_on", "fund_source", "student_name"]
    list_filter = ["kind"]
    search_fields = ["number", "household__head_name"]
    list_select_related = ["household"]
    date_hierarchy = "paid_on"


@admin.register(Recheck)
class RecheckAdmin(ReadOnlyAdmin):
    list_display = ["household", "checked_on", "note"]
    list_select_related = ["household"]
    date_hierarchy = "checked_on"


@admin.register(LivingStandard)
class LivingStandardAdmin(ScopedAdmin):
    """The local minimum living standards (低保标准), per region and year: administrators only."""

    list_display = ["region", "year", "monthly_amount"]
    list_filter = ["year"]
    search_fields = ["region__code", "region__name"]
    list_select_related = ["region"]
    raw_id_fields = ["region"]

    def _is_admin(self, request) -> bool:
        return request.user.is_superuser or getattr(request.user, "role", None) == Role.ADMIN

    def has_add_permission(self, request) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._is_admin(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._is_admin(request) and super().has_delete_permission(request, obj)
