"""Demo data of the hardship domain, for the unions already in the database.

``generate`` is called by the reports app's ``generate_demo_data`` after the model workers
generator. Filed households are written as the historical import writes them (filed with a
timeline entry saying so, comparison keys for those not exited), with family members and
aid paid only while a household is filed; a few households are still in the seven-step
filing at various steps. Scale "province" approaches the report's figures (584,200
households aided over three years, 43,827 students, 382,139 warmth visits). The households are
written a batch at a time with their family members, timelines, comparison keys and visit
photos, then dropped; the aid is written afterwards as plain rows from what it needs of each
household (key, paid period, region), so memory stays flat at province scale (200,000
households, a million payments).

In each of the demo users' counties (``load_demo.DEMO_COUNTIES``) a walk of the seven-step method,
entered by the county user and reviewed by the prefecture user when they exist: one household
after each step before the notice, households whose notice has ended (the prefecture's review
queue), one still in notice, one sent back to deliberation by an objection (through the
service), and households filed through all seven steps. Every household in the filing past
its home visit (进) has a visit photo attached (a small generated image), as the review asks
(``services.check_visit_evidence``); the historical filed households have no files.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from array import array
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
from apps.core.tests.factories import make_resident_id
from apps.unions.public import GrassrootsUnion

from .choices import SEQUENCE, AidKind, Category, Cause, Health, Relation, Status, Step
from .models import Disbursement, FamilyMember, FilingStep, Household, IdClaim, LivingStandard
from .rules import compute_family_figures, suggested_category
from .services import VISIT_PHOTO, household_object, living_standard_for, notice_days

BATCH = 5000
SCALES = {
    "demo": {"filed": 600, "in_progress": 40, "disbursements": 1500},
    "province": {"filed": 200_000, "in_progress": 2_000, "disbursements": 1_010_166},
}
# Per demo county, households of the walk by where they stand (the steps before the notice: one each).
WALK = {"notice_ended": 3, "notice_running": 1, "objection": 1, "filed": 2}
OBJECTIONS = ["群众反映该户家庭成员有经营收入未申报", "邻里反映该户子女已参加工作，收入情况需重新核实"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "明华强军平伟芳娟敏静丽刚勇杰涛斌超"
SOURCES = ["中央专项", "省级财政", "工会经费", "社会捐助"]
# shares of aid kinds (the report: students 43,827 and warmth 382,139 of about a million)
KIND_WEIGHTS = [
    (AidKind.LIVING, 40),
    (AidKind.MEDICAL, 10),
    (AidKind.EDUCATION, 4),
    (AidKind.WARMTH, 38),
    (AidKind.EMPLOYMENT, 5),
    (AidKind.OTHER, 3),
]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date | None:
    if end < start:
        return None
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) / 100).quantize(Decimal("0.01"))


class _Ids:
    """Resident IDs not yet in use. The IDs in use are kept by their first 17 digits as a
    number (the 18th is their check digit): the province's 600,000 take half the memory of
    the strings."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[int | str] = set()
        for values in (
            Household.objects.values_list("head_id_number", flat=True),
            FamilyMember.objects.values_list("id_number", flat=True),
        ):
            self.used.update(_id_key(v) for v in values.iterator(chunk_size=BATCH * 4))

    def new(self, region_code: str, birth_years: tuple[int, int] = (1960, 2000)) -> str:
        while True:
            birth = dt.date(self.rng.randint(*birth_years), self.rng.randint(1, 12), self.rng.randint(1, 28))
            value = make_resident_id(region_code[:6], birth=birth, rng=self.rng)
            key = _id_key(value)
            if key not in self.used:
                self.used.add(key)
                return value


def _id_key(value: str) -> int | str:
    """What ``_Ids`` keeps of an ID: its first 17 digits as a number (a malformed ID as it is)."""
    head = value[:17]
    return int(head) if len(head) == 17 and head.isdigit() else value


def _standards(years: list[int]) -> int:
    province = Region.objects.filter(parent__isnull=True).first()
    if province is None:
        return 0
    made = 0
    for year in sorted({*years, timezone.localdate().year}):
        _obj, created = LivingStandard.objects.get_or_create(
            region=province, year=year, defaults={"monthly_amount": Decimal(700 + 20 * (year - 2020))}
        )
        made += int(created)
    return made


