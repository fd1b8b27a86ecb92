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

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from apps.core.audit import record_inserted, record_many
from apps.core.bulk import bulk_insert, insert_rows
from apps.core.choices import AuditAction, RegionLevel, Role
from apps.core.management.commands.load_demo import DEMO_COUNTIES, DEMO_NOTE, demo_staff
from apps.core.models import Region
from apps.core.processes import in_processes, may_fork
from apps.core.validators import ID_CHECK, ID_WEIGHTS, resident_id_check_char

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
KEY_GROUPS = list(KeyGroup.values)
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
    record_many(rows, AuditAction.CREATE, note=DEMO_NOTE)
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


# Member columns written by the generator, in the order of its rows (the id comes from the
# sequence; ``insert_rows``).
MEMBER_FIELDS = (
    "union_id", "name", "id_number", "sex", "birth_date", "ethnicity", "phone", "education",
    "household_type", "key_group", "joined_on", "join_channel", "left_on", "status",
)  # fmt: skip
_BIRTHS = (dt.date(1962, 1, 1).toordinal(), dt.date(2004, 12, 31).toordinal())


class _People:
    """Members by the million: every draw is ``rng.random()`` (a C call) and the resident ID's
    check character comes from precomputed weighted sums of its three parts (region, birth
    date, sequence number), so a member row costs a few microseconds, not a model instance."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng.random
        self.seq = [f"{n:03d}" for n in range(1000)]
        self.seq_sum = [_weighted(text, 14) for text in self.seq]
        self.days: dict[int, tuple[dt.date, str, int]] = {}
        self.region_sum: dict[str, int] = {}

    def day(self, ordinal: int) -> tuple[dt.date, str, int]:
        found = self.days.get(ordinal)
        if found is None:
            date = dt.date.fromordinal(ordinal)
            text = f"{date:%Y%m%d}"
            found = self.days[ordinal] = (date, text, _weighted(text, 6))
        return found

    def resident_id(self, region6: str, used: set[str]) -> tuple[str, dt.date]:
        r, (lo, hi) = self.r, _BIRTHS
        base = self.region_sum.get(region6)
        if base is None:
            base = self.region_sum[region6] = _weighted(region6, 0)
        while True:
            birth, text, day_sum = self.day(lo + int(r() * (hi - lo + 1)))
            n = int(r() * 1000)
            id_number = f"{region6}{text}{self.seq[n]}{ID_CHECK[(base + day_sum + self.seq_sum[n]) % 11]}"
            if id_number not in used:
                used.add(id_number)
                return id_number, birth

    def between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return dt.date.fromordinal(start.toordinal() + int(self.r() * ((end - start).days + 1)))

    def name(self) -> str:
        r = self.r
        given = GIVEN[int(r() * len(GIVEN))]
        if r() < 0.5:
            given += GIVEN[int(r() * len(GIVEN))]
        return SURNAMES[int(r() * len(SURNAMES))] + given

    def member(self, union: GrassrootsUnion, used: set[str], end_of_last: dt.date) -> tuple:
        """One member row (MEMBER_FIELDS) of ``union``: joined after the union's founding and
        the member's 18th birthday, left (8 %, or with a dissolved union) after joining."""
        r = self.r
        id_number, birth = self.resident_id(union.region.code[:6], used)
        adult = (
            dt.date(birth.year + 18, 3, 1)
            if (birth.month, birth.day) == (2, 29)
            else birth.replace(year=birth.year + 18)
        )
        end = union.dissolved_on or end_of_last
        joined = self.between(max(union.founded_on, adult), end)
        left, status, roll = None, MemberStatus.ACTIVE, r()
        if roll < 0.08 or union.dissolved_on:
            left, status = self.between(joined, end), MemberStatus.LEFT
        elif roll < 0.11:
            status = MemberStatus.RETAINED
        return (
            union.pk,
            self.name(),
            id_number,
            Sex.FEMALE if int(id_number[16]) % 2 == 0 else Sex.MALE,
            birth,
            ETHNICITIES[int(r() * len(ETHNICITIES))],
            f"1{'3578'[int(r() * 4)]}{int(r() * 1_000_000_000):09d}",
            EDUCATION[int(r() * len(EDUCATION))],
            HouseholdType.RURAL if r() < 0.4 else HouseholdType.URBAN,
            KEY_GROUPS[int(r() * len(KEY_GROUPS))] if r() < 0.06 else "",
            joined,
            JoinChannel.ONLINE if r() < 0.3 else JoinChannel.OFFLINE,
            left,
            status,
        )


