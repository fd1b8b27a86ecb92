"""Synthetic unions, members and collective contracts for demos and benchmarks.

``generate(rng=..., scale="demo"|"province", years=[...])`` writes in bulk (COPY on PostgreSQL
through apps.core.bulk) with valid resident IDs (real check character, sex and birth date taken
from the ID), dates in order (founded ≤ joined ≤ left; signed ≤ expires) and the audit trail of
what it wrote. ``province`` reaches DOMAIN.md's figures (37,878 unions, 3.887 million members,
19,900 general and 19,500 wage contracts, ...).

At the demo scale the demo users' counties (``load_demo.DEMO_COUNTIES``: 城关区, 七里河区) hold a
fixed share of the unions, of every kind, with more members each. Then, through the services and
as the demo users when they exist: membership transfers between those counties waiting for the
receiving county (and one accepted), online join applications waiting for county staff (and one
approved, one rejected in each county).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from apps.core.audit import record_many
from apps.core.bulk import bulk_insert
from apps.core.choices import AuditAction, RegionLevel, Role
from apps.core.management.commands.load_demo import DEMO_COUNTIES, demo_staff
from apps.core.models import Region
from apps.core.validators import resident_id_check_char

from . import services
from .choices import ContractKind, HouseholdType, JoinChannel, KeyGroup, MemberStatus, Sex, UnionKind
from .models import CollectiveContract, GrassrootsUnion, Member

SCALES = {
    # unions, mean members per union
    "demo": (150, 20),
    "province": (37_878, 102.62),
}
KIND_WEIGHTS = [
    (UnionKind.ENTERPRISE, 55),
    (UnionKind.INSTITUTION, 10),
    (UnionKind.ORGAN, 10),
    (UnionKind.VILLAGE, 8),
    (UnionKind.COMMUNITY, 6),
    (UnionKind.TOWNSHIP, 3),
    (UnionKind.JOINT, 5),
    (UnionKind.INDUSTRY, 3),
]
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬建国志强海燕晓东文博宏亮春梅"
TRADES = [
    "机械制造",
    "电力",
    "建筑安装",
    "商贸",
    "物流",
    "化工",
    "冶金",
    "食品",
    "纺织",
    "信息技术",
    "医院",
    "学校",
]
ETHNICITIES = ["汉族"] * 17 + ["回族", "藏族", "东乡族"]
EDUCATION = ["初中", "高中", "中专", "大专", "本科", "硕士研究生"]
BATCH = 20_000
# Share of the unions pinned to each of the demo counties (DEMO_COUNTIES, in order), per scale.
FOCUS_SHARES = {"demo": (0.20, 0.12), "province": ()}
# The first pinned unions of a county take these kinds in turn (then the usual weights).
FOCUS_KINDS = [
    UnionKind.ENTERPRISE,
    UnionKind.INSTITUTION,
    UnionKind.ORGAN,
    UnionKind.COMMUNITY,
    UnionKind.TOWNSHIP,
    UnionKind.JOINT,
    UnionKind.INDUSTRY,
    UnionKind.ENTERPRISE,
    UnionKind.VILLAGE,
    UnionKind.ENTERPRISE,
]
# Per demo county: transfers to the other demo county left waiting, online applications left waiting.
WALK = {"pending_transfers": 3, "waiting_applications": 4}
# The demo grassroots union user of 城关区 (load_demo gives it the demo password).
DEMO_UNION_USER = "union_cg"
TRANSFER_REASONS = ["工作调动", "劳动关系转移", "单位合并重组", "跨区就业"]
REJECT_REASONS = ["申请人所在单位已建会，请向本单位工会申请入会", "身份信息与本人不符，请核实后重新申请"]


def _leaf_regions() -> list[Region]:
    """Counties, and prefectures without counties (Jiayuguan): where records sit."""
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    bare = list(
        Region.objects.filter(level=RegionLevel.PREFECTURE, children__isnull=True).order_by("code").distinct()
    )
    return counties + bare


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _resident_id(rng: random.Random, region_code: str, used: set[str]) -> str:
    while True:
        birth = _date_between(rng, dt.date(1962, 1, 1), dt.date(2004, 12, 31))
        first17 = f"{region_code[:6]}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        id_number = first17 + resident_id_check_char(first17)
        if id_number not in used:
            used.add(id_number)
            return id_number


def _flush(model, rows: list) -> int:
    if not rows:
        return 0
    bulk_insert(model, rows)
    record_many(rows, AuditAction.CREATE, note="demo data")
    n = len(rows)
    rows.clear()
    return n


def _unions(
    rng: random.Random, regions: list[Region], count: int, years: list[int], pinned: list[Region]
) -> Iterator[GrassrootsUnion]:
    """``count`` unions; the first ``len(pinned)`` sit in the regions given, the rest anywhere."""
    first, last = years[0], years[-1]
    weights = [rng.uniform(0.5, 1.5) for _ in regions]
    kinds, kind_w = zip(*KIND_WEIGHTS, strict=True)
    seen: dict[int, int] = defaultdict(int)
    for n in range(count):
        keep = False  # a pinned union with a kind of the cycle stays open (the walk needs it)
        if n < len(pinned):
            region = pinned[n]
            k = seen[region.pk]
            seen[region.pk] += 1
            keep = k < len(FOCUS_KINDS)
            kind = FOCUS_KINDS[k] if keep else rng.choices(kinds, kind_w)[0]
        else:
            region = rng.choices(regions, weights)[0]
            kind = rng.choices(kinds, kind_w)[0]
        # most unions are older than the years shown; some are founded in each of them
        if rng.random() < 0.12:
            founded = _date_between(rng, dt.date(first, 1, 1), dt.date(last, 12, 31))
        else:
            founded = _date_between(rng, dt.date(1985, 1, 1), dt.date(first - 1, 12, 31))
        dissolved = None
        if rng.random() < 0.03 and not keep:
            dissolved = _date_between(rng, founded + dt.timedelta(days=1), dt.date(last, 12, 31))
            if dissolved <= founded:
                dissolved = None
        trade = rng.choice(TRADES)
        name = {
            UnionKind.VILLAGE: f"{region.name}{rng.choice(SURNAMES)}家村工会",
            UnionKind.COMMUNITY: f"{region.name}第{n % 97 + 1}社区工会",
            UnionKind.TOWNSHIP: f"{region.name}第{n % 31 + 1}街道工会",
        }.get(kind, f"{region.name}{trade}有限公司{n}号工会")
        union = GrassrootsUnion(
            code=f"GH{region.code[:6]}{n:06d}",
            name=name[:200],
            kind=kind,
            region=region,
            employer_name=name.removesuffix("工会")[:200]
            if kind not in (UnionKind.VILLAGE, UnionKind.COMMUNITY)
            else "",
            founded_on=founded,
            dissolved_on=dissolved,
            chair=_person_name(rng),
        )
        if kind == UnionKind.TOWNSHIP and rng.random() < 0.39:
            union.normalized_year = rng.randint(max(founded.year, first - 6), last)
        if kind in (UnionKind.VILLAGE, UnionKind.COMMUNITY) and rng.random() < 0.04:
            union.demonstration_year = rng.randint(max(founded.year, first - 6), last)
        if rng.random() < 0.73:
            union.congress_since = _date_between(rng, founded, dt.date(last, 12, 31))
        if rng.random() < 0.715:
            union.disclosure_since = _date_between(rng, founded, dt.date(last, 12, 31))
        yield union


def _member(rng: random.Random, union: GrassrootsUnion, used: set[str], last: int) -> Member:
    id_number = _resident_id(rng, union.region.code, used.setdefault(union.region.code[:6], set()))
    birth = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    earliest = max(
        union.founded_on,
        birth.replace(year=birth.year + 18)
        if birth.month != 2 or birth.day != 29
        else dt.date(birth.year + 18, 3, 1),
    )
    end = union.dissolved_on or dt.date(last, 12, 31)
    joined = _date_between(rng, earliest, end)
    left = None
    status = MemberStatus.ACTIVE
    roll = rng.random()
    if roll < 0.08 or union.dissolved_on:
        left = _date_between(rng, joined, union.dissolved_on or dt.date(last, 12, 31))
        status = MemberStatus.LEFT
    elif roll < 0.11:
        status = MemberStatus.RETAINED
    rural = rng.random() < 0.4
    return Member(
        union=union,
        name=_person_name(rng),
        id_number=id_number,
        sex=Sex.FEMALE if int(id_number[16]) % 2 == 0 else Sex.MALE,
        birth_date=birth,
        ethnicity=rng.choice(ETHNICITIES),
        phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
        education=rng.choice(EDUCATION),
        household_type=HouseholdType.RURAL if rural else HouseholdType.URBAN,
        key_group=rng.choice(KeyGroup.values) if rng.random() < 0.06 else "",
        joined_on=joined,
        join_channel=JoinChannel.ONLINE if rng.random() < 0.3 else JoinChannel.OFFLINE,
        left_on=left,
        status=status,
    )


def _contracts(
    rng: random.Random, union: GrassrootsUnion, members: int, last: int
) -> Iterator[CollectiveContract]:
    if union.kind in (UnionKind.VILLAGE, UnionKind.COMMUNITY, UnionKind.TOWNSHIP) or union.dissolved_on:
        return
    for kind, share in ((ContractKind.GENERAL, 0.67), (ContractKind.WAGE, 0.66), (ContractKind.SAFETY, 0.12)):
        if rng.random() >= share:
            continue
        signed = _date_between(rng, max(union.founded_on, dt.date(last - 2, 1, 1)), dt.date(last, 12, 31))
        yield CollectiveContract(
            number=f"HT{union.code[2:]}{kind[:2].upper()}",
            union=union,
            kind=kind,
            signed_on=signed,
            expires_on=signed.replace(year=signed.year + 3) - dt.timedelta(days=1)
            if not (signed.month == 2 and signed.day == 29)
            else dt.date(signed.year + 3, 2, 28),
            covered_enterprises=1,
            covered_workers=max(members, 1) + rng.randint(0, 50),
        )


def _pinned_regions(scale: str, count: int) -> list[Region]:
    """The demo counties, each repeated by its share of ``count`` (none at the province scale)."""
    shares = FOCUS_SHARES.get(scale, ())
    found = {r.code: r for r in Region.objects.filter(code__in=DEMO_COUNTIES)}
    return [
        found[code]
        for code, share in zip(DEMO_COUNTIES, shares, strict=False)
        if code in found
        for _ in range(int(count * share))
    ]


def generate(*, rng: random.Random, scale: str, years: list[int]) -> dict[str, int]:
    count, mean_members = SCALES[scale]
    regions = _leaf_regions()
    pinned = _pinned_regions(scale, count)
    pinned_codes = {r.code for r in pinned}
    last = years[-1]
    written = {"unions": 0, "members": 0, "contracts": 0}
    unions: list[GrassrootsUnion] = []
    for union in _unions(rng, regions, count, years, pinned):
        unions.append(union)
        if len(unions) >= BATCH:
            written["unions"] += _flush(GrassrootsUnion, unions[:])
            unions.clear()
    written["unions"] += _flush(GrassrootsUnion, unions)

    used: dict[str, set[str]] = {}
    members: list[Member] = []
    contracts: list[CollectiveContract] = []
    queryset = GrassrootsUnion.objects.filter(code__startswith="GH").select_related("region").order_by("pk")
    for union in queryset.iterator(chunk_size=2000):
        if scale == "province":
            n = max(1, int(rng.expovariate(1 / mean_members)))
        elif union.region.code in pinned_codes:
            n = rng.randint(mean_members // 2, 2 * mean_members)
        else:
            n = rng.randint(5, 2 * mean_members - 5)
        for _ in range(n):
            members.append(_member(rng, union, used, last))
        contracts.extend(_contracts(rng, union, n, last))
        if len(members) >= BATCH:
            written["members"] += _flush(Member, members)
        if len(contracts) >= BATCH:
            written["contracts"] += _flush(CollectiveContract, contracts)
    written["members"] += _flush(Member, members)
    written["contracts"] += _flush(CollectiveContract, contracts)
    walked = _walk(rng)
    written["members"] += walked.pop("members")
    return written | walked


def _walk(rng: random.Random) -> dict[str, int]:
    """What a newcomer finds waiting in the demo counties, written through the services as the
    county users (transfers need them: the system's own transfers complete at once)."""
    today = timezone.localdate()
    written = {"members": 0, "transfers": 0, "join_applications": 0}
    open_unions = {
        code: list(
            GrassrootsUnion.objects.filter(region__code=code, dissolved_on__isnull=True)
            .select_related("region")
            .order_by("code")
        )
        for code in DEMO_COUNTIES
    }
    if not all(open_unions.values()):
        return written
    staff = {code: next(iter(demo_staff(Role.COUNTY, code)), None) for code in DEMO_COUNTIES}

    # Transfers into the other demo county: they wait for its staff; one of each is accepted.
    for source, target in zip(DEMO_COUNTIES, DEMO_COUNTIES[1:] + DEMO_COUNTIES[:1], strict=True):
        if source == target or staff[source] is None:
            continue
        movers = list(
            Member.objects.filter(
                union__in=open_unions[source], status=MemberStatus.ACTIVE, left_on__isnull=True
            ).order_by("pk")
        )
        for n, member in enumerate(rng.sample(movers, min(len(movers), WALK["pending_transfers"] + 1))):
            transfer = services.member_transfer(
                member=member,
                to_union=rng.choice(open_unions[target]),
                transferred_on=max(member.joined_on, today - dt.timedelta(days=rng.randint(1, 20))),
                reason=rng.choice(TRANSFER_REASONS),
                user=staff[source],
            )
            if n == 0 and staff[target] is not None:
                services.transfer_accept(transfer=transfer, user=staff[target])
            written["transfers"] += 1

    # Online applications: most wait for county staff, one is approved and one rejected.
    for code in DEMO_COUNTIES:
        used = set(Member.objects.filter(id_number__startswith=code).values_list("id_number", flat=True))
        for n in range(WALK["waiting_applications"] + 2):
            union = rng.choice(open_unions[code])
            application = services.join_application_submit(
                union_code=union.code,
                name=_person_name(rng),
                id_number=_resident_id(rng, code, used),
                phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
                household_type=rng.choice(HouseholdType.values),
                ethnicity=rng.choice(ETHNICITIES),
                education=rng.choice(EDUCATION),
                key_group=rng.choice(KeyGroup.values) if rng.random() < 0.4 else "",
            )
            written["join_applications"] += 1
            if n == 0:
                services.join_application_approve(
                    application=application,
                    user=staff[code],
                    joined_on=today - dt.timedelta(days=rng.randint(1, 10)),
                )
                written["members"] += 1
            elif n == 1:
                services.join_application_reject(
                    application=application, reason=rng.choice(REJECT_REASONS), user=staff[code]
                )
    written["change_requests"] = _union_account_walk(
        rng, open_unions[DEMO_COUNTIES[0]], staff[DEMO_COUNTIES[0]]
    )
    return written


def _union_account_walk(rng: random.Random, unions: list[GrassrootsUnion], county: Any) -> int:
    """The demo grassroots union user (``DEMO_UNION_USER``, its password set by ``load_demo``)
    and what it finds: registrations waiting for the county, one approved, one returned."""
    from apps.core import proposals
    from apps.core.models import User
    from apps.core.services import user_create

    if county is None or User.objects.filter(username=DEMO_UNION_USER).exists():
        return 0
    union = max(unions[:10], key=lambda u: (u.members.count(), u.code))  # a union with members to see
    account = user_create(
        username=DEMO_UNION_USER,
        password=secrets.token_urlsafe(24),  # replaced by load_demo's demo password
        role=Role.UNION,
        region=union.region,
        union=union,
        full_name=f"{union.name}（工会干部）",
    )
    used = set(
        Member.objects.filter(id_number__startswith=union.region.code).values_list("id_number", flat=True)
    )
    today = timezone.localdate()
    filed = []
    for _n in range(4):
        filed.append(
            services.member_register(
                user=account,
                union=union,
                name=_person_name(rng),
                id_number=_resident_id(rng, union.region.code, used),
                household_type=rng.choice(HouseholdType.values),
                joined_on=today - dt.timedelta(days=rng.randint(1, 20)),
                join_channel=JoinChannel.OFFLINE,
                phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
            )
        )
    leaver = Member.objects.filter(union=union, status=MemberStatus.ACTIVE).order_by("pk").first()
    if leaver is not None:
        filed.append(services.member_leave(member=leaver, user=account, left_on=today - dt.timedelta(days=3)))
    proposals.approve(request=filed[0], user=county)
    proposals.return_request(request=filed[1], reason="入会申请表未签字，请补充后重新提交", user=county)
    return len(filed)
