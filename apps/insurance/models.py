"""Models of mutual medical insurance (职工医疗互助): plans, unit enrollments with their
covered members, and claims with the payout the system computes."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role
from apps.core.models.fields import optional_reference, set_exactly_in_status, user_reference
from apps.core.scoping import ALL, CHANGE, NONE, REVIEW, SUBTREE, VIEW, ScopedQuerySet

from .choices import ClaimStatus, Product, ReviewMode
from .rules import clean_claim, clean_plan_period

MONEY = {"max_digits": 14, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
# Provincial staff also write enrollments and claims (historical records through the import).
PROVINCE_CHANGES = {Role.PROVINCE: {CHANGE: ALL}}
# Claims: county staff enter and pay them; the prefecture above the claim's county (or the
# province) reviews and approves them (apps.insurance.decisions).
CLAIM_RULES = {
    Role.COUNTY: {VIEW: SUBTREE, CHANGE: SUBTREE, REVIEW: NONE},
    Role.PREFECTURE: {VIEW: SUBTREE, REVIEW: SUBTREE},
    Role.PROVINCE: {VIEW: ALL, CHANGE: ALL, REVIEW: ALL},
}
MAX_WAITING_DAYS = 365


class Plan(models.Model):
    """A yearly mutual-insurance plan of one product, run by the province: every staff user
    sees the plans; only provincial staff and administrators change them."""

    code = models.CharField(_("plan code"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    product = models.CharField(_("product"), max_length=16, choices=Product.choices)
    fee = models.DecimalField(_("contribution per person"), validators=NON_NEGATIVE, **MONEY)
    coverage_start = models.DateField(_("coverage start"))
    coverage_end = models.DateField(_("coverage end"))
    deductible = models.DecimalField(_("deductible"), validators=NON_NEGATIVE, **MONEY)
    ratio = models.DecimalField(
        _("reimbursement ratio"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    cap_per_claim = models.DecimalField(_("cap per claim"), validators=NON_NEGATIVE, **MONEY)
    cap_per_year = models.DecimalField(_("cap per member per year"), validators=NON_NEGATIVE, **MONEY)
    enrollment_reopened = models.BooleanField(
        _("enrollment reopened"),
        default=False,
        help_text=_("Lets county staff change enrollments after the coverage has started."),
    )
    review_mode = models.CharField(
        _("review mode"),
        max_length=8,
        choices=ReviewMode.choices,
        default=ReviewMode.SINGLE,
        help_text=_(
            "Single review: one prefecture or provincial reviewer may review and then approve a "
            "claim. Double review: the approver must be someone other than the reviewer."
        ),
    )
    waiting_days = models.PositiveSmallIntegerField(
        _("waiting period (days)"),
        default=0,
        validators=[MaxValueValidator(MAX_WAITING_DAYS)],
        help_text=_(
            "A member enrolled after the coverage started (enrollment reopened) is covered from "
            "the enrollment date plus this many days."
        ),
    )
    invoice_required = models.BooleanField(
        _("invoice required for approval"),
        default=True,
        help_text=_("A claim under the plan is approved only once at least one invoice is attached to it."),
    )
    # Plans are provincial: no region (the audit trail and scope treat them as province-wide).
    region = optional_reference("core.Region", _("region"), editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "region"
    scope_union_lookup = "coverages__union"  # what a grassroots union user sees
    scope_rules = {
        Role.COUNTY: {VIEW: ALL, CHANGE: NONE},
        Role.PREFECTURE: {VIEW: ALL, REVIEW: NONE},
        Role.PROVINCE: {VIEW: ALL, CHANGE: ALL},
    }

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("insurance plan")
        verbose_name_plural = _("insurance plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(coverage_end__gte=models.F("coverage_start")), name="ins_plan_dates"
            ),
            models.CheckConstraint(condition=Q(ratio__gte=0) & Q(ratio__lte=1), name="ins_plan_ratio"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_product_display()}（{self.code}）"

    def clean(self) -> None:
        clean_plan_period(year=self.year, coverage_start=self.coverage_start, coverage_end=self.coverage_end)

    @property
    def female_only(self) -> bool:
        return self.product == Product.FEMALE

    def covers(self, day) -> bool:
        return self.coverage_start <= day <= self.coverage_end

    @property
    def double_review(self) -> bool:
        return self.review_mode == ReviewMode.DOUBLE


class Enrollment(models.Model):
    """A unit (grassroots union) joined to a plan. Its covered members are ``Coverage`` rows
    with the same (plan, union); the contribution (covered members × fee) is computed, never
    stored."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="enrollments"
    )
    union = models.ForeignKey(
        "unions.GrassrootsUnion", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"
    scope_union_lookup = "union"  # what a grassroots union user sees
    scope_rules = PROVINCE_CHANGES

    class Meta:
        ordering = ["-plan__year", "plan__code", "union__code"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [models.UniqueConstraint(fields=["plan", "union"], name="ins_enrollment_unique")]

    def __str__(self) -> str:
        return f"{self.union.name} · {self.plan}"

    @property
    def coverages(self):
        return Coverage.objects.filter(plan_id=self.plan_id, union_id=self.union_id)


class Coverage(models.Model):
    """One covered member of a unit's enrollment; a member is covered once per plan.

    A member enrolled before the coverage started (or imported as a historical enrollment) is
    covered for the whole plan period; one enrolled late, after an administrator reopened the
    enrollment, from the enrollment date plus the plan's waiting period (``covered_from``)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="coverages")
    union = models.ForeignKey(
        "unions.GrassrootsUnion", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "unions.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    covered_from = models.DateField(
        _("covered from"),
        null=True,
        blank=True,
        help_text=_(
            "Set for a late enrollment: the enrollment date plus the plan's waiting period. "
            "Empty: covered for the whole plan period."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"
    scope_union_lookup = "union"  # what a grassroots union user sees
    scope_rules = PROVINCE_CHANGES

    class Meta:
        ordering = ["plan", "union", "id"]
        verbose_name = _("covered member")
        verbose_name_plural = _("covered members")
        constraints = [models.UniqueConstraint(fields=["plan", "member"], name="ins_coverage_unique")]
        indexes = [models.Index(fields=["plan", "union"])]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.plan}"

    @property
    def starts_on(self):
        """The first day a stay is covered: the plan's start, or later for a late enrollment."""
        if self.covered_from is None or self.covered_from < self.plan.coverage_start:
            return self.plan.coverage_start
        return self.covered_from


class Claim(models.Model):
    """A claim of a covered member. The payout is computed by ``payout.compute_payout`` when
    the claim is paid and stored with what the member had used of the yearly cap before.

    Duties are separated (``apps.insurance.decisions``): county staff submit it
    (``submitted_by``); the prefecture above the county, or the province, reviews
    (``reviewed_by``) and approves it (``approved_by``), never the filer nor its last editor, and
    on a double-review plan never the reviewer; county staff pay it."""

    number = models.CharField(_("claim number"), max_length=32, unique=True)
    coverage = models.ForeignKey(
        Coverage, verbose_name=_("covered member"), on_delete=models.PROTECT, related_name="claims"
    )
    # The coverage's unit, copied by every write (a coverage never changes unit): a county's
    # claims are found through its own index instead of through the millions of coverages.
    union = models.ForeignKey(
        "unions.GrassrootsUnion",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    admitted_on = models.DateField(_("admitted on"))
    discharged_on = models.DateField(_("discharged on"))
    total_expense = models.DecimalField(_("total medical expense"), validators=NON_NEGATIVE, **MONEY)
    basic_insurance_paid = models.DecimalField(
        _("paid by basic medical insurance"), validators=NON_NEGATIVE, **MONEY
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED, db_index=True
    )
    payout = models.DecimalField(_("payout"), null=True, blank=True, **MONEY)
    year_used_before = models.DecimalField(_("yearly cap used before"), null=True, blank=True, **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, db_index=True)
    reject_reason = models.CharField(_("rejection reason"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("last decided at"), null=True, blank=True)
    decided_by = user_reference(_("last decided by"), editable=False)
    submitted_by = user_reference(_("submitted by"), editable=False)
    reviewed_by = user_reference(_("reviewed by"), editable=False)
    approved_by = user_reference(_("approved by"), editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"
    scope_union_lookup = "union"  # what a grassroots union user sees
    scope_rules = CLAIM_RULES

    class Meta:
        ordering = ["-discharged_on", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__gte=models.F("admitted_on")), name="ins_claim_dates"
            ),
            models.CheckConstraint(
                condition=Q(basic_insurance_paid__lte=models.F("total_expense")), name="ins_claim_basic"
            ),
            # paid exactly when a payout and a payment date are recorded
            set_exactly_in_status(ClaimStatus.PAID, "payout", "paid_on", name="ins_claim_paid_payout"),
            models.CheckConstraint(
                condition=~Q(status=ClaimStatus.REJECTED) | ~Q(reject_reason=""),
                name="ins_claim_reject_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["coverage", "status"]),
            models.Index(fields=["status", "paid_on"]),
            # the lists' default order, newest discharge first (migration 0005)
            models.Index(fields=["discharged_on", "id"], name="insurance_claim_discharged"),
            # the review queues: one status, oldest discharge first (migration 0007)
            models.Index(fields=["status", "discharged_on", "id"], name="insurance_claim_queue"),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        clean_claim(
            admitted_on=self.admitted_on,
            discharged_on=self.discharged_on,
            total_expense=self.total_expense,
            basic_insurance_paid=self.basic_insurance_paid,
            status=self.status,
            paid_on=self.paid_on,
            reject_reason=self.reject_reason,
        )

    @property
    def eligible(self) -> Decimal:
        return self.total_expense - self.basic_insurance_paid
