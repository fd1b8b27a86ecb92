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
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.choices import AuditAction, RegionLevel, Role
from apps.core.exceptions import ApplicationError
from apps.core.locking import check_version
from apps.core.models import Region
from apps.core.scoping import CHANGE, user_may
from apps.core.services import full_clean_or_raise, model_create, model_delete, model_update
from apps.core.validators import mask_resident_id, validate_resident_id

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

CENT = Decimal("0.01")
EDITABLE = (Status.NEW, Status.VISITED, Status.INSPECTED)


def notice_days() -> int:
    """How many days the public notice (公示) lasts; settings.HARDSHIP_NOTICE_DAYS, default 7."""
    return max(0, int(getattr(settings, "HARDSHIP_NOTICE_DAYS", 7)))


# Pure functions --------------------------------------------------------------------------


def per_capita_income(*, incomes: Iterable[Decimal], rigid_expenses: Decimal, size: int) -> Decimal:
    """(family income − rigid expenses) ÷ family size, to the fen (half up), never below 0."""
    total = sum((Decimal(i) for i in incomes), Decimal("0"))
    net = max(total - Decimal(rigid_expenses or 0), Decimal("0"))
    return (net / max(size, 1)).quantize(CENT, rounding=ROUND_HALF_UP)


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
    if user is None:
        return
    if not user_may(user, CHANGE, household.union.region_id, Household):
        raise ApplicationError(_("You may not change households of this region."))


def _clean_id(id_number: str, field: str = "id_number") -> str:
    try:
        return validate_resident_id(id_number)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], extra={"fields": {field: exc.messages}}) from exc


def _money(value: Any, field: str, label: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except Exception:  # noqa: BLE001 - anything that is not a number
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT):
        message = _("%(field)s must be an amount in yuan with at most 2 decimals, not “%(value)s”.") % {
            "field": label,
            "value": value,
        }
        raise ApplicationError(message, extra={"fields": {field: [message]}})
    return amount.quantize(CENT)


def _choice(value: str, choices, field: str) -> str:
    if value in choices.values:
        return value
    message = _("“%(value)s” is not a valid choice.") % {"value": value}
    raise ApplicationError(message, extra={"fields": {field: [message]}})


def _causes(causes: Iterable[str]) -> str:
    causes = [c for c in causes if c]
    if not causes:
        message = _("Choose at least one cause.")
        raise ApplicationError(message, extra={"fields": {"causes": [message]}})
    for c in causes:
        _choice(c, Cause, "causes")
    return ",".join(c for c in Cause.values if c in causes)


def _log(household: Household, step: str, *, user: Any, note: str = "", attachments: str = "") -> FilingStep:
    entry = FilingStep(
        household=household,
        step=step,
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
        username=user.get_username() if user is not None and getattr(user, "is_authenticated", False) else "",
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
    if household.status not in EDITABLE:
        raise ApplicationError(
            _(
                "The household and its family can only be changed before the calculation step; "
                "it is now “%(status)s”."
            )
            % {"status": household.get_status_display()}
        )


# Households and family ------------------------------------------------------------------


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
    if user is not None and not user_may(user, CHANGE, union.region_id, Household):
        raise ApplicationError(_("You may not change households of this region."))
    if union.dissolved_on is not None:
        raise ApplicationError(_("The union %(union)s was dissolved.") % {"union": union.name})
    household = model_create(
        Household,
        user=user,
        note=note,
        union=union,
        head_name=(head_name or "").strip(),
        head_id_number=_clean_id(head_id_number, "head_id_number"),
        head_income=_money(head_income, "head_income", _("Head's monthly income")),
        head_health=_choice(head_health, Health, "head_health"),
        category=_choice(category, Category, "category"),
        causes=_causes(causes),
        rigid_expenses=_money(rigid_expenses, "rigid_expenses", _("Rigid expenses")),
        created_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )
    return household


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
    allowed = {
        "head_name",
        "head_id_number",
        "head_income",
        "head_health",
        "category",
        "causes",
        "rigid_expenses",
    }
    unknown = set(data) - allowed
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    if "head_id_number" in data:
        data["head_id_number"] = _clean_id(data["head_id_number"], "head_id_number")
    if "head_income" in data:
        data["head_income"] = _money(data["head_income"], "head_income", _("Head's monthly income"))
    if "rigid_expenses" in data:
        data["rigid_expenses"] = _money(data["rigid_expenses"], "rigid_expenses", _("Rigid expenses"))
    if "category" in data:
        _choice(data["category"], Category, "category")
    if "head_health" in data:
        _choice(data["head_health"], Health, "head_health")
    if "causes" in data:
        data["causes"] = _causes(data["causes"])
    household, _changed = model_update(household, user=user, **data)
    return household


def _member_checks(household: Household, id_number: str, exclude_pk: int | None = None) -> str:
    id_number = _clean_id(id_number)
    if id_number == household.head_id_number:
        message = _("This is the head's resident ID.")
        raise ApplicationError(message, extra={"fields": {"id_number": [message]}})
    qs = FamilyMember.objects.filter(household=household, id_number=id_number)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        message = _("This resident ID is already a member of the household.")
        raise ApplicationError(message, extra={"fields": {"id_number": [message]}})
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
        relation=_choice(relation, Relation, "relation"),
        monthly_income=_money(monthly_income, "monthly_income", _("Monthly income")),
        health=_choice(health, Health, "health"),
    )


