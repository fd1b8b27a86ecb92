"""org.* indicators on records built on both sides of every year-end boundary."""

import datetime as dt
import itertools

import pytest

from apps.core.models import Region
from apps.core.tests.factories import TownshipFactory, make_resident_id, region
from apps.unions.choices import ContractKind, HouseholdType, JoinChannel, MemberStatus, Sex, UnionKind
from apps.unions.models import CollectiveContract, GrassrootsUnion, Member
from apps.unions.selectors import org_indicators

D = dt.date
_seq = itertools.count(1)


FOUNDED = D(2010, 1, 1)


def union(region_obj, founded=FOUNDED, dissolved=None, kind=UnionKind.ENTERPRISE, **kw):
    return GrassrootsUnion.objects.create(
        code=f"U{next(_seq):05d}",
        name="工会",
        kind=kind,
        region=region_obj,
        founded_on=founded,
        dissolved_on=dissolved,
        **kw,
    )


def member(u, joined, left=None, female=False, rural=False, key="", online=False):
    rid = make_resident_id(u.region.code[:6], female=female)
    return Member.objects.create(
        union=u,
        name="会员",
        id_number=rid,
        sex=Sex.FEMALE if female else Sex.MALE,
        birth_date=D(1990, 1, 1),
        household_type=HouseholdType.RURAL if rural else HouseholdType.URBAN,
        key_group=key,
        joined_on=joined,
        join_channel=JoinChannel.ONLINE if online else JoinChannel.OFFLINE,
        left_on=left,
        status=MemberStatus.LEFT if left else MemberStatus.ACTIVE,
    )


def contract(u, kind, signed, expires, workers=0):
    return CollectiveContract.objects.create(
        number=f"HT{next(_seq)}",
        union=u,
        kind=kind,
        signed_on=signed,
        expires_on=expires,
        covered_workers=workers,
    )


@pytest.fixture
def data(db):
    cg, qlh = region("620102"), region("620103")
    township = TownshipFactory(parent=cg)
    u_dissolved_on_ye = union(cg, dissolved=D(2024, 12, 31), congress_since=D(2015, 1, 1))
    u_founded_on_ye = union(township, founded=D(2024, 12, 31), disclosure_since=D(2024, 12, 31))
    u_next_year = union(cg, founded=D(2025, 1, 1))
    u_dissolved_next = union(qlh, dissolved=D(2025, 1, 1), congress_since=D(2025, 1, 1))
    union(township, kind=UnionKind.TOWNSHIP, normalized_year=2024)
    union(cg, kind=UnionKind.TOWNSHIP, normalized_year=2025)
    union(cg, kind=UnionKind.VILLAGE, demonstration_year=2024)
    union(cg, kind=UnionKind.COMMUNITY, demonstration_year=2024, dissolved=D(2024, 6, 1))
    member(u_dissolved_on_ye, D(2020, 1, 1), left=D(2024, 12, 31))  # left on year end: not active
    member(u_founded_on_ye, D(2024, 12, 31), female=True, key="courier", online=True)  # joined on year end
    member(u_founded_on_ye, D(2024, 1, 1), left=D(2025, 1, 1), rural=True)  # leaves after year end
    member(u_next_year, D(2025, 1, 1))
    member(u_dissolved_next, D(2023, 12, 31), female=True)
    contract(u_dissolved_on_ye, ContractKind.GENERAL, D(2022, 1, 1), D(2024, 12, 31))  # in force on year end
    contract(u_founded_on_ye, ContractKind.SAFETY, D(2024, 12, 31), D(2026, 1, 1), workers=120)
    contract(u_dissolved_next, ContractKind.SAFETY, D(2023, 1, 1), D(2024, 12, 30), workers=50)  # expired
    contract(u_dissolved_next, ContractKind.WAGE, D(2025, 1, 1), D(2026, 1, 1))


def test_county_indicators_at_the_2024_boundary(data):
    got = org_indicators(year=2024, region=region("620102"))
    assert got == {
        "org.unions": 4,  # founded-on-ye, 2 township kinds, village; not dissolved-on-ye, community, 2025
        "org.unions_founded": 1,
        "org.normalized_township_unions": 1,
        "org.demonstration_village_community_unions": 1,
        "org.members": 2,
        "org.members_female": 1,
        "org.members_migrant": 1,
        "org.members_joined": 2,
        "org.members_joined_online": 1,
        "org.members_joined_key_groups": 1,
        "org.contracts_general": 1,
        "org.contracts_wage": 0,
        "org.contracts_safety": 1,
        "org.contracts_safety_workers": 120,
        "org.workers_congresses": 0,  # its union was dissolved on year end
        "org.affairs_disclosure": 1,
    }


def test_province_and_prefecture_add_up_the_counties(data):
    qlh = org_indicators(year=2024, region=region("620103"))
    assert (
        qlh["org.unions"],
        qlh["org.members"],
        qlh["org.contracts_safety"],
        qlh["org.workers_congresses"],
    ) == (1, 1, 0, 0)
    cg = org_indicators(year=2024, region=region("620102"))
    lanzhou = org_indicators(year=2024, region=region("620100"))
    province = org_indicators(year=2024, region=Region.objects.get(code="620000"))
    for code in cg:
        assert lanzhou[code] == cg[code] + qlh[code] == province[code]


def test_next_year_moves_the_boundaries(data):
    got = org_indicators(year=2025, region=region("620100"))
    assert got["org.unions"] == 5  # 2025-founded joins; dissolved-on-2025-01-01 leaves
    assert got["org.unions_founded"] == 1
    assert got["org.normalized_township_unions"] == 2
    # joined 2024-12-31, joined 2025-01-01, and one whose union dissolved (membership is by its own dates)
    assert got["org.members"] == 3
    assert got["org.contracts_wage"] == 1 and got["org.contracts_general"] == 0


def test_a_far_away_county_sees_nothing(data):
    assert set(org_indicators(year=2024, region=region("623001")).values()) == {0}
