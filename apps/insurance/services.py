"""Writes of mutual medical insurance: plans, enrollments and their covered members, claims.

Every function is keyword-only, validates, runs in one transaction, writes the audit trail
and raises ``ApplicationError`` with a message a clerk can act on. ``user=None`` means a
trusted system caller (management command, task, import): no scope or window check.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.attachments import attachments_of
from apps.core.choices import AuditAction, Role
from apps.core.cleaning import check_known_fields, check_unique, clean_choice, field_error, rule_errors
from apps.core.decisions import DecisionStep
from apps.core.exceptions import ApplicationError
from apps.core.locking import check_version
from apps.core.proposals import proposable
from apps.core.services import (
    acting_user,
    bulk_create_audited,
    check_may_change,
    model_create,
    model_delete,
    model_update,
)
from apps.unions.public import GrassrootsUnion, Member, Sex

from . import rules
from .choices import ClaimStatus, Product, ReviewMode
from .decisions import CLAIM_APPROVE, CLAIM_PAY, CLAIM_REVIEW, reject_step
from .models import MAX_WAITING_DAYS, Claim, Coverage, Enrollment, Plan
from .payout import ZERO, PayoutBreakdown, plan_payout
from .rules import (
    clean_claim,
    clean_claim_cover,
    clean_covered_member,
    clean_plan_period,
    clean_plan_terms_change,
)

# The claim page checks a stay with it, from here.
claim_dates_problem = rules.claim_dates_problem

# Helpers ---------------------------------------------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def is_plan_editor(user: Any) -> bool:
    """Provincial staff and administrators run the plans."""
    if user is None:
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role in (Role.PROVINCE, Role.ADMIN))
    )


def _check_plan_editor(user: Any) -> None:
    if not is_plan_editor(user):
        raise ApplicationError(_("Only provincial staff and administrators may change insurance plans."))


def enrollment_is_open(plan: Plan, *, on: dt.date | None = None) -> bool:
    """Enrollment changes close when the coverage starts, unless an administrator reopened them."""
    return plan.enrollment_reopened or (on or today()) < plan.coverage_start


def _check_enrollment_open(plan: Plan, user: Any) -> None:
    if user is None or enrollment_is_open(plan):
        return
    raise ApplicationError(
        _(
            "Enrollment changes for %(plan)s closed when its coverage started on %(date)s; "
            "ask an administrator to reopen them."
        )
        % {"plan": plan, "date": plan.coverage_start}
    )


# Plans -----------------------------------------------------------------------------------

PLAN_FIELDS = (
    "code",
    "year",
    "product",
    "fee",
    "coverage_start",
    "coverage_end",
    "deductible",
    "ratio",
    "cap_per_claim",
    "cap_per_year",
    "review_mode",
    "waiting_days",
    "invoice_required",
)


def _check_plan_period(year: int | None, start: dt.date | None, end: dt.date | None) -> None:
    with rule_errors():
        clean_plan_period(year=year, coverage_start=start, coverage_end=end)


def _check_plan_duties(review_mode: str, waiting_days: int | None) -> None:
    clean_choice(review_mode, ReviewMode, "review_mode")
    if waiting_days is None or not 0 <= waiting_days <= MAX_WAITING_DAYS:
        raise field_error(
            "waiting_days",
            _("The waiting period is a whole number of days from 0 to %(max)s.") % {"max": MAX_WAITING_DAYS},
        )


@transaction.atomic
def plan_create(
    *,
    code: str,
    year: int,
    product: str,
    fee: Decimal,
    coverage_start: dt.date,
    coverage_end: dt.date,
    deductible: Decimal,
    ratio: Decimal,
    cap_per_claim: Decimal,
    cap_per_year: Decimal,
    user: Any,
    review_mode: str = ReviewMode.SINGLE,
    waiting_days: int = 0,
    invoice_required: bool = True,
) -> Plan:
    """Create a yearly plan (provincial staff and administrators only): its payout terms, how
    its claims are reviewed (single or double review), the waiting period of late
    enrollments and whether a claim needs an invoice attached to be approved."""
    _check_plan_editor(user)
    code = (code or "").strip().upper()
    check_unique(Plan, "code", code, _("Plan code %(code)s already exists.") % {"code": code})
    clean_choice(product, Product, "product")
    _check_plan_period(year, coverage_start, coverage_end)
    _check_plan_duties(review_mode, waiting_days)
    return model_create(
        Plan,
        user=user,
        code=code,
        year=year,
        product=product,
        fee=fee,
        coverage_start=coverage_start,
        coverage_end=coverage_end,
        deductible=deductible,
        ratio=ratio,
        cap_per_claim=cap_per_claim,
        cap_per_year=cap_per_year,
        review_mode=review_mode,
        waiting_days=waiting_days,
        invoice_required=invoice_required,
    )


@transaction.atomic
def plan_update(*, plan: Plan, user: Any, **changes: Any) -> Plan:
    """Change a plan; its payout terms are frozen once a claim under it has been paid."""
    _check_plan_editor(user)
    check_known_fields(changes, PLAN_FIELDS)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if "code" in changes:
        changes["code"] = (changes["code"] or "").strip().upper()
        message = _("Plan code %(code)s already exists.") % {"code": changes["code"]}
        check_unique(Plan, "code", changes["code"], message, exclude_pk=plan.pk)
    with rule_errors():
        clean_plan_terms_change(
            plan=plan,
            changes=changes,
            paid=Claim.objects.filter(coverage__plan=plan, status=ClaimStatus.PAID).exists(),
        )
    becomes_female = changes.get("product", plan.product) == Product.FEMALE != plan.product
    if becomes_female and Coverage.objects.filter(plan=plan).exclude(member__sex=Sex.FEMALE).exists():
        raise field_error("product", _("The plan covers male members; it cannot become a female-only plan."))
    _check_plan_period(
        changes.get("year", plan.year),
        changes.get("coverage_start", plan.coverage_start),
        changes.get("coverage_end", plan.coverage_end),
    )
    _check_plan_duties(
        changes.get("review_mode", plan.review_mode), changes.get("waiting_days", plan.waiting_days)
    )
    return model_update(plan, user=user, **changes)[0]


@transaction.atomic
def plan_set_enrollment_reopened(*, plan: Plan, reopened: bool, user: Any) -> Plan:
    """Reopen (or close again) enrollment changes after the coverage started: administrators only."""
    if user is not None and not (user.is_superuser or user.role == Role.ADMIN):
        raise ApplicationError(_("Only administrators may reopen enrollment changes."))
    plan, _changed = model_update(
        plan, user=user, enrollment_reopened=reopened, note=_("reopened") if reopened else _("closed")
    )
    return plan


def _record_covered_members(enrollment: Enrollment, sign: str, n: int, note: str, *, user: Any) -> None:
    """The enrollment's audit entry for ``n`` members covered (``sign`` "+") or removed ("-");
    ``note`` says how many with ``%(n)s``."""
    audit.record(
        enrollment,
        AuditAction.UPDATE,
        changes={"covered_members": [None, f"{sign}{n}"]},
        note=note % {"n": n},
        user=user,
    )


@transaction.atomic
def plan_delete(*, plan: Plan, user: Any) -> None:
    _check_plan_editor(user)
    if Enrollment.objects.filter(plan=plan).exists() or Coverage.objects.filter(plan=plan).exists():
        raise ApplicationError(_("Units are enrolled in %(plan)s; it cannot be deleted.") % {"plan": plan})
    model_delete(plan, user=user)


# Enrollments -----------------------------------------------------------------------------


def member_coverage_problem(plan: Plan, union: GrassrootsUnion, member: Member) -> str | None:
    """Why ``member`` cannot be covered by ``union``'s enrollment in ``plan`` (None if they can)."""
    if member.union_id != union.pk:
        return _("%(name)s is not a member of %(union)s.") % {"name": member.name, "union": union.name}
    if member.left_on is not None:
        return _("%(name)s left the union on %(date)s.") % {"name": member.name, "date": member.left_on}
    try:
        clean_covered_member(plan=plan, member=member)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def _check_members(plan: Plan, union: GrassrootsUnion, members: list[Member]) -> None:
    problems = [p for p in (member_coverage_problem(plan, union, m) for m in members) if p]
    covered = dict(
        Coverage.objects.filter(plan=plan, member__in=members).values_list("member_id", "union__name")
    )
    for m in members:
        if m.pk in covered:
            problems.append(
                _("%(name)s is already covered by %(plan)s (through %(union)s).")
                % {"name": m.name, "plan": plan.code, "union": covered[m.pk]}
            )
    if problems:
        raise ApplicationError("；".join(problems), extra={"fields": {"members": problems}})


