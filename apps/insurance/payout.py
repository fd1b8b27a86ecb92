"""The payout formula of DOMAIN.md §5 and IMPORT.md (claims), as a pure function.

    eligible = total − paid by basic insurance
    payout   = min((eligible − deductible)⁺ × ratio, cap per claim, cap per year − used before)

rounded to the fen (0.01, half up) once, at the end. ``used before`` is what the member's
earlier paid claims under the same plan received ("earlier" = settlement order: discharge
date, then claim number); only paid claims use up the yearly cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0")


def to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PayoutBreakdown:
    total: Decimal
    basic_paid: Decimal
    eligible: Decimal
    deductible: Decimal
    above_deductible: Decimal  # (eligible − deductible)⁺
    ratio: Decimal
    by_ratio: Decimal  # above_deductible × ratio, unrounded
    cap_per_claim: Decimal
    cap_per_year: Decimal
    used_before: Decimal
    year_room: Decimal  # cap per year − used before, never below 0
    limited_by: str  # "ratio", "cap_per_claim" or "cap_per_year"
    payout: Decimal

    def as_dict(self) -> dict[str, str]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


def compute_payout(
    *,
    total: Decimal,
    basic_paid: Decimal,
    deductible: Decimal,
    ratio: Decimal,
    cap_per_claim: Decimal,
    cap_per_year: Decimal,
    used_before: Decimal = ZERO,
) -> PayoutBreakdown:
    """The payout of one claim with every step of the computation."""
    total, basic_paid = Decimal(total), Decimal(basic_paid)
    deductible, ratio = Decimal(deductible), Decimal(ratio)
    cap_per_claim, cap_per_year, used_before = (
        Decimal(cap_per_claim),
        Decimal(cap_per_year),
        Decimal(used_before),
    )
    eligible = total - basic_paid
    above = max(eligible - deductible, ZERO)
    by_ratio = above * ratio
    room = max(cap_per_year - used_before, ZERO)
    candidates = [(by_ratio, "ratio"), (cap_per_claim, "cap_per_claim"), (room, "cap_per_year")]
    value, limited_by = min(candidates, key=lambda c: c[0])  # first wins on ties
    return PayoutBreakdown(
        total=total,
        basic_paid=basic_paid,
        eligible=eligible,
        deductible=deductible,
        above_deductible=above,
        ratio=ratio,
        by_ratio=by_ratio,
        cap_per_claim=cap_per_claim,
        cap_per_year=cap_per_year,
        used_before=used_before,
        year_room=room,
        limited_by=limited_by,
        payout=to_fen(value),
    )


def plan_payout(plan, *, total: Decimal, basic_paid: Decimal, used_before: Decimal = ZERO) -> PayoutBreakdown:
    """``compute_payout`` with the terms of a Plan (model or any object with its fields)."""
    return compute_payout(
        total=total,
        basic_paid=basic_paid,
        deductible=plan.deductible,
        ratio=plan.ratio,
        cap_per_claim=plan.cap_per_claim,
        cap_per_year=plan.cap_per_year,
        used_before=used_before,
    )