def _household(rng, union, ids, category=None) -> tuple[Household, list[FamilyMember]]:
    region_code = union.region.code
    head = Household(
        union=union,
        head_name=_person(rng),
        head_id_number=ids.new(region_code),
        head_income=_money(rng, 0, 2500),
        head_health=rng.choice(Health.values),
        category=category or rng.choice(Category.values),
        causes=",".join(sorted(rng.sample(Cause.values, rng.randint(1, 3)), key=Cause.values.index)),
        rigid_expenses=_money(rng, 0, 600),
        living_standard=Decimal("760.00"),
    )
    members = []
    for _ in range(rng.randint(0, 4)):
        relation = rng.choice([Relation.SPOUSE, Relation.CHILD, Relation.CHILD, Relation.PARENT])
        years = (2005, 2020) if relation == Relation.CHILD else (1945, 1995)
        members.append(
            FamilyMember(
                name=_person(rng),
                id_number=ids.new(region_code, years),
                relation=relation,
                monthly_income=Decimal("0.00") if relation == Relation.CHILD else _money(rng, 0, 2000),
                health=rng.choice(Health.values),
            )
        )
    figures = compute_family_figures(
        incomes=[head.head_income, *(m.monthly_income for m in members)], rigid_expenses=head.rigid_expenses
    )
    head.family_size = figures.family_size
    head.family_income = figures.family_income
    head.per_capita_income = figures.per_capita_income
    return head, members


def generate(*, rng: random.Random, scale: str, years: list[int]) -> dict[str, int]:
    """Write households, family members, filing steps and aid; returns {"<model>": count}."""
    conf = SCALES[scale]
    unions = list(GrassrootsUnion.objects.filter(dissolved_on__isnull=True).select_related("region"))
    if not unions or not years:
        return {"household": 0, "familymember": 0, "disbursement": 0, "filingstep": 0}
    today = timezone.localdate()
    first, last = dt.date(min(years) - 2, 1, 1), min(dt.date(max(years), 12, 31), today)
    ids = _Ids(rng)
    counts = {"household": 0, "familymember": 0, "disbursement": 0, "filingstep": 0, "livingstandard": 0}
    with audit.audit_context(source=AuditSource.SYSTEM), transaction.atomic():
        counts["livingstandard"] = _standards(years)
        # households filed within the years shown get aid (a walk household filed this year
        # gets none yet); only their keys, paid periods and regions are kept for it
        filed = _Filed(dt.date(min(years), 1, 1), last)
        batch = _Batch(filed, now=timezone.now(), photo=_visit_photo())
        for _ in range(conf["filed"]):
            union = rng.choice(unions)
            h, members = _household(rng, union, ids)
            h.filed_on = _day(rng, max(first, union.founded_on), last - dt.timedelta(days=30))
            if h.filed_on is None:
                continue
            if rng.random() < 0.25:
                h.exited_on = _day(rng, h.filed_on + dt.timedelta(days=30), last)
            h.status = Status.EXITED if h.exited_on else Status.FILED
            h.exit_reason = "收入提高，家庭脱困" if h.exited_on else ""
            h.last_checked_on = h.filed_on
            h.imported = True
            batch.add(h, members)
            if len(batch.households) >= BATCH:
                batch.write(counts)
        for i in range(conf["in_progress"]):
            union = rng.choice(unions)
            h, members = _household(rng, union, ids)
            h.status = [before for _s, before, _a in SEQUENCE][i % len(SEQUENCE)]
            if h.status in (Status.NEW, Status.VISITED, Status.INSPECTED):
                h.per_capita_income = None
                h.living_standard = None
            if h.status == Status.NOTICE:
                h.notice_ends_on = today + dt.timedelta(days=rng.randint(-3, 6))
            batch.add(h, members)
            if len(batch.households) >= BATCH:
                batch.write(counts)
        batch.write(counts)
        # the walk's households are few: a batch of their own, kept for the objections below
        walk, timeline_of, objections = _walk(rng, unions, ids, today)
        for h, members in walk:
            batch.add(h, members, timeline_of[id(h)])
        batch.write(counts)
        del ids  # the IDs in use are not needed for the aid

        counts["disbursement"] = _disbursements(rng, filed, conf["disbursements"])

        # The objections go through the service: the case returns to the deliberation.
        for h, clerk, note in objections:
            household_object(household=h, user=clerk, note=note)
            counts["filingstep"] += 1
    return counts


class _Filed:
    """What the aid needs of each household it may be paid to: its key, the first and last
    day it may be paid (filed, before its exit, within the years shown) and its union's
    region. Compact arrays, not Household instances: the province has 200,000 of them."""

    def __init__(self, start: dt.date, last: dt.date) -> None:
        self.start, self.last = start, last
        self.pks = array("q")
        self.begins = array("l")  # date ordinals
        self.ends = array("l")
        self.regions = array("q")

    def __len__(self) -> int:
        return len(self.pks)

    def add(self, h: Household) -> None:
        """Keep ``h`` if it may be paid at all: filed by the last day shown, and still filed on
        a day of the years shown."""
        if h.filed_on is None or h.filed_on > self.last:
            return
        begin = max(h.filed_on, self.start)
        end = (h.exited_on - dt.timedelta(days=1)) if h.exited_on else self.last
        if end < begin:
            return
        self.pks.append(h.pk)
        self.begins.append(begin.toordinal())
        self.ends.append(end.toordinal())
        self.regions.append(h.union.region_id)