def _unique_members(members: Iterable[Member]) -> list[Member]:
    seen: dict[int, Member] = {}
    for m in members:
        seen.setdefault(m.pk, m)
    return list(seen.values())


def late_coverage_start(plan: Plan, *, enrolled_on: dt.date) -> dt.date | None:
    """When a member enrolled on ``enrolled_on`` is covered from: None (the whole plan period)
    when enrolled before the coverage started; for a late enrollment (the administrator
    reopened the enrollment) the enrollment date plus the plan's waiting period. Imported
    historical enrollments do not come through here: they cover the whole period."""
    if enrolled_on < plan.coverage_start:
        return None
    return enrolled_on + dt.timedelta(days=plan.waiting_days)


def _add_coverages(enrollment: Enrollment, members: list[Member], user: Any) -> list[Coverage]:
    if not members:
        return []
    _check_members(enrollment.plan, enrollment.union, members)
    covered_from = late_coverage_start(enrollment.plan, enrolled_on=today())
    try:
        with transaction.atomic():
            created = bulk_create_audited(
                Coverage,
                [
                    Coverage(
                        plan=enrollment.plan, union=enrollment.union, member=m, covered_from=covered_from
                    )
                    for m in members
                ],
                user=user,
            )
    except IntegrityError as exc:  # another request covered one of them meanwhile
        raise ApplicationError(
            _("Some of these members were covered by %(plan)s meanwhile; reload and try again.")
            % {"plan": enrollment.plan.code}
        ) from exc
    _record_covered_members(enrollment, "+", len(created), _("added %(n)s covered members"), user=user)
    return created


