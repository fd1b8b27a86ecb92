"""Demo data of the worker-services domain (DOMAIN.md section 6, 普惠服务与维权).

``generate`` is called by the reports app's ``generate_demo_data`` after the other domains.
Every year given gets the reach of ``SCALES[scale]`` exactly: so many education-aid students
(金秋助学), distinct households and enterprises visited, job fairs, employment services (so many
of them labour export, so many placed), training classes and trainees, wage-arrears cases
closed with their workers and amount recovered, micro-loans and the jobs they created. Scale
"province" is DOMAIN.md's table (43,827 students, 5,087 enterprises and 382,139 households
visited, 663 job fairs, 358,721 services, 50,000 classes with 4.5 million trainees, 122,200
workers and 1.096 billion yuan recovered, 1,500 loans creating 6,000 jobs) for every year;
scale "demo" is a few hundred records a year. The records sit in the counties (and townships,
and the prefectures without counties), a share at the prefecture and the province, as each
programme is run; they are written in batches with one audit entry each.

In each of the demo users' counties (``load_demo.DEMO_COUNTIES``) the walk of today's work goes
through the services as the people who do it, when they exist: payments of every programme,
one above its threshold waiting for the prefecture's approval (filed by the county user), one
approved waiting to be paid and one rejected; visits to enterprises and to households, some
of them filed hardship households (``household_heads``: the heads the reports' command read
from the hardship domain, each confirmed through the core registry); rights cases received
long ago and still open, in progress and closed; loans current, overdue and repaid.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from apps.core import audit, registry
from apps.core.bulk import bulk_insert
from apps.core.choices import AuditAction, AuditSource, RegionLevel, Role
from apps.core.management.commands.load_demo import DEMO_COUNTIES, demo_staff
from apps.core.management.commands.load_demo import DEMO_NOTE as NOTE
from apps.core.models import Region
from apps.core.processes import in_processes, may_fork
from apps.core.validators import USCC_ALPHABET, resident_id_check_char, uscc_check_char

from . import rules, services
from .choices import (
    CaseKind,
    CaseStatus,
    EmploymentKind,
    Programme,
    RecipientKind,
    ReliefStatus,
    SchoolLevel,
    TrainingKind,
    VisitKind,
)
from .models import EmploymentService, JobFair, MicroLoan, ReliefPayment, RightsCase, TrainingClass, Visit

BATCH = 5000
M = TypeVar("M", bound=models.Model)


class Scale(NamedTuple):
    """What the registers reach in one year."""

    jinqiu: int  # 金秋助学 payments (one per student)
    warmth_relief: int  # 送温暖 payments
    temporary_relief: int  # 临时救助 payments
    enterprises: int  # distinct enterprises visited
    households: int  # distinct households visited
    job_fairs: int
    employment: int  # employment services
    labour_export: int  # of those, labour export
    placed: int  # of those, placed in a job
    trainings: int  # training classes
    trainees: int  # trainees of every class
    cadre_trainees: int  # of those, in union cadre classes
    wage_cases: int  # wage-arrears cases closed
    wage_workers: int
    wage_amount: int  # yuan recovered
    other_cases: int  # cases of the other kinds, and cases still open
    loans: int
    loan_jobs: int
    focus: float  # share of each register pinned to the demo users' counties


SCALES = {
    "demo": Scale(
        jinqiu=40, warmth_relief=50, temporary_relief=20, enterprises=20, households=90, job_fairs=8,
        employment=150, labour_export=20, placed=25, trainings=16, trainees=1_400, cadre_trainees=120,
        wage_cases=12, wage_workers=140, wage_amount=1_200_000, other_cases=10, loans=10, loan_jobs=40,
        focus=0.2,
    ),
    # DOMAIN.md's table (the report's figures); the payments of the other programmes, the other
    # cases and the cadre classes' share are ours.
    "province": Scale(
        jinqiu=43_827, warmth_relief=20_000, temporary_relief=8_000, enterprises=5_087,
        households=382_139, job_fairs=663, employment=358_721, labour_export=46_654, placed=60_843,
        trainings=50_000, trainees=4_500_000, cadre_trainees=320_000, wage_cases=12_220,
        wage_workers=122_200, wage_amount=1_096_000_000, other_cases=4_000, loans=1_500,
        loan_jobs=6_000, focus=0,
    ),
}  # fmt: skip

# Where each programme is run: shares of the province's and the prefectures' own offices (the
# rest in the counties, townships and prefectures without counties).
UPPER_SHARES = {
    "relief": (0.02, 0.08),
    "visit": (0.02, 0.10),
    "fair": (0.08, 0.30),
    "employment": (0.02, 0.12),
    "training": (0.05, 0.20),
    "cadre": (0.30, 0.45),
    "case": (0.0, 0.08),
    "loan": (0.0, 0.10),
}
# programme, Scale field, months paid in, amount range (yuan; capped at the programme's threshold)
RELIEF_PLAN = [
    (Programme.JINQIU, "jinqiu", (7, 9), (1000, 5000)),
    (Programme.WARMTH, "warmth_relief", (1, 2), (300, 2000)),
    (Programme.TEMPORARY, "temporary_relief", (1, 12), (500, 5000)),
]
RECIPIENTS = [(RecipientKind.WORKER, 55), (RecipientKind.MIGRANT, 30), (RecipientKind.OTHER, 15)]
CADRE_SHARE = 0.08  # of the classes
OPEN_SHARE = 0.25  # of the other cases: still open
SHORT_VISITS = 0.6  # of the visits: at the Spring Festival (两节送温暖, January and February)
REPEAT_VISITS = 0.2  # of the enterprises: visited twice in the year

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "明华强军平伟芳娟敏静丽刚勇杰涛斌超"
FIRMS = ["陇原", "金城", "河西", "祁连", "敦煌", "黄河", "丝路", "陇东", "崆峒", "麦积"]
TRADES = ["建筑工程", "商贸", "物流", "食品", "机械制造", "新能源", "餐饮服务", "纺织", "矿业", "电子科技"]
SKILLS = ["电工", "焊工", "家政服务", "养老护理", "电子商务", "汽车维修", "中式烹调", "挖掘机操作"]
SUMMARIES = {
    CaseKind.WAGE_ARREARS: ["建筑工地拖欠农民工工资", "企业停产拖欠职工工资", "劳务分包拖欠工资"],
    CaseKind.LABOUR_CONTRACT: ["未签订书面劳动合同", "违法解除劳动合同"],
    CaseKind.WORK_INJURY: ["工伤认定及待遇争议"],
    CaseKind.SOCIAL_INSURANCE: ["未依法缴纳社会保险"],
    CaseKind.OTHER: ["加班费争议调解", "休息休假争议调解"],
}
PREFIXES = {
    ReliefPayment: "RL",
    Visit: "ZF",
    JobFair: "ZP",
    EmploymentService: "JY",
    TrainingClass: "PX",
    RightsCase: "WQ",
    MicroLoan: "DK",
}
MODELS = list(PREFIXES)
# The _Demo method writing each register's records of a year.
BUILDERS = {
    ReliefPayment: "relief",
    Visit: "visits",
    JobFair: "job_fairs",
    EmploymentService: "employment",
    TrainingClass: "trainings",
    RightsCase: "cases",
    MicroLoan: "loans",
}
# The registers in two halves of about as many rows each at the province scale.
HALVES = ([Visit, TrainingClass, JobFair, MicroLoan], [EmploymentService, ReliefPayment, RightsCase])
HOUSEHOLDS_OF_THE_WALK = 3  # filed hardship households visited per demo county


class _Region(NamedTuple):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days)) if end > start else start


def _money(rng: random.Random, low: int, high: int, step: int = 10) -> Decimal:
    return Decimal(rng.randint(low // step, max(high // step, low // step)) * step).quantize(Decimal("0.01"))


def _split(rng: random.Random, total: int, parts: int, spread: float = 0.6) -> list[int]:
    """``parts`` whole numbers around the mean that add up to ``total`` exactly."""
    if parts <= 0:
        return []
    weights = [1 + spread * (2 * rng.random() - 1) for _ in range(parts)]
    factor = total / sum(weights)
    values = [int(w * factor) for w in weights]
    for i in rng.sample(range(parts), total - sum(values)):
        values[i] += 1
    return values


def _person(rng: random.Random, surname: str = "") -> str:
    return (surname or rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _name_of(key: str, enterprise: bool) -> str:
    """The same name for the same resident ID or credit code, whenever it is visited."""
    n = zlib.crc32(key.encode())
    if enterprise:
        return f"{FIRMS[n % len(FIRMS)]}{TRADES[n // 10 % len(TRADES)]}有限公司"
    return SURNAMES[n % len(SURNAMES)] + GIVEN[n // 20 % len(GIVEN)] + GIVEN[n // 400 % len(GIVEN)]


class _Demo:
    """What the generators share: the seeded draws, the regions, the numbers and the people."""

    def __init__(self, rng: random.Random, conf: Scale, today: dt.date) -> None:
        self.rng, self.conf, self.today = rng, conf, today
        rows = [
            _Region(*r)
            for r in Region.objects.order_by("code").values_list("id", "code", "name", "level", "parent")
        ]
        parents = {r.parent_id for r in rows}
        self.by_level = {
            "province": [r for r in rows if r.level == RegionLevel.PROVINCE],
            "prefecture": [r for r in rows if r.level == RegionLevel.PREFECTURE],
            "leaf": [
                r
                for r in rows
                if r.level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
                or (r.level == RegionLevel.PREFECTURE and r.id not in parents)
            ],
        }
        self.focus = [r for code in DEMO_COUNTIES for r in rows if r.code == code]
        self.thresholds = {p: services.approval_threshold(p) for p in Programme.values}
        self.seq = {model: _last_seq(model) for model in MODELS}
        self.pools: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.used: set[str] = set()

    def number(self, model: type[models.Model]) -> str:
        self.seq[model] += 1
        return f"DEMO-{PREFIXES[model]}{self.seq[model]:08d}"

    def record(self, model: type[M], region: _Region, **values: Any) -> M:
        """A new record of the register, numbered, in the region's office."""
        return model(number=self.number(model), region_id=region.id, **values)

    def region(self, work: str, i: int, n: int) -> _Region:
        """The office of the ``i``-th of ``n`` records: the first ``focus`` share in the demo
        counties in turn, the others by the programme's shares of the levels."""
        if self.focus and i < round(n * self.conf.focus):
            return self.focus[i % len(self.focus)]
        province, prefecture = UPPER_SHARES[work]
        draw = self.rng.random()
        level = "province" if draw < province else "prefecture" if draw < province + prefecture else "leaf"
        return self.rng.choice(self.by_level[level] or self.by_level["leaf"])

    def date(self, year: int, first_month: int = 1, last_month: int = 12) -> dt.date:
        """A day of those months of the year, not after today (else of the year so far)."""
        start = dt.date(year, first_month, 1)
        end = dt.date(year + last_month // 12, last_month % 12 + 1, 1) - dt.timedelta(days=1)
        if start > self.today:
            start, end = dt.date(year, 1, 1), self.today
        return _day(self.rng, start, min(end, self.today))

    def resident_id(self, region_code: str, births: tuple[int, int] = (1962, 2004)) -> str:
        birth = dt.date(self.rng.randint(*births), self.rng.randint(1, 12), self.rng.randint(1, 28))
        first17 = f"{region_code[:6]}{birth:%Y%m%d}{self.rng.randint(0, 999):03d}"
        return first17 + resident_id_check_char(first17)

    def credit_code(self, region_code: str) -> str:
        body = f"91{region_code[:6]}" + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(9))
        return body + uscc_check_char(body)

    def visited(self, kind: str, region: _Region, k: int) -> list[str]:
        """``k`` distinct enterprises or households of the region (a pool kept over the years,
        so some are visited again the next year)."""
        pool = self.pools[(kind, region.id)]
        while len(pool) < k * 1.25:
            key = (
                self.credit_code(region.code)
                if kind == VisitKind.ENTERPRISE
                else self.resident_id(region.code)
            )
            if key not in self.used:
                self.used.add(key)
                pool.append(key)
        return self.rng.sample(pool, k)

    def relief(self, year: int) -> Iterator[ReliefPayment]:
        rng = self.rng
        kinds, weights = zip(*RECIPIENTS, strict=True)
        for programme, field, months, (low, high) in RELIEF_PLAN:
            n = getattr(self.conf, field)
            high = min(high, int(self.thresholds[programme]))  # within the threshold: paid at once
            low = min(low, high)
            jinqiu = programme == Programme.JINQIU
            for i in range(n):
                region, surname = self.region("relief", i, n), rng.choice(SURNAMES)
                yield self.record(
                    ReliefPayment,
                    region,
                    id_number=self.resident_id(region.code, (1962, 1985)),
                    name=_person(rng, surname),
                    programme=programme,
                    recipient_kind=rng.choices(kinds, weights)[0],
                    amount=_money(rng, low, high, 100),
                    paid_on=self.date(year, *months),
                    student_name=_person(rng, surname) if jinqiu else "",
                    school_level=rng.choice(SchoolLevel.values) if jinqiu else "",
                    status=ReliefStatus.PAID,
                )

    def visits(self, year: int) -> Iterator[Visit]:
        rng = self.rng
        for kind, n in (
            (VisitKind.ENTERPRISE, self.conf.enterprises),
            (VisitKind.HOUSEHOLD, self.conf.households),
        ):
            enterprise = kind == VisitKind.ENTERPRISE
            offices = Counter(self.region("visit", i, n) for i in range(n))
            for region, k in sorted(offices.items()):
                for key in self.visited(kind, region, k):
                    for _again in range(1 + (enterprise and rng.random() < REPEAT_VISITS)):
                        yield self.record(
                            Visit,
                            region,
                            visited_on=self.date(year, 1, 2)
                            if rng.random() < SHORT_VISITS
                            else self.date(year),
                            kind=kind,
                            credit_code=key if enterprise else "",
                            head_id_number="" if enterprise else key,
                            name=_name_of(key, enterprise),
                            amount=self.visit_amount(enterprise),
                        )

    def visit_amount(self, enterprise: bool) -> Decimal:
        """Money for a household; for an enterprise's workers, or goods only (0) now and then."""
        if not enterprise:
            return _money(self.rng, 200, 1000, 100)
        return _money(self.rng, 2000, 20000, 500) if self.rng.random() < 0.8 else Decimal("0.00")

    def job_fairs(self, year: int) -> Iterator[JobFair]:
        rng, n = self.rng, self.conf.job_fairs
        held: Counter[int] = Counter()
        for i in range(n):
            region = self.region("fair", i, n)
            held[region.id] += 1
            enterprises = rng.randint(15, 200)
            positions = enterprises * rng.randint(8, 40)
            yield self.record(
                JobFair,
                region,
                name=f"{year}年“春送岗位”{region.name}专场招聘会（第{held[region.id]}场）",
                held_on=self.date(year, 2, 4),
                enterprises=enterprises,
                positions=positions,
                attendees=positions * rng.randint(10, 30) // 10,
            )

    def employment(self, year: int) -> Iterator[EmploymentService]:
        rng, n = self.rng, self.conf.employment
        export = set(rng.sample(range(n), self.conf.labour_export))
        placed = set(rng.sample(range(n), self.conf.placed))
        for i in range(n):
            region = self.region("employment", i, n)
            yield self.record(
                EmploymentService,
                region,
                id_number=self.resident_id(region.code, (1966, 2006)),
                name=_person(rng),
                served_on=self.date(year, 2, 5) if rng.random() < 0.5 else self.date(year),
                kind=EmploymentKind.LABOUR_EXPORT
                if i in export
                else rng.choice([EmploymentKind.REFERRAL, EmploymentKind.GUIDANCE]),
                placed=i in placed,
            )

    def trainings(self, year: int) -> Iterator[TrainingClass]:
        rng, conf = self.rng, self.conf
        cadre_classes = max(1, round(conf.trainings * CADRE_SHARE)) if conf.cadre_trainees else 0
        for cadre, n, total in (
            (True, cadre_classes, conf.cadre_trainees),
            (False, conf.trainings - cadre_classes, conf.trainees - conf.cadre_trainees),
        ):
            for i, trainees in enumerate(_split(rng, total, n)):
                region = self.region("cadre" if cadre else "training", i, n)
                kind = (
                    TrainingKind.CADRE
                    if cadre
                    else rng.choice([TrainingKind.SKILLS] * 2 + [TrainingKind.MIGRANT])
                )
                start = self.date(year)
                name = {
                    TrainingKind.CADRE: f"{year}年{region.name}工会干部业务培训班",
                    TrainingKind.SKILLS: f"{rng.choice(SKILLS)}职业技能培训班",
                    TrainingKind.MIGRANT: f"农民工{rng.choice(SKILLS)}技能培训班",
                }[kind]
                yield self.record(
                    TrainingClass,
                    region,
                    name=name,
                    kind=kind,
                    start_date=start,
                    end_date=start + dt.timedelta(days=rng.randint(1, 20)),
                    trainees=trainees,
                )

    def cases(self, year: int) -> Iterator[RightsCase]:
        """The wage-arrears cases closed in the year, then the other cases: a share still open."""
        rng, conf = self.rng, self.conf
        workers = _split(rng, conf.wage_workers, conf.wage_cases)
        amounts = _split(rng, conf.wage_amount, conf.wage_cases)
        for i, (involved, amount) in enumerate(zip(workers, amounts, strict=True)):
            closed = self.date(year)
            yield self._case(
                self.region("case", i, conf.wage_cases),
                CaseKind.WAGE_ARREARS,
                received=closed - dt.timedelta(days=rng.randint(5, 120)),
                closed=closed,
                workers=involved,
                amount=Decimal(amount),
            )
        others = [k for k in CaseKind.values if k != CaseKind.WAGE_ARREARS]
        for i in range(conf.other_cases):
            received = self.date(year)
            still_open = rng.random() < OPEN_SHARE
            closed = (
                None if still_open else min(received + dt.timedelta(days=rng.randint(10, 150)), self.today)
            )
            yield self._case(
                self.region("case", i, conf.other_cases),
                rng.choice(CaseKind.values if still_open else others),
                received=received,
                closed=closed,
                workers=rng.randint(1, 6),
                amount=Decimal(0) if still_open else _money(rng, 0, 80000, 100),
                status=rng.choice([CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS]) if still_open else None,
            )

    def _case(self, region, kind, *, received, closed, workers, amount, status=None) -> RightsCase:
        return self.record(
            RightsCase,
            region,
            received_on=received,
            kind=kind,
            workers=workers,
            amount_recovered=amount,
            closed_on=closed,
            status=status or CaseStatus.CLOSED,
            summary=self.rng.choice(SUMMARIES[kind]),
        )

    def loans(self, year: int) -> Iterator[MicroLoan]:
        rng, n = self.rng, self.conf.loans
        for i, jobs in enumerate(_split(rng, self.conf.loan_jobs, n)):
            region = self.region("loan", i, n)
            granted = self.date(year)
            due = rules.compute_due_on(granted)
            yield self.record(
                MicroLoan,
                region,
                id_number=self.resident_id(region.code, (1970, 2002)),
                name=_person(rng),
                granted_on=granted,
                amount=_money(rng, 50_000, 300_000, 10_000),
                jobs_created=jobs,
                due_on=due,
                repaid_on=self.repayment(granted, due),
            )

    def repayment(self, granted: dt.date, due: dt.date) -> dt.date | None:
        """Most loans past their due date were repaid, some are overdue; a few are repaid early."""
        early = granted + dt.timedelta(days=90)
        if due <= self.today and self.rng.random() < 0.7:
            return _day(
                self.rng, granted + dt.timedelta(days=180), min(due + dt.timedelta(days=90), self.today)
            )
        if due > self.today and early <= self.today and self.rng.random() < 0.15:
            return _day(self.rng, early, self.today)
        return None


