"""The rules of the worker-services domain, as pure functions: ``clean_*`` checks and
``compute_*`` figures. The models' ``clean()`` runs the checks, so the services (through
``full_clean``) and the import (through ``validate_record``) refuse a record for the same
reason with the same message; none of them touches the database.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.validators import validate_credit_code, validate_resident_id

from .choices import LoanStatus, Programme, VisitKind

# A micro-loan without an agreed due date is due this many months after it was granted
# (the start-up guarantee loans the union offices broker run for two years).
DEFAULT_LOAN_TERM_MONTHS = 24


def clean_relief(*, programme: str, student_name: str, school_level: str) -> None:
    """金秋助学 names the student and the school level; the other programmes name neither."""
    errors: dict[str, list[str]] = {}
    if programme == Programme.JINQIU:
        if not (student_name or "").strip():
            errors["student_name"] = [_("An education-aid payment (金秋助学) names the student.")]
        if not school_level:
            errors["school_level"] = [_("An education-aid payment (金秋助学) gives the school level.")]
    else:
        if (student_name or "").strip():
            errors["student_name"] = [_("Only an education-aid payment (金秋助学) names a student.")]
        if school_level:
            errors["school_level"] = [_("Only an education-aid payment (金秋助学) gives a school level.")]
    if errors:
        raise ValidationError(errors)


def clean_visit(*, kind: str, credit_code: str, head_id_number: str) -> None:
    """A visit to an enterprise names it by a valid credit code and no householder; a visit to
    a household names the householder by a valid resident ID and no enterprise."""
    errors: dict[str, list[str]] = {}
    credit_code, head_id_number = (credit_code or "").strip(), (head_id_number or "").strip()
    if kind == VisitKind.ENTERPRISE:
        if not credit_code:
            errors["credit_code"] = [_("A visit to an enterprise gives its unified social credit code.")]
        if head_id_number:
            errors["head_id_number"] = [_("A visit to an enterprise names no householder.")]
    elif kind == VisitKind.HOUSEHOLD:
        if not head_id_number:
            errors["head_id_number"] = [_("A visit to a household gives the householder's resident ID.")]
        if credit_code:
            errors["credit_code"] = [_("A visit to a household names no enterprise credit code.")]
    for field, value, check in (
        ("credit_code", credit_code, validate_credit_code),
        ("head_id_number", head_id_number, validate_resident_id),
    ):
        if value and field not in errors:
            try:
                check(value)
            except ValidationError as exc:
                errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)


def clean_order(*, first: dt.date | None, then: dt.date | None, field: str, message: str) -> None:
    """``then`` (an end, a closing, a repayment) is not before ``first``; either may be empty."""
    if first and then and then < first:
        raise ValidationError({field: [message % {"then": then.isoformat(), "first": first.isoformat()}]})


def needs_approval(amount: Decimal, threshold: Decimal | None) -> bool:
    """A relief payment above its programme's threshold waits for the level above."""
    return threshold is not None and Decimal(amount) > Decimal(threshold)


def compute_due_on(granted_on: dt.date, months: int = DEFAULT_LOAN_TERM_MONTHS) -> dt.date:
    """The date a loan is due: ``months`` after it was granted (the last day of a short month)."""
    month_index = granted_on.month - 1 + months
    year, month = granted_on.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(granted_on.day, calendar.monthrange(year, month)[1]))


def compute_moved_due_on(
    *, granted_before: dt.date | None, granted_on: dt.date, due_on: dt.date | None
) -> dt.date:
    """The due date after the grant date is set or corrected: the standard term from the new
    grant date, unless the loan has a due date of its own (one that is not the standard term
    of its old grant date), which stays as agreed."""
    if due_on is None or granted_before is None or due_on == compute_due_on(granted_before):
        return compute_due_on(granted_on)
    return due_on


def compute_loan_status(*, repaid_on: dt.date | None, due_on: dt.date | None, today: dt.date) -> str:
    if repaid_on is not None:
        return LoanStatus.REPAID
    if due_on is not None and today > due_on:
        return LoanStatus.OVERDUE
    return LoanStatus.CURRENT


def compute_days_open(*, received_on: dt.date, closed_on: dt.date | None, today: dt.date) -> int:
    """Days a rights case has been (or was) open: to its closing, or to today."""
    return max(((closed_on or today) - received_on).days, 0)


# The thresholds the programmes start with (migration 0002 writes them; administrators change
# them in ApprovalThreshold). Used when a programme has no row.
DEFAULT_THRESHOLDS: dict[str, Decimal] = {
    "jinqiu": Decimal("5000.00"),
    "warmth": Decimal("2000.00"),
    "temporary": Decimal("5000.00"),
}