@transaction.atomic
def enrollment_create(
    *, plan: Plan, union: GrassrootsUnion, members: Iterable[Member] = (), user: Any, note: str = ""
) -> Enrollment:
    """Enroll a unit in a plan with its covered members (active members of that unit)."""
    check_may_change(user, union.region_id, Enrollment)
    _check_enrollment_open(plan, user)
    if union.dissolved_on is not None and union.dissolved_on <= plan.coverage_start:
        raise field_error(
            "union",
            _("The union %(union)s was dissolved on %(date)s.")
            % {"union": union.name, "date": union.dissolved_on},
        )
    if Enrollment.objects.filter(plan=plan, union=union).exists():
        raise field_error(
            "union",
            _("%(union)s is already enrolled in %(plan)s.") % {"union": union.name, "plan": plan.code},
        )
    enrollment = model_create(Enrollment, user=user, plan=plan, union=union, note=(note or "").strip())
    _add_coverages(enrollment, _unique_members(members), user)
    return enrollment


def _lock_enrollment(enrollment: Enrollment) -> Enrollment:
    return Enrollment.objects.select_for_update().select_related("plan", "union").get(pk=enrollment.pk)


@transaction.atomic
def enrollment_add_members(*, enrollment: Enrollment, members: Iterable[Member], user: Any) -> list[Coverage]:
    """Cover more members of the unit; the contribution follows (members × fee)."""
    enrollment = _lock_enrollment(enrollment)
    check_may_change(user, enrollment.union.region_id, Enrollment)
    _check_enrollment_open(enrollment.plan, user)
    members = _unique_members(members)
    if not members:
        raise field_error("members", _("Choose at least one member."))
    return _add_coverages(enrollment, members, user)


