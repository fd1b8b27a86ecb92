from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.choices import RegionLevel
from apps.core.models.fields import optional_reference, user_reference
from apps.core.personal import RESIDENT_ID
from apps.core.scoping import ScopedQuerySet
from apps.core.validators import validate_credit_code, validate_resident_id, validate_union_credit_code

from .choices import (
    ApplicationStatus,
    ContractKind,
    HouseholdType,
    JoinChannel,
    KeyGroup,
    MemberStatus,
    Sex,
    TransferStatus,
    UnionKind,
)

YEAR_VALIDATORS = [MinValueValidator(1949), MaxValueValidator(2100)]


def _validate_record_region(region) -> None:
    """A record sits in a township or county, or in a prefecture without counties (Jiayuguan)."""
    if region is None:
        return
    if region.level in (RegionLevel.TOWNSHIP, RegionLevel.COUNTY):
        return
    if region.level == RegionLevel.PREFECTURE and not region.children.exists():
        return
    raise ValidationError(
        {
            "region": _(
                "A union belongs to a county or township (or a prefecture without counties), not to %(r)s."
            )
            % {"r": region}
        }
    )


class GrassrootsUnion(models.Model):
    """A grassroots union (基层工会): the unit every member, contract and most records hang on."""

    code = models.CharField(_("union code"), max_length=32, unique=True)
    name = models.CharField(_("union name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnionKind.choices, db_index=True)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    parent = optional_reference("self", _("parent union"), related_name="children")
    employer_name = models.CharField(_("employer name"), max_length=200, blank=True)
    employer_credit_code = models.CharField(
        _("employer credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    credit_code = models.CharField(
        _("union credit code"), max_length=18, blank=True, validators=[validate_union_credit_code]
    )
    founded_on = models.DateField(_("founded on"), db_index=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    chair = models.CharField(_("chair"), max_length=64, blank=True)
    normalized_year = models.PositiveSmallIntegerField(
        _("normalized in year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    demonstration_year = models.PositiveSmallIntegerField(
        _("demonstration since year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    congress_since = models.DateField(_("workers' congress since"), null=True, blank=True)
    disclosure_since = models.DateField(_("affairs disclosure since"), null=True, blank=True)
    # Set by the county: the union's own member registrations go straight into the register
    # (still audited and listed as change requests) instead of waiting for approval.
    trusted_registration = models.BooleanField(_("trusted for member registration"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "region"
    scope_union_lookup = "id"  # what a grassroots union user sees

    class Meta:
        ordering = ["code"]
        verbose_name = _("grassroots union")
        verbose_name_plural = _("grassroots unions")
        indexes = [models.Index(fields=["region", "kind"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.dissolved_on and self.founded_on and self.dissolved_on <= self.founded_on:
            errors.setdefault("dissolved_on", []).append(
                _("The dissolution date must be after the founding date.")
            )
        if self.normalized_year and self.kind != UnionKind.TOWNSHIP:
            errors.setdefault("normalized_year", []).append(
                _("Only township/street unions can be marked normalized.")
            )
        if self.demonstration_year and self.kind not in (UnionKind.VILLAGE, UnionKind.COMMUNITY):
            errors.setdefault("demonstration_year", []).append(
                _("Only village and community unions can be marked demonstration.")
            )
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors.setdefault("parent", []).append(_("A union cannot be its own parent."))
        if errors:
            raise ValidationError(errors)
        if self.region_id:
            _validate_record_region(self.region)

    @property
    def is_active_union(self) -> bool:
        return self.dissolved_on is None


class Member(models.Model):
    """A real-name union member. A worker joins once and moves with the job: a transfer
    changes the union of this row and leaves a MembershipTransfer behind."""

    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("union"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("full name"), max_length=64, db_index=True)
    id_number = models.CharField(_("resident ID"), max_length=18, validators=[validate_resident_id])
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    ethnicity = models.CharField(_("ethnicity"), max_length=32, blank=True)
    phone = models.CharField(_("mobile"), max_length=11, blank=True)
    education = models.CharField(_("education"), max_length=32, blank=True)
    household_type = models.CharField(_("household type"), max_length=8, choices=HouseholdType.choices)
    key_group = models.CharField(_("key group"), max_length=16, choices=KeyGroup.choices, blank=True)
    joined_on = models.DateField(_("joined on"))
    join_channel = models.CharField(_("join channel"), max_length=8, choices=JoinChannel.choices)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE, db_index=True
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"
    scope_union_lookup = "union"  # what a grassroots union user sees
    personal_fields = {"id_number": RESIDENT_ID}

    class Meta:
        ordering = ["-joined_on", "-id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            # One active membership per person; left memberships keep the history.
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(left_on__isnull=True), name="member_active_id"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(status=MemberStatus.LEFT), name="member_left_status"
            ),
        ]
        indexes = [
            models.Index(fields=["id_number"]),
            models.Index(fields=["union", "status"]),
            # the default order read from the index, 50 rows and no sort (migration 0005)
            models.Index(fields=["joined_on", "id"], name="unions_member_joined_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("The leaving date cannot be before the joining date.")})


class MembershipTransfer(models.Model):
    """A member moving from one union to another (会籍转接); the history of the member."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("from union"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("to union"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    transferred_on = models.DateField(_("transfer date"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TransferStatus.choices,
        default=TransferStatus.PENDING,
        db_index=True,
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    requested_by = user_reference(_("requested by"))
    decided_by = user_reference(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Scoped by the receiving union; the sending county finds it through the member's history.
    scope_region_lookup = "to_union__region"
    scope_union_lookup = "from_union"  # what a grassroots union user sees

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")

    def __str__(self) -> str:
        return f"{self.member} {self.from_union.name} → {self.to_union.name}"


class JoinApplication(models.Model):
    """An online application to join a union (网上入会), decided by county staff."""

    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("union"), on_delete=models.PROTECT, related_name="join_applications"
    )
    name = models.CharField(_("full name"), max_length=64)
    id_number = models.CharField(
        _("resident ID"), max_length=18, validators=[validate_resident_id], db_index=True
    )
    phone = models.CharField(_("mobile"), max_length=11)
    ethnicity = models.CharField(_("ethnicity"), max_length=32, blank=True)
    education = models.CharField(_("education"), max_length=32, blank=True)
    household_type = models.CharField(_("household type"), max_length=8, choices=HouseholdType.choices)
    key_group = models.CharField(_("key group"), max_length=16, choices=KeyGroup.choices, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    reason = models.CharField(_("rejection reason"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = user_reference(_("decided by"))
    member = models.ForeignKey(
        Member, verbose_name=_("member"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"
    scope_union_lookup = "union"  # what a grassroots union user sees
    personal_fields = {"id_number": RESIDENT_ID}

    class Meta:
        ordering = ["-submitted_at", "-id"]
        # At most one application per resident ID waits for a decision, even when two arrive
        # at the same moment (the service's check alone would let both through).
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(status="submitted"),
                name="unions_one_pending_application_per_id",
                violation_error_message=_(
                    "An application with this resident ID is already waiting for a decision."
                ),
            )
        ]
        verbose_name = _("join application")
        verbose_name_plural = _("join applications")

    def __str__(self) -> str:
        return f"{self.name} → {self.union.name}"


class CollectiveContract(models.Model):
    """A collective contract (集体合同) signed by a union: general or one of three specials."""

    number = models.CharField(_("contract number"), max_length=32, unique=True)
    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("union"), on_delete=models.PROTECT, related_name="contracts"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ContractKind.choices, db_index=True)
    signed_on = models.DateField(_("signed on"))
    expires_on = models.DateField(_("expires on"))
    covered_enterprises = models.PositiveIntegerField(_("covered enterprises"), default=1)
    covered_workers = models.PositiveIntegerField(_("covered workers"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"
    scope_union_lookup = "union"  # what a grassroots union user sees

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("collective contract")
        verbose_name_plural = _("collective contracts")

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.signed_on and self.expires_on and self.expires_on < self.signed_on:
            raise ValidationError({"expires_on": _("The expiry date cannot be before the signing date.")})
