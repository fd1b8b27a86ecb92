"""Models of the worker-services domain (DOMAIN.md section 6, 普惠服务与维权).

Every record belongs to the region of the union office that did the work, at any level
(province, prefecture, county, township), as competitions and talks do: ``region`` is the
template's 所属地区代码 and the scope of every reader and writer. The union offices of every
level run these programmes themselves (the province its job fairs and cadre classes), so
prefecture and provincial staff may record them too, in their own subtree.

The rules a record obeys live in ``rules.py``; ``clean()`` runs them, so a service's
``full_clean`` and the import's validation refuse the same records with the same messages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role
from apps.core.models.fields import set_exactly_in_status, user_reference
from apps.core.personal import RESIDENT_ID
from apps.core.scoping import ALL, CHANGE, SUBTREE, ScopedQuerySet
from apps.core.validators import validate_resident_id

from . import rules
from .choices import (
    CaseKind,
    CaseStatus,
    EmploymentKind,
    LoanStatus,
    Programme,
    RecipientKind,
    ReliefStatus,
    SchoolLevel,
    TrainingKind,
    VisitKind,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
COUNT = {"default": 0}


class ServiceRecord(models.Model):
    """What every worker-services record has: its number (the templates' key) and region."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "region"
    # Union offices of every level do this work in their own subtree.
    scope_rules = {Role.PREFECTURE: {CHANGE: SUBTREE}, Role.PROVINCE: {CHANGE: ALL}}

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number


class ApprovalThreshold(models.Model):
    """Per relief programme: a payment above ``amount`` needs the level above's approval."""

    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices, unique=True)
    amount = models.DecimalField(_("approval threshold (yuan)"), **MONEY)

    class Meta:
        ordering = ["programme"]
        verbose_name = _("relief approval threshold")
        verbose_name_plural = _("relief approval thresholds")

    def __str__(self) -> str:
        return f"{self.get_programme_display()} > {self.amount}"


