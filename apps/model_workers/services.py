"""Writes of the model workers domain: model workers, honours, benefit payments,
recuperation, innovation studios and talks.

Every function is keyword-only, validates, runs in one transaction, writes the audit trail
through the core helpers and raises ``ApplicationError`` with a message a clerk can act on.
``user=None`` means a trusted system caller (management command, task): no scope check.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.exceptions import ApplicationError
from apps.core.models import Region
from apps.core.scoping import CHANGE, user_may
from apps.core.services import model_create, model_delete, model_update
from apps.core.validators import validate_resident_id
from apps.unions.models import GrassrootsUnion

from .choices import (
    BenefitKind,
    HonourKind,
    HonourLevel,
    StudioLevel,
    VenueKind,
    WorkerLevel,
    WorkerStatus,
    WorkerTitle,
)
from .models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk

CENT = Decimal("0.01")

# Pure functions ----------------------------------------------------------------------------

# Monthly honour allowance by level (yuan); the other kinds are decided case by case.
_ALLOWANCE_BY_LEVEL = {
    WorkerLevel.NATIONAL: Decimal("1500.00"),
    WorkerLevel.PROVINCIAL: Decimal("800.00"),
    WorkerLevel.PROVINCIAL_TREATMENT: Decimal("800.00"),
    WorkerLevel.PREFECTURE: Decimal("300.00"),
}


def allowance_amount(*, level: str, months: int = 12) -> Decimal:
    """The honour allowance (荣誉津贴) for ``months`` months at a level, to the fen."""
    if months < 1:
        raise ApplicationError(_("An allowance covers at least one month."))
    return (_ALLOWANCE_BY_LEVEL[WorkerLevel(level)] * months).quantize(CENT, rounding=ROUND_HALF_UP)


def clean_amount(value: Any, field: str = "amount") -> Decimal:
    """An amount of money: a positive Decimal with at most two decimals (never a float)."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        amount = None
    if amount is None or not amount.is_finite():
        message = _("“%(value)s” is not an amount of money.") % {"value": value}
        raise ApplicationError(message, extra={"fields": {field: [message]}})
    if amount != amount.quantize(CENT):
        message = _("An amount has at most two decimals; “%(value)s” has more.") % {"value": value}
        raise ApplicationError(message, extra={"fields": {field: [message]}})
    if amount <= 0:
        message = _("The amount must be greater than zero.")
        raise ApplicationError(message, extra={"fields": {field: [message]}})
    return amount.quantize(CENT)


# Helpers ---------------------------------------------------------------------------------


def _check_may_change(user: Any, region_id: int | None, model) -> None:
    if user is None:
        return
    if not user_may(user, CHANGE, region_id, model):
        raise ApplicationError(_("You may not change records of this region."))


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"fields": {field: [message]}})


def _clean_id(id_number: str, field: str = "id_number") -> str:
    try:
        return validate_resident_id(id_number)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], extra={"fields": {field: exc.messages}}) from exc


def _required_text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise _field_error(field, _("%(field)s is required.") % {"field": label})
    return value


def _choice(value: str, choices, field: str) -> str:
    value = value or ""
    if value in choices.values:
        return value
    raise _field_error(field, _("“%(value)s” is not a valid choice.") % {"value": value})


def _unknown(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})


def _unique(model, field: str, value: Any, message: str, exclude_pk: int | None = None) -> None:
    qs = model.objects.filter(**{field: value})
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise _field_error(field, message)


def _check_not_before_title(model_worker: ModelWorker, year: int, field: str) -> None:
    if year < model_worker.title_year:
        raise _field_error(
            field,
            _("%(name)s received the title in %(title_year)s; %(year)s is before that.")
            % {"name": model_worker.name, "title_year": model_worker.title_year, "year": year},
        )


# Model workers ---------------------------------------------------------------------------

MODEL_WORKER_FIELDS = (
    "name",
    "id_number",
    "union",
    "level",
    "title",
    "title_year",
    "status",
    "craftsman_year",
)


def _duplicate_worker(id_number: str, exclude_pk: int | None = None) -> None:
    qs = ModelWorker.objects.filter(id_number=id_number).select_related("union__region")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    existing = qs.first()
    if existing is not None:
        raise _field_error(
            "id_number",
            _("This resident ID is already recorded as a model worker in %(union)s (%(region)s).")
            % {"union": existing.union.name, "region": existing.union.region.name},
        )


