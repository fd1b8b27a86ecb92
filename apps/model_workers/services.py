"""Writes of the model workers domain: model workers, honours, benefit payments,
recuperation, innovation studios and talks.

Every function is keyword-only, validates, runs in one transaction, writes the audit trail
through the core helpers and raises ``ApplicationError`` with a message a clerk can act on.
``user=None`` means a trusted system caller (management command, task): no scope check.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.cleaning import (
    check_known_fields,
    check_unique,
    clean_amount,
    clean_choice,
    clean_resident_id,
    field_error,
    required_text,
    rule_errors,
)
from apps.core.exceptions import ApplicationError
from apps.core.models import Region
from apps.core.services import (
    check_may_change,
    check_may_update,
    checked_delete,
    clean_choices,
    model_create,
    model_delete,
    model_update,
)
from apps.unions.public import GrassrootsUnion

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
from .rules import clean_benefit, clean_honour_id, clean_not_before_title

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


# Helpers ---------------------------------------------------------------------------------

# The number or code that names a record of each kind: its label, and the message when taken.
_KEYS = {
    Honour: (
        "number",
        gettext_lazy("Honour number"),
        gettext_lazy("Honour number %(number)s already exists."),
    ),
    BenefitPayment: (
        "number",
        gettext_lazy("Payment number"),
        gettext_lazy("Payment number %(number)s already exists."),
    ),
    InnovationStudio: (
        "code",
        gettext_lazy("Studio code"),
        gettext_lazy("Studio code %(code)s already exists."),
    ),
    Talk: ("number", gettext_lazy("Talk number"), gettext_lazy("Talk number %(number)s already exists.")),
}


def _clean_key(model: type, value: str, *, exclude_pk: int | None = None) -> str:
    """The record's number (or upper-case code): required, and no other record has it."""
    field, label, taken = _KEYS[model]
    value = required_text(value, field, str(label))
    value = value.upper() if field == "code" else value
    check_unique(model, field, value, str(taken) % {field: value}, exclude_pk=exclude_pk)
    return value


