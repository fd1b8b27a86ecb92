"""Reads of mutual medical insurance: the yearly ``ins.*`` indicators, then scoped lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core.scoping import VIEW
from apps.core.selectors import Regions, per_region

from .choices import ClaimStatus
from .models import Claim, Coverage, Enrollment, Plan

FEN = Decimal("0.01")


def _money(value: Decimal | None) -> Decimal:
    return (value or Decimal("0")).quantize(FEN)


@per_region
def ins_indicators(*, year: int, regions: Regions) -> dict[int, dict[str, int | Decimal]]:
    """Every ``ins.*`` code of INDICATORS.md for each region and everything under it.

    Enrollments and claims belong to the region of the enrolled unit. ``ins.units`` and
    ``ins.covered_workers`` are distinct counts (a person counts once, by resident ID).
    """
    coverage = regions.totals(
        Coverage.objects.filter(plan__year=year),
        "union__region",
        units=Count("union", distinct=True),
        workers=Count("member__id_number", distinct=True),
        contributions=Sum("plan__fee"),
    )
    paid = regions.totals(
        Claim.objects.filter(
            status=ClaimStatus.PAID, paid_on__gte=dt.date(year, 1, 1), paid_on__lte=dt.date(year, 12, 31)
        ),
        "coverage__union__region",
        claims=Count("id"),
        amount=Sum("payout"),
    )
    return regions.each(_ins_codes, coverage, paid)


def _ins_codes(coverage: dict, paid: dict) -> dict[str, int | Decimal]:
    return {
        "ins.units": coverage["units"],
        "ins.covered_workers": coverage["workers"],
        "ins.contributions": _money(coverage["contributions"]),
        "ins.claims_paid": paid["claims"],
        "ins.payout_amount": _money(paid["amount"]),
    }


# Lists and details ---------------------------------------------------------------------------


def plan_list(*, user: Any, action: str = VIEW) -> QuerySet[Plan]:
    return Plan.objects.restrict(user, action)


def with_contribution(qs: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Annotates ``covered_count`` and ``contribution`` (covered members × fee), in SQL."""
    counts = (
        Coverage.objects.filter(plan_id=OuterRef("plan_id"), union_id=OuterRef("union_id"))
        .order_by()
        .values("plan_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    covered = Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))
    return qs.annotate(covered_count=covered).annotate(
        contribution=ExpressionWrapper(
            F("covered_count") * F("plan__fee"), output_field=DecimalField(max_digits=14, decimal_places=2)
        )
    )


def enrollment_list(*, user: Any, action: str = VIEW) -> QuerySet[Enrollment]:
    return with_contribution(
        Enrollment.objects.restrict(user, action).select_related("plan", "union__region")
    )


def enrollment_contribution(enrollment: Enrollment) -> tuple[int, Decimal]:
    """(covered members, contribution) of one enrollment."""
    n = enrollment.coverages.count()
    return n, _money(enrollment.plan.fee * n)


def enrollment_members(enrollment: Enrollment) -> QuerySet[Coverage]:
    return enrollment.coverages.select_related("member", "plan").order_by("member__name", "id")


def coverage_list(*, user: Any, action: str = VIEW) -> QuerySet[Coverage]:
    return Coverage.objects.restrict(user, action).select_related("plan", "union", "member")


CLAIM_RELATED = (
    "coverage__plan",
    "coverage__union__region",
    "coverage__member",
    "decided_by",
    "submitted_by",
    "reviewed_by",
    "approved_by",
)


def claim_list(*, user: Any, action: str = VIEW) -> QuerySet[Claim]:
    """Claims in the user's scope with what their pages and decision rules read. Who may take
    a claim's next step is not a matter of scope alone: see ``apps.insurance.decisions``."""
    return Claim.objects.restrict(user, action).select_related(*CLAIM_RELATED)


def claim_review_queue(*, user: Any, status: str) -> QuerySet[Claim]:
    return claim_list(user=user).filter(status=status).order_by("discharged_on", "id")  # index "queue"


def statement_rows(*, user: Any, year: int | None = None, plan: Plan | None = None) -> QuerySet[Enrollment]:
    """The contribution statement: one row per enrollment with covered members and amount."""
    qs = enrollment_list(user=user)
    if year is not None:
        qs = qs.filter(plan__year=year)
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.order_by("plan__code", "union__code")


def insured_id_numbers(
    id_numbers: Iterable[str], *, user: Any = None, today: dt.date | None = None
) -> set[str]:
    """The IDs among those given whose member is covered today by a mutual medical insurance
    plan (within the plan period, and from ``covered_from`` for a late enrollment), anywhere
    in the province: one query. Contributed to the core registry as the ``insured`` flag;
    ``user`` is not used, as the flag says only yes or no, province-wide."""
    ids = {i for i in id_numbers if i}
    if not ids:
        return set()
    today = today or timezone.localdate()
    return set(
        Coverage.objects.filter(
            member__id_number__in=ids, plan__coverage_start__lte=today, plan__coverage_end__gte=today
        )
        .filter(Q(covered_from__isnull=True) | Q(covered_from__lte=today))
        .values_list("member__id_number", flat=True)
    )


# What waits for the user: the home page's work queues (apps.core.work, contributed in apps.py) --

from apps.core import work as _work  # noqa: E402
from apps.core.scoping import CHANGE as _CHANGE  # noqa: E402
from apps.core.scoping import REVIEW as _REVIEW  # noqa: E402

from .choices import ReviewMode as _ReviewMode  # noqa: E402
from .decisions import CLAIM_APPROVE as _CLAIM_APPROVE  # noqa: E402
from .decisions import CLAIM_PAY as _CLAIM_PAY  # noqa: E402
from .decisions import CLAIM_REVIEW as _CLAIM_REVIEW  # noqa: E402
from .decisions import DECISION_FIELDS as _CLAIM_DECISION_FIELDS  # noqa: E402


def _claims_to_decide(user: Any, status: str) -> QuerySet[Claim]:
    """Claims of ``status`` in the user's REVIEW scope that the user neither submitted nor
    edited. The last content editor is read from the audit trail per claim on the queue page;
    here one query excludes every claim the user ever edited (``work.content_edited_by``), which
    may leave out one a colleague edited later, never count one four eyes refuses."""
    return (
        claim_list(user=user, action=_REVIEW)
        .filter(status=status)
        .exclude(submitted_by=user)
        .exclude(_work.content_edited_by(user, Claim, ignore_fields=_CLAIM_DECISION_FIELDS))
    )


def insurance_work_to_review(user: Any) -> int:
    """Submitted claims ``CLAIM_REVIEW`` lets the user review: prefecture or province staff
    above the claim's county, not its filer nor its editor. One query."""
    if not _work.takes(user, _CLAIM_REVIEW.roles):
        return 0
    return _work.capped_count(_claims_to_decide(user, ClaimStatus.SUBMITTED))


def insurance_work_to_approve(user: Any) -> int:
    """Reviewed claims ``CLAIM_APPROVE`` lets the user approve: as for the review, and on a
    double-review plan not the claim's reviewer. One query."""
    if not _work.takes(user, _CLAIM_APPROVE.roles):
        return 0
    return _work.capped_count(
        _claims_to_decide(user, ClaimStatus.REVIEWED).exclude(
            coverage__plan__review_mode=_ReviewMode.DOUBLE, reviewed_by=user
        )
    )


def insurance_work_to_pay(user: Any) -> int:
    """Approved claims ``CLAIM_PAY`` lets the user pay: county staff of the claim's county
    (CHANGE scope). Exact, one query."""
    if not _work.takes(user, _CLAIM_PAY.roles):
        return 0
    return _work.capped_count(claim_list(user=user, action=_CHANGE).filter(status=ClaimStatus.APPROVED))