@transaction.atomic
def model_worker_create(
    *,
    name: str,
    id_number: str,
    union: GrassrootsUnion,
    level: str,
    title: str,
    title_year: int,
    user: Any,
    status: str = WorkerStatus.ALIVE,
    craftsman_year: int | None = None,
) -> ModelWorker:
    """Record a model worker of a union in the user's scope; one record per resident ID."""
    _check_may_change(user, union.region_id, ModelWorker)
    id_number = _clean_id(id_number)
    _duplicate_worker(id_number)
    data = {
        "name": _required_text(name, "name", _("Full name")),
        "id_number": id_number,
        "union": union,
        "level": _choice(level, WorkerLevel, "level"),
        "title": _choice(title, WorkerTitle, "title"),
        "title_year": title_year,
        "status": _choice(status, WorkerStatus, "status"),
        "craftsman_year": craftsman_year,
    }
    try:
        with transaction.atomic():
            return model_create(ModelWorker, user=user, **data)
    except ApplicationError:
        # Another clerk recorded the same person between our check and the insert.
        _duplicate_worker(id_number)
        raise


@transaction.atomic
def model_worker_update(*, model_worker: ModelWorker, user: Any, **changes: Any) -> ModelWorker:
    """Correct a model worker's data (any of ``MODEL_WORKER_FIELDS``); moving to another
    union needs both regions in scope."""
    _unknown(changes, MODEL_WORKER_FIELDS)
    _check_may_change(user, model_worker.union.region_id, ModelWorker)
    if changes.get("union") is not None:
        _check_may_change(user, changes["union"].region_id, ModelWorker)
    if "name" in changes:
        changes["name"] = _required_text(changes["name"], "name", _("Full name"))
    if "id_number" in changes:
        changes["id_number"] = _clean_id(changes["id_number"])
        _duplicate_worker(changes["id_number"], exclude_pk=model_worker.pk)
    for field, choices in (("level", WorkerLevel), ("title", WorkerTitle), ("status", WorkerStatus)):
        if field in changes:
            _choice(changes[field], choices, field)
    model_worker, _changed = model_update(model_worker, user=user, **changes)
    return model_worker


@transaction.atomic
def model_worker_delete(*, model_worker: ModelWorker, user: Any) -> None:
    """Delete a model worker recorded by mistake; one with payments or recuperation stays."""
    _check_may_change(user, model_worker.union.region_id, ModelWorker)
    if model_worker.payments.exists() or model_worker.recuperations.exists():
        raise ApplicationError(
            _("%(name)s has benefit payments or recuperation records and cannot be deleted.")
            % {"name": model_worker.name}
        )
    model_delete(model_worker, user=user)


# Honours ---------------------------------------------------------------------------------

HONOUR_FIELDS = ("number", "kind", "level", "recipient_name", "id_number", "union", "year")


def _clean_honour_id(kind: str, id_number: str) -> str:
    id_number = (id_number or "").strip()
    if not id_number:
        return ""
    if kind != HonourKind.MEDAL:
        raise _field_error(
            "id_number",
            _(
                "Only a May Day Labour Medal goes to a person; leave the resident ID blank "
                "for a certificate or a Workers' Pioneer title."
            ),
        )
    return _clean_id(id_number)


@transaction.atomic
def honour_create(
    *,
    number: str,
    kind: str,
    level: str,
    recipient_name: str,
    union: GrassrootsUnion,
    year: int,
    user: Any,
    id_number: str = "",
) -> Honour:
    """Record a May Day honour won by a person (medal), a unit or a team of a union."""
    number = _required_text(number, "number", _("Honour number"))
    _check_may_change(user, union.region_id, Honour)
    _unique(Honour, "number", number, _("Honour number %(number)s already exists.") % {"number": number})
    kind = _choice(kind, HonourKind, "kind")
    return model_create(
        Honour,
        user=user,
        number=number,
        kind=kind,
        level=_choice(level, HonourLevel, "level"),
        recipient_name=_required_text(recipient_name, "recipient_name", _("Recipient")),
        id_number=_clean_honour_id(kind, id_number),
        union=union,
        year=year,
    )


@transaction.atomic
def honour_update(*, honour: Honour, user: Any, **changes: Any) -> Honour:
    _unknown(changes, HONOUR_FIELDS)
    _check_may_change(user, honour.union.region_id, Honour)
    if changes.get("union") is not None:
        _check_may_change(user, changes["union"].region_id, Honour)
    if "number" in changes:
        changes["number"] = _required_text(changes["number"], "number", _("Honour number"))
        _unique(
            Honour,
            "number",
            changes["number"],
            _("Honour number %(number)s already exists.") % {"number": changes["number"]},
            exclude_pk=honour.pk,
        )
    if "kind" in changes:
        _choice(changes["kind"], HonourKind, "kind")
    if "level" in changes:
        _choice(changes["level"], HonourLevel, "level")
    if "recipient_name" in changes:
        changes["recipient_name"] = _required_text(
            changes["recipient_name"], "recipient_name", _("Recipient")
        )
    if "id_number" in changes or "kind" in changes:
        changes["id_number"] = _clean_honour_id(
            changes.get("kind", honour.kind), changes.get("id_number", honour.id_number)
        )
    honour, _changed = model_update(honour, user=user, **changes)
    return honour


