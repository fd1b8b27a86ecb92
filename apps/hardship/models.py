"""Models of hardship households (困难职工家庭): the household and its family, the seven-step
filing timeline, the province-wide comparison keys, re-checks, local standards and aid."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role
from apps.core.models.fields import optional_reference, user_reference
from apps.core.personal import AMOUNT, RESIDENT_ID
from apps.core.scoping import ALL, CHANGE, NONE, VIEW, ScopedQuerySet
from apps.core.validators import validate_resident_id

from .choices import AidKind, Category, Health, Relation, Status, Step
from .rules import clean_disbursement, clean_exit

MONEY = {"max_digits": 14, "decimal_places": 2}


class LivingStandard(models.Model):
    """The local minimum living standard (低保标准) per region and year, kept by administrators.

    A household is judged against the standard of its union's region or the nearest region
    above it that has one for the year."""

    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    monthly_amount = models.DecimalField(_("monthly amount"), validators=[MinValueValidator(0)], **MONEY)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "region"
    # Reference data: everybody reads it, only administrators change it.
    scope_rules = {Role.COUNTY: {VIEW: ALL, CHANGE: NONE}, Role.PREFECTURE: {VIEW: ALL}}

    class Meta:
        ordering = ["-year", "region__code"]
        verbose_name = _("minimum living standard")
        verbose_name_plural = _("minimum living standards")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="hardship_standard_region_year")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.monthly_amount}"


class Household(models.Model):
    """A hardship household (困难职工家庭), headed by a worker of a grassroots union.

    ``status`` is where the seven-step filing stands (see choices.SEQUENCE); ``filed_on`` and
    ``exited_on`` are the dates the yearly indicators count. A re-entry (返困) is a new
    household row whose ``previous`` is the exited one, so the history stays intact."""

    union = models.ForeignKey(
        "unions.GrassrootsUnion", verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    head_name = models.CharField(_("head of household"), max_length=64, db_index=True)
    head_id_number = models.CharField(
        _("head's resident ID"), max_length=18, validators=[validate_resident_id], db_index=True
    )
    head_income = models.DecimalField(
        _("head's monthly income"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    head_health = models.CharField(
        _("head's health"), max_length=16, choices=Health.choices, default=Health.HEALTHY
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, db_index=True)
    causes = models.CharField(_("causes"), max_length=200, help_text=_("Cause codes separated by commas."))
    rigid_expenses = models.DecimalField(
        _("monthly rigid expenses (illness, disability, schooling)"),
        default=0,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    family_size = models.PositiveSmallIntegerField(
        _("family size"), default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    family_income = models.DecimalField(
        _("family monthly income"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    per_capita_income = models.DecimalField(_("monthly income per capita"), null=True, blank=True, **MONEY)
    living_standard = models.DecimalField(_("local minimum living standard"), null=True, blank=True, **MONEY)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    notice_ends_on = models.DateField(_("public notice ends on"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True, db_index=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True, db_index=True)
    exit_reason = models.CharField(_("exit reason"), max_length=200, blank=True)
    last_checked_on = models.DateField(_("last re-checked on"), null=True, blank=True)
    imported = models.BooleanField(_("imported from historical records"), default=False)
    previous = optional_reference("self", _("previous filing"), related_name="reentries")
    created_by = user_reference(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"
    scope_union_lookup = "union"  # what a grassroots union user sees
    personal_fields = {
        "head_id_number": RESIDENT_ID,
        "head_income": AMOUNT,
        "family_income": AMOUNT,
        "per_capita_income": AMOUNT,
        "rigid_expenses": AMOUNT,
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("hardship household")
        verbose_name_plural = _("hardship households")
        indexes = [models.Index(fields=["union", "status"]), models.Index(fields=["filed_on", "exited_on"])]

    def __str__(self) -> str:
        return f"{self.head_name}户"

    @property
    def cause_list(self) -> list[str]:
        return [c for c in (self.causes or "").split(",") if c]

    def get_causes_display(self) -> str:
        from .choices import Cause

        labels = dict(Cause.choices)
        return "；".join(str(labels.get(c, c)) for c in self.cause_list)

    def clean(self) -> None:
        from .choices import Cause

        errors: dict[str, list] = {}
        bad = [c for c in self.cause_list if c not in Cause.values]
        if not self.cause_list:
            errors.setdefault("causes", []).append(_("Choose at least one cause."))
        elif bad:
            errors.setdefault("causes", []).append(_("Unknown causes: %(c)s.") % {"c": ", ".join(bad)})
        try:
            clean_exit(filed_on=self.filed_on, exited_on=self.exited_on, exit_reason=self.exit_reason)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    @property
    def is_in_progress(self) -> bool:
        from .choices import IN_PROGRESS

        return self.status in IN_PROGRESS


class FamilyMember(models.Model):
    """A member of the household other than its head."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=64)
    id_number = models.CharField(
        _("resident ID"), max_length=18, validators=[validate_resident_id], db_index=True
    )
    relation = models.CharField(_("relation to the head"), max_length=16, choices=Relation.choices)
    monthly_income = models.DecimalField(
        _("monthly income"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    health = models.CharField(_("health"), max_length=16, choices=Health.choices, default=Health.HEALTHY)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "household__union__region"
    scope_union_lookup = "household__union"  # what a grassroots union user sees
    personal_fields = {"id_number": RESIDENT_ID, "monthly_income": AMOUNT}

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        constraints = [
            models.UniqueConstraint(fields=["household", "id_number"], name="hardship_member_household_id")
        ]

    def __str__(self) -> str:
        return self.name


class FilingStep(models.Model):
    """One entry of a household's filing timeline: a step of the seven-step method, an
    objection during the public notice, a withdrawal or an exit; who, when, a note."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    user = user_reference(_("by"))
    username = models.CharField(_("user name"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    attachments = models.CharField(_("attachments"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "household__union__region"
    scope_union_lookup = "household__union"  # what a grassroots union user sees

    class Meta:
        ordering = ["household", "at", "id"]
        verbose_name = _("filing step")
        verbose_name_plural = _("filing steps")

    def __str__(self) -> str:
        return f"{self.household} {self.get_step_display()}"


class IdClaim(models.Model):
    """The comparison key (信息比对): a resident ID held by a filed, not exited household.

    The unique constraint is the database-level guarantee that one ID belongs to at most
    one filed household in the whole province, even when two filings race."""

    id_number = models.CharField(_("resident ID"), max_length=18, unique=True)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="claims"
    )

    class Meta:
        verbose_name = _("comparison key")
        verbose_name_plural = _("comparison keys")

    def __str__(self) -> str:
        return f"{self.id_number[:6]}… → {self.household_id}"


class Recheck(models.Model):
    """An annual re-check (年度复核) of a filed household."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="rechecks"
    )
    checked_on = models.DateField(_("checked on"))
    user = user_reference(_("by"))
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "household__union__region"

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")

    def __str__(self) -> str:
        return f"{self.household} {self.checked_on}"


class Disbursement(models.Model):
    """An aid disbursement (帮扶救助发放) to a filed household."""

    number = models.CharField(_("disbursement number"), max_length=32, unique=True)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="disbursements"
    )
    kind = models.CharField(_("aid kind"), max_length=16, choices=AidKind.choices, db_index=True)
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    paid_on = models.DateField(_("paid on"), db_index=True)
    fund_source = models.CharField(_("fund source"), max_length=64, blank=True)
    student_name = models.CharField(_("student"), max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "household__union__region"

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("aid disbursement")
        verbose_name_plural = _("aid disbursements")

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        clean_disbursement(kind=self.kind, amount=self.amount, student_name=self.student_name)


# Status and step are referenced by the services; keep the names importable from here.
__all__ = [
    "Disbursement",
    "FamilyMember",
    "FilingStep",
    "Household",
    "IdClaim",
    "LivingStandard",
    "Recheck",
    "Status",
    "Step",
]
