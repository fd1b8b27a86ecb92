"""The payout formula, table-driven: deductible, ratio, cap per claim, yearly cap, rounding."""

from decimal import Decimal as D

import pytest

from apps.insurance.payout import compute_payout

TERMS = {
    "deductible": D("1000.00"),
    "ratio": D("0.65"),
    "cap_per_claim": D("8000.00"),
    "cap_per_year": D("15000.00"),
}

# (total, basic, used before, expected payout, limited by)
CASES = [
    # eligible 600 is under the deductible: nothing
    ("1000.00", "400.00", "0", "0.00", "ratio"),
    # eligible exactly the deductible: nothing
    ("1600.00", "600.00", "0", "0.00", "ratio"),
    # one fen above the deductible: 0.01 × 0.65 = 0.0065 → 0.01 (half up)
    ("1600.01", "600.00", "0", "0.01", "ratio"),
    # (3000.03 − 1000) × 0.65 = 1300.0195 → 1300.02
    ("5000.03", "2000.00", "0", "1300.02", "ratio"),
    # (2000.10 − 1000) × 0.65 = 650.065 → 650.07 (a half fen rounds up)
    ("3000.10", "1000.00", "0", "650.07", "ratio"),
    # (2000.30 − 1000) × 0.65 = 650.195 → 650.20
    ("2000.30", "0.00", "0", "650.20", "ratio"),
    # big claim: (40000 − 8000 − 1000) × 0.65 = 20150 → cap per claim 8000
    ("40000.00", "8000.00", "0", "8000.00", "cap_per_claim"),
    # exactly the cap per claim by ratio: ratio wins the tie
    ("13307.69", "0.00", "0", "8000.00", "ratio"),
    # yearly cap: 15000 − 8000 already paid = 7000 left
    ("40000.00", "8000.00", "8000.00", "7000.00", "cap_per_year"),
    # yearly cap used up: nothing
    ("40000.00", "8000.00", "15000.00", "0.00", "cap_per_year"),
    # a little room left, smaller than the ratio amount
    ("5000.00", "0.00", "14999.99", "0.01", "cap_per_year"),
    # basic insurance paid everything
    ("9000.00", "9000.00", "0", "0.00", "ratio"),
]


@pytest.mark.parametrize(("total", "basic", "used", "expected", "limited_by"), CASES)
def test_payout_table(total, basic, used, expected, limited_by):
    b = compute_payout(total=D(total), basic_paid=D(basic), used_before=D(used), **TERMS)
    assert b.payout == D(expected)
    assert str(b.payout) == expected  # exactly two places
    assert b.limited_by == limited_by


def test_breakdown_shows_every_step():
    b = compute_payout(total=D("5000.03"), basic_paid=D("2000.00"), used_before=D("3000.00"), **TERMS)
    assert b.eligible == D("3000.03")
    assert b.above_deductible == D("2000.03")
    assert b.by_ratio == D("1300.0195")
    assert b.year_room == D("12000.00")
    assert b.payout == D("1300.02")
    assert b.as_dict()["payout"] == "1300.02"


def test_several_claims_run_into_the_yearly_cap_in_settlement_order():
    # given: four claims of 40000 with 8000 paid by basic insurance (like the conformance data)
    used = D("0")
    payouts = []
    for _ in range(4):
        b = compute_payout(total=D("40000"), basic_paid=D("8000"), used_before=used, **TERMS)
        payouts.append(b.payout)
        used += b.payout
    # then: 8000, then the 7000 left of the yearly cap, then nothing
    assert payouts == [D("8000.00"), D("7000.00"), D("0.00"), D("0.00")]
    assert used == TERMS["cap_per_year"]


def test_zero_deductible_and_full_ratio():
    b = compute_payout(
        total=D("1234.565"),
        basic_paid=D("0"),
        deductible=D("0"),
        ratio=D("1"),
        cap_per_claim=D("5000"),
        cap_per_year=D("10000"),
    )
    assert b.payout == D("1234.57")
