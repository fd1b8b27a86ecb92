"""The rules of the model workers domain, as pure ``clean_*`` functions: the services run them
before a write, the import runs them on every row (``ImportResource.check_rule``), so a
record is refused for the same reason and with the same message whichever door it comes
through. Each raises ``ValidationError`` with a message per field and touches no database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.validators import validate_resident_id

from .choices import HonourKind


def clean_not_before_title(*, model_worker: Any, year: int | None, field: str) -> None:
    """A benefit or a recuperation of a model worker is not dated before the year of the title."""
    if year is not None and year < model_worker.title_year:
        raise ValidationError(
            {
                field: _("%(name)s received the title in %(title_year)s; %(year)s is before that.")
                % {"name": model_worker.name, "title_year": model_worker.title_year, "year": year}
            }
        )


def clean_benefit(*, model_worker: Any, amount: Decimal | None, paid_on: dt.date | None) -> None:
    """A benefit payment: more than zero, on a date, not before the title."""
    errors: dict[str, str] = {}
    if amount is not None and amount <= 0:
        errors["amount"] = _("The amount must be greater than zero.")
    if paid_on is None:
        errors["paid_on"] = _("The payment date is required.")
    if errors:
        raise ValidationError(errors)
    clean_not_before_title(model_worker=model_worker, year=paid_on.year, field="paid_on")


def clean_honour_id(*, kind: str, id_number: str | None) -> str:
    """The recipient's resident ID of an honour: only a May Day Labour Medal goes to a person;
    a certificate or a Workers' Pioneer title goes to a unit or a team and has none."""
    id_number = (id_number or "").strip()
    if not id_number:
        return ""
    if kind != HonourKind.MEDAL:
        raise ValidationError(
            {
                "id_number": _(
                    "Only a May Day Labour Medal goes to a person; leave the resident ID blank "
                    "for a certificate or a Workers' Pioneer title."
                )
            }
        )
    try:
        return validate_resident_id(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
