"""Writes of the hardship domain: households and their family, the seven-step filing as an
explicit state machine, information comparison, dynamic management and aid.

Every function is keyword-only, validates, runs in one transaction, writes the audit trail
and raises ``ApplicationError`` with a message a clerk can act on. ``user=None`` means a
trusted system caller (management command, demo generator): no scope check. Who may take a
decision (the review, the annual re-check, the exit) is declared once in ``decisions`` and
checked here with ``step.check(user, household)``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.attachments import attachments_of
from apps.core.choices import AuditAction, RegionLevel, Role
from apps.core.cleaning import (
    check_known_fields,
    clean_amount,
    clean_choice,
    clean_resident_id,
    field_error,
    rule_errors,
)
from apps.core.exceptions import ApplicationError
from apps.core.importing import choice_label
from apps.core.locking import check_version
from apps.core.models import Region
from apps.core.proposals import proposable
from apps.core.services import (
    acting_user,
    check_may_change,
    clean_choices,
    full_clean_or_raise,
    model_create,
    model_delete,
    model_update,
)
from apps.core.validators import mask_resident_id

from . import rules
from .choices import (
    IN_PROGRESS,
    NEXT_STEP,
    PAPERWORK_STEPS,
    STEP_NEEDS,
    STEP_RESULT,
    AidKind,
    Category,
    Cause,
    Health,
    Relation,
    Status,
    Step,
)
from .decisions import HOUSEHOLD_EXIT, HOUSEHOLD_RECHECK, HOUSEHOLD_REVIEW
from .models import Disbursement, FamilyMember, FilingStep, Household, IdClaim, LivingStandard, Recheck
from .rules import (
    clean_aid_date,
    clean_disbursement,
    clean_exit,
    clean_member_id,
    compute_family_figures,
    is_editable,
)

# Rules the pages and the API read from here.
EDITABLE = rules.EDITABLE
# Where a review that sends the filing back, or an objection, returns it: before deliberation.
TO_DELIBERATION = STEP_NEEDS[Step.DELIBERATE]
suggested_category = rules.suggested_category


def notice_days() -> int:
    """How many days the public notice (公示) lasts; settings.HARDSHIP_NOTICE_DAYS, default 7."""
    return max(0, int(getattr(settings, "HARDSHIP_NOTICE_DAYS", 7)))


# Look-ups ----------------------------------------------------------------------------------


def living_standard_for(region: Region, year: int) -> LivingStandard | None:
    """The standard of the region for the year, else of the nearest region above it."""
    codes = []
    node: Region | None = region
    while node is not None:
        codes.append(node.pk)
        node = node.parent
    found = {s.region_id: s for s in LivingStandard.objects.filter(region_id__in=codes, year=year)}
    for pk in codes:
        if pk in found:
            return found[pk]
    return None


def county_of(region: Region) -> Region:
    if region.level == RegionLevel.TOWNSHIP and region.parent_id:
        return region.parent
    return region


# Helpers ---------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _check_change(user: Any, household: Household) -> None:
    _check_region(user, household.union.region_id)


def _check_region(user: Any, region_id: int | None) -> None:
    check_may_change(user, region_id, Household, _("You may not change households of this region."))


def _money(value: Any, field: str) -> Decimal:
    """An income or an expense: yuan to the fen, zero or more, blank for zero."""
    return clean_amount(value, field, positive=False, blank_is_zero=True)


def _causes(causes: Iterable[str]) -> str:
    causes = [c for c in causes if c]
    if not causes:
        raise field_error("causes", _("Choose at least one cause."))
    for c in causes:
        clean_choice(c, Cause, "causes")
    return ",".join(c for c in Cause.values if c in causes)


def _log(household: Household, step: str, *, user: Any, note: str = "", attachments: str = "") -> FilingStep:
    acting = acting_user(user)
    entry = FilingStep(
        household=household,
        step=step,
        user=acting,
        username=acting.get_username() if acting is not None else "",
        at=timezone.now(),
        note=(note or "").strip(),
        attachments=(attachments or "").strip()[:500],
    )
    entry.save()
    return entry


def _locked(household: Household) -> Household:
    """The household re-read under a row lock: two clicks cannot both pass the same step."""
    return (
        Household.objects.select_for_update(of=("self",))
        .select_related("union__region__parent")
        .get(pk=household.pk)
    )


def _require_editable(household: Household) -> None:
    if not is_editable(household.status):
        raise ApplicationError(
            _(
                "The household and its family can only be changed before the calculation step; "
                "it is now “%(status)s”."
            )
            % {"status": household.get_status_display()}
        )


# Households and family ------------------------------------------------------------------


@proposable(gettext_lazy("Refer a hardship household"), model=Household)
@transaction.atomic
def household_create(
    *,
    user: Any,
    union,
    head_name: str,
    head_id_number: str,
    category: str,
    causes: Iterable[str],
    head_income: Any = 0,
    head_health: str = Health.HEALTHY,
    rigid_expenses: Any = 0,
    note: str = "",
) -> Household:
    """Open a new filing (status new: the visit 进 is the next step)."""
    _check_region(user, union.region_id)
    if union.dissolved_on is not None:
        raise ApplicationError(_("The union %(union)s was dissolved.") % {"union": union.name})
    inputs = {
        "head_name": head_name,
        "head_id_number": head_id_number,
        "head_income": head_income,
        "head_health": head_health,
        "category": category,
        "causes": causes,
        "rigid_expenses": rigid_expenses,
    }
    return model_create(
        Household,
        user=user,
        note=note,
        union=union,
        **_clean_inputs(inputs),
        created_by=acting_user(user),
    )


# What the filer enters, each with its cleaning: the same for a new filing and for an update.
# The union stays; the rest of a household is computed or set by the filing steps.
_HOUSEHOLD_INPUTS: dict[str, Callable[[Any], Any]] = {
    "head_name": lambda value: (value or "").strip(),
    "head_id_number": lambda value: clean_resident_id(value, "head_id_number"),
    "head_income": lambda value: _money(value, "head_income"),
    "head_health": lambda value: clean_choice(value, Health, "head_health"),
    "category": lambda value: clean_choice(value, Category, "category"),
    "causes": _causes,
    "rigid_expenses": lambda value: _money(value, "rigid_expenses"),
}
HOUSEHOLD_UPDATE_FIELDS = tuple(_HOUSEHOLD_INPUTS)


def _clean_inputs(data: dict[str, Any]) -> dict[str, Any]:
    check_known_fields(data, HOUSEHOLD_UPDATE_FIELDS)
    return {field: _HOUSEHOLD_INPUTS[field](value) for field, value in data.items()}


@transaction.atomic
def household_update(
    *, household: Household, user: Any, expected_version: int | None = None, **data: Any
) -> Household:
    """Change the head's data, category, causes or expenses before the calculation step.

    ``expected_version``: the version the editor read (apps.core.locking); None: no check."""
    household = _locked(household)
    _check_change(user, household)
    check_version(household, expected_version)
    _require_editable(household)
    return model_update(household, user=user, **_clean_inputs(data))[0]


def _member_checks(household: Household, id_number: str, exclude_pk: int | None = None) -> str:
    id_number = clean_resident_id(id_number)
    with rule_errors():
        clean_member_id(head_id_number=household.head_id_number, id_number=id_number)
    qs = FamilyMember.objects.filter(household=household, id_number=id_number)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise field_error("id_number", _("This resident ID is already a member of the household."))
    return id_number


@transaction.atomic
def member_add(
    *,
    household: Household,
    user: Any,
    name: str,
    id_number: str,
    relation: str,
    monthly_income: Any = 0,
    health: str = Health.HEALTHY,
) -> FamilyMember:
    household = _locked(household)
    _check_change(user, household)
    _require_editable(household)
    return model_create(
        FamilyMember,
        user=user,
        household=household,
        name=(name or "").strip(),
        id_number=_member_checks(household, id_number),
        relation=clean_choice(relation, Relation, "relation"),
        monthly_income=_money(monthly_income, "monthly_income"),
        health=clean_choice(health, Health, "health"),
    )


@transaction.atomic
def member_update(*, member: FamilyMember, user: Any, **data: Any) -> FamilyMember:
    household = _locked(member.household)
    _check_change(user, household)
    _require_editable(household)
    if "id_number" in data:
        data["id_number"] = _member_checks(household, data["id_number"], exclude_pk=member.pk)
    if "monthly_income" in data:
        data["monthly_income"] = _money(data["monthly_income"], "monthly_income")
    clean_choices(data, {"relation": Relation, "health": Health})
    return model_update(member, user=user, **data)[0]


@transaction.atomic
def member_remove(*, member: FamilyMember, user: Any) -> None:
    household = _locked(member.household)
    _check_change(user, household)
    _require_editable(household)
    model_delete(member, user=user)


# Information comparison -------------------------------------------------------------------


def household_id_numbers(household: Household) -> list[str]:
    """The head's and every family member's resident ID, sorted."""
    ids = {household.head_id_number}
    ids.update(FamilyMember.objects.filter(household=household).values_list("id_number", flat=True))
    return sorted(ids)


def household_conflicts(household: Household) -> list[dict[str, str]]:
    """Other households in the whole province — filed and not exited, or still in the
    filing — that hold one of this household's resident IDs. Only the masked ID, the other
    household's county and its status are revealed."""
    from django.db.models import Q

    ids = household_id_numbers(household)
    others = (
        Household.objects.filter(status__in=[*IN_PROGRESS, Status.FILED])
        .exclude(pk=household.pk)
        .filter(Q(head_id_number__in=ids) | Q(members__id_number__in=ids))
        .select_related("union__region__parent")
        .distinct()
    )
    found: list[dict[str, str]] = []
    for other in others:
        other_ids = {other.head_id_number, *other.members.values_list("id_number", flat=True)}
        for id_number in sorted(other_ids & set(ids)):
            found.append(
                {
                    "id_number": mask_resident_id(id_number),
                    "county": county_of(other.union.region).name,
                    "status": str(other.get_status_display()),
                }
            )
    return found


