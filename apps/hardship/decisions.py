"""Who decides what on a hardship filing, declared once with ``apps.core.decisions``, and who
sees a household's personal data because of such a duty.

- ``HOUSEHOLD_REVIEW`` (审核): prefecture or province staff above the household's county
  (REVIEW scope). Never the user who entered the household (``created_by``) nor whoever
  last changed its contents (the audit trail; the status and dates that the steps
  themselves write do not count). Approving files the household; sending it back returns
  the filing to deliberation (评议).
- ``HOUSEHOLD_RECHECK`` (年度复核) and ``HOUSEHOLD_EXIT`` (解困脱困): county staff of the
  household's county (CHANGE scope), never the user who entered the household.

Services call ``step.check(user, household)``; pages and the API show an action only where
``step.allows(user, household)`` and otherwise say why with ``step.refusal(...)``.

Personal data (``register_personal_grants``, called once from ``HardshipConfig.ready``): a
reviewer sees the incomes and resident IDs of a household in full while it waits for their
review (public notice or after it), and the clerk who entered a household sees them while
the filing is still in progress. Every full view is recorded by ``apps.core.personal``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from apps.core import personal
from apps.core.decisions import DecisionStep, cached_last_editor_id, prefetch_last_editors
from apps.core.scoping import VIEW, user_may

from .choices import IN_PROGRESS, Status
from .models import FamilyMember, Household

# Fields written by the steps and decisions themselves: changing them is deciding, not
# editing the household's contents, so they do not make anyone its last editor.
DECISION_FIELDS = (
    "status",
    "notice_ends_on",
    "filed_on",
    "last_checked_on",
    "exited_on",
    "exit_reason",
)


def _region(household: Household) -> int | None:
    return household.union.region_id


def review_excluded(household: Household) -> set[int | None]:
    """Who may never review the household: who entered it and who last changed its contents."""
    # cached per household: a list reads every page's editors at once (prefetch_review_editors)
    return {household.created_by_id, cached_last_editor_id(household, ignore_fields=DECISION_FIELDS)}


def prefetch_review_editors(households: list[Household]) -> None:
    """``review_excluded``'s reading of the audit trail for a page of households, one query."""
    prefetch_last_editors(households, ignore_fields=DECISION_FIELDS)


def _entered_by(household: Household) -> set[int | None]:
    return {household.created_by_id}


# Every step is judged by the household's region under the household's scope rules.
_ON_HOUSEHOLD = {"region_of": _region, "scope_model": Household}
HOUSEHOLD_REVIEW = DecisionStep.above_county(
    "hardship_review", _("review the hardship household"), excluded=review_excluded, **_ON_HOUSEHOLD
)
HOUSEHOLD_RECHECK = DecisionStep.by_county(
    "hardship_recheck", _("re-check the hardship household"), excluded=_entered_by, **_ON_HOUSEHOLD
)
HOUSEHOLD_EXIT = HOUSEHOLD_RECHECK.but("hardship_exit", _("decide the household's exit from hardship"))


# Personal data ------------------------------------------------------------------------------

_CACHE = "_hardship_personal_grant"


def sees_personal_data(user: Any, household: Household) -> bool:
    """Whether a duty on this household lets ``user`` see its personal data in full: the
    reviewer while it is in the review stage, the clerk who entered it while it is in progress.

    Asked once per field shown, so the answer is kept on the household object (one request's
    copy) for the user and the status it was given for."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    key = (user.pk, household.status)
    cache = household.__dict__.setdefault(_CACHE, {})
    if key not in cache:
        cache[key] = _sees(user, household)
    return cache[key]


def _sees(user: Any, household: Household) -> bool:
    if (
        household.created_by_id is not None
        and household.created_by_id == user.pk
        and household.status in IN_PROGRESS
        and user_may(user, VIEW, household.union.region_id, Household)
    ):
        return True
    return household.status == Status.NOTICE and HOUSEHOLD_REVIEW.allows(user, household)


def _member_rule(user: Any, member: FamilyMember) -> bool:
    return sees_personal_data(user, member.household)


_registered = False


def register_personal_grants() -> None:
    """Register the grants with ``apps.core.personal`` (once per process)."""
    global _registered
    if _registered:
        return
    personal.grant(Household, sees_personal_data)
    personal.grant(FamilyMember, _member_rule)
    _registered = True