def _last_seq(model: type[models.Model]) -> int:
    """The highest demo number already used in a register (zero-padded, so the text max)."""
    prefix = f"DEMO-{PREFIXES[model]}"
    last = model.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    return int(last[len(prefix) :]) if last else 0


def _write(model: type[models.Model], records: Iterable[models.Model]) -> int:
    """Insert in batches, each with its audit entries (one per record); returns the count."""
    written, batch = 0, []
    for record in records:
        batch.append(record)
        if len(batch) == BATCH:
            written += _flush(model, batch)
            batch = []
    return written + _flush(model, batch)


def _flush(model: type[models.Model], batch: list[models.Model]) -> int:
    if batch:
        bulk_insert(model, batch, batch_size=BATCH)
        audit.record_many(batch, AuditAction.CREATE, note=NOTE)
    return len(batch)


def generate(
    *,
    rng: random.Random,
    scale: str,
    years: list[int],
    household_heads: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> dict[str, int]:
    """Write the seven registers for the years, then the demo counties' walk; returns
    {"<model>": count}. ``household_heads`` gives, by demo county code, (resident ID, name) of
    hardship household heads of the county to visit: only those the core registry confirms as
    filed are visited.

    At the province scale on PostgreSQL, outside a transaction, the registers are written by
    two processes (``HALVES``: visits and employment services are about a million rows each),
    each register from a seed of its own and in one transaction; otherwise one after the
    other from the one seeded ``rng``, in one transaction."""
    today = timezone.localdate()
    counts = {model._meta.model_name: 0 for model in MODELS}
    years = sorted(y for y in years if dt.date(y, 1, 1) <= today)
    if not _Demo(rng, SCALES[scale], today).by_level["leaf"] or not years:
        return counts
    if scale == "province" and may_fork():
        seeds = {model.__name__: rng.random() for model in MODELS}
        halves = [[m.__name__ for m in half] for half in HALVES]
        for written in in_processes(_registers, [(names, seeds, scale, years, today) for names in halves]):
            counts.update(written)
        demo = _Demo(rng, SCALES[scale], today)  # the walk numbers its records after theirs
        registers = []
    else:
        demo = _Demo(rng, SCALES[scale], today)
        registers = MODELS
    with audit.audit_context(source=AuditSource.SYSTEM), transaction.atomic():
        for model in registers:
            build = getattr(demo, BUILDERS[model])
            for year in years:
                counts[model._meta.model_name] += _write(model, build(year))
        for record in _walk(demo, household_heads or {}):
            counts[type(record)._meta.model_name] += 1
    return counts


def _registers(
    names: list[str], seeds: Mapping[str, float], scale: str, years: list[int], today: dt.date
) -> dict[str, int]:
    """The registers named, each from its own seed and in one transaction (a process of
    ``generate``'s province run)."""
    written = {}
    with audit.audit_context(source=AuditSource.SYSTEM):
        for model in MODELS:
            if model.__name__ not in names:
                continue
            demo = _Demo(random.Random(seeds[model.__name__]), SCALES[scale], today)
            build = getattr(demo, BUILDERS[model])
            with transaction.atomic():
                written[model._meta.model_name] = sum(_write(model, build(year)) for year in years)
    return written


def _walk(d: _Demo, heads: Mapping[str, Sequence[tuple[str, str]]]) -> list[models.Model]:
    """Today's work of each demo county, through the services as the county user (and a
    prefecture user for the decisions) when they exist: the records written."""
    done: list[models.Model] = []
    for county in Region.objects.filter(code__in=DEMO_COUNTIES).select_related("parent").order_by("code"):
        clerk = next(iter(demo_staff(Role.COUNTY, county.code)), None)
        decider = next(iter(demo_staff(Role.PREFECTURE, county.parent.code)), None) if county.parent else None
        given = heads.get(county.code, ())
        filed = registry.holders(registry.HARDSHIP_HOUSEHOLD, [i for i, _name in given])
        own = sorted((i, name) for i, name in given if i.strip().upper() in filed)
        done += _County(d, county, clerk).walk(decider, own[:HOUSEHOLDS_OF_THE_WALK])
    return done


class _County:
    """One demo county's walk, written as its county user (``clerk``; the system without one)."""

    def __init__(self, d: _Demo, county: Region, clerk: Any) -> None:
        self.d, self.rng, self.county, self.clerk = d, d.rng, county, clerk

    def ago(self, days: int) -> dt.date:
        return self.d.today - dt.timedelta(days=days)

    def new(self, model: type[models.Model], **values: Any) -> dict[str, Any]:
        return {"user": self.clerk, "region": self.county, "number": self.d.number(model), **values}

    def person(self, model: type[models.Model], **values: Any) -> dict[str, Any]:
        who = {"id_number": self.d.resident_id(self.county.code), "name": _person(self.rng)}
        return self.new(model, **who, **values)

    def walk(self, decider: Any, heads: list[tuple[str, str]]) -> list[models.Model]:
        return [*self.relief(decider), *self.visits(heads), *self.cases(), *self.loans()]

    def relief(self, decider: Any) -> list[ReliefPayment]:
        """Paid payments of every programme (within the thresholds); above a threshold, filed by
        the county user: one waiting for the prefecture, one approved waiting to be paid, one
        rejected."""
        rng, thresholds = self.rng, self.d.thresholds
        paid = [
            self.payment(programme, _money(rng, low, low * 2, 100), self.ago(rng.randint(3, 60)))
            for programme, _field, _months, (low, _high) in RELIEF_PLAN
        ]
        if self.clerk is None:
            return paid
        above = (Programme.TEMPORARY, Programme.JINQIU, Programme.WARMTH)
        waiting = [self.payment(p, thresholds[p] + Decimal(1000), None) for p in above]
        if decider is not None:
            services.relief_approve(payment=waiting[1], user=decider, note="同意发放")
            services.relief_reject(payment=waiting[2], user=decider, reason="申请材料不全，请补充后重新申报")
        return paid + waiting

    def payment(self, programme: str, amount: Decimal, paid_on: dt.date | None) -> ReliefPayment:
        jinqiu = programme == Programme.JINQIU
        values = self.person(ReliefPayment, programme=programme, amount=amount, paid_on=paid_on)
        return services.relief_create(
            recipient_kind=RecipientKind.WORKER,
            student_name=_person(self.rng, values["name"][0]) if jinqiu else "",
            school_level=SchoolLevel.UNDERGRADUATE if jinqiu else "",
            **values,
        )

    def visits(self, heads: list[tuple[str, str]]) -> list[Visit]:
        """Two enterprises, two households, and the filed hardship households given."""
        d, code = self.d, self.county.code
        keys = [(VisitKind.ENTERPRISE, d.credit_code(code)) for _n in range(2)]
        keys += [(VisitKind.HOUSEHOLD, d.resident_id(code)) for _n in range(2)]
        named = [(kind, key, _name_of(key, kind == VisitKind.ENTERPRISE)) for kind, key in keys]
        named += [(VisitKind.HOUSEHOLD, id_number, name) for id_number, name in heads]
        return [
            services.visit_create(
                **self.new(Visit, visited_on=self.ago(self.rng.randint(1, 40)), kind=kind, name=name),
                credit_code=key if kind == VisitKind.ENTERPRISE else "",
                head_id_number=key if kind == VisitKind.HOUSEHOLD else "",
                amount=_money(self.rng, 500, 2000, 100),
            )
            for kind, key, name in named
        ]

    def cases(self) -> list[RightsCase]:
        """Open since long ago (the oldest first on the open list), one of them in progress, a
        recent one, and two closed."""
        summary = SUMMARIES[CaseKind.WAGE_ARREARS][0]
        cases = [
            services.case_create(
                **self.new(RightsCase, received_on=self.ago(days), kind=kind, workers=8, summary=summary)
            )
            for days, kind in (
                (820, CaseKind.WAGE_ARREARS),
                (400, CaseKind.SOCIAL_INSURANCE),
                (12, CaseKind.WAGE_ARREARS),
            )
        ]
        cases[1] = services.case_start(case=cases[1], user=self.clerk)
        for days, kind in ((150, CaseKind.WAGE_ARREARS), (90, CaseKind.LABOUR_CONTRACT)):
            case = services.case_create(
                **self.new(RightsCase, received_on=self.ago(days), kind=kind, workers=5)
            )
            recovered = _money(self.rng, 20_000, 200_000, 100)
            closed = services.case_close(
                case=case, user=self.clerk, closed_on=self.ago(days - 45), amount_recovered=recovered
            )
            cases.append(closed)
        return cases

    def loans(self) -> list[MicroLoan]:
        """Current, overdue (past the due date of ``rules.compute_due_on``) and repaid."""
        loans = []
        for granted_days, repaid_days in ((180, None), (800, None), (700, 30)):
            values = self.person(MicroLoan, granted_on=self.ago(granted_days), amount=Decimal(100_000))
            loan = services.loan_create(jobs_created=self.rng.randint(2, 6), **values)
            if repaid_days is not None:
                loan = services.loan_repay(loan=loan, user=self.clerk, repaid_on=self.ago(repaid_days))
            loans.append(loan)
        return loans
