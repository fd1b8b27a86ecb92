"""Reads of the hardship domain: the yearly ``hs.*`` indicators, the province-wide ID look-up
other apps use through the core registry, what the household page asks other domains through
it, and the scoped list/detail selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from apps.core import registry
from apps.core.scoping import REVIEW, VIEW
from apps.core.selectors import Regions, per_region

from .choices import AidKind, Category, Status, Step
from .models import Disbursement, FamilyMember, FilingStep, Household, IdClaim, LivingStandard, Recheck

CENT = Decimal("0.01")


@per_region
def hs_indicators(*, year: int, regions: Regions) -> dict[int, dict[str, int | Decimal]]:
    """Every ``hs.*`` code of INDICATORS.md for each region and everything under it."""
    start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    active = Q(filed_on__isnull=False, filed_on__lte=year_end) & (
        Q(exited_on__isnull=True) | Q(exited_on__gt=year_end)
    )
    hh = regions.totals(
        Household.objects.all(),
        "union__region",
        households=Count("id", filter=active),
        deep=Count("id", filter=active & Q(category=Category.DEEP)),
        filed=Count("id", filter=Q(filed_on__gte=start, filed_on__lte=year_end)),
        exited=Count("id", filter=Q(exited_on__gte=start, exited_on__lte=year_end)),
    )
    aid = regions.totals(
        Disbursement.objects.filter(paid_on__gte=start, paid_on__lte=year_end),
        "household__union__region",
        aided=Count("household", distinct=True),
        amount=Sum("amount"),
        students=Count("id", filter=Q(kind=AidKind.EDUCATION)),
        warmth=Count("household", filter=Q(kind=AidKind.WARMTH), distinct=True),
    )
    return regions.each(_hs_codes, hh, aid)


def _hs_codes(hh: dict, aid: dict) -> dict[str, int | Decimal]:
    return {
        "hs.households": hh["households"],
        "hs.households_deep": hh["deep"],
        "hs.households_filed": hh["filed"],
        "hs.households_exited": hh["exited"],
        "hs.households_aided": aid["aided"],
        "hs.aid_amount": (aid["amount"] or Decimal("0")).quantize(CENT),
        "hs.students_aided": aid["students"],
        "hs.warmth_households": aid["warmth"],
    }


def hardship_id_numbers(id_numbers: Iterable[str], *, user: Any = None) -> set[str]:
    """The IDs among those given that are head or member of a filed, not exited household
    anywhere in the province (one query on the comparison keys). Contributed to the core
    registry as the ``hardship_household`` flag; ``user`` is not used, as the information
    comparison spans the province and the flag says only yes or no."""
    ids = {i for i in id_numbers if i}
    if not ids:
        return set()
    return set(IdClaim.objects.filter(id_number__in=ids).values_list("id_number", flat=True))


def model_worker_among(id_numbers: Iterable[str], *, user: Any = None) -> bool:
    """Whether any of these IDs (a household's head and members) is a model worker: asked
    through the core registry, which the model workers domain answers."""
    return bool(registry.holders(registry.MODEL_WORKER, id_numbers, user=user))


def services_received(id_numbers: Iterable[str], *, user: Any) -> list[registry.ResidentRecord]:
    """The relief payments and warmth visits these IDs (a household's head and members)
    received from the worker-services registers, newest first, those the user may see: one
    query, asked through the core registry, which the worker-services domain answers."""
    return registry.records_for(registry.SERVICES_RECEIVED, id_numbers, user=user)


# Lists and details ---------------------------------------------------------------------


def objection_open_q() -> Q:
    """The filing steps that are an objection not followed by a new public notice."""
    latest_notice = (
        FilingStep.objects.filter(household=OuterRef("household"), step=Step.NOTICE)
        .values("household")
        .annotate(last=Max("id"))
        .values("last")
    )
    return Q(step=Step.OBJECTION, id__gt=Coalesce(Subquery(latest_notice), Value(0)))


def with_objection_state(queryset: QuerySet[Household]) -> QuerySet[Household]:
    """Households annotated with ``objection_open`` (services.objection_open reads it: a list
    asks no query per row)."""
    return queryset.annotate(
        objection_open=Exists(FilingStep.objects.filter(household=OuterRef("pk")).filter(objection_open_q()))
    )


def household_list(*, user: Any, action: str = VIEW) -> QuerySet[Household]:
    return Household.objects.restrict(user, action).select_related("union__region")


def household_detail(*, user: Any, pk: int) -> Household:
    return household_list(user=user).get(pk=pk)


def household_members(household: Household) -> QuerySet[FamilyMember]:
    return FamilyMember.objects.filter(household=household).order_by("id")


def household_steps(household: Household) -> QuerySet[FilingStep]:
    return FilingStep.objects.filter(household=household).select_related("user").order_by("at", "id")


def household_rechecks(household: Household) -> QuerySet[Recheck]:
    return Recheck.objects.filter(household=household).select_related("user")


def household_lineage(household: Household) -> list[Household]:
    """The earlier filings of the same household (re-entries keep the history), newest first."""
    chain, node = [], household.previous
    while node is not None:
        chain.append(node)
        node = node.previous
    return chain


def review_queue(*, user: Any) -> QuerySet[Household]:
    """Households in public notice that the user may review (prefecture/province above)."""
    return with_objection_state(
        Household.objects.restrict(user, REVIEW)
        .filter(status=Status.NOTICE)
        .select_related("union__region", "created_by")
        .order_by("notice_ends_on", "id")
    )


def recheck_due(*, user: Any, today: dt.date | None = None) -> QuerySet[Household]:
    """Filed households not re-checked (or filed) in the last 12 months."""
    today = today or timezone.localdate()
    try:
        cutoff = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - 1, day=28)
    return (
        household_list(user=user)
        .filter(status=Status.FILED)
        .filter(Q(last_checked_on__isnull=True) | Q(last_checked_on__lte=cutoff))
        .order_by("last_checked_on", "id")
    )


def disbursement_list(*, user: Any, action: str = VIEW) -> QuerySet[Disbursement]:
    return Disbursement.objects.restrict(user, action).select_related("household__union__region")


def household_ledger(household: Household) -> QuerySet[Disbursement]:
    return Disbursement.objects.filter(household=household).order_by("-paid_on", "-id")


def household_yearly_totals(household: Household) -> list[dict[str, Any]]:
    """Aid per year for one household: [{"year": 2024, "total": Decimal, "count": n}, ...]."""
    return list(
        Disbursement.objects.filter(household=household)
        .annotate(year=ExtractYear("paid_on"))
        .values("year")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("-year")
    )


def living_standard_list(*, user: Any) -> QuerySet[LivingStandard]:
    return LivingStandard.objects.select_related("region")


# What waits for the user: the home page's work queues (apps.core.work, contributed in apps.py) --

from apps.core import work as _work  # noqa: E402
from apps.core.choices import Role as _Role  # noqa: E402
from apps.core.scoping import CHANGE as _CHANGE  # noqa: E402

from .decisions import DECISION_FIELDS as _DECISION_FIELDS  # noqa: E402
from .decisions import HOUSEHOLD_RECHECK as _HOUSEHOLD_RECHECK  # noqa: E402
from .decisions import HOUSEHOLD_REVIEW as _HOUSEHOLD_REVIEW  # noqa: E402

# The statuses whose next step county staff take (visit ... post the public notice), in order.
WORK_STEP_STATUSES = (
    Status.NEW,
    Status.VISITED,
    Status.INSPECTED,
    Status.CALCULATED,
    Status.DELIBERATED,
    Status.EVALUATED,
)


def hardship_work_step(user: Any, status: str) -> int:
    """Households of the user's county whose next filing step (the one after ``status``) the
    user may take: any county clerk of the county (CHANGE scope), no four eyes on these steps.
    The filing is the county's work: an administrator may step in, but it does not wait on them.
    Exact, one query."""
    if not _work.takes(user, (_Role.COUNTY,)):
        return 0
    return _work.capped_count(household_list(user=user, action=_CHANGE).filter(status=status))


def _step_count(status: str) -> Any:
    def count(user: Any) -> int:
        return hardship_work_step(user, status)

    count.__name__ = count.__qualname__ = f"hardship_work_step_{status}"
    return count


# One count function per step, made once (a queue contributed again must bring the same function).
hardship_work_steps = {status: _step_count(status) for status in WORK_STEP_STATUSES}


def hardship_work_reviews(user: Any, *, today: dt.date | None = None) -> int:
    """Households ``HOUSEHOLD_REVIEW`` lets the user review now: in the review queue (public
    notice, prefecture or province above the county), the notice ended, no objection open
    (``services.review_waits``), not entered by the user, and not edited by the user — the last
    content editor is read from the audit trail per household on the page; here one query
    excludes every household the user ever edited (``work.content_edited_by``), which may leave
    out one a colleague edited later, never count one four eyes refuses."""
    if not _work.takes(user, _HOUSEHOLD_REVIEW.roles):
        return 0
    today = today or timezone.localdate()
    return _work.capped_count(
        review_queue(user=user)
        .filter(objection_open=False)
        .filter(Q(notice_ends_on__isnull=True) | Q(notice_ends_on__lt=today))
        .exclude(created_by=user)
        .exclude(_work.content_edited_by(user, Household, ignore_fields=_DECISION_FIELDS))
    )


def hardship_work_rechecks(user: Any) -> int:
    """Filed households due for their annual re-check (``recheck_due``) that
    ``HOUSEHOLD_RECHECK`` lets the user re-check: county staff of the county, not whoever
    entered the household. Exact, one query."""
    if not _work.takes(user, _HOUSEHOLD_RECHECK.roles):
        return 0
    return _work.capped_count(recheck_due(user=user).restrict(user, _CHANGE).exclude(created_by=user))
