"""Admin of the hardship domain: scoped, audited, masked. The filing state machine is never
bypassed here: households, family and aid are read-only (they change through the pages, the
API and the imports); administrators maintain the minimum living standards."""

from __future__ import annotations

from django.contrib import admin

from apps.core.admin_base import ImportExportAdminMixin, PersonalDataAdmin, ReadOnlyAdminMixin, ScopedAdmin
from apps.core.choices import Role

from . import services
from .models import Disbursement, FamilyMember, FilingStep, Household, LivingStandard, Recheck


class ReadOnlyAdmin(ReadOnlyAdminMixin, PersonalDataAdmin):
    pass


class StepInline(admin.TabularInline):
    model = FilingStep
    extra = 0
    can_delete = False
    fields = ["step", "username", "at", "note", "attachments"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(ImportExportAdminMixin, ReadOnlyAdmin):
    import_resource = "households"
    id_path = "head_id_number"
    list_display = ["head_name", "masked_id", "union", "category", "status", "filed_on", "exited_on"]
    list_filter = ["status", "category", "imported"]
    search_fields = ["head_name"]
    list_select_related = ["union"]
    date_hierarchy = "filed_on"
    inlines = [StepInline]


@admin.register(FamilyMember)
class FamilyMemberAdmin(ImportExportAdminMixin, ReadOnlyAdmin):
    import_resource = "family_members"
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

    def get_readonly_fields(self, request, obj=None):
        # A standard is the amount of one region and year: correct the amount, or add another year.
        return ["region", "year"] if obj is not None else []

    # Through ``living_standard_set``, as the pages and imports: its checks, its audit entry.
    def service_create(self, request, form):
        data = form.cleaned_data
        return services.living_standard_set(
            region=data["region"], year=data["year"], monthly_amount=data["monthly_amount"], user=request.user
        )

    def service_update(self, request, obj, form):
        return services.living_standard_set(
            region=obj.region,
            year=obj.year,
            monthly_amount=form.cleaned_data["monthly_amount"],
            user=request.user,
        )
