"""Demo data of mutual medical insurance, for the unions and members already in the database.

``generate`` is called by the reports app's ``generate_demo_data`` after the other domains.
Scale "demo" writes plans for every year, a few hundred covered members and a couple of
hundred claims; scale "province" follows DOMAIN.md's table (5,840 units, 570,000 covered
workers). Claims run through every status; paid ones get the payout of ``payout.plan_payout``
in settlement order (discharge date, claim number), so the yearly cap holds.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core import audit
from apps.core.bulk import bulk_insert
from apps.core.choices import AuditAction, AuditSource
from apps.unions.choices import Sex
from apps.unions.models import Member

from .choices import ClaimStatus, Product
from .models import Claim, Coverage, Enrollment, Plan
from .payout import ZERO, plan_payout, to_fen

BATCH = 5000
NOTE = "演示数据"

SCALES = {
    "demo": {"units": 40, "members_per_unit": (3, 15), "claim_share": 0.25},
    "province": {"units": 5840, "members_per_unit": (40, 160), "claim_share": 0.08},
}
STATUSES = [ClaimStatus.PAID] * 5 + [
    ClaimStatus.SUBMITTED,
    ClaimStatus.REVIEWED,
    ClaimStatus.APPROVED,
    ClaimStatus.REJECTED,
]
REASONS = ["材料不全", "不在保障范围", "重复申报"]


def _plans(rng: random.Random, years: list[int]) -> list[Plan]:
    existing = set(Plan.objects.values_list("code", flat=True))
    plans = []
    for year in years:
        for i, product in enumerate(Product.values, start=1):
            code = f"P{year}{i:02d}"
            if code in existing:
                continue
            plans.append(
                Plan(
                    code=code,
                    year=year,
                    product=product,
                    fee=Decimal(rng.choice([30, 50, 60, 80])),
                    coverage_start=dt.date(year, 1, 1),
                    coverage_end=dt.date(year, 12, 31),
                    deductible=Decimal(rng.choice([0, 500, 800, 1000])),
                    ratio=Decimal(rng.choice(["0.5", "0.6", "0.65", "0.8"])),
                    cap_per_claim=Decimal(rng.choice([5000, 8000, 20000])),
                    cap_per_year=Decimal(rng.choice([10000, 15000, 30000])),
                )
            )
    return plans


@transaction.atomic
def generate(*, rng: random.Random, scale: str, years: list[int]) -> dict[str, int]:
    """Write plans, enrollments, covered members and claims; returns {"<model>": count}."""
    cfg = SCALES[scale]
    today = timezone.localdate()
    with audit.audit_context(source=AuditSource.SYSTEM):
        new_plans = bulk_insert(Plan, _plans(rng, years), batch_size=BATCH)
        audit.record_many(new_plans, AuditAction.CREATE, note=NOTE)
        plans = [p for p in new_plans if p.coverage_start <= today] or new_plans
        if not plans:
            return {"plan": 0, "enrollment": 0, "coverage": 0, "claim": 0}

        # active members of a sample of unions: (id, union, sex, joined_on)
        union_ids = list(
            Member.objects.filter(left_on__isnull=True)
            .order_by("union_id")
            .values_list("union_id", flat=True)
            .distinct()[: cfg["units"] * 3]
        )
        rng.shuffle(union_ids)
        union_ids = sorted(union_ids[: cfg["units"]])
        members_by_union: dict[int, list[tuple[int, str, dt.date]]] = defaultdict(list)
        for pk, union_id, sex, joined in Member.objects.filter(
            left_on__isnull=True, union_id__in=union_ids
        ).values_list("id", "union_id", "sex", "joined_on"):
            members_by_union[union_id].append((pk, sex, joined))

        enrollments, coverages = [], []
        for plan in plans:
            for union_id in union_ids:
                if rng.random() < 0.3:
                    continue
                eligible = [
                    m
                    for m in members_by_union[union_id]
                    if m[2] <= plan.coverage_start and (plan.product != Product.FEMALE or m[1] == Sex.FEMALE)
                ]
                if not eligible:
                    continue
                lo, hi = cfg["members_per_unit"]
                chosen = rng.sample(eligible, min(len(eligible), rng.randint(lo, hi)))
                enrollments.append(Enrollment(plan=plan, union_id=union_id, note=NOTE))
                coverages.extend(Coverage(plan=plan, union_id=union_id, member_id=m[0]) for m in chosen)
        for start in range(0, len(enrollments), BATCH):
            batch = bulk_insert(Enrollment, enrollments[start : start + BATCH], batch_size=BATCH)
            audit.record_many(batch, AuditAction.CREATE, note=NOTE)
        for start in range(0, len(coverages), BATCH):
            batch = bulk_insert(Coverage, coverages[start : start + BATCH], batch_size=BATCH)
            audit.record_many(batch, AuditAction.CREATE, note=NOTE)

        claims = _claims(rng, coverages, cfg["claim_share"], today)
        for start in range(0, len(claims), BATCH):
            batch = bulk_insert(Claim, claims[start : start + BATCH], batch_size=BATCH)
            audit.record_many(batch, AuditAction.CREATE, note=NOTE)
    return {
        "plan": len(new_plans),
        "enrollment": len(enrollments),
        "coverage": len(coverages),
        "claim": len(claims),
    }


def _claims(rng: random.Random, coverages: list[Coverage], share: float, today: dt.date) -> list[Claim]:
    claims: list[Claim] = []
    seq = Claim.objects.count()
    for coverage in coverages:
        if rng.random() >= share:
            continue
        plan = coverage.plan
        last_admission = min(plan.coverage_end, today - dt.timedelta(days=30))
        if last_admission < plan.coverage_start:
            continue
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            span = (last_admission - plan.coverage_start).days
            admitted = plan.coverage_start + dt.timedelta(days=rng.randint(0, span))
            discharged = min(admitted + dt.timedelta(days=rng.randint(1, 20)), plan.coverage_end)
            total = to_fen(Decimal(rng.randint(100000, 6000000)) / 100)
            basic = to_fen(total * Decimal(rng.choice(["0.3", "0.5", "0.6", "0.7"])))
            status = rng.choice(STATUSES)
            seq += 1
            claims.append(
                Claim(
                    number=f"LPD{plan.year}{seq:07d}",
                    coverage=coverage,
                    admitted_on=admitted,
                    discharged_on=discharged,
                    total_expense=total,
                    basic_insurance_paid=basic,
                    status=status,
                    reject_reason=rng.choice(REASONS) if status == ClaimStatus.REJECTED else "",
                )
            )
    used: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for claim in sorted(claims, key=lambda c: (c.discharged_on, c.number)):
        if claim.status != ClaimStatus.PAID:
            continue
        paid_on = min(claim.discharged_on + dt.timedelta(days=rng.randint(5, 60)), today)
        breakdown = plan_payout(
            claim.coverage.plan,
            total=claim.total_expense,
            basic_paid=claim.basic_insurance_paid,
            used_before=used[claim.coverage.pk],
        )
        claim.payout, claim.year_used_before, claim.paid_on = (
            breakdown.payout,
            used[claim.coverage.pk],
            paid_on,
        )
        used[claim.coverage.pk] += breakdown.payout
    return claims
