"""Cleaning the input of a write: the checks every domain's services share, each raising
``ApplicationError`` with the field it concerns (``extra["fields"]``), so a form or the API
can show the message beside the field.

One set for every app: a service cleans a resident ID, a choice or an amount with these, never
with a private copy of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .exceptions import ApplicationError
from .services import validation_error_to_application
from .validators import validate_mobile, validate_resident_id

CENT = Decimal("0.01")


def field_error(field: str, message: str) -> ApplicationError:
    """The error of one field: ``message`` for the user, under ``field`` for forms and the API."""
    return ApplicationError(message, extra={"fields": {field: [message]}})


@contextmanager
def rule_errors() -> Iterator[None]:
    """Runs a domain's ``clean_*`` rule inside a service: its ValidationError (a message per
    field, as the import reports them row by row) becomes the services' ApplicationError."""
    try:
        yield
    except ValidationError as exc:
        raise validation_error_to_application(exc) from exc


def required_text(value: str | None, field: str, label: str) -> str:
    """The text stripped; refused when blank ("<label> is required.")."""
    value = (value or "").strip()
    if not value:
        raise field_error(field, _("%(field)s is required.") % {"field": label})
    return value


def clean_choice(
    value: str | None, choices: type[models.TextChoices], field: str, *, blank: bool = False
) -> str:
    """A stored value of ``choices`` (blank too when ``blank``)."""
    value = value or ""
    if (blank and value == "") or value in choices.values:
        return value
    raise field_error(field, _("“%(value)s” is not a valid choice.") % {"value": value})


def clean_resident_id(id_number: str | None, field: str = "id_number") -> str:
    """A resident ID with a valid check character, normalised (upper-case X)."""
    try:
        return validate_resident_id(id_number)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], extra={"fields": {field: exc.messages}}) from exc


def clean_mobile(phone: str | None, field: str = "phone", *, required: bool = False) -> str:
    """A mainland mobile number, or '' when blank and not required."""
    phone = (phone or "").strip()
    if not phone:
        if required:
            raise field_error(field, _("A mobile number is required."))
        return ""
    try:
        return validate_mobile(phone)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], extra={"fields": {field: exc.messages}}) from exc


def clean_amount(
    value: Any, field: str = "amount", *, positive: bool = True, blank_is_zero: bool = False
) -> Decimal:
    """An amount of money in yuan: a Decimal with at most two decimals (never a float), more
    than zero (``positive``) or at least zero; a blank is zero when ``blank_is_zero``."""
    if blank_is_zero and value in (None, ""):
        value = Decimal("0")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        amount = None
    if amount is None or not amount.is_finite():
        raise field_error(field, _("“%(value)s” is not an amount of money.") % {"value": value})
    if amount != amount.quantize(CENT):
        raise field_error(
            field, _("An amount has at most two decimals; “%(value)s” has more.") % {"value": value}
        )
    if positive and amount <= 0:
        raise field_error(field, _("The amount must be greater than zero."))
    if amount < 0:
        raise field_error(field, _("An amount cannot be negative; “%(value)s” is.") % {"value": value})
    return amount.quantize(CENT)


def check_known_fields(changes: dict[str, Any], allowed: Iterable[str]) -> None:
    """An update names only fields it may change."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})


def check_unique(
    model: type[models.Model], field: str, value: Any, message: str, *, exclude_pk: int | None = None
) -> None:
    """No other record of ``model`` has ``value`` in ``field`` (the unique constraint backs this
    up against a race; this gives the message before the write)."""
    qs = model._default_manager.filter(**{field: value})
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise field_error(field, message)
