"""Admin of the worker-services domain: the seven registers, scoped, writing through the
services (their checks, their audit), import/export through the one pipeline, resident IDs
masked without the personal-data right, the region by its id (never a <select> of every
township). Relief decisions (approve, reject, pay) and the steps of a rights case go through
the pages and the API: their fields are read-only here. Administrators set the relief
approval thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core import services as core_services
from apps.core.admin_base import ImportExportAdminMixin, PersonalDataAdmin, ScopedAdmin, ServiceWrites

from . import selectors, services
from .choices import LoanStatus
from .filtersets import LoanFilterSet
from .models import (
    ApprovalThreshold,
    EmploymentService,
    JobFair,
    MicroLoan,
    ReliefPayment,
    RightsCase,
    TrainingClass,
    Visit,
)


class LoanStatusFilter(admin.SimpleListFilter):
    """Current, overdue or repaid: computed from the dates, as the API's and the pages' filter."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return LoanStatus.choices

    def queryset(self, request, queryset):
        if self.value() not in LoanStatus.values:
            return queryset
        return LoanFilterSet(queryset=queryset).filter_status(queryset, "status", self.value())


class RecordAdminMixin:
    """What the seven registers' admins share: the region among those the user may record
    worker services in, by id, and the computed status of a loan as a column."""

    fk_choices = {"region": selectors.service_regions}
    raw_id_fields = ["region"]
    list_select_related = ["region"]

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return obj.get_status_display()


@dataclass(frozen=True)
class Register:
    """One register's admin: the rest is ``RecordAdminMixin``'s and the core admin's."""

    model: type
    resource: str  # the import template (resources.py)
    writes: ServiceWrites
    columns: tuple[str, ...]
    filters: tuple[Any, ...]
    search: tuple[str, ...]
    dated: str  # the register's own date: date hierarchy, newest first
    id_path: str = ""  # the resident ID shown masked in the ``masked_id`` column
    read_only: tuple[str, ...] = ()  # written by the workflow steps only
    extra: dict[str, Any] = field(default_factory=dict)

    def admin_class(self) -> type[ScopedAdmin]:
        base = PersonalDataAdmin if self.id_path else ScopedAdmin
        attrs = {
            "__module__": __name__,
            "__doc__": self.model.__doc__,
            "import_resource": self.resource,
            "writes": self.writes,
            "list_display": [*self.columns, "region"],
            "list_filter": list(self.filters),
            "search_fields": ["number", *self.search],
            "date_hierarchy": self.dated,
            "ordering": [f"-{self.dated}", "-id"],
            "readonly_fields": list(self.read_only),
            **({"id_path": self.id_path} if self.id_path else {}),
        }
        return type(f"{self.model.__name__}Admin", (RecordAdminMixin, ImportExportAdminMixin, base), attrs)


# fmt: off
REGISTERS = (
    Register(
        ReliefPayment, "relief",
        ServiceWrites.named(services, "relief", record="payment", update_fields=services.RELIEF_FIELDS),
        ("number", "name", "masked_id", "programme", "recipient_kind", "amount", "status", "paid_on"),
        ("status", "programme", "recipient_kind"), ("name", "student_name"), "paid_on", id_path="id_number",
        read_only=("status", "filed_by", "decided_by", "decided_at", "decision_note"),
    ),
    Register(
        Visit, "visits",
        ServiceWrites.named(services, "visit", update_fields=services.VISIT_FIELDS),
        ("number", "visited_on", "kind", "name", "credit_code", "masked_id", "amount"),
        ("kind",), ("name", "credit_code"), "visited_on", id_path="head_id_number",
    ),
    Register(
        JobFair, "job_fairs",
        ServiceWrites.named(services, "job_fair", update_fields=services.JOB_FAIR_FIELDS),
        ("number", "name", "held_on", "enterprises", "positions", "attendees"), (), ("name",), "held_on",
    ),
    Register(
        EmploymentService, "employment_services",
        ServiceWrites.named(services, "employment_service", record="service",
                            update_fields=services.EMPLOYMENT_FIELDS),
        ("number", "name", "masked_id", "served_on", "kind", "placed"),
        ("kind", "placed"), ("name",), "served_on", id_path="id_number",
    ),
    Register(
        TrainingClass, "trainings",
        ServiceWrites.named(services, "training", update_fields=services.TRAINING_FIELDS),
        ("number", "name", "kind", "start_date", "end_date", "trainees"), ("kind",), ("name",), "start_date",
    ),
    Register(
        RightsCase, "rights_cases",
        ServiceWrites.named(services, "case", update_fields=services.CASE_FIELDS),
        ("number", "received_on", "kind", "workers", "amount_recovered", "status", "closed_on"),
        ("status", "kind"), ("summary",), "received_on", read_only=("status",),
    ),
    Register(
        MicroLoan, "loans",
        ServiceWrites.named(services, "loan", update_fields=services.LOAN_FIELDS),
        ("number", "name", "masked_id", "granted_on", "amount", "jobs_created", "due_on", "repaid_on",
         "status_label"),
        (LoanStatusFilter,), ("name",), "granted_on", id_path="id_number",
    ),
)
# fmt: on

for _register in REGISTERS:
    admin.site.register(_register.model, _register.admin_class())


@admin.register(ApprovalThreshold)
class ApprovalThresholdAdmin(admin.ModelAdmin):
    """The amount above which a relief payment of a programme needs the level above's approval:
    province-wide reference data without a region, set by administrators (the admin site is
    theirs alone) and saved through the audited generic helper. A programme keeps its row (a
    programme without one falls back to ``rules.DEFAULT_THRESHOLDS``): change the amount."""

    list_display = ["programme", "amount"]
    ordering = ["programme"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        core_services.model_save(obj, user=request.user)