@transaction.atomic
def enrollment_remove_members(*, enrollment: Enrollment, members: Iterable[Member], user: Any) -> int:
    """Stop covering members; a member with a claim under the plan stays covered."""
    enrollment = _lock_enrollment(enrollment)
    check_may_change(user, enrollment.union.region_id, Enrollment)
    _check_enrollment_open(enrollment.plan, user)
    members = _unique_members(members)
    coverages = list(
        enrollment.coverages.filter(member__in=members).select_related("member", "plan", "union")
    )
    missing = {m.pk for m in members} - {c.member_id for c in coverages}
    if missing or not members:
        raise field_error("members", _("Some of the chosen members are not covered by this enrollment."))
    with_claims = {c.coverage_id for c in Claim.objects.filter(coverage__in=coverages).only("coverage_id")}
    if with_claims:
        names = "、".join(c.member.name for c in coverages if c.pk in with_claims)
        raise field_error(
            "members",
            _("These members have claims under the plan and stay covered: %(names)s") % {"names": names},
        )
    audit.record_many(
        coverages,
        AuditAction.DELETE,
        changes=[{k: [v, None] for k, v in audit.snapshot(c).items()} for c in coverages],
        user=user,
    )
    Coverage.objects.filter(pk__in=[c.pk for c in coverages]).delete()
    _record_covered_members(enrollment, "-", len(coverages), _("removed %(n)s covered members"), user=user)
    return len(coverages)


@transaction.atomic
def enrollment_delete(*, enrollment: Enrollment, user: Any) -> None:
    """Withdraw a unit from a plan; only while none of its members has a claim."""
    enrollment = _lock_enrollment(enrollment)
    check_may_change(user, enrollment.union.region_id, Enrollment)
    _check_enrollment_open(enrollment.plan, user)
    coverages = list(enrollment.coverages)
    if Claim.objects.filter(coverage__in=coverages).exists():
        raise ApplicationError(_("Members of this enrollment have claims; it cannot be withdrawn."))
    if coverages:
        audit.record_many(coverages, AuditAction.DELETE, user=user)
        Coverage.objects.filter(pk__in=[c.pk for c in coverages]).delete()
    model_delete(enrollment, user=user)


def ensure_enrollments(pairs: Iterable[tuple[int, int]], *, user: Any = None) -> int:
    """Create the missing Enrollment rows for (plan id, union id) pairs (imports, generators)."""
    pairs = set(pairs)
    if not pairs:
        return 0
    plan_ids = {p for p, _u in pairs}
    existing = set(
        Enrollment.objects.filter(plan_id__in=plan_ids, union_id__in={u for _p, u in pairs}).values_list(
            "plan_id", "union_id"
        )
    )
    new = [Enrollment(plan_id=p, union_id=u) for p, u in sorted(pairs - existing)]
    if new:
        bulk_create_audited(Enrollment, new, user=user)
    return len(new)


# Claims ----------------------------------------------------------------------------------


def coverage_for(*, plan: Plan, member: Member) -> Coverage | None:
    return Coverage.objects.filter(plan=plan, member=member).select_related("plan", "union", "member").first()


def _new_claim_number(on: dt.date) -> str:
    while True:
        number = f"LP{on:%Y%m%d}{secrets.token_hex(3).upper()}"
        if not Claim.objects.filter(number=number).exists():
            return number


