"""Demo data of the model workers domain for the unions already in the database.

Called by the reports helper's ``generate_demo_data`` after the unions and competitions.
Every record obeys the domain's rules: valid unique resident IDs, payments and recuperation
not before the title year, one recuperation per person and year, amounts from the services'
pure functions (exact decimals).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from apps.core.management.commands.load_demo import DEMO_NOTE
from apps.core.services import bulk_create_audited
from apps.core.validators import resident_id_check_char
from apps.unions.public import GrassrootsUnion

from .choices import (
    BenefitKind,
    HonourKind,
    HonourLevel,
    StudioLevel,
    VenueKind,
    WorkerLevel,
    WorkerStatus,
    WorkerTitle,
)
from .models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk
from .services import allowance_amount, clean_amount

# Per scale: model workers, honours, studios, talks (payments and recuperation follow the workers).
SIZES = {
    "demo": {"workers": 300, "honours": 120, "studios": 60, "talks": 80},
    # DOMAIN.md: 637 studios (34 provincial demonstration), 10,639 skill leaders, 16,606 mentor pairs.
    "province": {"workers": 6000, "honours": 2500, "studios": 637, "talks": 3000},
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
PLACES = ["敦煌", "天水", "张掖", "嘉峪关", "兰州", "甘南"]
BATCH = 2000


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _resident_id(rng: random.Random, region_code: str, used: set[str]) -> str:
    while True:
        birth = dt.date(rng.randint(1955, 1995), rng.randint(1, 12), rng.randint(1, 28))
        first17 = f"{region_code[:6]}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        value = first17 + resident_id_check_char(first17)
        if value not in used:
            used.add(value)
            return value


def _date_in(rng: random.Random, year: int) -> dt.date:
    start = dt.date(year, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(year, 12, 31).toordinal()))


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``parts`` non-negative integers summing to ``total``."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _free_prefix(rng: random.Random) -> str:
    """A number prefix no earlier run used, so generating twice never collides."""
    while True:
        prefix = f"D{rng.randint(0, 99999):05d}"
        if not (
            BenefitPayment.objects.filter(number__startswith=prefix).exists()
            or Honour.objects.filter(number__startswith=prefix).exists()
            or InnovationStudio.objects.filter(code__startswith=prefix).exists()
            or Talk.objects.filter(number__startswith=prefix).exists()
        ):
            return prefix


def generate(*, rng: random.Random, scale: str, years: list[int]) -> dict[str, int]:
    """Write model workers, honours, payments, recuperation, studios and talks; return counts."""
    size = SIZES[scale]
    unions = list(
        GrassrootsUnion.objects.filter(dissolved_on__isnull=True).select_related("region").order_by("id")
    )
    if not unions or not years:
        return dict.fromkeys(
            ("model_worker", "honour", "benefit_payment", "recuperation", "studio", "talk"), 0
        )
    first, last = min(years), max(years)
    used = set(ModelWorker.objects.values_list("id_number", flat=True))
    prefix = _free_prefix(rng)

    # Model workers: titles from 1995 to the last year; about a fifth are craftsmen.
    workers = []
    for _ in range(size["workers"]):
        union = rng.choice(unions)
        level = rng.choices(list(WorkerLevel), weights=[5, 30, 10, 55])[0]
        workers.append(
            ModelWorker(
                name=_name(rng),
                id_number=_resident_id(rng, union.region.code, used),
                union=union,
                level=level,
                title=rng.choice(list(WorkerTitle)),
                title_year=rng.randint(1995, last),
                status=WorkerStatus.DECEASED if rng.random() < 0.06 else WorkerStatus.ALIVE,
                craftsman_year=rng.randint(2018, last) if rng.random() < 0.2 else None,
            )
        )
    workers = bulk_create_audited(ModelWorker, workers, note=DEMO_NOTE, batch_size=BATCH)

    # Payments: a yearly honour allowance for living workers, some aid and condolence.
    payments, recuperations, seq = [], [], 0
    for worker in workers:
        for year in years:
            if year < worker.title_year:
                continue
            kinds = []
            if worker.status == WorkerStatus.ALIVE:
                kinds.append(BenefitKind.ALLOWANCE)
                if rng.random() < 0.1:
                    kinds.append(rng.choice([BenefitKind.HARDSHIP, BenefitKind.SPECIAL_HARDSHIP]))
                if rng.random() < 0.15:
                    recuperations.append(
                        Recuperation(model_worker=worker, year=year, place=rng.choice(PLACES))
                    )
            if rng.random() < 0.3:
                kinds.append(BenefitKind.CONDOLENCE)
            for kind in kinds:
                seq += 1
                if kind == BenefitKind.ALLOWANCE:
                    amount = allowance_amount(level=worker.level, months=12)
                else:
                    amount = clean_amount(Decimal(rng.randint(5, 60) * 100))
                payments.append(
                    BenefitPayment(
                        number=f"{prefix}FF{seq:07d}",
                        model_worker=worker,
                        kind=kind,
                        amount=amount,
                        paid_on=_date_in(rng, year),
                    )
                )
    bulk_create_audited(BenefitPayment, payments, note=DEMO_NOTE, batch_size=BATCH)
    bulk_create_audited(Recuperation, recuperations, note=DEMO_NOTE, batch_size=BATCH)

    # Honours: medals to people (some of them model workers), certificates and pioneer titles.
    honours = []
    for i in range(size["honours"]):
        union = rng.choice(unions)
        kind = rng.choices(list(HonourKind), weights=[50, 25, 25])[0]
        person = rng.choice(workers) if kind == HonourKind.MEDAL and rng.random() < 0.5 else None
        honours.append(
            Honour(
                number=f"{prefix}RY{i + 1:07d}",
                kind=kind,
                level=rng.choices(list(HonourLevel), weights=[15, 85])[0],
                recipient_name=(person.name if person else _name(rng))
                if kind == HonourKind.MEDAL
                else f"{union.name.removesuffix('工会')}{'' if kind == HonourKind.CERTIFICATE else '班组'}",
                id_number=(person.id_number if person else "") if kind == HonourKind.MEDAL else "",
                union=person.union if person else union,
                year=rng.randint(first, last),
            )
        )
    bulk_create_audited(Honour, honours, note=DEMO_NOTE, batch_size=BATCH)

    # Studios, led by living model workers; skill leaders and mentor pairs at the report's ratios.
    n = size["studios"]
    demonstration = max(1, round(n * 34 / 637))
    leaders = _split(round(n * 10639 / 637), n, rng)
    pairs = _split(round(n * 16606 / 637), n, rng)
    alive = [w for w in workers if w.status == WorkerStatus.ALIVE] or workers
    studios = []
    for i in range(n):
        leader = rng.choice(alive)
        studios.append(
            InnovationStudio(
                code=f"{prefix}GZ{i + 1:05d}",
                name=f"{leader.name}劳模创新工作室",
                leader_id_number=leader.id_number,
                union=leader.union,
                level=StudioLevel.DEMONSTRATION
                if i < demonstration
                else rng.choice([StudioLevel.PROVINCIAL, StudioLevel.PREFECTURE]),
                founded_on=_date_in(rng, rng.randint(max(2012, leader.title_year), last)),
                skill_leaders=leaders[i],
                mentor_pairs=pairs[i],
            )
        )
    bulk_create_audited(InnovationStudio, studios, note=DEMO_NOTE, batch_size=BATCH)

    regions = list({u.region_id: u.region for u in unions}.values())
    talks = [
        Talk(
            number=f"{prefix}XJ{i + 1:07d}",
            held_on=_date_in(rng, rng.choice(years)),
            region=rng.choice(regions),
            venue_kind=rng.choice(list(VenueKind)),
            audience=rng.randint(20, 2000),
        )
        for i in range(size["talks"])
    ]
    bulk_create_audited(Talk, talks, note=DEMO_NOTE, batch_size=BATCH)
    return {
        "model_worker": len(workers),
        "honour": len(honours),
        "benefit_payment": len(payments),
        "recuperation": len(recuperations),
        "studio": len(studios),
        "talk": len(talks),
    }
