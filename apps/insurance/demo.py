"""Demo data of mutual medical insurance, for the unions and members already in the database.

``generate`` is called by the reports app's ``generate_demo_data`` after the other domains.
Scale "demo" writes plans for every year, a few hundred covered members and a couple of
hundred claims; scale "province" follows DOMAIN.md's table (5,840 units, 570,000 covered
workers). Claims run through every status; paid ones get the payout of ``payout.plan_payout``
in settlement order (discharge date, claim number), so the yearly cap holds. The rows are
written a batch of units at a time (enrollments, coverages as plain rows, then the batch's
claims), so memory stays flat at province scale (2.5 million coverages).

Besides the given years, the plans of the current year are written, open for enrollment
(``services.enrollment_is_open``: reopened once their coverage has started) and with double
review; the claims of plans that ended half a year ago are all settled. Every unit of the
demo users' counties (``load_demo.DEMO_COUNTIES``) takes part. Their claims under the current
inpatient plan (last year's in the first weeks of a year) go through the services as the people
who take each step when they exist: submitted and paid by the county user, reviewed by the
first prefecture user and approved by a second one (``decisions``: never the submitter, on a
double-review plan never the reviewer), rejected by whoever takes the step the claim waits for;
some stop at each status. Each walk claim is submitted with the hospital's invoice attached (a
small generated PDF), so that its approval passes the plans' invoice rule; the other claims are
written in their status as the historical claims import writes them, without files.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.core import attachments, audit
from apps.core.bulk import bulk_insert, insert_rows
from apps.core.choices import AuditAction, AuditSource, Role
from apps.core.management.commands.load_demo import DEMO_COUNTIES, demo_staff
from apps.core.management.commands.load_demo import DEMO_NOTE as NOTE
from apps.core.models import Region
from apps.unions.public import GrassrootsUnion, Member, Sex

from . import services
from .choices import ClaimStatus, Product, ReviewMode
from .models import Claim, Coverage, Enrollment, Plan
from .payout import ZERO, plan_payout, to_fen

BATCH = 5000

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
# Claims of a plan whose coverage ended this long ago are all settled (paid or rejected).
SETTLED_AFTER_DAYS = 180
SETTLED = [ClaimStatus.PAID] * 5 + [ClaimStatus.REJECTED]
REASONS = ["材料不全", "不在保障范围", "重复申报"]
# Per demo county: the claims of the walk by the status they stop at.
WALK_CLAIMS = (
    [ClaimStatus.SUBMITTED] * 3
    + [ClaimStatus.REVIEWED] * 3
    + [ClaimStatus.APPROVED] * 2
    + [ClaimStatus.PAID] * 4
    + [ClaimStatus.REJECTED] * 2
)
# The walk uses the current plan once its coverage has run this long (else last year's).
WALK_MIN_DAYS = 45


def _plans(rng: random.Random, years: list[int], today: dt.date) -> list[Plan]:
    existing = set(Plan.objects.values_list("code", flat=True))
    plans = []
    for year in sorted({*years, today.year}):
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
                    # this year's plans stay open for enrollment after their coverage started,
                    # and their claims are approved by someone other than their reviewer
                    enrollment_reopened=year == today.year and dt.date(year, 1, 1) <= today,
                    review_mode=ReviewMode.DOUBLE if year == today.year else ReviewMode.SINGLE,
                )
            )
    return plans


@transaction.atomic
def generate(*, rng: random.Random, scale: str, years: list[int]) -> dict[str, int]:
    """Write plans, enrollments, covered members and claims; returns {"<model>": count}."""
    cfg = SCALES[scale]
    today = timezone.localdate()
    with audit.audit_context(source=AuditSource.SYSTEM):
        new_plans = bulk_insert(Plan, _plans(rng, years, today), batch_size=BATCH)
        audit.record_many(new_plans, AuditAction.CREATE, note=NOTE)
        plans = [p for p in new_plans if p.coverage_start <= today] or new_plans
        if not plans:
            return {"plan": 0, "enrollment": 0, "coverage": 0, "claim": 0}

        # every unit of the demo counties, and a sample of the others, with active members
        focus_ids = set(
            Member.objects.filter(left_on__isnull=True, union__region__code__in=DEMO_COUNTIES)
            .order_by("union_id")
            .values_list("union_id", flat=True)
            .distinct()
        )
        union_ids = [
            u
            for u in Member.objects.filter(left_on__isnull=True)
            .order_by("union_id")
            .values_list("union_id", flat=True)
            .distinct()[: cfg["units"] * 3 + len(focus_ids)]
            if u not in focus_ids
        ]
        rng.shuffle(union_ids)
        union_ids = [*union_ids[: cfg["units"]], *focus_ids]
        # the unions are attached to the new enrollments, so the audit trail's regions need no
        # query per row
        unions = GrassrootsUnion.objects.in_bulk(union_ids)
        # by region: the audit trail has an entry per region and batch, so a batch of units
        # from a region or two keeps it to a few entries
        union_ids.sort(key=lambda pk: (unions[pk].region_id, pk))
        # plain tuples, not Member instances: at province scale they are half a million
        members_by_union: dict[int, list[tuple[int, str, dt.date]]] = defaultdict(list)
        for pk, union_id, sex, joined in (
            Member.objects.filter(left_on__isnull=True, union_id__in=union_ids)
            .order_by("pk")
            .values_list("id", "union_id", "sex", "joined_on")
            .iterator(chunk_size=BATCH * 4)
        ):
            members_by_union[union_id].append((pk, sex, joined))

        walk_plan = _walk_plan(plans, today)
        counts = {"plan": len(new_plans), "enrollment": 0, "coverage": 0, "claim": 0}
        batch = _Batch(rng, today, cfg["claim_share"], first_claim=Claim.objects.count() + 1)
        lo, hi = cfg["members_per_unit"]
        for plan in plans:
            # the walk's coverages get their claims through the services below, not in bulk
            batch.start(plan, walked=focus_ids if plan == walk_plan else set())
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
                chosen = rng.sample(eligible, min(len(eligible), rng.randint(lo, hi)))
                batch.add(unions[union_id], [m[0] for m in chosen])
                if len(batch.rows) >= BATCH:
                    batch.write(counts)
            batch.write(counts)
        del members_by_union  # the walk's objects take its place in memory
        if walk_plan is not None:
            # tens of thousands at province scale: they share the unions already loaded
            walked = list(Coverage.objects.filter(plan=walk_plan, union_id__in=focus_ids).order_by("pk"))
            for coverage in walked:
                coverage.union = unions[coverage.union_id]
            counts["claim"] += _walk_claims(rng, walk_plan, walked, today)
    return counts


# Coverage columns written by the generator (``insert_rows``: no model instance per row).
COVERAGE_FIELDS = ("plan_id", "union_id", "member_id", "created_at")


class _Batch:
    """The enrollments and coverages of one plan for a batch of units, written with their
    audit entries and their claims once they reach BATCH coverages, then dropped: memory is
    bounded by a batch, not by the province's 2.5 million coverages."""

    def __init__(self, rng: random.Random, today: dt.date, claim_share: float, *, first_claim: int) -> None:
        self.rng, self.today, self.claim_share = rng, today, claim_share
        self.seq = first_claim  # claim numbers continue across batches
        self.now = timezone.now()
        self.plan: Plan | None = None
        self.walked: set[int] = set()
        self.enrollments: list[Enrollment] = []
        self.rows: list[tuple[int, int, int, dt.datetime]] = []
        self.regions: list[int] = []

    def start(self, plan: Plan, *, walked: set[int]) -> None:
        """Batches of ``plan`` from now on; the coverages of ``walked`` units get no bulk claims."""
        self.plan, self.walked = plan, walked

    def add(self, union: GrassrootsUnion, member_ids: list[int]) -> None:
        """The unit's enrollment in the plan and its chosen members' coverages."""
        self.enrollments.append(Enrollment(plan=self.plan, union=union, note=NOTE))
        self.rows.extend((self.plan.pk, union.pk, pk, self.now) for pk in member_ids)
        self.regions.extend([union.region_id] * len(member_ids))

    def write(self, counts: dict[str, int]) -> None:
        """Write the batch and its claims, add them to ``counts`` and start an empty batch."""
        if not self.rows:
            return
        bulk_insert(Enrollment, self.enrollments, batch_size=BATCH)
        audit.record_many(self.enrollments, AuditAction.CREATE, note=NOTE)
        pks = insert_rows(Coverage, COVERAGE_FIELDS, self.rows)
        audit.record_inserted(Coverage, pks, self.regions, note=NOTE)
        region_of = dict(zip(pks, self.regions, strict=True))
        claimable = [pk for pk, row in zip(pks, self.rows, strict=True) if row[1] not in self.walked]
        claims = _claims(self.rng, self.plan, claimable, self.claim_share, self.today, first=self.seq)
        union_of = {pk: row[1] for pk, row in zip(pks, self.rows, strict=True)}
        for claim in claims:
            claim.union_id = union_of[claim.coverage_id]
        bulk_insert(Claim, claims, batch_size=BATCH)
        # by keys and regions: the claims hold their coverage's id, not the coverage itself
        audit.record_inserted(
            Claim, [c.pk for c in claims], [region_of[c.coverage_id] for c in claims], note=NOTE
        )
        self.seq += len(claims)
        counts["enrollment"] += len(self.enrollments)
        counts["coverage"] += len(pks)
        counts["claim"] += len(claims)
        self.enrollments, self.rows, self.regions = [], [], []


