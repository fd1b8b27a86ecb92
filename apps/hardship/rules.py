"""The rules of the hardship domain, as pure functions: ``compute_*`` figures and ``clean_*``
checks. The services run them before a write, the import runs them on every row
(``ImportResource.check_rule``), the demo generator computes with them and the models'
``clean()`` holds a record to them, so a household or a payment gets the same figures and is
refused for the same reason, with the same message, whichever door it comes through.

A ``clean_*`` raises ``ValidationError`` with a message per field; none touches the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import AidKind, Category, Status

CENT = Decimal("0.01")
EDITABLE = (Status.NEW, Status.VISITED, Status.INSPECTED)  # before the calculation step


# Figures ---------------------------------------------------------------------------------


def compute_per_capita_income(
    *, family_income: Decimal, rigid_expenses: Decimal | None, family_size: int
) -> Decimal:
    """Monthly income per capita (DOMAIN.md): family income less the rigid expenses for illness,
    disability and schooling, divided by the family size; to the fen (half up), never below 0.

    The one formula: the calculation step (from the members' incomes) and the import of a
    historical household (from the file's 家庭月收入 and 家庭人口, less the expenses the
    household has on record, none for a new one) both compute it here."""
    net = max(Decimal(family_income) - Decimal(rigid_expenses or 0), Decimal("0"))
    return (net / max(family_size, 1)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FamilyFigures:
    family_size: int
    family_income: Decimal
    per_capita_income: Decimal


def compute_family_figures(*, incomes: Iterable[Decimal], rigid_expenses: Decimal | None) -> FamilyFigures:
    """The figures of the calculation step from the monthly incomes of the head and of each
    family member (one income a person)."""
    incomes = [Decimal(i) for i in incomes]
    family_income = sum(incomes, Decimal("0.00"))
    size = max(len(incomes), 1)
    return FamilyFigures(
        family_size=size,
        family_income=family_income,
        per_capita_income=compute_per_capita_income(
            family_income=family_income, rigid_expenses=rigid_expenses, family_size=size
        ),
    )


def suggested_category(*, per_capita: Decimal | None, standard: Decimal | None) -> str:
    """The category the figures suggest: deep below the standard, relative up to twice it;
    '' when above (an accidental case is judged on the case, never suggested)."""
    if per_capita is None or standard is None:
        return ""
    if per_capita < standard:
        return Category.DEEP
    if per_capita <= standard * 2:
        return Category.RELATIVE
    return ""


# Households --------------------------------------------------------------------------------


def is_editable(status: str) -> bool:
    """The household and its family may still change: the calculation step is not done yet."""
    return status in EDITABLE


def clean_exit(*, filed_on: dt.date | None, exited_on: dt.date | None, exit_reason: str = "") -> None:
    """An exit (解困脱困) follows the filing; a reason for it needs its date."""
    errors: dict[str, str] = {}
    if exited_on and not filed_on:
        errors["exited_on"] = _("Only a filed household can exit.")
    elif exited_on and exited_on <= filed_on:
        errors["exited_on"] = _("The exit date must be after the filing date.")
    if (exit_reason or "").strip() and not exited_on:
        errors["exit_reason"] = _("An exit reason needs the exit date.")
    if errors:
        raise ValidationError(errors)


def clean_member_id(*, head_id_number: str, id_number: str) -> None:
    """A family member is someone other than the head."""
    if id_number == head_id_number:
        raise ValidationError({"id_number": _("This is the head's resident ID.")})


# Aid -----------------------------------------------------------------------------------------


def clean_disbursement(*, kind: str, amount: Decimal | None, student_name: str = "") -> None:
    """A payment of aid: more than zero; an education grant (金秋助学) names the student and
    no other kind does."""
    errors: dict[str, str] = {}
    if amount is not None and amount <= 0:
        errors["amount"] = _("The amount must be greater than zero.")
    if kind == AidKind.EDUCATION and not (student_name or "").strip():
        errors["student_name"] = _("An education grant names the student.")
    if kind != AidKind.EDUCATION and (student_name or "").strip():
        errors["student_name"] = _("Only an education grant names a student.")
    if errors:
        raise ValidationError(errors)


def clean_aid_date(*, household: Any, paid_on: dt.date | None) -> None:
    """Aid is paid to a filed household, on or after its filing date and before its exit."""
    if household.filed_on is None or household.status not in (Status.FILED, Status.EXITED):
        raise ValidationError({"paid_on": _("Aid can only be paid to a filed household.")})
    if paid_on is None or paid_on < household.filed_on:
        raise ValidationError(
            {
                "paid_on": _("The payment date cannot be before the filing date %(date)s.")
                % {"date": household.filed_on}
            }
        )
    if household.exited_on is not None and paid_on >= household.exited_on:
        raise ValidationError(
            {
                "paid_on": _("The household exited on %(date)s; no aid can be paid to it.")
                % {"date": household.exited_on}
            }
        )


def aid_date_fits(household: Any, paid_on: dt.date) -> bool:
    """Whether ``clean_aid_date`` accepts the date (to find which filing of a head a payment
    of an import belongs to)."""
    try:
        clean_aid_date(household=household, paid_on=paid_on)
    except ValidationError:
        return False
    return True