class ReliefPayment(ServiceRecord):
    """A relief payment (专项帮扶发放) to a worker, filed household or not. ``paid_on`` stays
    empty while a payment above its programme's threshold waits for approval."""

    id_number = models.CharField(_("resident ID"), max_length=18, validators=[validate_resident_id])
    name = models.CharField(_("name"), max_length=64)
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    recipient_kind = models.CharField(_("recipient kind"), max_length=16, choices=RecipientKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    student_name = models.CharField(_("student's name"), max_length=64, blank=True)
    school_level = models.CharField(_("school level"), max_length=24, choices=SchoolLevel.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReliefStatus.choices, default=ReliefStatus.PAID, db_index=True
    )
    filed_by = user_reference(_("filed by"))
    decided_by = user_reference(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    personal_fields = {"id_number": RESIDENT_ID}

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("relief payment")
        verbose_name_plural = _("relief payments")
        indexes = [models.Index(fields=["paid_on"]), models.Index(fields=["id_number"])]
        constraints = [
            set_exactly_in_status(ReliefStatus.PAID, "paid_on", name="services_relief_paid_has_date")
        ]

    def clean(self) -> None:
        rules.clean_relief(
            programme=self.programme, student_name=self.student_name, school_level=self.school_level
        )


class Visit(ServiceRecord):
    """A warmth visit (走访慰问) to an enterprise or to a worker's household."""

    visited_on = models.DateField(_("visited on"))
    kind = models.CharField(_("visited"), max_length=16, choices=VisitKind.choices)
    credit_code = models.CharField(_("enterprise credit code"), max_length=18, blank=True)
    head_id_number = models.CharField(_("householder's resident ID"), max_length=18, blank=True)
    name = models.CharField(_("enterprise or householder"), max_length=200)
    amount = models.DecimalField(_("money given (yuan)"), default=Decimal("0"), **MONEY)

    personal_fields = {"head_id_number": RESIDENT_ID}

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("warmth visit")
        verbose_name_plural = _("warmth visits")
        indexes = [
            models.Index(fields=["visited_on"]),
            models.Index(fields=["head_id_number"]),
            models.Index(fields=["credit_code"]),
        ]

    def clean(self) -> None:
        rules.clean_visit(kind=self.kind, credit_code=self.credit_code, head_id_number=self.head_id_number)


class JobFair(ServiceRecord):
    """A spring job fair (春送岗位专场招聘会)."""

    name = models.CharField(_("name"), max_length=200)
    held_on = models.DateField(_("held on"))
    enterprises = models.PositiveIntegerField(_("enterprises attending"), **COUNT)
    positions = models.PositiveIntegerField(_("positions offered"), **COUNT)
    attendees = models.PositiveIntegerField(_("job seekers attending"), **COUNT)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")
        indexes = [models.Index(fields=["held_on"])]


class EmploymentService(ServiceRecord):
    """A free employment service (就业服务) given to one worker."""

    id_number = models.CharField(_("resident ID"), max_length=18, validators=[validate_resident_id])
    name = models.CharField(_("name"), max_length=64)
    served_on = models.DateField(_("served on"))
    kind = models.CharField(_("service"), max_length=16, choices=EmploymentKind.choices)
    placed = models.BooleanField(_("placed in a job"), default=False)

    personal_fields = {"id_number": RESIDENT_ID}

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("employment service")
        verbose_name_plural = _("employment services")
        indexes = [models.Index(fields=["served_on"]), models.Index(fields=["id_number"])]


class TrainingClass(ServiceRecord):
    """A training class (培训班): vocational skills, migrant workers or union cadres."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=TrainingKind.choices)
    start_date = models.DateField(_("starts on"))
    end_date = models.DateField(_("ends on"))
    trainees = models.PositiveIntegerField(_("trainees"), **COUNT)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")
        indexes = [models.Index(fields=["start_date"])]

    def clean(self) -> None:
        rules.clean_order(
            first=self.start_date,
            then=self.end_date,
            field="end_date",
            message=_("The class cannot end (%(then)s) before it starts (%(first)s)."),
        )


class RightsCase(ServiceRecord):
    """A rights case (维权案件): received → in progress → closed, with the amount recovered."""

    received_on = models.DateField(_("received on"))
    kind = models.CharField(_("kind"), max_length=24, choices=CaseKind.choices)
    workers = models.PositiveIntegerField(_("workers involved"), **COUNT)
    amount_recovered = models.DecimalField(_("amount recovered (yuan)"), default=Decimal("0"), **MONEY)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED, db_index=True
    )
    summary = models.CharField(_("summary"), max_length=500, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("rights case")
        verbose_name_plural = _("rights cases")
        indexes = [models.Index(fields=["received_on"]), models.Index(fields=["closed_on"])]
        constraints = [
            set_exactly_in_status(CaseStatus.CLOSED, "closed_on", name="services_case_closed_has_date")
        ]

    def clean(self) -> None:
        rules.clean_order(
            first=self.received_on,
            then=self.closed_on,
            field="closed_on",
            message=_("A case cannot be closed (%(then)s) before it was received (%(first)s)."),
        )

    @property
    def days_open(self) -> int:
        return rules.compute_days_open(
            received_on=self.received_on, closed_on=self.closed_on, today=timezone.localdate()
        )


class MicroLoan(ServiceRecord):
    """A micro-loan (小额贷款) to a worker starting a business; repaid on the date given."""

    id_number = models.CharField(_("resident ID"), max_length=18, validators=[validate_resident_id])
    name = models.CharField(_("name"), max_length=64)
    granted_on = models.DateField(_("granted on"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    jobs_created = models.PositiveIntegerField(_("jobs created"), **COUNT)
    due_on = models.DateField(_("due on"))
    repaid_on = models.DateField(_("repaid on"), null=True, blank=True)

    personal_fields = {"id_number": RESIDENT_ID}

    class Meta:
        ordering = ["-granted_on", "-id"]
        verbose_name = _("micro-loan")
        verbose_name_plural = _("micro-loans")
        indexes = [
            models.Index(fields=["granted_on"]),
            models.Index(fields=["id_number"]),
            models.Index(fields=["due_on", "repaid_on"]),
        ]

    def clean(self) -> None:
        rules.clean_order(
            first=self.granted_on,
            then=self.repaid_on,
            field="repaid_on",
            message=_("A loan cannot be repaid (%(then)s) before it was granted (%(first)s)."),
        )
        rules.clean_order(
            first=self.granted_on,
            then=self.due_on,
            field="due_on",
            message=_("A loan cannot fall due (%(then)s) before it was granted (%(first)s)."),
        )

    def status_on(self, today: dt.date | None = None) -> str:
        return rules.compute_loan_status(
            repaid_on=self.repaid_on, due_on=self.due_on, today=today or timezone.localdate()
        )

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return str(LoanStatus(self.status).label)