@proposable(gettext_lazy("Submit a claim"), model=Claim)
@transaction.atomic
def claim_submit(
    *,
    plan: Plan,
    member: Member,
    admitted_on: dt.date,
    discharged_on: dt.date,
    total_expense: Decimal,
    basic_insurance_paid: Decimal,
    user: Any,
    number: str = "",
) -> Claim:
    """Register a claim of a covered member; refused outside the coverage (or before a late
    enrollment's coverage starts) or for a member the plan does not cover. The submitter is
    recorded: they never review or approve it."""
    coverage = coverage_for(plan=plan, member=member)
    if coverage is None:
        raise field_error(
            "member",
            _("%(name)s is not covered by %(plan)s; only members of an enrolled unit can claim.")
            % {"name": member.name, "plan": plan.code},
        )
    check_may_change(user, coverage.union.region_id, Claim)
    with rule_errors():
        clean_claim_cover(coverage=coverage, admitted_on=admitted_on, discharged_on=discharged_on)
        clean_claim(
            admitted_on=admitted_on,
            discharged_on=discharged_on,
            total_expense=total_expense,
            basic_insurance_paid=basic_insurance_paid,
            status=ClaimStatus.SUBMITTED,
        )
    number = (number or "").strip().upper() or _new_claim_number(today())
    if Claim.objects.filter(number=number).exists():
        raise field_error("number", _("Claim number %(n)s already exists.") % {"n": number})
    return model_create(
        Claim,
        user=user,
        number=number,
        coverage=coverage,
        union=coverage.union,
        admitted_on=admitted_on,
        discharged_on=discharged_on,
        total_expense=total_expense,
        basic_insurance_paid=basic_insurance_paid,
        status=ClaimStatus.SUBMITTED,
        submitted_by=acting_user(user),
    )


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    user: Any,
    admitted_on: dt.date | None = None,
    discharged_on: dt.date | None = None,
    total_expense: Decimal | None = None,
    basic_insurance_paid: Decimal | None = None,
    expected_version: int | None = None,
) -> Claim:
    """Correct a claim while it is still submitted. Whoever corrects it becomes its last
    editor and may not review or approve it.

    ``expected_version``: the version the editor read (apps.core.locking); None: no check."""
    claim = _lock_claim(claim)
    check_may_change(user, claim.coverage.union.region_id, Claim)
    check_version(claim, expected_version)
    if claim.status != ClaimStatus.SUBMITTED:
        raise ApplicationError(_("Only a submitted claim can be corrected."))
    data = {
        k: v
        for k, v in {
            "admitted_on": admitted_on,
            "discharged_on": discharged_on,
            "total_expense": total_expense,
            "basic_insurance_paid": basic_insurance_paid,
        }.items()
        if v is not None
    }
    with rule_errors():
        clean_claim_cover(
            coverage=claim.coverage,
            admitted_on=data.get("admitted_on", claim.admitted_on),
            discharged_on=data.get("discharged_on", claim.discharged_on),
        )
    return model_update(claim, user=user, **data)[0]


def _lock_claim(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("coverage__plan", "coverage__union", "coverage__member")
        .get(pk=claim.pk)
    )


def _check_status(claim: Claim, expected: tuple[str, ...], message: str | None = None) -> None:
    if claim.status in expected:
        return
    if claim.status == ClaimStatus.PAID:
        raise ApplicationError(_("Claim %(n)s has already been paid.") % {"n": claim.number})
    raise ApplicationError(
        (message or _("Claim %(n)s is %(status)s; this step is not possible now."))
        % {"n": claim.number, "status": claim.get_status_display()}
    )


def _decide(claim: Claim, *, user: Any, step: DecisionStep, to: str, note: str = "", **extra: Any) -> Claim:
    """Record the decision ``step`` on the locked ``claim``, after the step's rule allowed it."""
    step.check(user, claim)
    claim, _changed = model_update(
        claim,
        user=user,
        note=note,
        status=to,
        decided_at=timezone.now(),
        decided_by=acting_user(user),
        **extra,
    )
    return claim


@transaction.atomic
def claim_review(*, claim: Claim, user: Any) -> Claim:
    """submitted → reviewed, by the prefecture above the claim's county or the province;
    never by whoever submitted the claim or last changed it."""
    claim = _lock_claim(claim)
    _check_status(claim, (ClaimStatus.SUBMITTED,))
    return _decide(
        claim, user=user, step=CLAIM_REVIEW, to=ClaimStatus.REVIEWED, reviewed_by=acting_user(user)
    )


INVOICE = "invoice"  # the attachment kind (apps.core.attachments.KINDS) a claim is paid on


