"""Reads of the competitions domain: the yearly ``comp.*`` indicators, then list/detail selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from apps.core.models import Region
from apps.core.scoping import VIEW, scope_region_ids
from apps.core.selectors import Regions, per_region
from apps.unions.public import GrassrootsUnion

from .choices import CompetitionKind, Grade, InnovationKind
from .models import Competition, InnovationAchievement, Participation


@per_region
def comp_indicators(*, year: int, regions: Regions) -> dict[int, dict[str, int]]:
    """Every ``comp.*`` code of INDICATORS.md for each region and everything under it.

    Competitions count by their organizer region; participations and achievements by the
    region of their union, wherever the competition was organized.
    """
    started = Q(start_date__gte=dt.date(year, 1, 1), start_date__lte=dt.date(year, 12, 31))
    comps = regions.totals(
        Competition.objects.all(),
        "organizer_region",
        competitions=Count("id", filter=started),
        skill=Count("id", filter=started & Q(kind=CompetitionKind.SKILL)),
    )
    p_started = Q(
        competition__start_date__gte=dt.date(year, 1, 1), competition__start_date__lte=dt.date(year, 12, 31)
    )
    skill = p_started & Q(competition__kind=CompetitionKind.SKILL)
    ankang = p_started & Q(competition__kind=CompetitionKind.ANKANG)
    parts = regions.totals(
        Participation.objects.all(),
        "union__region",
        units=Count("id", filter=p_started),
        workers=Sum("participating_workers", filter=p_started, default=0),
        skill_workers=Sum("participating_workers", filter=skill, default=0),
        promoted=Sum("promoted_workers", filter=p_started, default=0),
        ankang_units=Count("id", filter=ankang),
        ankang_workers=Sum("participating_workers", filter=ankang, default=0),
    )
    innov = regions.totals(
        InnovationAchievement.objects.filter(year=year),
        "union__region",
        achievements=Count("id", filter=Q(kind=InnovationKind.ACHIEVEMENT)),
        methods=Count("id", filter=Q(kind=InnovationKind.METHOD)),
        special=Count("id", filter=Q(grade=Grade.SPECIAL)),
        first=Count("id", filter=Q(grade=Grade.FIRST)),
    )
    return regions.each(_comp_codes, comps, parts, innov)


def _comp_codes(comps: dict, parts: dict, innov: dict) -> dict[str, int]:
    return {
        "comp.competitions": comps["competitions"],
        "comp.participating_units": parts["units"],
        "comp.participating_workers": parts["workers"],
        "comp.skill_contests": comps["skill"],
        "comp.skill_contest_workers": parts["skill_workers"],
        "comp.promoted_workers": parts["promoted"],
        "comp.ankang_units": parts["ankang_units"],
        "comp.ankang_workers": parts["ankang_workers"],
        "comp.innovations": innov["achievements"],
        "comp.operating_methods": innov["methods"],
        "comp.innovation_awards_special": innov["special"],
        "comp.innovation_awards_first": innov["first"],
    }


# List and detail selectors ---------------------------------------------------------------


def competition_list(*, user: Any, action: str = VIEW) -> QuerySet[Competition]:
    return Competition.objects.restrict(user, action).select_related("organizer_region")


def participation_list(*, user: Any, action: str = VIEW) -> QuerySet[Participation]:
    return Participation.objects.restrict(user, action).select_related(
        "competition", "competition__organizer_region", "union", "union__region"
    )


def innovation_list(*, user: Any, action: str = VIEW) -> QuerySet[InnovationAchievement]:
    return InnovationAchievement.objects.restrict(user, action).select_related("union", "union__region")


def competition_participations(*, competition: Competition, user: Any) -> QuerySet[Participation]:
    """The participations of one competition that the user may see (their own units')."""
    return participation_list(user=user).filter(competition=competition).order_by("union__code")


def competition_totals(*, competition: Competition, user: Any) -> dict[str, int]:
    """Units, participating and promoted workers of one competition, over what the user sees."""
    return competition_participations(competition=competition, user=user).aggregate(
        units=Count("id"),
        workers=Sum("participating_workers", default=0),
        promoted=Sum("promoted_workers", default=0),
    )


def union_in_scope(*, user: Any, union_id: int) -> GrassrootsUnion | None:
    """A union the user may see (by the union's region), else None."""
    return GrassrootsUnion.objects.restrict(user, VIEW).select_related("region").filter(pk=union_id).first()


def union_competition_summary(*, union: GrassrootsUnion) -> dict[str, int]:
    parts = Participation.objects.filter(union=union).aggregate(
        competitions=Count("id"),
        workers=Sum("participating_workers", default=0),
        promoted=Sum("promoted_workers", default=0),
    )
    innov = InnovationAchievement.objects.filter(union=union).aggregate(
        achievements=Count("id", filter=Q(kind=InnovationKind.ACHIEVEMENT)),
        methods=Count("id", filter=Q(kind=InnovationKind.METHOD)),
    )
    return {**parts, **innov}


def organizer_regions(*, user: Any, action: str = "change") -> QuerySet[Region]:
    """The regions a user may organize competitions in (any level of their subtree)."""
    ids = scope_region_ids(user, action, Competition)
    if ids is None:
        return Region.objects.all()
    return Region.objects.filter(pk__in=ids)