def _walk_plan(plans: list[Plan], today: dt.date) -> Plan | None:
    """The inpatient plan of this year once it has run long enough for claims, else last year's."""
    inpatient = {p.year: p for p in plans if p.product == Product.INPATIENT}
    current = inpatient.get(today.year)
    if current is not None and (today - current.coverage_start).days >= WALK_MIN_DAYS:
        return current
    return inpatient.get(today.year - 1)


def _stay(rng: random.Random, plan: Plan, today: dt.date) -> tuple[dt.date, dt.date, Decimal, Decimal] | None:
    """A hospital stay under the plan, discharged at least ten days ago: (admitted, discharged,
    total expense, part paid by basic insurance); None when the coverage is too recent."""
    last_admission = min(plan.coverage_end, today - dt.timedelta(days=30))
    if last_admission < plan.coverage_start:
        return None
    span = (last_admission - plan.coverage_start).days
    admitted = plan.coverage_start + dt.timedelta(days=rng.randint(0, span))
    discharged = min(admitted + dt.timedelta(days=rng.randint(1, 20)), plan.coverage_end)
    total = to_fen(Decimal(rng.randint(100000, 6000000)) / 100)
    basic = to_fen(total * Decimal(rng.choice(["0.3", "0.5", "0.6", "0.7"])))
    return admitted, discharged, total, basic


