"""Writes of the worker-services domain: the seven registers and their steps.

Every function is keyword-only, validates (the model's ``clean()`` runs ``rules.py``), runs in
one transaction, writes the audit trail through the core helpers and raises
``ApplicationError`` with a message a clerk can act on. ``user=None`` is a trusted system
caller (command, task, generator): no scope check. The seven registers share one create,
update and delete (``record_create`` / ``record_update`` / ``record_delete``); what differs
is declared in the ``*_FIELDS`` tuples and the workflow steps below them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.cleaning import check_known_fields, check_unique, field_error, required_text
from apps.core.exceptions import ApplicationError
from apps.core.models import Region
from apps.core.services import (
    acting_user,
    check_may_change,
    check_may_update,
    checked_delete,
    model_create,
    model_update,
)

from . import rules
from .choices import CaseStatus, Programme, ReliefStatus
from .decisions import RELIEF_APPROVAL
from .models import (
    ApprovalThreshold,
    EmploymentService,
    JobFair,
    MicroLoan,
    ReliefPayment,
    RightsCase,
    ServiceRecord,
    TrainingClass,
    Visit,
)

R = TypeVar("R", bound=ServiceRecord)

# The fields a form, the API or the admin may set on each register (``number`` and ``region``
# first); the steps below write the others.
RELIEF_FIELDS = (
    "number", "region", "id_number", "name", "programme", "recipient_kind", "amount", "paid_on",
    "student_name", "school_level",
)  # fmt: skip
VISIT_FIELDS = ("number", "region", "visited_on", "kind", "credit_code", "head_id_number", "name", "amount")
JOB_FAIR_FIELDS = ("number", "region", "name", "held_on", "enterprises", "positions", "attendees")
EMPLOYMENT_FIELDS = ("number", "region", "id_number", "name", "served_on", "kind", "placed")
TRAINING_FIELDS = ("number", "region", "name", "kind", "start_date", "end_date", "trainees")
CASE_FIELDS = (
    "number",
    "region",
    "received_on",
    "kind",
    "workers",
    "amount_recovered",
    "closed_on",
    "summary",
)
LOAN_FIELDS = (
    "number",
    "region",
    "id_number",
    "name",
    "granted_on",
    "amount",
    "jobs_created",
    "due_on",
    "repaid_on",
)

# Identifiers are kept in capitals (an ``x`` check character is an ``X``).
_UPPER = ("id_number", "head_id_number", "credit_code")


def _tidy(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for field, value in values.items():
        if isinstance(value, str):
            value = value.strip().upper() if field in _UPPER else value.strip()
        out[field] = value
    return out


def _check_number_free(model: type[ServiceRecord], number: str, *, exclude_pk: int | None = None) -> None:
    message = _("Number %(number)s is already used by another %(record)s.") % {
        "number": number,
        "record": model._meta.verbose_name,
    }
    check_unique(model, "number", number, message, exclude_pk=exclude_pk)


def _region_id(region: Region | None) -> int | None:
    return region.pk if region is not None else None


@transaction.atomic
def record_create(model: type[R], *, user: Any, number: str, region: Region, **values: Any) -> R:
    """A new record of one register, in a region the user may change."""
    if region is None:
        raise field_error("region", _("Choose the region whose union office did the work."))
    check_may_change(user, region.pk, model)
    number = required_text(number, "number", _("The number"))
    _check_number_free(model, number)
    return model_create(model, user=user, number=number, region=region, **_tidy(values))


@transaction.atomic
def record_update(record: R, *, user: Any, fields: tuple[str, ...], **changes: Any) -> R:
    """Change a record where the user may change it (and where it moves to, for a new region)."""
    check_known_fields(changes, fields)
    record = type(record).objects.select_for_update().get(pk=record.pk)
    check_may_update(user, type(record), record.region_id, changes, moved_by="region")
    changes = _tidy(changes)
    if "number" in changes:
        changes["number"] = required_text(changes["number"], "number", _("The number"))
        _check_number_free(type(record), changes["number"], exclude_pk=record.pk)
    return model_update(record, user=user, **changes)[0]


def record_delete(record: ServiceRecord, *, user: Any) -> None:
    checked_delete(record, user=user, region_id=record.region_id)


# Relief payments ---------------------------------------------------------------------------


def approval_threshold(programme: str) -> Decimal:
    """The amount above which a payment of ``programme`` needs the level above's approval."""
    row = ApprovalThreshold.objects.filter(programme=programme).values_list("amount", flat=True).first()
    return row if row is not None else rules.DEFAULT_THRESHOLDS[programme]


