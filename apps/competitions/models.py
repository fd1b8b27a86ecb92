"""Models of labour and skill competitions (DOMAIN.md section 2).

Scoping:
- a ``Participation`` and an ``InnovationAchievement`` belong to the region of their union;
- a ``Competition`` belongs to its organizer region (any level: province, prefecture,
  county, township) — see ``CompetitionQuerySet.restrict`` for who may *see* one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import VIEW, ScopedQuerySet, is_union_user, scope_region_ids, union_scope_ids

from .choices import CompetitionKind, Grade, InnovationKind


class CompetitionQuerySet(ScopedQuerySet):
    """Who may see a competition, and who may change it.

    ``Competition.scope_rules`` keeps the core defaults, keyed on the organizer region:
    county staff CHANGE (and prefecture staff REVIEW) only the competitions organized in
    their own subtree; provincial staff and administrators see everything.

    Seeing (VIEW) is wider, because competitions are public campaigns that units of lower
    levels join: a user also sees

    * the competitions organized by the regions *above* their own (the province's and
      their prefecture's), so county staff can register their units' participations in
      them and open their pages, and
    * any competition in which a unit of their subtree participates (for instance one
      organized by a neighbouring county).

    The competition page then shows only the participations the user may see (those of
    units in their own subtree), since participations are scoped by the union's region.
    A competition of another county with no unit of theirs stays invisible (a 404).

    Why not only ``scope_rules``: a rule gives a role either ALL or SUBTREE. VIEW = ALL for
    county staff would show every county's competitions to every county; VIEW = SUBTREE
    would hide the provincial competitions their units take part in. So the rules stay the
    defaults (they decide CHANGE/REVIEW, and the VIEW base set) and this method widens VIEW.
    """

    def restrict(self, user: Any, action: str = VIEW) -> CompetitionQuerySet:
        if is_union_user(user):
            # a grassroots union sees the competitions it takes part in and those organized
            # above it (to register a participation); it changes none
            if action != VIEW or not union_scope_ids(user):
                return self.none()
            codes = [c for c in (user.region.path if user.region_id else "").strip("/").split("/") if c]
            joined = Participation.objects.filter(union_id__in=union_scope_ids(user)).values("competition_id")
            return self.filter(Q(organizer_region__code__in=codes) | Q(pk__in=joined))
        ids = scope_region_ids(user, action, self.model)
        if ids is None:
            return self
        if action != VIEW or not ids:
            return super().restrict(user, action)
        from apps.core.models import Region

        codes = [c for c in (user.region.path if user.region_id else "").strip("/").split("/") if c]
        ancestors = Region.objects.filter(code__in=codes).values("id")
        joined = Participation.objects.filter(union__region_id__in=ids).values("competition_id")
        return self.filter(
            Q(organizer_region_id__in=ids) | Q(organizer_region_id__in=ancestors) | Q(pk__in=joined)
        )


class Competition(models.Model):
    """A labour or skill competition (劳动竞赛), organized by a region at any level."""

    code = models.CharField(_("competition code"), max_length=32, unique=True)
    name = models.CharField(_("competition name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CompetitionKind.choices, db_index=True)
    organizer_region = models.ForeignKey(
        "core.Region", verbose_name=_("organizer region"), on_delete=models.PROTECT, related_name="+"
    )
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), db_index=True)
    end_date = models.DateField(_("end date"))

    objects = CompetitionQuerySet.as_manager()
    scope_region_lookup = "organizer_region"
    # a grassroots union sees those it takes part in and those organized above it (the queryset)
    scope_union_lookup = "participations__union"
    scope_rules: dict = {}  # the core defaults; VIEW is widened in CompetitionQuerySet.restrict

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        indexes = [models.Index(fields=["organizer_region", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="competition_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class Participation(models.Model):
    """A unit (grassroots union) taking part in a competition, with its workers and the
    workers promoted a technical grade (晋升技术等级) through it."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.PROTECT, related_name="participations"
    )
    union = models.ForeignKey(
        "unions.GrassrootsUnion",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="competition_participations",
    )
    participating_workers = models.PositiveIntegerField(_("participating workers"), default=0)
    promoted_workers = models.PositiveIntegerField(_("workers promoted a technical grade"), default=0)
    award = models.CharField(_("award"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"
    scope_union_lookup = "union"  # what a grassroots union user sees

    class Meta:
        ordering = ["competition", "union"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["competition", "union"], name="participation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.competition.name} · {self.union.name}"

    @property
    def promoted_exceeds_participating(self) -> bool:
        """Shown as a warning, not refused: the province's own files report units whose
        promotions (e.g. from the training campaign around a contest) exceed the workers
        who competed, and IMPORT.md does not make it an error."""
        return self.promoted_workers > self.participating_workers


class InnovationAchievement(models.Model):
    """A workers' technical innovation achievement (职工技术创新成果) or an advanced
    operating method (先进操作法) of a union, for a year, possibly with an award grade."""

    number = models.CharField(_("achievement number"), max_length=32, unique=True)
    name = models.CharField(_("achievement title"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=InnovationKind.choices, db_index=True)
    union = models.ForeignKey(
        "unions.GrassrootsUnion",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), db_index=True, validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    authors = models.CharField(_("authors"), max_length=200, blank=True)
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices, blank=True)
    recommended_nationally = models.BooleanField(_("recommended nationally"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_region_lookup = "union__region"

    class Meta:
        ordering = ["-year", "number"]
        verbose_name = _("innovation achievement")
        verbose_name_plural = _("innovation achievements")

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"