def _walk_claims(rng: random.Random, plan: Plan, coverages: list[Coverage], today: dt.date) -> int:
    """The claims of the demo counties under ``plan``, each step taken through the services by
    whoever takes it in the county (the system itself where the demo users are missing)."""
    members = Member.objects.in_bulk({c.member_id for c in coverages})
    codes = dict(Region.objects.filter(code__in=DEMO_COUNTIES).values_list("id", "code"))
    made = 0
    for code in DEMO_COUNTIES:
        mine = [c for c in coverages if codes.get(c.union.region_id) == code]
        county = Region.objects.filter(code=code).select_related("parent").first()
        if not mine or county is None:
            continue
        clerk = next(iter(demo_staff(Role.COUNTY, code)), None)
        deciders = demo_staff(Role.PREFECTURE, county.parent.code) if county.parent else []
        # without a second prefecture user the system approves (a double-review plan refuses
        # the reviewer)
        reviewer = deciders[0] if deciders else None
        approver = deciders[1] if len(deciders) > 1 else None
        rejected = 0
        # one claim per covered member while there are enough of them (a member's yearly cap
        # stays simple to follow in the walk)
        picks = rng.sample(mine, min(len(mine), len(WALK_CLAIMS)))
        for n, status in enumerate(WALK_CLAIMS, start=1):
            coverage = picks[(n - 1) % len(picks)]
            stay = _stay(rng, plan, today)
            if stay is None:
                break
            admitted, discharged, total, basic = stay
            claim = services.claim_submit(
                plan=plan,
                member=members[coverage.member_id],
                admitted_on=admitted,
                discharged_on=discharged,
                total_expense=total,
                basic_insurance_paid=basic,
                user=clerk,
                number=f"LP{plan.year}{code}{n:03d}",
            )
            attachments.attachment_add(record=claim, file=_invoice(claim), kind=services.INVOICE, user=clerk)
            made += 1
            if status == ClaimStatus.REJECTED:
                # the first refused at the review, the next at the approval
                if rejected:
                    claim = services.claim_review(claim=claim, user=reviewer)
                services.claim_reject(
                    claim=claim, reason=rng.choice(REASONS), user=approver if rejected else reviewer
                )
                rejected += 1
                continue
            if status == ClaimStatus.SUBMITTED:
                continue
            claim = services.claim_review(claim=claim, user=reviewer)
            if status == ClaimStatus.REVIEWED:
                continue
            claim = services.claim_approve(claim=claim, user=approver)
            if status == ClaimStatus.PAID:
                paid_on = min(discharged + dt.timedelta(days=rng.randint(5, 30)), today)
                services.claim_pay(claim=claim, user=clerk, paid_on=paid_on)
    return made