@transaction.atomic
def honour_delete(*, honour: Honour, user: Any) -> None:
    _check_may_change(user, honour.union.region_id, Honour)
    model_delete(honour, user=user)


# Benefit payments ------------------------------------------------------------------------

BENEFIT_FIELDS = ("number", "kind", "amount", "paid_on")


@transaction.atomic
def benefit_pay(
    *,
    model_worker: ModelWorker,
    number: str,
    kind: str,
    amount: Decimal | str,
    paid_on: dt.date,
    user: Any,
) -> BenefitPayment:
    """Record a benefit paid to a model worker; the amount is exact to the fen."""
    number = _required_text(number, "number", _("Payment number"))
    _check_may_change(user, model_worker.union.region_id, BenefitPayment)
    _unique(
        BenefitPayment, "number", number, _("Payment number %(number)s already exists.") % {"number": number}
    )
    amount = clean_amount(amount)
    if paid_on is None:
        raise _field_error("paid_on", _("The payment date is required."))
    _check_not_before_title(model_worker, paid_on.year, "paid_on")
    return model_create(
        BenefitPayment,
        user=user,
        number=number,
        model_worker=model_worker,
        kind=_choice(kind, BenefitKind, "kind"),
        amount=amount,
        paid_on=paid_on,
    )


@transaction.atomic
def benefit_update(*, payment: BenefitPayment, user: Any, **changes: Any) -> BenefitPayment:
    """Correct a payment; it stays with its model worker."""
    _unknown(changes, BENEFIT_FIELDS)
    _check_may_change(user, payment.model_worker.union.region_id, BenefitPayment)
    if "number" in changes:
        changes["number"] = _required_text(changes["number"], "number", _("Payment number"))
        _unique(
            BenefitPayment,
            "number",
            changes["number"],
            _("Payment number %(number)s already exists.") % {"number": changes["number"]},
            exclude_pk=payment.pk,
        )
    if "amount" in changes:
        changes["amount"] = clean_amount(changes["amount"])
    if "kind" in changes:
        _choice(changes["kind"], BenefitKind, "kind")
    if changes.get("paid_on") is not None:
        _check_not_before_title(payment.model_worker, changes["paid_on"].year, "paid_on")
    payment, _changed = model_update(payment, user=user, **changes)
    return payment


@transaction.atomic
def benefit_delete(*, payment: BenefitPayment, user: Any) -> None:
    _check_may_change(user, payment.model_worker.union.region_id, BenefitPayment)
    model_delete(payment, user=user)


# Recuperation ----------------------------------------------------------------------------

RECUPERATION_FIELDS = ("year", "place")


def _duplicate_recuperation(model_worker: ModelWorker, year: int, exclude_pk: int | None = None) -> None:
    qs = Recuperation.objects.filter(model_worker=model_worker, year=year)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise _field_error(
            "year",
            _("%(name)s already has a recuperation record for %(year)s.")
            % {"name": model_worker.name, "year": year},
        )


@transaction.atomic
def recuperation_create(*, model_worker: ModelWorker, year: int, place: str, user: Any) -> Recuperation:
    """Record a model worker's recuperation stay; one per person and year."""
    _check_may_change(user, model_worker.union.region_id, Recuperation)
    # Lock the person so two clerks cannot record the same year at once.
    ModelWorker.objects.select_for_update().filter(pk=model_worker.pk).first()
    _check_not_before_title(model_worker, year, "year")
    _duplicate_recuperation(model_worker, year)
    return model_create(
        Recuperation,
        user=user,
        model_worker=model_worker,
        year=year,
        place=_required_text(place, "place", _("Place")),
    )


@transaction.atomic
def recuperation_update(*, recuperation: Recuperation, user: Any, **changes: Any) -> Recuperation:
    _unknown(changes, RECUPERATION_FIELDS)
    worker = recuperation.model_worker
    _check_may_change(user, worker.union.region_id, Recuperation)
    if "year" in changes:
        _check_not_before_title(worker, changes["year"], "year")
        _duplicate_recuperation(worker, changes["year"], exclude_pk=recuperation.pk)
    if "place" in changes:
        changes["place"] = _required_text(changes["place"], "place", _("Place"))
    recuperation, _changed = model_update(recuperation, user=user, **changes)
    return recuperation


