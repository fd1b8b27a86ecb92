"""Admin of mutual medical insurance: scoped, audited, writes through the services, import
and export through the one pipeline. Payouts are read-only: the system computes them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ImportExportAdminMixin, PersonalDataAdmin, ScopedAdmin
from apps.core.choices import Role
from apps.core.exceptions import ApplicationError

from . import decisions, services
from .models import Claim, Coverage, Enrollment, Plan

PLAN_FIELDS = list(services.PLAN_FIELDS)


@admin.register(Plan)
class PlanAdmin(ImportExportAdminMixin, ScopedAdmin):
    import_resource = "plans"
    list_display = [
        "code",
        "year",
        "product",
        "fee",
        "coverage_start",
        "coverage_end",
        "review_mode",
        "waiting_days",
        "enrollment_reopened",
    ]
    list_filter = ["year", "product", "review_mode", "enrollment_reopened"]
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

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in PLAN_FIELDS if name in form.cleaned_data}
        try:
            if change:
                plan = Plan.objects.get(pk=obj.pk)
                if "enrollment_reopened" in form.changed_data:
                    services.plan_set_enrollment_reopened(
                        plan=plan, reopened=form.cleaned_data["enrollment_reopened"], user=request.user
                    )
                saved = services.plan_update(plan=Plan.objects.get(pk=obj.pk), user=request.user, **data)
            else:
                saved = services.plan_create(user=request.user, **data)
        except ApplicationError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            raise PermissionDenied(exc.message) from exc
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.plan_delete(plan=obj, user=request.user)


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedAdmin):
    list_display = ["plan", "union", "created_at"]
    list_filter = ["plan__year", "plan__product"]
    search_fields = ["union__code", "union__name", "plan__code"]
    list_select_related = ["plan", "union"]
    raw_id_fields = ["plan", "union"]

    def has_add_permission(self, request):
        return False  # enroll on the enrollment pages, the API or the import

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.enrollment_delete(enrollment=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.enrollment_delete(enrollment=obj, user=request.user)


@admin.register(Coverage)
class CoverageAdmin(ImportExportAdminMixin, PersonalDataAdmin):
    id_path = "member__id_number"
    import_resource = "enrollments"
    list_display = ["plan", "union", "member_name", "masked_id", "covered_from", "created_at"]
    list_filter = ["plan__year", "plan__product"]
    search_fields = ["union__code", "plan__code", "member__name"]
    list_select_related = ["plan", "union", "member"]
    raw_id_fields = ["plan", "union", "member"]

    @admin.display(description=_("member"))
    def member_name(self, obj):
        return obj.member.name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        enrollment = Enrollment.objects.get(plan_id=obj.plan_id, union_id=obj.union_id)
        services.enrollment_remove_members(enrollment=enrollment, members=[obj.member], user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("member"):
            self.delete_model(request, obj)


@admin.register(Claim)
class ClaimAdmin(ImportExportAdminMixin, ScopedAdmin):
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
    readonly_fields = [
        "submitted_at",
        "submitted_by",
        "reviewed_by",
        "approved_by",
        "decided_at",
        "decided_by",
    ]
    actions = ["review_selected", "approve_selected", "pay_selected"]

    def has_add_permission(self, request):
        return False  # claim entry on the claim pages, the API or the import

    def has_change_permission(self, request, obj=None):
        return False  # the workflow runs through the services (actions below)

    def has_delete_permission(self, request, obj=None):
        return False  # claims are rejected, never deleted

    # The decision actions are offered to the roles of their decision step only (reviewers
    # above the county review and approve, county staff pay); the service still checks each
    # claim and says who may instead. Administrators do not decide claims.
    def _may_take(self, request, step) -> bool:
        user = request.user
        role = Role.ADMIN if user.is_superuser else getattr(user, "role", None)
        return user.has_perm("insurance.view_claim") and role in step.roles

    def has_review_permission(self, request):
        return self._may_take(request, decisions.CLAIM_REVIEW)

    def has_approve_permission(self, request):
        return self._may_take(request, decisions.CLAIM_APPROVE)

    def has_pay_permission(self, request):
        return self._may_take(request, decisions.CLAIM_PAY)

    def _run(self, request, queryset, service, done_message):
        done = 0
        for claim in queryset.order_by("discharged_on", "number"):
            try:
                service(claim=claim, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{claim.number}: {exc.message}", level=messages.ERROR)
            else:
                done += 1
        self.message_user(request, done_message % {"n": done})

    @admin.action(description=_("Mark the selected claims reviewed"), permissions=["review"])
    def review_selected(self, request, queryset):
        self._run(request, queryset, services.claim_review, _("%(n)s claims reviewed."))

    @admin.action(description=_("Approve the selected claims"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        self._run(request, queryset, services.claim_approve, _("%(n)s claims approved."))

    @admin.action(description=_("Pay the selected claims (payout computed)"), permissions=["pay"])
    def pay_selected(self, request, queryset):
        self._run(request, queryset, services.claim_pay, _("%(n)s claims paid."))