def _check_not_before_title(model_worker: ModelWorker, year: int, field: str) -> None:
    with rule_errors():
        clean_not_before_title(model_worker=model_worker, year=year, field=field)


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
        raise field_error(
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
    check_may_change(user, union.region_id, ModelWorker)
    id_number = clean_resident_id(id_number)
    _duplicate_worker(id_number)
    data = {
        "name": required_text(name, "name", _("Full name")),
        "id_number": id_number,
        "union": union,
        "level": clean_choice(level, WorkerLevel, "level"),
        "title": clean_choice(title, WorkerTitle, "title"),
        "title_year": title_year,
        "status": clean_choice(status, WorkerStatus, "status"),
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
    check_known_fields(changes, MODEL_WORKER_FIELDS)
    check_may_update(user, ModelWorker, model_worker.union.region_id, changes)
    if "name" in changes:
        changes["name"] = required_text(changes["name"], "name", _("Full name"))
    if "id_number" in changes:
        changes["id_number"] = clean_resident_id(changes["id_number"])
        _duplicate_worker(changes["id_number"], exclude_pk=model_worker.pk)
    clean_choices(changes, {"level": WorkerLevel, "title": WorkerTitle, "status": WorkerStatus})
    return model_update(model_worker, user=user, **changes)[0]


@transaction.atomic
def model_worker_delete(*, model_worker: ModelWorker, user: Any) -> None:
    """Delete a model worker recorded by mistake; one with payments or recuperation stays."""
    check_may_change(user, model_worker.union.region_id, ModelWorker)
    if model_worker.payments.exists() or model_worker.recuperations.exists():
        raise ApplicationError(
            _("%(name)s has benefit payments or recuperation records and cannot be deleted.")
            % {"name": model_worker.name}
        )
    model_delete(model_worker, user=user)


# Honours ---------------------------------------------------------------------------------

HONOUR_FIELDS = ("number", "kind", "level", "recipient_name", "id_number", "union", "year")


def _clean_honour_id(kind: str, id_number: str) -> str:
    with rule_errors():
        return clean_honour_id(kind=kind, id_number=id_number)


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
    check_may_change(user, union.region_id, Honour)
    number = _clean_key(Honour, number)
    kind = clean_choice(kind, HonourKind, "kind")
    return model_create(
        Honour,
        user=user,
        number=number,
        kind=kind,
        level=clean_choice(level, HonourLevel, "level"),
        recipient_name=required_text(recipient_name, "recipient_name", _("Recipient")),
        id_number=_clean_honour_id(kind, id_number),
        union=union,
        year=year,
    )


@transaction.atomic
def honour_update(*, honour: Honour, user: Any, **changes: Any) -> Honour:
    check_known_fields(changes, HONOUR_FIELDS)
    check_may_update(user, Honour, honour.union.region_id, changes)
    if "number" in changes:
        changes["number"] = _clean_key(Honour, changes["number"], exclude_pk=honour.pk)
    clean_choices(changes, {"kind": HonourKind, "level": HonourLevel})
    if "recipient_name" in changes:
        changes["recipient_name"] = required_text(changes["recipient_name"], "recipient_name", _("Recipient"))
    if "id_number" in changes or "kind" in changes:
        changes["id_number"] = _clean_honour_id(
            changes.get("kind", honour.kind), changes.get("id_number", honour.id_number)
        )
    return model_update(honour, user=user, **changes)[0]


def honour_delete(*, honour: Honour, user: Any) -> None:
    checked_delete(honour, user=user, region_id=honour.union.region_id)


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
    check_may_change(user, model_worker.union.region_id, BenefitPayment)
    number = _clean_key(BenefitPayment, number)
    amount = clean_amount(amount)
    with rule_errors():
        clean_benefit(model_worker=model_worker, amount=amount, paid_on=paid_on)
    return model_create(
        BenefitPayment,
        user=user,
        number=number,
        model_worker=model_worker,
        kind=clean_choice(kind, BenefitKind, "kind"),
        amount=amount,
        paid_on=paid_on,
    )


@transaction.atomic
def benefit_update(*, payment: BenefitPayment, user: Any, **changes: Any) -> BenefitPayment:
    """Correct a payment; it stays with its model worker."""
    check_known_fields(changes, BENEFIT_FIELDS)
    check_may_change(user, payment.model_worker.union.region_id, BenefitPayment)
    if "number" in changes:
        changes["number"] = _clean_key(BenefitPayment, changes["number"], exclude_pk=payment.pk)
    if "amount" in changes:
        changes["amount"] = clean_amount(changes["amount"])
    clean_choices(changes, {"kind": BenefitKind})
    if changes.get("paid_on") is not None:
        _check_not_before_title(payment.model_worker, changes["paid_on"].year, "paid_on")
    return model_update(payment, user=user, **changes)[0]


def benefit_delete(*, payment: BenefitPayment, user: Any) -> None:
    checked_delete(payment, user=user, region_id=payment.model_worker.union.region_id)


# Recuperation ----------------------------------------------------------------------------

RECUPERATION_FIELDS = ("year", "place")


def _duplicate_recuperation(model_worker: ModelWorker, year: int, exclude_pk: int | None = None) -> None:
    qs = Recuperation.objects.filter(model_worker=model_worker, year=year)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise field_error(
            "year",
            _("%(name)s already has a recuperation record for %(year)s.")
            % {"name": model_worker.name, "year": year},
        )


@transaction.atomic
def recuperation_create(*, model_worker: ModelWorker, year: int, place: str, user: Any) -> Recuperation:
    """Record a model worker's recuperation stay; one per person and year."""
    check_may_change(user, model_worker.union.region_id, Recuperation)
    # Lock the person so two clerks cannot record the same year at once.
    ModelWorker.objects.select_for_update().filter(pk=model_worker.pk).first()
    _check_not_before_title(model_worker, year, "year")
    _duplicate_recuperation(model_worker, year)
    return model_create(
        Recuperation,
        user=user,
        model_worker=model_worker,
        year=year,
        place=required_text(place, "place", _("Place")),
    )


@transaction.atomic
def recuperation_update(*, recuperation: Recuperation, user: Any, **changes: Any) -> Recuperation:
    check_known_fields(changes, RECUPERATION_FIELDS)
    worker = recuperation.model_worker
    check_may_change(user, worker.union.region_id, Recuperation)
    if "year" in changes:
        _check_not_before_title(worker, changes["year"], "year")
        _duplicate_recuperation(worker, changes["year"], exclude_pk=recuperation.pk)
    if "place" in changes:
        changes["place"] = required_text(changes["place"], "place", _("Place"))
    return model_update(recuperation, user=user, **changes)[0]


def recuperation_delete(*, recuperation: Recuperation, user: Any) -> None:
    checked_delete(recuperation, user=user, region_id=recuperation.model_worker.union.region_id)


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
    check_may_change(user, union.region_id, InnovationStudio)
    code = _clean_key(InnovationStudio, code)
    return model_create(
        InnovationStudio,
        user=user,
        code=code,
        name=required_text(name, "name", _("Studio name")),
        leader_id_number=clean_resident_id(leader_id_number, "leader_id_number"),
        union=union,
        level=clean_choice(level, StudioLevel, "level"),
        founded_on=founded_on,
        skill_leaders=skill_leaders or 0,
        mentor_pairs=mentor_pairs or 0,
    )


@transaction.atomic
def studio_update(*, studio: InnovationStudio, user: Any, **changes: Any) -> InnovationStudio:
    check_known_fields(changes, STUDIO_FIELDS)
    check_may_update(user, InnovationStudio, studio.union.region_id, changes)
    if "code" in changes:
        changes["code"] = _clean_key(InnovationStudio, changes["code"], exclude_pk=studio.pk)
    if "name" in changes:
        changes["name"] = required_text(changes["name"], "name", _("Studio name"))
    if "leader_id_number" in changes:
        changes["leader_id_number"] = clean_resident_id(changes["leader_id_number"], "leader_id_number")
    clean_choices(changes, {"level": StudioLevel})
    return model_update(studio, user=user, **changes)[0]


def studio_delete(*, studio: InnovationStudio, user: Any) -> None:
    checked_delete(studio, user=user, region_id=studio.union.region_id)


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
    check_may_change(user, region.pk if region else None, Talk)
    number = _clean_key(Talk, number)
    return model_create(
        Talk,
        user=user,
        number=number,
        held_on=held_on,
        region=region,
        venue_kind=clean_choice(venue_kind, VenueKind, "venue_kind"),
        audience=audience or 0,
    )


@transaction.atomic
def talk_update(*, talk: Talk, user: Any, **changes: Any) -> Talk:
    check_known_fields(changes, TALK_FIELDS)
    check_may_update(user, Talk, talk.region_id, changes, moved_by="region")
    if "number" in changes:
        changes["number"] = _clean_key(Talk, changes["number"], exclude_pk=talk.pk)
    clean_choices(changes, {"venue_kind": VenueKind})
    return model_update(talk, user=user, **changes)[0]


def talk_delete(*, talk: Talk, user: Any) -> None:
    checked_delete(talk, user=user, region_id=talk.region_id)
