"""Admin of mutual medical insurance: scoped, audited, writes through the services, import
and export through the one pipeline. Payouts are read-only: the system computes them."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import (
    DecisionActionsMixin,
    ImportExportAdminMixin,
    PersonalDataAdmin,
    ReadOnlyAdminMixin,
    ScopedAdmin,
    ServiceWrites,
)

from . import decisions, services
from .models import Claim, Coverage, Enrollment, Plan

PLAN_FIELDS = list(services.PLAN_FIELDS)


@admin.register(Plan)
class PlanAdmin(ImportExportAdminMixin, ScopedAdmin):
    import_resource = "plans"
    # create and update below: reopening the enrollment is a service of its own
    writes = ServiceWrites(record="plan", delete=services.plan_delete)
    list_display = [
        "code",
        "year",
        "product",
        "fee",
        "coverage_start",
        "coverage_end",
        "review_mode",
        "waiting_days",
        "invoice_required",
        "enrollment_reopened",
    ]
    list_filter = ["year", "product", "review_mode", "invoice_required", "enrollment_reopened"]
    search_fields = ["code"]
    ordering = ["-year", "code"]
    fields = [*PLAN_FIELDS, "enrollment_reopened"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and services.is_plan_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and services.is_plan_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and services.is_plan_editor(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["enrollment_reopened"]

    def service_create(self, request, form):
        data = {name: form.cleaned_data[name] for name in PLAN_FIELDS if name in form.cleaned_data}
        return services.plan_create(user=request.user, **data)

    def service_update(self, request, obj, form):
        # reopening the enrollment is a decision of its own (administrators only)
        if "enrollment_reopened" in form.changed_data:
            obj = services.plan_set_enrollment_reopened(
                plan=obj, reopened=form.cleaned_data["enrollment_reopened"], user=request.user
            )
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in PLAN_FIELDS}
        return services.plan_update(plan=obj, user=request.user, **changes)


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ["plan", "union", "created_at"]
    list_filter = ["plan__year", "plan__product"]
    search_fields = ["union__code", "union__name", "plan__code"]
    list_select_related = ["plan", "union"]
    raw_id_fields = ["plan", "union"]
    # enroll on the enrollment pages, the API or the import; withdraw here through the service
    admin_may_delete = True
    writes = ServiceWrites(record="enrollment", delete=services.enrollment_delete)


@admin.register(Coverage)
class CoverageAdmin(ImportExportAdminMixin, ReadOnlyAdminMixin, PersonalDataAdmin):
    id_path = "member__id_number"
    import_resource = "enrollments"
    list_display = ["plan", "union", "member_name", "masked_id", "covered_from", "created_at"]
    list_filter = ["plan__year", "plan__product"]
    search_fields = ["union__code", "plan__code", "member__name"]
    list_select_related = ["plan", "union", "member"]
    raw_id_fields = ["plan", "union", "member"]

    admin_may_delete = True  # a member stops being covered, through the enrollment's service

    @admin.display(description=_("member"))
    def member_name(self, obj):
        return obj.member.name

    def service_delete(self, request, obj):
        enrollment = Enrollment.objects.get(plan_id=obj.plan_id, union_id=obj.union_id)
        services.enrollment_remove_members(enrollment=enrollment, members=[obj.member], user=request.user)


@admin.register(Claim)
class ClaimAdmin(DecisionActionsMixin, ImportExportAdminMixin, ReadOnlyAdminMixin, ScopedAdmin):
    import_resource = "claims"
    list_display = [
        "number",
        "coverage",
        "discharged_on",
        "total_expense",
        "status",
        "payout",
        "paid_on",
        "submitted_by",
        "reviewed_by",
        "approved_by",
    ]
    list_filter = ["status", "coverage__plan__year", "coverage__plan__product"]
    search_fields = ["number", "coverage__member__name"]
    list_select_related = [
        "coverage__member",
        "coverage__plan",
        "coverage__union",
        "submitted_by",
        "reviewed_by",
        "approved_by",
    ]
    date_hierarchy = "discharged_on"
    readonly_fields = list(decisions.CLAIM_TRAIL_FIELDS)
    # Claims are entered on the claim pages, the API or the import, rejected and never
    # deleted; the workflow runs through the services (the actions below), each offered to
    # the roles of its decision step only. Administrators do not decide claims.
    actions = ["review_selected", "approve_selected", "pay_selected"]

    def has_review_permission(self, request):
        return self.may_take(request, decisions.CLAIM_REVIEW)

    def has_approve_permission(self, request):
        return self.may_take(request, decisions.CLAIM_APPROVE)

    def has_pay_permission(self, request):
        return self.may_take(request, decisions.CLAIM_PAY)

    def _run(self, request, queryset, service, done_message):
        self.run_decision(
            request,
            queryset.order_by("discharged_on", "number"),
            lambda claim: service(claim=claim, user=request.user),
            done_message,
            label=lambda claim: claim.number,
        )

    @admin.action(description=_("Mark the selected claims reviewed"), permissions=["review"])
    def review_selected(self, request, queryset):
        self._run(request, queryset, services.claim_review, _("%(n)s claims reviewed."))

    @admin.action(description=_("Approve the selected claims"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        self._run(request, queryset, services.claim_approve, _("%(n)s claims approved."))

    @admin.action(description=_("Pay the selected claims (payout computed)"), permissions=["pay"])
    def pay_selected(self, request, queryset):
        self._run(request, queryset, services.claim_pay, _("%(n)s claims paid."))