@transaction.atomic
def relief_create(
    *,
    user: Any,
    number: str,
    region: Region,
    id_number: str,
    name: str,
    programme: str,
    recipient_kind: str,
    amount: Decimal,
    paid_on: dt.date | None,
    student_name: str = "",
    school_level: str = "",
) -> ReliefPayment:
    """Record a relief payment. Above its programme's threshold it is filed for the level
    above's approval (``status`` pending, no payment date yet) instead of being paid."""
    pending = (
        user is not None
        and programme in Programme.values
        and amount is not None  # no amount: the model's validation says so, on its field
        and rules.needs_approval(amount, approval_threshold(programme))
    )
    if not pending and paid_on is None:
        raise field_error("paid_on", _("Enter the date the payment was made."))
    return record_create(
        ReliefPayment,
        user=user,
        number=number,
        region=region,
        id_number=id_number,
        name=name,
        programme=programme,
        recipient_kind=recipient_kind,
        amount=amount,
        paid_on=None if pending else paid_on,
        student_name=student_name,
        school_level=school_level,
        status=ReliefStatus.PENDING if pending else ReliefStatus.PAID,
        filed_by=acting_user(user),
    )


@transaction.atomic
def relief_update(*, payment: ReliefPayment, user: Any, **changes: Any) -> ReliefPayment:
    """Correct a payment awaiting approval or paid; an approved or rejected one is decided and
    stays as it was. A paid payment cannot be raised above its programme's threshold here."""
    payment = ReliefPayment.objects.select_for_update().get(pk=payment.pk)
    if payment.status in (ReliefStatus.APPROVED, ReliefStatus.REJECTED):
        raise ApplicationError(
            _("Payment %(number)s has been decided (%(status)s) and can no longer be changed.")
            % {"number": payment.number, "status": payment.get_status_display()}
        )
    if payment.status == ReliefStatus.PENDING:
        changes.pop("paid_on", None)  # the payment date is written when it is paid
    else:
        if "paid_on" in changes and changes["paid_on"] is None:
            raise field_error("paid_on", _("A paid payment keeps the date it was paid."))
        amount = changes.get("amount", payment.amount)
        programme = changes.get("programme", payment.programme)
        if (
            user is not None
            and programme in Programme.values
            and amount is not None
            # a new amount, or a programme with a lower threshold: either may need approval
            and (amount != payment.amount or programme != payment.programme)
            and rules.needs_approval(amount, approval_threshold(programme))
        ):
            raise field_error(
                "amount",
                _(
                    "%(amount)s yuan is above the approval threshold of %(threshold)s yuan: record a new "
                    "payment for the level above to approve."
                )
                % {"amount": amount, "threshold": approval_threshold(programme)},
            )
    return record_update(payment, user=user, fields=RELIEF_FIELDS, **changes)


def _decided(payment: ReliefPayment, user: Any, status: str, note: str) -> ReliefPayment:
    payment, _changed = model_update(
        payment,
        user=user,
        status=status,
        decided_by=acting_user(user),
        decided_at=timezone.now(),
        decision_note=note,
    )
    return payment


def _lock_pending(payment: ReliefPayment) -> ReliefPayment:
    payment = ReliefPayment.objects.select_for_update().select_related("region").get(pk=payment.pk)
    if payment.status != ReliefStatus.PENDING:
        raise ApplicationError(
            _("Payment %(number)s is not awaiting approval (it is %(status)s).")
            % {"number": payment.number, "status": payment.get_status_display()}
        )
    return payment


@transaction.atomic
def relief_approve(*, payment: ReliefPayment, user: Any, note: str = "") -> ReliefPayment:
    """The level above approves a payment above the threshold; the filer then pays it."""
    payment = _lock_pending(payment)
    RELIEF_APPROVAL.check(user, payment)
    return _decided(payment, user, ReliefStatus.APPROVED, (note or "").strip())


