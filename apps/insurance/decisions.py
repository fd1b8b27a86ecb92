"""Who decides a claim: the decision steps of the claim workflow, declared once with the core
rule (``apps.core.decisions.DecisionStep``) and obeyed by the services, so that the pages, the
API, the admin and any script follow the same separation of duties.

    submitted ──review──▶ reviewed ──approve──▶ approved ──pay──▶ paid
        └──────reject──────┴──────reject─────┘

- County staff submit a claim and, once it is approved, pay it (``CLAIM_PAY``).
- The prefecture above the claim's county, or the province, reviews and approves it
  (``CLAIM_REVIEW``, ``CLAIM_APPROVE``): never the person who submitted it nor the last one who
  changed its contents. On a plan with double review the approver is someone other than the
  reviewer; with single review one reviewer may take both steps.
- A rejection (with a reason) is a decision of the step the claim waits for: whoever may
  review a submitted claim, or approve a reviewed one, may reject it instead.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.decisions import LAST_EDITOR_ATTR as LAST_EDITOR_ATTR  # the tests read it here
from apps.core.decisions import ContentEditors, DecisionStep

from .choices import ClaimStatus
from .models import Claim

# What the decisions themselves write: changing these does not make anyone the claim's editor.
DECISION_FIELDS = (
    "status",
    "decided_at",
    "decided_by",
    "reviewed_by",
    "approved_by",
    "reject_reason",
    "payout",
    "year_used_before",
    "paid_on",
)


# Who submitted and decided a claim, and when: shown read-only wherever a claim is.
CLAIM_TRAIL_FIELDS = (
    "submitted_at",
    "submitted_by",
    "reviewed_by",
    "approved_by",
    "decided_at",
    "decided_by",
)


# Who last changed a claim's contents (not its decisions), read once per instance or for a page
# of claims in one query.
EDITORS = ContentEditors(DECISION_FIELDS)
claim_last_editor_id = EDITORS.last_editor_id
prefetch_last_editors = EDITORS.prefetch


def _region(claim: Claim) -> int | None:
    return claim.coverage.union.region_id


def _filer_and_editor(claim: Claim) -> set[int | None]:
    return {claim.submitted_by_id, claim_last_editor_id(claim)}


def _approval_excluded(claim: Claim) -> set[int | None]:
    excluded = _filer_and_editor(claim)
    if claim.coverage.plan.double_review:
        excluded.add(claim.reviewed_by_id)
    return excluded


# Every step is judged by the claim's region under the claims' scope rules.
_ON_CLAIM = {"region_of": _region, "scope_model": Claim}
CLAIM_REVIEW = DecisionStep.above_county(
    "claim_review", _("review the claim"), excluded=_filer_and_editor, **_ON_CLAIM
)
CLAIM_APPROVE = CLAIM_REVIEW.but("claim_approve", _("approve the claim"), excluded=_approval_excluded)
CLAIM_PAY = DecisionStep.by_county("claim_pay", _("pay the claim"), **_ON_CLAIM)

# The step each status waits for; a claim may be rejected instead of taking it (not paid).
NEXT_STEP: dict[str, DecisionStep] = {
    ClaimStatus.SUBMITTED: CLAIM_REVIEW,
    ClaimStatus.REVIEWED: CLAIM_APPROVE,
    ClaimStatus.APPROVED: CLAIM_PAY,
}
REJECTABLE = (ClaimStatus.SUBMITTED, ClaimStatus.REVIEWED)


def next_step(claim: Claim) -> DecisionStep | None:
    """The decision the claim waits for (None once paid or rejected)."""
    return NEXT_STEP.get(claim.status)


def reject_step(claim: Claim) -> DecisionStep | None:
    """The step a rejection decides now: review or approval (None when it cannot be rejected)."""
    return NEXT_STEP.get(claim.status) if claim.status in REJECTABLE else None


def allowed(user: Any, claim: Claim) -> dict[str, bool]:
    """Which buttons ``user`` may press on ``claim``: review, approve, pay, reject."""
    step = next_step(claim)
    may = step is not None and step.allows(user, claim)
    return {
        "review": may and step is CLAIM_REVIEW,
        "approve": may and step is CLAIM_APPROVE,
        "pay": may and step is CLAIM_PAY,
        "reject": may and claim.status in REJECTABLE,
    }


def waiting_on(claim: Claim) -> str:
    """On whom the claim waits, for a page: who may take its next step ("" once decided)."""
    step = next_step(claim)
    if step is None:
        return ""
    text = step.waiting_text(claim.coverage.union.region.name)
    if step is CLAIM_APPROVE and claim.coverage.plan.double_review and claim.reviewed_by_id:
        text += " " + gettext(
            "Double review: the approver must be someone other than the reviewer (%(reviewer)s)."
        ) % {"reviewer": claim.reviewed_by}
    return text