def check_claim_evidence(claim: Claim) -> None:
    """Refuse the approval of a claim whose plan requires an invoice and which has none
    attached (the yearly fund audit asks for the invoice of every approved claim)."""
    if not claim.coverage.plan.invoice_required:
        return
    if not attachments_of(claim).filter(kind=INVOICE).exists():
        raise ApplicationError(
            _("Attach at least one invoice to claim %(n)s before approving it.") % {"n": claim.number}
        )


@transaction.atomic
def claim_approve(*, claim: Claim, user: Any) -> Claim:
    """reviewed → approved, by the same reviewers; on a double-review plan by someone other
    than the reviewer; with an invoice attached when the plan requires one."""
    claim = _lock_claim(claim)
    _check_status(claim, (ClaimStatus.REVIEWED,))
    check_claim_evidence(claim)
    return _decide(
        claim, user=user, step=CLAIM_APPROVE, to=ClaimStatus.APPROVED, approved_by=acting_user(user)
    )


@transaction.atomic
def claim_reject(*, claim: Claim, reason: str, user: Any) -> Claim:
    """submitted / reviewed → rejected, with a reason, by whoever may take the step the claim
    waits for (its review, or its approval). An approved claim is paid, not rejected."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("A rejected claim needs a reason."))
    claim = _lock_claim(claim)
    _check_status(
        claim,
        (ClaimStatus.SUBMITTED, ClaimStatus.REVIEWED),
        _("Claim %(n)s is %(status)s; only a claim waiting for its review or approval can be rejected."),
    )
    return _decide(
        claim,
        user=user,
        step=reject_step(claim),
        to=ClaimStatus.REJECTED,
        reject_reason=reason[:200],
        note=reason[:200],
    )


def paid_before(coverage: Coverage, *, exclude_pk: int | None = None) -> Decimal:
    """What the member's paid claims under the plan received (the yearly cap used so far)."""
    qs = Claim.objects.filter(coverage=coverage, status=ClaimStatus.PAID)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    # SQLite sums decimals as floats (21409.9600000000): back to cents before it is stored
    return (qs.aggregate(s=Sum("payout"))["s"] or ZERO).quantize(Decimal("0.01"))


def claim_payout_preview(*, claim: Claim) -> PayoutBreakdown:
    """The payout the claim would get if paid now (or, once paid, how it was computed)."""
    coverage = claim.coverage
    if claim.status == ClaimStatus.PAID and claim.year_used_before is not None:
        used = claim.year_used_before
    else:
        used = paid_before(coverage, exclude_pk=claim.pk)
    return plan_payout(
        coverage.plan, total=claim.total_expense, basic_paid=claim.basic_insurance_paid, used_before=used
    )


@transaction.atomic
def claim_pay(*, claim: Claim, user: Any, paid_on: dt.date | None = None) -> Claim:
    """approved → paid, by county staff of the claim's county. The payout is computed here,
    never typed in. The member's coverage row is locked first, so payments of the same member
    under the same plan run one after the other and never push the member over the yearly
    cap; the claim row lock and the status check make a second payment of the same claim
    impossible."""
    coverage = Coverage.objects.select_for_update().get(pk=claim.coverage_id)
    claim = _lock_claim(claim)
    _check_status(
        claim, (ClaimStatus.APPROVED,), _("Claim %(n)s is %(status)s; only an approved claim can be paid.")
    )
    CLAIM_PAY.check(user, claim)
    paid_on = paid_on or today()
    # not before the discharge: rules.clean_claim, through the claim's clean() when it is saved
    used = paid_before(coverage, exclude_pk=claim.pk)
    breakdown = plan_payout(
        claim.coverage.plan,
        total=claim.total_expense,
        basic_paid=claim.basic_insurance_paid,
        used_before=used,
    )
    return _decide(
        claim,
        user=user,
        step=CLAIM_PAY,
        to=ClaimStatus.PAID,
        payout=breakdown.payout,
        year_used_before=used,
        paid_on=paid_on,
        note=_("payout %(p)s") % {"p": breakdown.payout},
    )