def _lock_ids(ids: list[str]) -> None:
    """PostgreSQL: transaction-level advisory locks on the IDs, in sorted order (no deadlock),
    so two filings that share an ID compare one after the other."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for id_number in sorted(ids):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"hardship:{id_number}"])


def _claim_ids(household: Household, ids: list[str]) -> None:
    """Write the comparison keys; the unique constraint refuses a second filed household."""
    try:
        with transaction.atomic():
            IdClaim.objects.bulk_create([IdClaim(id_number=i, household=household) for i in ids])
    except IntegrityError as exc:
        raise ApplicationError(
            _(
                "Information comparison: a resident ID of this household was filed in another "
                "household at the same moment. Nothing was filed."
            )
        ) from exc


def _conflict_error(conflicts: list[dict[str, str]]) -> ApplicationError:
    lines = "；".join(
        _("%(id)s is in a household of %(county)s (%(status)s)")
        % {"id": c["id_number"], "county": c["county"], "status": c["status"]}
        for c in conflicts
    )
    return ApplicationError(
        _(
            "Information comparison found resident IDs in other households, so the household cannot be filed: %(list)s."
        )
        % {"list": lines},
        extra={"conflicts": conflicts},
    )


# The seven-step filing --------------------------------------------------------------------


def next_step(household: Household) -> str | None:
    return NEXT_STEP.get(household.status)


def objection_open(household: Household) -> bool:
    """Whether an objection was recorded after the household's latest public notice was posted
    (read from the ``objection_open`` annotation of the list selectors when present)."""
    annotated = getattr(household, "objection_open", None)
    if annotated is not None:
        return bool(annotated)
    from .selectors import objection_open_q

    return household.steps.filter(objection_open_q()).exists()


def review_waits(household: Household, *, today: dt.date | None = None) -> str | None:
    """Why the review of a household in the review stage cannot be taken yet, whoever asks:
    the public notice still runs, or an objection is open. None when it can (or when the
    household is not in the review stage at all)."""
    if household.status != Status.NOTICE:
        return None
    today = today or _today()
    if household.notice_ends_on is not None and today <= household.notice_ends_on:
        return _("The review can be done after the public notice ends on %(date)s.") % {
            "date": household.notice_ends_on.isoformat()
        }
    if objection_open(household):
        return _("An objection to the public notice is open; the review waits until it is dealt with.")
    return None


def _calculate(household: Household) -> None:
    incomes = [household.head_income, *(m.monthly_income for m in household.members.all())]
    figures = compute_family_figures(incomes=incomes, rigid_expenses=household.rigid_expenses)
    household.family_size = figures.family_size
    household.family_income = figures.family_income
    household.per_capita_income = figures.per_capita_income
    standard = living_standard_for(household.union.region, _today().year)
    if standard is None:
        raise ApplicationError(
            _(
                "There is no minimum living standard for %(region)s in %(year)s; "
                "ask an administrator to enter it before the calculation."
            )
            % {"region": household.union.region.name, "year": _today().year}
        )
    household.living_standard = standard.monthly_amount


def _require_next(household: Household, step: str) -> None:
    """Only the step that comes next is accepted: nothing is skipped or repeated."""
    if step not in STEP_RESULT:
        raise ApplicationError(_("“%(step)s” is not a step of the filing.") % {"step": step})
    expected = next_step(household)
    if step == expected:
        return
    if expected is None:
        raise ApplicationError(
            _("The household is “%(status)s”; no filing step can be done now.")
            % {"status": household.get_status_display()}
        )
    raise ApplicationError(
        _(
            "Step “%(step)s” is not allowed now: the household is “%(status)s” and the next step is “%(next)s”."
        )
        % {"step": Step(step).label, "status": household.get_status_display(), "next": Step(expected).label}
    )


def _record_step(
    household: Household, step: str, *, user: Any, before: dict, note: str, attachments: str = ""
) -> None:
    _log(household, step, user=user, note=note, attachments=attachments)
    audit.record(
        household,
        AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(household)),
        user=user,
        note=f"七步法：{choice_label(Step, step)}",  # the trail keeps the Chinese step name
    )


def _set_back(
    household: Household, status: str, step: str, *, user: Any, note: str, audit_note: str = ""
) -> Household:
    """Send a filing back (to deliberation, or out: withdrawn): its public notice ends, the
    event joins its timeline (``note``) and the audit trail (``audit_note``)."""
    before = audit.snapshot(household)
    household.status = status
    household.notice_ends_on = None
    household.save(update_fields=["status", "notice_ends_on"])
    _log(household, step, user=user, note=note)
    audit.record(
        household,
        AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(household)),
        user=user,
        note=audit_note,
    )
    return household


@transaction.atomic
def household_advance(
    *,
    household: Household,
    user: Any,
    step: str,
    note: str = "",
    attachments: str = "",
    category: str = "",
) -> Household:
    """Complete the next step of the seven-step filing. Only the step that comes next is
    accepted; nothing is skipped or repeated. The review (``household_review``) files the
    household: ``step="review"`` here approves it."""
    household = _locked(household)
    _require_next(household, step)
    if step == Step.REVIEW:
        return household_review(household=household, user=user, approve=True, note=note)
    _check_change(user, household)
    note = (note or "").strip()
    if not note and step in (Step.DELIBERATE, Step.EVALUATE):
        raise ApplicationError(_("Write the conclusion of this step in the note."))
    before = audit.snapshot(household)
    today = _today()
    if step == Step.CALCULATE:
        _calculate(household)
    if step == Step.EVALUATE and category:
        household.category = clean_choice(category, Category, "category")
    if step == Step.NOTICE:
        household.notice_ends_on = today + dt.timedelta(days=notice_days() - 1)
    household.status = STEP_RESULT[step]
    full_clean_or_raise(household)
    household.save()
    _record_step(
        household,
        step,
        user=user,
        before=before,
        note=note,
        attachments=attachments if step in PAPERWORK_STEPS else "",
    )
    return household


VISIT_PHOTO = "visit_photo"  # the attachment kind (apps.core.attachments.KINDS) of the home visit


def check_visit_evidence(household: Household) -> None:
    """Refuse to file a household without the record of its home visit (进/看) on file: at
    least one visit photo attached (the yearly fund audit asks for it)."""
    if not attachments_of(household).filter(kind=VISIT_PHOTO).exists():
        raise ApplicationError(
            _(
                "Attach at least one visit photo (the record of the home visit and inspection) "
                "before the household can pass the review."
            )
        )


@transaction.atomic
def household_review(*, household: Household, user: Any, approve: bool, note: str = "") -> Household:
    """The review (审核) of a household whose public notice has ended, by the prefecture or
    province above its county (``decisions.HOUSEHOLD_REVIEW``).

    ``approve=True`` files the household once the information comparison finds none of its
    resident IDs in another household. ``approve=False`` sends the filing back to
    deliberation (评议) with the reason in ``note`` (required): the county deliberates,
    evaluates and posts a new notice before the next review. Filing needs a visit photo
    attached (``check_visit_evidence``); sending back does not."""
    household = _locked(household)
    _require_next(household, Step.REVIEW)
    HOUSEHOLD_REVIEW.check(user, household)
    waits = review_waits(household)
    if waits:
        raise ApplicationError(waits)
    note = (note or "").strip()
    before = audit.snapshot(household)
    if not approve:
        if not note:
            message = _("Give the reason for sending the filing back to deliberation.")
            raise ApplicationError(message, extra={"fields": {"note": [message]}})
        audit_note = f"审核退回评议：{note}"[:200]
        return _set_back(
            household, TO_DELIBERATION, Step.SEND_BACK, user=user, note=note, audit_note=audit_note
        )
    check_visit_evidence(household)
    ids = household_id_numbers(household)
    _lock_ids(ids)
    conflicts = household_conflicts(household)
    if conflicts:
        raise _conflict_error(conflicts)
    _claim_ids(household, ids)
    today = _today()
    household.filed_on = today
    household.last_checked_on = today
    household.status = STEP_RESULT[Step.REVIEW]
    full_clean_or_raise(household)
    household.save()
    _record_step(household, Step.REVIEW, user=user, before=before, note=note)
    return household


@transaction.atomic
def household_object(*, household: Household, user: Any, note: str) -> Household:
    """Record an objection raised during the public notice: the case goes back to deliberation."""
    household = _locked(household)
    _check_change(user, household)
    if household.status != Status.NOTICE:
        raise ApplicationError(_("Objections can only be recorded during the public notice."))
    if household.notice_ends_on is not None and _today() > household.notice_ends_on:
        raise ApplicationError(_("The public notice has ended; objections can no longer be recorded."))
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Describe the objection in the note."))
    return _set_back(
        household, TO_DELIBERATION, Step.OBJECTION, user=user, note=note, audit_note="公示异议：退回评议"
    )


@transaction.atomic
def household_withdraw(*, household: Household, user: Any, reason: str) -> Household:
    """Stop a filing that is still in progress (e.g. after an information comparison conflict)."""
    household = _locked(household)
    _check_change(user, household)
    if household.status not in IN_PROGRESS:
        raise ApplicationError(_("Only a filing still in progress can be withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the withdrawal."))
    return _set_back(household, Status.WITHDRAWN, Step.WITHDRAW, user=user, note=reason)


# Dynamic management -----------------------------------------------------------------------


@transaction.atomic
def household_recheck(
    *, household: Household, user: Any, checked_on: dt.date | None = None, note: str = ""
) -> Recheck:
    household = _locked(household)
    HOUSEHOLD_RECHECK.check(user, household)
    if household.status != Status.FILED:
        raise ApplicationError(_("Only a filed household is re-checked."))
    checked_on = checked_on or _today()
    if checked_on > _today() or (household.filed_on and checked_on < household.filed_on):
        raise ApplicationError(_("The re-check date must lie between the filing date and today."))
    recheck = Recheck(
        household=household,
        checked_on=checked_on,
        user=acting_user(user),
        note=(note or "").strip(),
    )
    full_clean_or_raise(recheck, exclude=["user"])
    recheck.save()
    audit.record(recheck, AuditAction.CREATE, user=user, note="年度复核")
    model_update(
        household, user=user, last_checked_on=max(checked_on, household.last_checked_on or checked_on)
    )
    return recheck


@transaction.atomic
def household_exit(*, household: Household, user: Any, exited_on: dt.date, reason: str) -> Household:
    """解困脱困: the household leaves the register on a date, for a reason."""
    household = _locked(household)
    HOUSEHOLD_EXIT.check(user, household)
    if household.status != Status.FILED:
        raise ApplicationError(_("Only a filed household can exit."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the exit."))
    if exited_on is None or exited_on > _today():
        raise ApplicationError(_("The exit date cannot be in the future."))
    with rule_errors():
        clean_exit(filed_on=household.filed_on, exited_on=exited_on, exit_reason=reason)
    if Disbursement.objects.filter(household=household, paid_on__gte=exited_on).exists():
        raise ApplicationError(
            _("Aid was paid on or after that date; the exit date must follow the last payment.")
        )
    IdClaim.objects.filter(household=household).delete()
    household, _changed = model_update(
        household, user=user, status=Status.EXITED, exited_on=exited_on, exit_reason=reason, note="解困脱困"
    )
    _log(household, Step.EXIT, user=user, note=reason)
    return household


@transaction.atomic
def household_reenter(*, household: Household, user: Any, note: str = "") -> Household:
    """返困: an exited household falls back into hardship. A new filing is opened with the same
    head and family; the exited one stays as it was (its steps, aid and dates are history)."""
    household = _locked(household)
    _check_change(user, household)
    if household.status != Status.EXITED:
        raise ApplicationError(_("Only an exited household can re-enter."))
    if household.reentries.exclude(status=Status.WITHDRAWN).exists():
        raise ApplicationError(_("A new filing for this household already exists."))
    new = model_create(
        Household,
        user=user,
        note=("返困：" + (note or "").strip())[:200],
        union=household.union,
        head_name=household.head_name,
        head_id_number=household.head_id_number,
        head_income=household.head_income,
        head_health=household.head_health,
        category=household.category,
        causes=household.causes,
        rigid_expenses=household.rigid_expenses,
        previous=household,
        created_by=acting_user(user),
    )
    for m in household.members.all():
        model_create(
            FamilyMember,
            user=user,
            household=new,
            name=m.name,
            id_number=m.id_number,
            relation=m.relation,
            monthly_income=m.monthly_income,
            health=m.health,
        )
    return new


# Aid --------------------------------------------------------------------------------------


@transaction.atomic
def disbursement_create(
    *,
    household: Household,
    user: Any,
    kind: str,
    amount: Any,
    paid_on: dt.date,
    fund_source: str = "",
    student_name: str = "",
    number: str = "",
) -> Disbursement:
    """Pay aid to a filed household; an exited (or unfiled) household is refused."""
    household = _locked(household)
    _check_change(user, household)
    with rule_errors():
        clean_aid_date(household=household, paid_on=paid_on)
    value = clean_amount(amount)
    kind = clean_choice(kind, AidKind, "kind")
    with rule_errors():
        clean_disbursement(kind=kind, amount=value, student_name=student_name)
    return model_create(
        Disbursement,
        user=user,
        number=(number or "").strip() or f"BF{paid_on:%Y%m%d}{uuid.uuid4().hex[:8].upper()}",
        household=household,
        kind=kind,
        amount=value,
        paid_on=paid_on,
        fund_source=(fund_source or "").strip(),
        student_name=(student_name or "").strip(),
    )


@transaction.atomic
def living_standard_set(
    *, region: Region, year: int, monthly_amount: Any, user: Any = None
) -> LivingStandard:
    """Enter or change the minimum living standard of a region for a year (administrators)."""
    if (
        user is not None
        and getattr(user, "role", None) != Role.ADMIN
        and not getattr(user, "is_superuser", False)
    ):
        raise ApplicationError(_("Only administrators maintain the minimum living standards."))
    amount = _money(monthly_amount, "monthly_amount")
    existing = LivingStandard.objects.filter(region=region, year=year).first()
    if existing is not None:
        existing, _changed = model_update(existing, user=user, monthly_amount=amount)
        return existing
    return model_create(LivingStandard, user=user, region=region, year=year, monthly_amount=amount)