def _invoice(claim: Claim) -> ContentFile:
    """A one-page PDF standing for the hospital's invoice of the claim."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, "Hospital invoice (demo)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 8, f"Claim {claim.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"Stay {claim.admitted_on} - {claim.discharged_on}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"Total {claim.total_expense} yuan", new_x="LMARGIN", new_y="NEXT")
    return ContentFile(bytes(pdf.output()), name=f"发票-{claim.number}.pdf")


def _claims(
    rng: random.Random, plan: Plan, coverage_ids: list[int], share: float, today: dt.date, *, first: int
) -> list[Claim]:
    """Claims of a share of the plan's coverages ``coverage_ids``, numbered from ``first``, the
    paid ones with their payout in settlement order (the yearly cap is per coverage)."""
    claims: list[Claim] = []
    seq = first
    settled = (today - plan.coverage_end).days > SETTLED_AFTER_DAYS
    for coverage_id in coverage_ids:
        if rng.random() >= share:
            continue
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            stay = _stay(rng, plan, today)
            if stay is None:
                break
            admitted, discharged, total, basic = stay
            status = rng.choice(SETTLED if settled else STATUSES)
            claims.append(
                Claim(
                    number=f"LPD{plan.year}{seq:07d}",
                    coverage_id=coverage_id,
                    admitted_on=admitted,
                    discharged_on=discharged,
                    total_expense=total,
                    basic_insurance_paid=basic,
                    status=status,
                    reject_reason=rng.choice(REASONS) if status == ClaimStatus.REJECTED else "",
                )
            )
            seq += 1
    used: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for claim in sorted(claims, key=lambda c: (c.discharged_on, c.number)):
        if claim.status != ClaimStatus.PAID:
            continue
        paid_on = min(claim.discharged_on + dt.timedelta(days=rng.randint(5, 60)), today)
        breakdown = plan_payout(
            plan,
            total=claim.total_expense,
            basic_paid=claim.basic_insurance_paid,
            used_before=used[claim.coverage_id],
        )
        claim.payout, claim.year_used_before, claim.paid_on = (
            breakdown.payout,
            used[claim.coverage_id],
            paid_on,
        )
        used[claim.coverage_id] += breakdown.payout
    return claims