class _Batch:
    """Households with their family members, timelines, comparison keys and visit photos,
    written a batch at a time with their audit entries, then dropped (``_Filed`` keeps what
    the aid needs of them): memory is bounded by a batch, not by the province's 200,000
    households and 400,000 family members."""

    def __init__(self, filed: _Filed, *, now: dt.datetime, photo: bytes) -> None:
        self.filed, self.now, self.photo = filed, now, photo
        self.households: list[Household] = []
        self.families: list[list[FamilyMember]] = []
        self.timelines: list[list[FilingStep] | None] = []

    def add(
        self, h: Household, members: list[FamilyMember], timeline: list[FilingStep] | None = None
    ) -> None:
        """``h`` and its family; ``timeline``: its filing steps (else those of its status)."""
        self.households.append(h)
        self.families.append(members)
        self.timelines.append(timeline)

    def write(self, counts: dict[str, int]) -> None:
        """Write the batch, add it to ``counts`` and start an empty batch."""
        if not self.households:
            return
        households = self.households
        bulk_insert(Household, households, batch_size=BATCH)
        audit.record_many(households, AuditAction.CREATE, note=NOTE)
        members = []
        for h, family in zip(households, self.families, strict=True):
            for m in family:
                m.household = h
                members.append(m)
        bulk_insert(FamilyMember, members, batch_size=BATCH)
        audit.record_many(members, AuditAction.CREATE, note=NOTE)

        steps, claims = [], []
        for h, family, timeline in zip(households, self.families, self.timelines, strict=True):
            steps.extend(self._steps(h, timeline))
            if h.status == Status.FILED:
                claims.append(IdClaim(id_number=h.head_id_number, household=h))
                claims.extend(IdClaim(id_number=m.id_number, household=h) for m in family)
            if not h.imported and h.status != Status.NEW:
                attachments.attachment_add(
                    record=h,
                    file=ContentFile(self.photo, name="入户走访.jpg"),
                    kind=VISIT_PHOTO,
                    user=h.created_by,
                )
            self.filed.add(h)
        bulk_insert(FilingStep, steps, batch_size=BATCH)
        bulk_insert(IdClaim, claims, batch_size=BATCH)
        counts["household"] += len(households)
        counts["familymember"] += len(members)
        counts["filingstep"] += len(steps)
        self.households, self.families, self.timelines = [], [], []

    def _steps(self, h: Household, timeline: list[FilingStep] | None) -> list[FilingStep]:
        """The timeline of ``h``: the walk's own, the import's entry, or its steps done."""
        if timeline is not None:
            for step in timeline:
                step.household = h
            return timeline
        if h.imported:
            return [
                FilingStep(
                    household=h, step=Step.IMPORTED, at=self.now, note=f"历史建档导入：建档日期 {h.filed_on}"
                )
            ]
        order = [s for s, _b, _a in SEQUENCE]
        done = order[: [b for _s, b, _a in SEQUENCE].index(h.status)]
        return [
            FilingStep(
                household=h,
                step=step,
                at=self.now - dt.timedelta(days=len(done) - n),
                note="演示：已完成",
                username="demo",
            )
            for n, step in enumerate(done)
        ]


DISBURSEMENT_FIELDS = ("number", "household_id", "kind", "amount", "paid_on", "fund_source", "student_name")


def _disbursements(rng: random.Random, filed: _Filed, wanted: int) -> int:
    """``wanted`` payments to ``filed`` households, each within its filed period and the years
    shown: written as rows (``insert_rows``, no model instance each: there are a million)."""
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    cumulative = list(itertools.accumulate(weights))
    r = rng.random
    seq = Disbursement.objects.count()
    rows, regions, written = [], [], 0
    count = len(filed)
    while count and written + len(rows) < wanted:
        i = int(r() * count)
        begin, end = filed.begins[i], filed.ends[i]
        when = dt.date.fromordinal(begin + int(r() * (end - begin + 1)))
        kind = kinds[bisect.bisect(cumulative, r() * cumulative[-1])]
        seq += 1
        rows.append(
            (
                f"DEMO-BF{seq:08d}",
                filed.pks[i],
                kind,
                Decimal(20_000 + int(r() * 480_001)).scaleb(-2),  # 200.00 to 5,000.00 yuan
                when,
                SOURCES[int(r() * len(SOURCES))],
                _person(rng) if kind == AidKind.EDUCATION else "",
            )
        )
        regions.append(filed.regions[i])
        if len(rows) == BATCH:
            written += _write_rows(rows, regions)
    return written + _write_rows(rows, regions)


