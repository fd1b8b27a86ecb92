"""Demo data of the competitions domain, for the unions already in the database.

``generate`` is called by the reports app's ``generate_demo_data`` after the unions
generator. Scale "demo" writes a few hundred competitions, participations and
achievements; scale "province" writes the figures of DOMAIN.md's table (33,478
participating units in labour competitions, 1,676 skill contests, 3,488 Ankang Cup units,
2,135 innovation achievements and 246 advanced operating methods).

At the demo scale a share of each kind's competitions is organized by 兰州市 and the demo users'
counties (``load_demo.DEMO_COUNTIES``), so their staff find competitions of their own with their
units taking part.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.db.models import Max

from apps.core import audit
from apps.core.bulk import bulk_insert
from apps.core.choices import AuditAction, AuditSource, RegionLevel
from apps.core.management.commands.load_demo import DEMO_COUNTIES
from apps.core.management.commands.load_demo import DEMO_NOTE as NOTE
from apps.core.models import Region
from apps.unions.public import GrassrootsUnion

from .choices import CompetitionKind, Grade, InnovationKind
from .models import Competition, InnovationAchievement, Participation

BATCH = 5000

# per scale: competitions by kind, participations by kind, achievements, methods
SCALES = {
    "demo": {
        "competitions": {"general": 40, CompetitionKind.SKILL: 20, CompetitionKind.ANKANG: 6},
        "participations": {"general": 500, CompetitionKind.SKILL: 200, CompetitionKind.ANKANG: 100},
        "achievements": 150,
        "methods": 40,
        "workers": (5, 400),
        # share of each kind's competitions organized by the demo regions (FOCUS_REGIONS, in turn)
        "focus": 0.15,
    },
    "province": {
        "competitions": {"general": 600, CompetitionKind.SKILL: 1676, CompetitionKind.ANKANG: 15},
        "participations": {"general": 33478, CompetitionKind.SKILL: 13400, CompetitionKind.ANKANG: 3488},
        "achievements": 2135,
        "methods": 246,
        "workers": (10, 200),
        "focus": 0,
    },
}
# 兰州市 and the demo users' counties.
FOCUS_REGIONS = ("620100", *DEMO_COUNTIES)

GENERAL_KINDS = [CompetitionKind.MAJOR_PROJECT, CompetitionKind.PARK, CompetitionKind.ENTERPRISE]
THEMES = ["建功新时代", "当好主力军", "喜迎新发展", "技能强省", "安全生产月", "绿色发展"]
PROJECTS = ["兰州新区", "黄河流域生态保护", "西部陆海新通道", "酒泉新能源基地", "陇东能源基地", "兰张三四线"]
TRADES = ["电工", "焊工", "钳工", "数控车工", "电子商务师", "养老护理员", "快递员", "汽车维修工", "茶艺师"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "明华强军平伟芳娟敏静丽刚勇杰涛斌超"
AWARDS = ["", "", "", "先进集体", "优胜单位", "一等奖", "二等奖", "三等奖"]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _date_in(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))


@transaction.atomic
def generate(*, rng: random.Random, scale: str, years: list[int]) -> dict[str, int]:
    """Write competitions, participations and achievements; returns {"<model>": count}."""
    conf = SCALES[scale]
    unions = list(GrassrootsUnion.objects.values_list("id", "region__path"))
    if not unions or not years:
        return {"competition": 0, "participation": 0, "innovationachievement": 0}
    # unions under each region path prefix (province, prefecture, county, township)
    under: dict[str, list[int]] = defaultdict(list)
    for union_id, path in unions:
        parts = [p for p in path.strip("/").split("/") if p]
        for i in range(1, len(parts) + 1):
            under["/" + "/".join(parts[:i]) + "/"].append(union_id)
    regions = list(
        Region.objects.exclude(level=RegionLevel.TOWNSHIP)
        .filter(path__in=list(under))
        .values_list("id", "path", "level", "code")
        .order_by("path")
    )
    province = [r[:3] for r in regions if r[2] == RegionLevel.PROVINCE]
    lower = [r[:3] for r in regions if r[2] != RegionLevel.PROVINCE]
    focus = [r[:3] for code in FOCUS_REGIONS for r in regions if r[3] == code]
    regions = [r[:3] for r in regions]

    with audit.audit_context(source=AuditSource.SYSTEM):
        competitions = _competitions(rng, conf, years, province, lower, focus)
        bulk_insert(Competition, competitions, batch_size=BATCH)
        audit.record_many(competitions, AuditAction.CREATE, note=NOTE)
        participations = _participations(rng, conf, competitions, regions, under)
        for start in range(0, len(participations), BATCH):
            batch = bulk_insert(Participation, participations[start : start + BATCH], batch_size=BATCH)
            audit.record_many(batch, AuditAction.CREATE, note=NOTE)
        innovations = _innovations(rng, conf, years, [u for u, _p in unions])
        for start in range(0, len(innovations), BATCH):
            batch = bulk_insert(InnovationAchievement, innovations[start : start + BATCH], batch_size=BATCH)
            audit.record_many(batch, AuditAction.CREATE, note=NOTE)
    return {
        "competition": len(competitions),
        "participation": len(participations),
        "innovationachievement": len(innovations),
    }


def _last_seq(model, field: str, prefix: str) -> int:
    """The highest number already used by demo codes (zero-padded, so the text max)."""
    last = model.objects.filter(**{f"{field}__startswith": prefix}).aggregate(m=Max(field))["m"]
    return int(last[len(prefix) :]) if last else 0


def _competitions(rng, conf, years, province, lower, focus) -> list[Competition]:
    out = []
    seq = _last_seq(Competition, "code", "DEMO-JS")
    for kind, count in conf["competitions"].items():
        pinned = round(count * conf["focus"]) if focus else 0
        for n in range(count):
            seq += 1
            # Provincial campaigns are fewer but larger; most are organized lower down.
            region_id, _path, _level = rng.choice(
                province if (province and rng.random() < 0.15) else lower or province
            )
            if n < pinned:
                region_id, _path, _level = focus[n % len(focus)]
            real_kind = rng.choice(GENERAL_KINDS) if kind == "general" else kind
            year = rng.choice(years)
            start = _date_in(rng, year)
            if real_kind == CompetitionKind.SKILL:
                name = f"{rng.choice(TRADES)}职业技能大赛"
            elif real_kind == CompetitionKind.ANKANG:
                name = f"{year}年度“安康杯”竞赛"
            elif real_kind == CompetitionKind.MAJOR_PROJECT:
                name = f"{rng.choice(PROJECTS)}重点工程劳动竞赛"
            elif real_kind == CompetitionKind.PARK:
                name = "工业园区劳动竞赛"
            else:
                name = "企业岗位练兵劳动竞赛"
            out.append(
                Competition(
                    code=f"DEMO-JS{seq:06d}",
                    name=name,
                    kind=real_kind,
                    organizer_region_id=region_id,
                    theme=rng.choice(THEMES),
                    start_date=start,
                    end_date=start + dt.timedelta(days=rng.randint(15, 300)),
                )
            )
    return out


def _participations(rng, conf, competitions, regions, under) -> list[Participation]:
    path_of = {r[0]: r[1] for r in regions}
    groups: dict[str, list[Competition]] = defaultdict(list)
    for c in competitions:
        groups["general" if c.kind in GENERAL_KINDS else c.kind].append(c)
    low, high = conf["workers"]
    out, seen = [], set()
    for group, count in conf["participations"].items():
        comps = groups.get(group) or []
        if not comps:
            continue
        attempts = 0
        made = 0
        while made < count and attempts < count * 5:
            attempts += 1
            comp = rng.choice(comps)
            pool = under.get(path_of[comp.organizer_region_id]) or []
            if not pool:
                continue
            union_id = rng.choice(pool)
            if (comp.pk, union_id) in seen:
                continue
            seen.add((comp.pk, union_id))
            workers = rng.randint(low, high)
            promoted = (
                rng.randint(0, workers // 5)
                if comp.kind == CompetitionKind.SKILL
                else rng.randint(0, workers // 20)
            )
            out.append(
                Participation(
                    competition_id=comp.pk,
                    union_id=union_id,
                    participating_workers=workers,
                    promoted_workers=promoted,
                    award=rng.choice(AWARDS),
                )
            )
            made += 1
    return out


def _innovations(rng, conf, years, union_ids) -> list[InnovationAchievement]:
    out = []
    seq = _last_seq(InnovationAchievement, "number", "DEMO-CX")
    grades = [Grade.SPECIAL, Grade.FIRST, Grade.SECOND, Grade.SECOND, Grade.THIRD, Grade.THIRD, "", "", ""]
    for kind, count in (
        (InnovationKind.ACHIEVEMENT, conf["achievements"]),
        (InnovationKind.METHOD, conf["methods"]),
    ):
        for _ in range(count):
            seq += 1
            trade = rng.choice(TRADES)
            name = f"{_person(rng)}{trade}操作法" if kind == InnovationKind.METHOD else f"{trade}工艺改进"
            grade = rng.choice(grades)
            out.append(
                InnovationAchievement(
                    number=f"DEMO-CX{seq:06d}",
                    name=name,
                    kind=kind,
                    union_id=rng.choice(union_ids),
                    year=rng.choice(years),
                    authors="、".join(_person(rng) for _ in range(rng.randint(1, 3))),
                    grade=grade,
                    recommended_nationally=grade in (Grade.SPECIAL, Grade.FIRST) and rng.random() < 0.3,
                )
            )
    return out