@transaction.atomic
def recuperation_delete(*, recuperation: Recuperation, user: Any) -> None:
    _check_may_change(user, recuperation.model_worker.union.region_id, Recuperation)
    model_delete(recuperation, user=user)


# Innovation studios ----------------------------------------------------------------------

STUDIO_FIELDS = (
    "code",
    "name",
    "leader_id_number",
    "union",
    "level",
    "founded_on",
    "skill_leaders",
    "mentor_pairs",
)


@transaction.atomic
def studio_create(
    *,
    code: str,
    name: str,
    leader_id_number: str,
    union: GrassrootsUnion,
    level: str,
    founded_on: dt.date,
    user: Any,
    skill_leaders: int = 0,
    mentor_pairs: int = 0,
) -> InnovationStudio:
    """Record a model worker innovation studio of a union in the user's scope."""
    code = _required_text(code, "code", _("Studio code")).upper()
    _check_may_change(user, union.region_id, InnovationStudio)
    _unique(InnovationStudio, "code", code, _("Studio code %(code)s already exists.") % {"code": code})
    return model_create(
        InnovationStudio,
        user=user,
        code=code,
        name=_required_text(name, "name", _("Studio name")),
        leader_id_number=_clean_id(leader_id_number, "leader_id_number"),
        union=union,
        level=_choice(level, StudioLevel, "level"),
        founded_on=founded_on,
        skill_leaders=skill_leaders or 0,
        mentor_pairs=mentor_pairs or 0,
    )


@transaction.atomic
def studio_update(*, studio: InnovationStudio, user: Any, **changes: Any) -> InnovationStudio:
    _unknown(changes, STUDIO_FIELDS)
    _check_may_change(user, studio.union.region_id, InnovationStudio)
    if changes.get("union") is not None:
        _check_may_change(user, changes["union"].region_id, InnovationStudio)
    if "code" in changes:
        changes["code"] = _required_text(changes["code"], "code", _("Studio code")).upper()
        _unique(
            InnovationStudio,
            "code",
            changes["code"],
            _("Studio code %(code)s already exists.") % {"code": changes["code"]},
            exclude_pk=studio.pk,
        )
    if "name" in changes:
        changes["name"] = _required_text(changes["name"], "name", _("Studio name"))
    if "leader_id_number" in changes:
        changes["leader_id_number"] = _clean_id(changes["leader_id_number"], "leader_id_number")
    if "level" in changes:
        _choice(changes["level"], StudioLevel, "level")
    studio, _changed = model_update(studio, user=user, **changes)
    return studio


@transaction.atomic
def studio_delete(*, studio: InnovationStudio, user: Any) -> None:
    _check_may_change(user, studio.union.region_id, InnovationStudio)
    model_delete(studio, user=user)


# Talks -----------------------------------------------------------------------------------

TALK_FIELDS = ("number", "held_on", "region", "venue_kind", "audience")


@transaction.atomic
def talk_create(
    *,
    number: str,
    held_on: dt.date,
    region: Region,
    venue_kind: str,
    user: Any,
    audience: int = 0,
) -> Talk:
    """Record a model worker talk held in a region the user may change."""
    number = _required_text(number, "number", _("Talk number"))
    _check_may_change(user, region.pk if region else None, Talk)
    _unique(Talk, "number", number, _("Talk number %(number)s already exists.") % {"number": number})
    return model_create(
        Talk,
        user=user,
        number=number,
        held_on=held_on,
        region=region,
        venue_kind=_choice(venue_kind, VenueKind, "venue_kind"),
        audience=audience or 0,
    )


@transaction.atomic
def talk_update(*, talk: Talk, user: Any, **changes: Any) -> Talk:
    _unknown(changes, TALK_FIELDS)
    _check_may_change(user, talk.region_id, Talk)
    if changes.get("region") is not None:
        _check_may_change(user, changes["region"].pk, Talk)
    if "number" in changes:
        changes["number"] = _required_text(changes["number"], "number", _("Talk number"))
        _unique(
            Talk,
            "number",
            changes["number"],
            _("Talk number %(number)s already exists.") % {"number": changes["number"]},
            exclude_pk=talk.pk,
        )
    if "venue_kind" in changes:
        _choice(changes["venue_kind"], VenueKind, "venue_kind")
    talk, _changed = model_update(talk, user=user, **changes)
    return talk


@transaction.atomic
def talk_delete(*, talk: Talk, user: Any) -> None:
    _check_may_change(user, talk.region_id, Talk)
    model_delete(talk, user=user)