def _write_rows(rows: list[tuple], regions: list[int]) -> int:
    pks = insert_rows(Disbursement, DISBURSEMENT_FIELDS, rows)
    audit.record_inserted(Disbursement, pks, regions, note=NOTE)
    n = len(rows)
    rows.clear()
    regions.clear()
    return n


def _visit_photo() -> bytes:
    """A small JPEG standing for the photo taken at the home visit."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (226, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 90, 260, 220), fill=(196, 160, 120))  # the house
    draw.polygon([(40, 95), (160, 20), (280, 95)], fill=(150, 60, 50))  # its roof
    draw.rectangle((140, 150, 180, 220), fill=(90, 70, 50))  # the door
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _at(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment in office hours of the day."""
    moment = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _walk(rng, unions, ids, today):
    """The walk's households of every demo county that has open unions: ([(household, family)],
    {id(household): its timeline}, [(household, clerk, note) to object to])."""
    order = [s for s, _b, _a in SEQUENCE]
    days = max(notice_days(), 2)
    walk, timeline_of, objections = [], {}, []
    for code in DEMO_COUNTIES:
        pool = [u for u in unions if u.region.code == code]
        if not pool:
            continue
        prefecture = pool[0].region.parent
        clerk = next(iter(demo_staff(Role.COUNTY, code)), None)
        reviewer = next(iter(demo_staff(Role.PREFECTURE, prefecture.code)), None) if prefecture else None
        standard = living_standard_for(pool[0].region, today.year)
        plan = [
            *(before for _s, before, _a in SEQUENCE[:-1]),  # new … evaluated: one each
            *[("notice_ended", Status.NOTICE)] * WALK["notice_ended"],
            *[("notice_running", Status.NOTICE)] * WALK["notice_running"],
            *[("objection", Status.NOTICE)] * WALK["objection"],
            *[("filed", Status.FILED)] * WALK["filed"],
        ]
        for item in plan:
            kind, status = item if isinstance(item, tuple) else (item, item)
            h, members = _household(rng, rng.choice(pool), ids)
            h.status = status
            h.created_by = clerk
            done = order[
                : len(order) if status == Status.FILED else [b for _s, b, _a in SEQUENCE].index(status)
            ]
            # the day of the last step done, then each earlier step one to five days before
            if kind == "filed":
                last_day = today - dt.timedelta(days=rng.randint(20, 90))
                notice_start = last_day - dt.timedelta(days=days + rng.randint(0, 3))
            elif kind == "notice_ended":
                notice_start = today - dt.timedelta(days=days + rng.randint(0, 4))
                last_day = notice_start
            elif status == Status.NOTICE:  # still running: ends tomorrow at the earliest
                notice_start = today - dt.timedelta(days=rng.randint(0, days - 2))
                last_day = notice_start
            else:
                notice_start, last_day = None, today - dt.timedelta(days=rng.randint(0, 5))
            dates, day = [], last_day
            for step in reversed(done):
                if step == Step.NOTICE and notice_start is not None:
                    day = notice_start
                dates.append(day)
                day -= dt.timedelta(days=rng.randint(1, 5))
            dates.reverse()
            timeline = []
            for step, when in zip(done, dates, strict=True):
                who = reviewer if step == Step.REVIEW else clerk
                timeline.append(
                    FilingStep(
                        step=step,
                        at=_at(rng, when),
                        note="同意建档" if step == Step.REVIEW else f"{Step(step).label}：完成",
                        user=who,
                        username=who.username if who else "demo",
                    )
                )
            timeline_of[id(h)] = timeline
            if Step.CALCULATE not in done:
                h.per_capita_income = None
                h.living_standard = None
            else:
                h.living_standard = standard.monthly_amount if standard else h.living_standard
                h.category = (
                    suggested_category(per_capita=h.per_capita_income, standard=h.living_standard)
                    or Category.ACCIDENTAL
                )
            if notice_start is not None:
                h.notice_ends_on = notice_start + dt.timedelta(days=days - 1)
            if status == Status.FILED:
                h.filed_on = h.last_checked_on = last_day
            if kind == "objection":
                objections.append((h, clerk, rng.choice(OBJECTIONS)))
            walk.append((h, members))
    return walk, timeline_of, objections