@transaction.atomic
def relief_reject(*, payment: ReliefPayment, user: Any, reason: str) -> ReliefPayment:
    """The level above refuses a payment, saying why; it is never paid."""
    payment = _lock_pending(payment)
    RELIEF_APPROVAL.check(user, payment)
    reason = required_text(reason, "reason", _("The reason"))
    return _decided(payment, user, ReliefStatus.REJECTED, reason)


@transaction.atomic
def relief_pay(*, payment: ReliefPayment, user: Any, paid_on: dt.date) -> ReliefPayment:
    """Record that an approved payment was made, by staff who may change the payment's region."""
    payment = ReliefPayment.objects.select_for_update().get(pk=payment.pk)
    check_may_change(user, payment.region_id, ReliefPayment)
    if payment.status != ReliefStatus.APPROVED:
        raise ApplicationError(
            _("Only an approved payment can be paid; %(number)s is %(status)s.")
            % {"number": payment.number, "status": payment.get_status_display()}
        )
    if paid_on is None:
        raise field_error("paid_on", _("Enter the date the payment was made."))
    if paid_on > timezone.localdate():
        raise field_error("paid_on", _("The payment date cannot be in the future."))
    payment, _changed = model_update(payment, user=user, status=ReliefStatus.PAID, paid_on=paid_on)
    return payment


def relief_delete(*, payment: ReliefPayment, user: Any) -> None:
    record_delete(payment, user=user)


# Visits, job fairs, employment services, training classes ----------------------------------


def visit_create(*, user: Any, **values: Any) -> Visit:
    return record_create(Visit, user=user, **values)


def visit_update(*, visit: Visit, user: Any, **changes: Any) -> Visit:
    return record_update(visit, user=user, fields=VISIT_FIELDS, **changes)


def visit_delete(*, visit: Visit, user: Any) -> None:
    record_delete(visit, user=user)


def job_fair_create(*, user: Any, **values: Any) -> JobFair:
    return record_create(JobFair, user=user, **values)


def job_fair_update(*, job_fair: JobFair, user: Any, **changes: Any) -> JobFair:
    return record_update(job_fair, user=user, fields=JOB_FAIR_FIELDS, **changes)


def job_fair_delete(*, job_fair: JobFair, user: Any) -> None:
    record_delete(job_fair, user=user)


def employment_service_create(*, user: Any, **values: Any) -> EmploymentService:
    return record_create(EmploymentService, user=user, **values)


def employment_service_update(*, service: EmploymentService, user: Any, **changes: Any) -> EmploymentService:
    return record_update(service, user=user, fields=EMPLOYMENT_FIELDS, **changes)


def employment_service_delete(*, service: EmploymentService, user: Any) -> None:
    record_delete(service, user=user)


def training_create(*, user: Any, **values: Any) -> TrainingClass:
    return record_create(TrainingClass, user=user, **values)


def training_update(*, training: TrainingClass, user: Any, **changes: Any) -> TrainingClass:
    return record_update(training, user=user, fields=TRAINING_FIELDS, **changes)


def training_delete(*, training: TrainingClass, user: Any) -> None:
    record_delete(training, user=user)


# Rights cases: received → in progress → closed ---------------------------------------------


def case_create(*, user: Any, closed_on: dt.date | None = None, **values: Any) -> RightsCase:
    """A new case: received, or already closed when the closing date is given (a case filed
    after the fact)."""
    status = CaseStatus.CLOSED if closed_on else CaseStatus.RECEIVED
    return record_create(RightsCase, user=user, closed_on=closed_on, status=status, **values)


@transaction.atomic
def case_update(*, case: RightsCase, user: Any, **changes: Any) -> RightsCase:
    """Correct a case; its closing date is set by ``case_close`` and, once closed, corrected
    here but never emptied."""
    if "closed_on" in changes:
        if case.status != CaseStatus.CLOSED and changes["closed_on"] is not None:
            raise field_error("closed_on", _("Close the case to give its closing date."))
        if case.status == CaseStatus.CLOSED and changes["closed_on"] is None:
            raise field_error("closed_on", _("A closed case keeps its closing date."))
        if case.status != CaseStatus.CLOSED:
            changes.pop("closed_on")
    return record_update(case, user=user, fields=CASE_FIELDS, **changes)