def _weighted(digits: str, offset: int) -> int:
    """The resident-ID checksum's share of ``digits`` standing at ``offset`` of the ID."""
    return sum(int(c) * w for c, w in zip(digits, ID_WEIGHTS[offset:], strict=False))


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
    last = years[-1]
    written = {"unions": 0, "members": 0, "contracts": 0}
    unions: list[GrassrootsUnion] = []
    for union in _unions(rng, regions, count, years, pinned):
        unions.append(union)
        if len(unions) >= BATCH:
            written["unions"] += _flush(GrassrootsUnion, unions[:])
            unions.clear()
    written["unions"] += _flush(GrassrootsUnion, unions)

    plan = {"scale": scale, "mean": mean_members, "pinned": sorted({r.code for r in pinned}), "last": last}
    parts = _region_parts(2) if may_fork() and scale == "province" else [None]
    seeds = [rng.random() for _ in parts]
    if len(parts) == 1:
        done = [_members(seeds[0], plan, parts[0])]
    else:
        done = in_processes(_members, [(seed, plan, part) for seed, part in zip(seeds, parts, strict=True)])
    for counts in done:
        written["members"] += counts["members"]
        written["contracts"] += counts["contracts"]
    walked = _walk(rng)
    written["members"] += walked.pop("members")
    return written | walked


def _members(seed: float, plan: dict[str, Any], regions: list[int] | None) -> dict[str, int]:
    """Members and collective contracts of the generated unions (of ``regions`` only, when
    given), written and audited a batch at a time, each batch committed on its own when no
    transaction surrounds the call (a stopped run keeps what it wrote)."""
    rng = random.Random(seed)
    people = _People(rng)
    end_of_last = dt.date(plan["last"], 12, 31)
    mean = plan["mean"]
    written = {"members": 0, "contracts": 0}
    rows: list[tuple] = []
    row_regions: list[int] = []
    contracts: list[CollectiveContract] = []
    unions = GrassrootsUnion.objects.filter(code__startswith="GH").select_related("region")
    if regions is not None:
        unions = unions.filter(region_id__in=regions)
    used: set[str] = set()
    current = None
    for union in unions.order_by("region__code", "pk").iterator(chunk_size=2000):
        if union.region_id != current:
            # a resident ID starts with its region's code: only the current region's are kept
            used, current = set(), union.region_id
        if plan["scale"] == "province":
            n = max(1, int(rng.expovariate(1 / mean)))
        elif union.region.code in plan["pinned"]:
            n = rng.randint(mean // 2, 2 * mean)
        else:
            n = rng.randint(5, 2 * mean - 5)
        for _ in range(n):
            rows.append(people.member(union, used, end_of_last))
        row_regions.extend([union.region_id] * n)
        contracts.extend(_contracts(rng, union, n, plan["last"]))
        if len(rows) >= BATCH:
            written["members"] += _flush_rows(rows, row_regions)
        if len(contracts) >= BATCH:
            with transaction.atomic():
                written["contracts"] += _flush(CollectiveContract, contracts)
    written["members"] += _flush_rows(rows, row_regions)
    with transaction.atomic():
        written["contracts"] += _flush(CollectiveContract, contracts)
    return written


def _flush_rows(rows: list[tuple], regions: list[int]) -> int:
    with transaction.atomic():
        pks = insert_rows(Member, MEMBER_FIELDS, rows)
        record_inserted(Member, pks, regions, note=DEMO_NOTE)
    n = len(rows)
    rows.clear()
    regions.clear()
    return n


def _region_parts(n: int) -> list[list[int]]:
    """The regions holding generated unions, in ``n`` parts of about as many unions each."""
    counts = (
        GrassrootsUnion.objects.filter(code__startswith="GH")
        .values_list("region_id")
        .annotate(n=Count("id"))
        .order_by("-n", "region_id")
    )
    parts: list[list[int]] = [[] for _ in range(n)]
    load = [0] * n
    for region_id, k in counts:
        i = load.index(min(load))
        parts[i].append(region_id)
        load[i] += k
    return [part for part in parts if part]


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
