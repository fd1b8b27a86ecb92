"""Writes of the competitions domain: competitions, participations, innovation achievements.

Every function is keyword-only, validates, runs in one transaction, writes the audit trail
through the core helpers and raises ``ApplicationError`` with a message a clerk can act on.
``user=None`` means a trusted system caller (management command, task): no scope check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.cleaning import check_known_fields, check_unique, clean_choice, field_error
from apps.core.exceptions import ApplicationError
from apps.core.models import Region
from apps.core.proposals import proposable
from apps.core.scoping import VIEW
from apps.core.services import (
    check_may_change,
    check_may_update,
    checked_delete,
    clean_choices,
    model_create,
    model_delete,
    model_update,
    strip_texts,
)
from apps.unions.public import GrassrootsUnion

from .choices import CompetitionKind, Grade, InnovationKind
from .models import Competition, InnovationAchievement, Participation

# Competitions ----------------------------------------------------------------------------

COMPETITION_FIELDS = ("code", "name", "kind", "organizer_region", "theme", "start_date", "end_date")


def _check_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    message = _("Competition code %(code)s already exists.") % {"code": code}
    check_unique(Competition, "code", code, message, exclude_pk=exclude_pk)


@transaction.atomic
def competition_create(
    *,
    code: str,
    name: str,
    kind: str,
    organizer_region: Region,
    start_date: dt.date,
    end_date: dt.date,
    user: Any,
    theme: str = "",
) -> Competition:
    """Register a competition organized by a region the user may change."""
    code = (code or "").strip().upper()
    check_may_change(user, organizer_region.pk if organizer_region else None, Competition)
    _check_code_free(code)
    return model_create(
        Competition,
        user=user,
        code=code,
        name=(name or "").strip(),
        kind=clean_choice(kind, CompetitionKind, "kind"),
        organizer_region=organizer_region,
        theme=(theme or "").strip(),
        start_date=start_date,
        end_date=end_date,
    )


@transaction.atomic
def competition_update(*, competition: Competition, user: Any, **changes: Any) -> Competition:
    """Change a competition; the user must cover its organizer region (old and new)."""
    check_known_fields(changes, COMPETITION_FIELDS)
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    check_may_update(user, Competition, competition.organizer_region_id, changes, moved_by="organizer_region")
    clean_choices(changes, {"kind": CompetitionKind})
    if "code" in changes:
        changes["code"] = (changes["code"] or "").strip().upper()
        _check_code_free(changes["code"], exclude_pk=competition.pk)
    strip_texts(changes, "name", "theme")
    return model_update(competition, user=user, **changes)[0]


@transaction.atomic
def competition_delete(*, competition: Competition, user: Any) -> None:
    """Delete a competition that no unit takes part in any more."""
    check_may_change(user, competition.organizer_region_id, Competition)
    if competition.participations.exists():
        raise ApplicationError(
            _("The competition %(name)s still has participations; remove them first.")
            % {"name": competition.name}
        )
    model_delete(competition, user=user)


# Participations --------------------------------------------------------------------------

PARTICIPATION_FIELDS = ("participating_workers", "promoted_workers", "award")


def _check_counts(participating_workers: int | None, promoted_workers: int | None) -> None:
    """Both counts are whole numbers of 0 or more. Promoted workers may exceed the
    participating ones (the province's files have such units; pages flag them)."""
    if participating_workers is None or participating_workers < 0:
        raise field_error("participating_workers", _("Enter a number of workers of 0 or more."))
    if promoted_workers is None or promoted_workers < 0:
        raise field_error("promoted_workers", _("Enter a number of workers of 0 or more."))


@proposable(gettext_lazy("Register a competition participation"), model=Participation)
@transaction.atomic
def participation_create(
    *,
    competition: Competition,
    union: GrassrootsUnion,
    participating_workers: int,
    user: Any,
    promoted_workers: int = 0,
    award: str = "",
) -> Participation:
    """Register a unit of the user's scope in a competition the user can see (its own
    region's, one organized above it, or one its units already take part in)."""
    check_may_change(user, union.region_id, Participation)
    if user is not None and not Competition.objects.restrict(user, VIEW).filter(pk=competition.pk).exists():
        raise field_error("competition", _("The competition is not in your scope."))
    _check_counts(participating_workers, promoted_workers)
    # Registrations for one competition queue on its row, so the duplicate check below
    # sees a simultaneous registration of the same unit (the unique constraint backs it up).
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if Participation.objects.filter(competition=competition, union=union).exists():
        raise field_error(
            "union",
            _("%(union)s already takes part in %(competition)s.")
            % {"union": union.name, "competition": competition.name},
        )
    return model_create(
        Participation,
        user=user,
        competition=competition,
        union=union,
        participating_workers=participating_workers,
        promoted_workers=promoted_workers,
        award=(award or "").strip(),
    )


@transaction.atomic
def participation_update(*, participation: Participation, user: Any, **changes: Any) -> Participation:
    """Correct the figures or the award of a participation (not its competition or unit)."""
    check_known_fields(changes, PARTICIPATION_FIELDS)
    participation = Participation.objects.select_for_update().select_related("union").get(pk=participation.pk)
    check_may_change(user, participation.union.region_id, Participation)
    _check_counts(
        changes.get("participating_workers", participation.participating_workers),
        changes.get("promoted_workers", participation.promoted_workers),
    )
    strip_texts(changes, "award")
    return model_update(participation, user=user, **changes)[0]


def participation_delete(*, participation: Participation, user: Any) -> None:
    checked_delete(participation, user=user, region_id=participation.union.region_id)


# Innovation achievements -----------------------------------------------------------------

INNOVATION_FIELDS = ("number", "name", "kind", "union", "year", "authors", "grade", "recommended_nationally")


def _check_number_free(number: str, *, exclude_pk: int | None = None) -> None:
    message = _("Achievement number %(number)s already exists.") % {"number": number}
    check_unique(InnovationAchievement, "number", number, message, exclude_pk=exclude_pk)


@transaction.atomic
def innovation_create(
    *,
    number: str,
    name: str,
    kind: str,
    union: GrassrootsUnion,
    year: int,
    user: Any,
    authors: str = "",
    grade: str = "",
    recommended_nationally: bool = False,
) -> InnovationAchievement:
    """Record an innovation achievement or advanced operating method of a union."""
    number = (number or "").strip().upper()
    check_may_change(user, union.region_id, InnovationAchievement)
    _check_number_free(number)
    return model_create(
        InnovationAchievement,
        user=user,
        number=number,
        name=(name or "").strip(),
        kind=clean_choice(kind, InnovationKind, "kind"),
        union=union,
        year=year,
        authors=(authors or "").strip(),
        grade=clean_choice(grade, Grade, "grade", blank=True),
        recommended_nationally=bool(recommended_nationally),
    )


@transaction.atomic
def innovation_update(
    *, innovation: InnovationAchievement, user: Any, **changes: Any
) -> InnovationAchievement:
    check_known_fields(changes, INNOVATION_FIELDS)
    innovation = (
        InnovationAchievement.objects.select_for_update().select_related("union").get(pk=innovation.pk)
    )
    check_may_update(user, InnovationAchievement, innovation.union.region_id, changes)
    clean_choices(changes, {"kind": InnovationKind})
    if "grade" in changes:
        changes["grade"] = clean_choice(changes["grade"] or "", Grade, "grade", blank=True)
    if "number" in changes:
        changes["number"] = (changes["number"] or "").strip().upper()
        _check_number_free(changes["number"], exclude_pk=innovation.pk)
    strip_texts(changes, "name", "authors")
    return model_update(innovation, user=user, **changes)[0]


def innovation_delete(*, innovation: InnovationAchievement, user: Any) -> None:
    checked_delete(innovation, user=user, region_id=innovation.union.region_id)
