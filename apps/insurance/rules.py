"""The rules of mutual medical insurance, as pure ``clean_*`` functions (the payout itself is
``payout.plan_payout``). The services run them before a write, the import runs them on every
row (``ImportResource.check_rule``) and the models' ``clean()`` holds a record to them, so a
plan, a coverage or a claim is refused for the same reason, with the same message, whichever
door it comes through.

A ``clean_*`` raises ``ValidationError`` with a message per field; none touches the database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import ClaimStatus

# The terms a payout is computed from: frozen once a claim under the plan has been paid.
PAYOUT_TERMS = ("coverage_start", "coverage_end", "deductible", "ratio", "cap_per_claim", "cap_per_year")


# Plans -------------------------------------------------------------------------------------


def clean_plan_period(
    *, year: int | None, coverage_start: dt.date | None, coverage_end: dt.date | None
) -> None:
    """The coverage of a plan of a year starts in that year and does not end before it starts."""
    errors: dict[str, str] = {}
    if coverage_start and coverage_end and coverage_end < coverage_start:
        errors["coverage_end"] = _("The coverage end cannot be before its start.")
    if year and coverage_start and coverage_start.year != year:
        errors["coverage_start"] = _("The coverage of a plan of %(year)s must start in %(year)s.") % {
            "year": year
        }
    if errors:
        raise ValidationError(errors)


def clean_plan_terms_change(*, plan: Any, changes: dict[str, Any], paid: bool) -> None:
    """Once a claim under ``plan`` has been paid (``paid``), its payout terms stay as they were."""
    changed = [f for f in PAYOUT_TERMS if f in changes and changes[f] != getattr(plan, f)]
    if paid and changed:
        raise ValidationError(
            {
                changed[0]: _(
                    "Claims under %(plan)s have been paid; its coverage and payout terms can no longer change."
                )
                % {"plan": plan}
            }
        )


# Coverage ------------------------------------------------------------------------------------


def clean_covered_member(*, plan: Any, member: Any) -> None:
    """The female special diseases plan covers women only."""
    from apps.unions.public import Sex  # not at import: the models' clean() imports these rules

    if plan.female_only and member.sex != Sex.FEMALE:
        raise ValidationError(
            {
                "member": _(
                    "%(name)s is not a female member; the female special diseases plan covers women only."
                )
                % {"name": member.name}
            }
        )


# Claims --------------------------------------------------------------------------------------


def claim_dates_problem(plan: Any, admitted_on: dt.date | None, discharged_on: dt.date | None) -> str | None:
    """Why a stay cannot be claimed under the plan (None when it can)."""
    if admitted_on is None or discharged_on is None:
        return _("The admission and discharge dates are required.")
    if discharged_on < admitted_on:
        return _("The discharge date cannot be before the admission date.")
    if not (plan.covers(admitted_on) and plan.covers(discharged_on)):
        return _(
            "The stay from %(adm)s to %(dis)s is outside the coverage of %(plan)s (%(start)s to %(end)s)."
        ) % {
            "adm": admitted_on,
            "dis": discharged_on,
            "plan": plan.code,
            "start": plan.coverage_start,
            "end": plan.coverage_end,
        }
    return None


def waiting_period_problem(coverage: Any, admitted_on: dt.date | None) -> str | None:
    """Why a stay of a late-enrolled member is not covered yet (None when it is): admitted
    before the enrollment date plus the plan's waiting period."""
    if admitted_on is None or admitted_on >= coverage.starts_on:
        return None
    return _(
        "%(name)s was enrolled in %(plan)s after its coverage had started: the coverage starts on "
        "%(date)s (the enrollment date plus the waiting period), and the admission on %(adm)s is "
        "before it."
    ) % {
        "name": coverage.member.name,
        "plan": coverage.plan.code,
        "date": coverage.starts_on,
        "adm": admitted_on,
    }


def clean_claim_cover(*, coverage: Any, admitted_on: dt.date | None, discharged_on: dt.date | None) -> None:
    """The stay of a covered member is covered: within the plan's coverage period and, for a
    late enrollment, not before its waiting period ends. (The order of the two dates is
    ``clean_claim``'s: a claim is refused for it once.)"""
    if admitted_on and discharged_on and discharged_on < admitted_on:
        return
    problem = claim_dates_problem(coverage.plan, admitted_on, discharged_on) or waiting_period_problem(
        coverage, admitted_on
    )
    if problem:
        raise ValidationError({"admitted_on": problem})


def clean_claim(
    *,
    admitted_on: dt.date | None,
    discharged_on: dt.date | None,
    total_expense: Decimal | None,
    basic_insurance_paid: Decimal | None,
    status: str,
    paid_on: dt.date | None = None,
    reject_reason: str = "",
) -> None:
    """A claim holds together: discharged after admitted, the basic insurance's part within the
    total, a payment date exactly when paid (not before the discharge), a reason exactly when
    rejected."""
    errors: dict[str, str] = {}
    if admitted_on and discharged_on and discharged_on < admitted_on:
        errors["discharged_on"] = _("The discharge date cannot be before the admission date.")
    if (
        total_expense is not None
        and basic_insurance_paid is not None
        and basic_insurance_paid > total_expense
    ):
        errors["basic_insurance_paid"] = _(
            "The part paid by basic medical insurance cannot exceed the total expense."
        )
    if status == ClaimStatus.PAID:
        if paid_on is None:
            errors["paid_on"] = _("A paid claim needs its payment date.")
        elif discharged_on and paid_on < discharged_on:
            errors["paid_on"] = _("The payment date cannot be before the discharge date.")
    elif paid_on is not None:
        errors["paid_on"] = _("Only a paid claim has a payment date.")
    reason = (reject_reason or "").strip()
    if status == ClaimStatus.REJECTED and not reason:
        errors["reject_reason"] = _("A rejected claim needs a reason.")
    if status != ClaimStatus.REJECTED and reason:
        errors["reject_reason"] = _("Only a rejected claim has a reason for the rejection.")
    if errors:
        raise ValidationError(errors)