@transaction.atomic
def member_update(*, member: FamilyMember, user: Any, **data: Any) -> FamilyMember:
    household = _locked(member.household)
    _check_change(user, household)
    _require_editable(household)
    if "id_number" in data:
        data["id_number"] = _member_checks(household, data["id_number"], exclude_pk=member.pk)
    if "monthly_income" in data:
        data["monthly_income"] = _money(data["monthly_income"], "monthly_income", _("Monthly income"))
    if "relation" in data:
        _choice(data["relation"], Relation, "relation")
    if "health" in data:
        _choice(data["health"], Health, "health")
    member, _changed = model_update(member, user=user, **data)
    return member


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
    members = list(household.members.all())
    incomes = [household.head_income, *(m.monthly_income for m in members)]
    household.family_size = 1 + len(members)
    household.family_income = sum(incomes, Decimal("0.00"))
    household.per_capita_income = per_capita_income(
        incomes=incomes, rigid_expenses=household.rigid_expenses, size=household.family_size
    )
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
        note=f"七步法：{Step(step).label}",
    )


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
        household.category = _choice(category, Category, "category")
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


@transaction.atomic
def household_review(*, household: Household, user: Any, approve: bool, note: str = "") -> Household:
    """The review (审核) of a household whose public notice has ended, by the prefecture or
    province above its county (``decisions.HOUSEHOLD_REVIEW``).

    ``approve=True`` files the household once the information comparison finds none of its
    resident IDs in another household. ``approve=False`` sends the filing back to
    deliberation (评议) with the reason in ``note`` (required): the county deliberates,
    evaluates and posts a new notice before the next review."""
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
        household.status = STEP_NEEDS[Step.DELIBERATE]
        household.notice_ends_on = None
        household.save(update_fields=["status", "notice_ends_on"])
        _log(household, Step.SEND_BACK, user=user, note=note)
        audit.record(
            household,
            AuditAction.UPDATE,
            changes=audit.diff(before, audit.snapshot(household)),
            user=user,
            note=f"审核退回评议：{note}"[:200],
        )
        return household
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
    before = audit.snapshot(household)
    household.status = STEP_NEEDS[Step.DELIBERATE]
    household.notice_ends_on = None
    household.save(update_fields=["status", "notice_ends_on"])
    _log(household, Step.OBJECTION, user=user, note=note)
    audit.record(
        household,
        AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(household)),
        user=user,
        note="公示异议：退回评议",
    )
    return household


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
    before = audit.snapshot(household)
    household.status = Status.WITHDRAWN
    household.notice_ends_on = None
    household.save(update_fields=["status", "notice_ends_on"])
    _log(household, Step.WITHDRAW, user=user, note=reason)
    audit.record(
        household, AuditAction.UPDATE, changes=audit.diff(before, audit.snapshot(household)), user=user
    )
    return household


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
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
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
    if household.filed_on and exited_on <= household.filed_on:
        raise ApplicationError(_("The exit date must be after the filing date."))
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
        created_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
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
    if household.status == Status.EXITED:
        raise ApplicationError(
            _("The household exited on %(date)s; no aid can be paid to it.") % {"date": household.exited_on}
        )
    if household.status != Status.FILED:
        raise ApplicationError(_("Aid can only be paid to a filed household."))
    value = _money(amount, "amount", _("Amount"))
    if value <= 0:
        message = _("The amount must be more than zero.")
        raise ApplicationError(message, extra={"fields": {"amount": [message]}})
    if paid_on is None or (household.filed_on and paid_on < household.filed_on):
        message = _("The payment date cannot be before the filing date %(date)s.") % {
            "date": household.filed_on
        }
        raise ApplicationError(message, extra={"fields": {"paid_on": [message]}})
    return model_create(
        Disbursement,
        user=user,
        number=(number or "").strip() or f"BF{paid_on:%Y%m%d}{uuid.uuid4().hex[:8].upper()}",
        household=household,
        kind=_choice(kind, AidKind, "kind"),
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
    amount = _money(monthly_amount, "monthly_amount", _("Monthly amount"))
    existing = LivingStandard.objects.filter(region=region, year=year).first()
    if existing is not None:
        existing, _changed = model_update(existing, user=user, monthly_amount=amount)
        return existing
    return model_create(LivingStandard, user=user, region=region, year=year, monthly_amount=amount)
