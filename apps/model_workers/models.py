"""Models of model workers and craftsmen (劳动模范、陇原工匠): the people, their honours,
benefit payments and recuperation, innovation studios and talks (DOMAIN.md section 3).

Every record belongs to a region through the union (model workers, honours, studios), through
the model worker's union (payments, recuperation), or through its own region (talks)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.personal import RESIDENT_ID
from apps.core.scoping import ScopedQuerySet
from apps.core.validators import validate_resident_id

from .choices import (
    BenefitKind,
    HonourKind,
    HonourLevel,
    StudioLevel,
    VenueKind,
    WorkerLevel,
    WorkerStatus,
    WorkerTitle,
)

YEAR_VALIDATORS = [MinValueValidator(1949), MaxValueValidator(2100)]


class ModelWorker(models.Model):
    """A model worker or advanced worker (劳动模范 / 先进工作者), possibly also a craftsman
    (陇原工匠). One record per person in the province (the resident ID is unique)."""

    name = models.CharField(_("name"), max_length=64, db_index=True)
    id_number = models.CharField(
        _("resident ID"), max_length=18, unique=True, validators=[validate_resident_id]
    )
    union = models.ForeignKey(
        "unions.GrassrootsUnion",
        verbose_name=_("employer union"),
        on_delete=models.PROTECT,
        related_name="model_workers",
    )
    level = models.CharField(_("level"), max_length=24, choices=WorkerLevel.choices, db_index=True)
    title = models.CharField(_("title"), max_length=16, choices=WorkerTitle.choices)
    title_year = models.PositiveSmallIntegerField(_("title year"), validators=YEAR_VALIDATORS)
    status = models.CharField(
        _("status"), max_length=16, choices=WorkerStatus.choices, default=WorkerStatus.ALIVE, db_index=True
    )
    craftsman_year = models.PositiveSmallIntegerField(
        _("craftsman title year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"
    personal_fields = {"id_number": RESIDENT_ID}

    class Meta:
        ordering = ["-title_year", "name", "id"]
        verbose_name = _("model worker")
        verbose_name_plural = _("model workers")
        indexes = [models.Index(fields=["union", "title_year"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_title_display()}）"


class Honour(models.Model):
    """A May Day honour: a medal to a person, a certificate to a unit, a pioneer title to a team."""

    number = models.CharField(_("honour number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=HonourKind.choices, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=HonourLevel.choices)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    id_number = models.CharField(
        _("resident ID"), max_length=18, blank=True, validators=[validate_resident_id]
    )
    union = models.ForeignKey(
        "unions.GrassrootsUnion", verbose_name=_("union"), on_delete=models.PROTECT, related_name="honours"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"
    personal_fields = {"id_number": RESIDENT_ID}

    class Meta:
        ordering = ["-year", "number"]
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=HonourKind.MEDAL) | Q(id_number=""), name="honour_id_only_for_medal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()} {self.recipient_name}"

    def clean(self) -> None:
        if self.id_number and self.kind and self.kind != HonourKind.MEDAL:
            raise ValidationError(
                {
                    "id_number": _(
                        "Only a May Day Labour Medal goes to a person; leave the resident ID blank "
                        "for a certificate or a Workers' Pioneer title."
                    )
                }
            )


class BenefitPayment(models.Model):
    """A payment to a model worker: honour allowance, hardship subsidy, special aid, condolence."""

    number = models.CharField(_("payment number"), max_length=32, unique=True)
    model_worker = models.ForeignKey(
        ModelWorker, verbose_name=_("model worker"), on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BenefitKind.choices, db_index=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_on = models.DateField(_("paid on"), db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "model_worker__union__region"

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("benefit payment")
        verbose_name_plural = _("benefit payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="benefit_amount_positive")]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()} {self.amount}"


class Recuperation(models.Model):
    """A model worker's recuperation stay (疗休养): at most one per person and year."""

    model_worker = models.ForeignKey(
        ModelWorker, verbose_name=_("model worker"), on_delete=models.PROTECT, related_name="recuperations"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS, db_index=True)
    place = models.CharField(_("place"), max_length=100)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "model_worker__union__region"

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("recuperation")
        verbose_name_plural = _("recuperations")
        constraints = [
            models.UniqueConstraint(fields=["model_worker", "year"], name="recuperation_worker_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.place}"


class InnovationStudio(models.Model):
    """A model worker innovation studio (劳模创新工作室), led by a person given by resident ID."""

    code = models.CharField(_("studio code"), max_length=32, unique=True)
    name = models.CharField(_("studio name"), max_length=200, db_index=True)
    leader_id_number = models.CharField(
        _("leader's resident ID"), max_length=18, validators=[validate_resident_id], db_index=True
    )
    union = models.ForeignKey(
        "unions.GrassrootsUnion", verbose_name=_("union"), on_delete=models.PROTECT, related_name="studios"
    )
    level = models.CharField(_("level"), max_length=16, choices=StudioLevel.choices, db_index=True)
    founded_on = models.DateField(_("founded on"), db_index=True)
    skill_leaders = models.PositiveIntegerField(_("skill leaders"), default=0)
    mentor_pairs = models.PositiveIntegerField(_("mentor pairs"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"
    personal_fields = {"leader_id_number": RESIDENT_ID}

    class Meta:
        ordering = ["code"]
        verbose_name = _("innovation studio")
        verbose_name_plural = _("innovation studios")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Talk(models.Model):
    """A model worker talk (劳模宣讲), counted in the region where it was held."""

    number = models.CharField(_("talk number"), max_length=32, unique=True)
    held_on = models.DateField(_("date"), db_index=True)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    venue_kind = models.CharField(_("venue kind"), max_length=16, choices=VenueKind.choices)
    audience = models.PositiveIntegerField(_("audience"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "region"

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("talk")
        verbose_name_plural = _("talks")

    def __str__(self) -> str:
        return f"{self.number} {self.held_on:%Y-%m-%d}"