@transaction.atomic
def case_start(*, case: RightsCase, user: Any) -> RightsCase:
    """The office starts handling a received case."""
    case = RightsCase.objects.select_for_update().get(pk=case.pk)
    check_may_change(user, case.region_id, RightsCase)
    if case.status != CaseStatus.RECEIVED:
        raise ApplicationError(
            _("Case %(number)s is %(status)s; only a received case can be taken up.")
            % {"number": case.number, "status": case.get_status_display()}
        )
    case, _changed = model_update(case, user=user, status=CaseStatus.IN_PROGRESS)
    return case


@transaction.atomic
def case_close(
    *,
    case: RightsCase,
    user: Any,
    closed_on: dt.date,
    amount_recovered: Decimal | None = None,
    workers: int | None = None,
) -> RightsCase:
    """Close an open case on a date, with the amount recovered (and the workers, if known better now)."""
    case = RightsCase.objects.select_for_update().get(pk=case.pk)
    check_may_change(user, case.region_id, RightsCase)
    if case.status == CaseStatus.CLOSED:
        raise ApplicationError(_("Case %(number)s is already closed.") % {"number": case.number})
    if closed_on is None:
        raise field_error("closed_on", _("Enter the date the case was closed."))
    if closed_on > timezone.localdate():
        raise field_error("closed_on", _("The closing date cannot be in the future."))
    changes: dict[str, Any] = {"status": CaseStatus.CLOSED, "closed_on": closed_on}
    if amount_recovered is not None:
        changes["amount_recovered"] = amount_recovered
    if workers is not None:
        changes["workers"] = workers
    return model_update(case, user=user, **changes)[0]


def case_delete(*, case: RightsCase, user: Any) -> None:
    record_delete(case, user=user)


# Micro-loans ---------------------------------------------------------------------------------


def loan_create(*, user: Any, granted_on: dt.date, due_on: dt.date | None = None, **values: Any) -> MicroLoan:
    """A loan granted; due after the standard term unless a due date is agreed."""
    if granted_on is None:
        raise field_error("granted_on", _("Enter the date the loan was granted."))
    due_on = due_on or rules.compute_due_on(granted_on)
    return record_create(MicroLoan, user=user, granted_on=granted_on, due_on=due_on, **values)


def loan_update(*, loan: MicroLoan, user: Any, **changes: Any) -> MicroLoan:
    """Correct a loan. A corrected grant date moves a standard-term due date with it (as the
    import does); an agreed due date stays unless a new one is given."""
    granted_on = changes.get("granted_on") or loan.granted_on
    if "due_on" in changes and changes["due_on"] is None:
        changes["due_on"] = rules.compute_due_on(granted_on)
    elif "due_on" not in changes and granted_on != loan.granted_on:
        changes["due_on"] = rules.compute_moved_due_on(
            granted_before=loan.granted_on, granted_on=granted_on, due_on=loan.due_on
        )
    return record_update(loan, user=user, fields=LOAN_FIELDS, **changes)


@transaction.atomic
def loan_repay(*, loan: MicroLoan, user: Any, repaid_on: dt.date) -> MicroLoan:
    """Record that a loan was repaid in full."""
    loan = MicroLoan.objects.select_for_update().get(pk=loan.pk)
    check_may_change(user, loan.region_id, MicroLoan)
    if loan.repaid_on is not None:
        raise ApplicationError(
            _("Loan %(number)s was already repaid on %(date)s.")
            % {"number": loan.number, "date": loan.repaid_on}
        )
    if repaid_on is None:
        raise field_error("repaid_on", _("Enter the date the loan was repaid."))
    if repaid_on > timezone.localdate():
        raise field_error("repaid_on", _("The repayment date cannot be in the future."))
    loan, _changed = model_update(loan, user=user, repaid_on=repaid_on)
    return loan


def loan_delete(*, loan: MicroLoan, user: Any) -> None:
    record_delete(loan, user=user)
