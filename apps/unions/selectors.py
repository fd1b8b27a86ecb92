"""Reads of the unions domain: the yearly ``org.*`` indicators, then list/detail selectors."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum

from apps.core.models import Region
from apps.core.selectors import Regions, per_region

from .choices import ContractKind, HouseholdType, JoinChannel, Sex, UnionKind
from .models import CollectiveContract, GrassrootsUnion, Member


def _active_at(start: str, end: str, day: dt.date) -> Q:
    """Active at ``day``: started on or before it and not ended on or before it."""
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


@per_region
def org_indicators(*, year: int, regions: Regions) -> dict[int, dict[str, int]]:
    """Every ``org.*`` code of INDICATORS.md for each region and everything under it."""
    year_end = dt.date(year, 12, 31)
    in_year = {"gte": dt.date(year, 1, 1), "lte": year_end}
    active = _active_at("founded_on", "dissolved_on", year_end)
    unions = regions.totals(
        GrassrootsUnion.objects.all(),
        "region",
        unions=Count("id", filter=active),
        founded=Count("id", filter=Q(founded_on__gte=in_year["gte"], founded_on__lte=in_year["lte"])),
        normalized=Count(
            "id",
            filter=active
            & Q(kind=UnionKind.TOWNSHIP, normalized_year__isnull=False, normalized_year__lte=year),
        ),
        demonstration=Count(
            "id",
            filter=active
            & Q(kind__in=[UnionKind.VILLAGE, UnionKind.COMMUNITY], demonstration_year__isnull=False)
            & Q(demonstration_year__lte=year),
        ),
        congresses=Count("id", filter=active & Q(congress_since__lte=year_end)),
        disclosure=Count("id", filter=active & Q(disclosure_since__lte=year_end)),
    )
    member_active = _active_at("joined_on", "left_on", year_end)
    joined = Q(joined_on__gte=in_year["gte"], joined_on__lte=in_year["lte"])
    members = regions.totals(
        Member.objects.all(),
        "union__region",
        members=Count("id", filter=member_active),
        female=Count("id", filter=member_active & Q(sex=Sex.FEMALE)),
        migrant=Count("id", filter=member_active & Q(household_type=HouseholdType.RURAL)),
        joined=Count("id", filter=joined),
        joined_online=Count("id", filter=joined & Q(join_channel=JoinChannel.ONLINE)),
        joined_key=Count("id", filter=joined & ~Q(key_group="")),
    )
    in_force = Q(signed_on__lte=year_end, expires_on__gte=year_end)
    contracts = regions.totals(
        CollectiveContract.objects.all(),
        "union__region",
        general=Count("id", filter=in_force & Q(kind=ContractKind.GENERAL)),
        wage=Count("id", filter=in_force & Q(kind=ContractKind.WAGE)),
        safety=Count("id", filter=in_force & Q(kind=ContractKind.SAFETY)),
        safety_workers=Sum("covered_workers", filter=in_force & Q(kind=ContractKind.SAFETY), default=0),
    )
    return regions.each(_org_codes, unions, members, contracts)


def _org_codes(unions: dict, members: dict, contracts: dict) -> dict[str, int]:
    return {
        "org.unions": unions["unions"],
        "org.unions_founded": unions["founded"],
        "org.normalized_township_unions": unions["normalized"],
        "org.demonstration_village_community_unions": unions["demonstration"],
        "org.members": members["members"],
        "org.members_female": members["female"],
        "org.members_migrant": members["migrant"],
        "org.members_joined": members["joined"],
        "org.members_joined_online": members["joined_online"],
        "org.members_joined_key_groups": members["joined_key"],
        "org.contracts_general": contracts["general"],
        "org.contracts_wage": contracts["wage"],
        "org.contracts_safety": contracts["safety"],
        "org.contracts_safety_workers": contracts["safety_workers"],
        "org.workers_congresses": unions["congresses"],
        "org.affairs_disclosure": unions["disclosure"],
    }


# List and detail selectors ---------------------------------------------------------------
# (appended by the pages/API work; the indicator functions above are not touched)

from collections.abc import Iterable as _Iterable  # noqa: E402
from typing import Any as _Any  # noqa: E402

from django.db.models import QuerySet as _QuerySet  # noqa: E402

from apps.core.scoping import VIEW as _VIEW  # noqa: E402
from apps.core.scoping import scope_region_ids as _scope_region_ids  # noqa: E402

from .models import JoinApplication, MembershipTransfer  # noqa: E402


def union_list(*, user: _Any, action: str = _VIEW) -> _QuerySet[GrassrootsUnion]:
    return GrassrootsUnion.objects.restrict(user, action).select_related("region", "parent")


def union_member_counts(union: GrassrootsUnion) -> dict[str, int]:
    """Members of one union by state, in one query."""
    return Member.objects.filter(union=union).aggregate(
        active=Count("id", filter=Q(status="active")),
        retained=Count("id", filter=Q(status="retained")),
        transferred=Count("id", filter=Q(status="transferred")),
        left=Count("id", filter=Q(status="left")),
    )


def member_list(*, user: _Any, action: str = _VIEW) -> _QuerySet[Member]:
    # The page's unions by key after the sort, not joined before it: for a common name the
    # join hashed all 37,878 unions to keep 50 rows (23 ms of a search's 29 at province scale).
    return Member.objects.restrict(user, action).prefetch_related("union")


def transfer_list(*, user: _Any, action: str = _VIEW) -> _QuerySet[MembershipTransfer]:
    return MembershipTransfer.objects.restrict(user, action).select_related(
        "member", "from_union", "to_union", "requested_by", "decided_by"
    )


def member_transfers(member: Member) -> _QuerySet[MembershipTransfer]:
    """A member's transfer history, oldest first; visible to whoever may see the member."""
    return (
        MembershipTransfer.objects.filter(member=member)
        .select_related("from_union", "to_union", "requested_by", "decided_by")
        .order_by("created_at", "id")
    )


def join_application_list(*, user: _Any, action: str = _VIEW) -> _QuerySet[JoinApplication]:
    return JoinApplication.objects.restrict(user, action).select_related("union", "decided_by", "member")


def contract_list(*, user: _Any, action: str = _VIEW) -> _QuerySet[CollectiveContract]:
    return CollectiveContract.objects.restrict(user, action).select_related("union")


def regions_for_unions(*, user: _Any, action: str = "change") -> _QuerySet[Region]:
    """The regions a user may place unions in (regions' own scope rules are stricter)."""
    ids = _scope_region_ids(user, action, GrassrootsUnion)
    if ids is None:
        return Region.objects.all()
    return Region.objects.filter(pk__in=ids)


# What other domains may know of a resident --------------------------------------------------


def member_id_numbers(id_numbers: _Iterable[str], *, user: _Any = None) -> set[str]:
    """The IDs among those given that are active members (not left) of a grassroots union
    anywhere in the province: one query. Contributed to the core registry as the ``member``
    flag; ``user`` is not used, as the flag says only yes or no, province-wide."""
    ids = {i for i in id_numbers if i}
    if not ids:
        return set()
    return set(
        Member.objects.filter(id_number__in=ids, left_on__isnull=True).values_list("id_number", flat=True)
    )


# Moved to core (the pages and the API of every domain paginate large tables alike);
# the names stay here for the unions pages and tests that read them from this module.
from apps.core.pagination import EstimatedCountPaginator, planner_row_estimate  # noqa: E402, F401

# What waits for the user: the home page's work queues (apps.core.work, contributed in apps.py).
# (Imported where used: the imports above end in a re-export block of their own.)


def unions_work_transfers(user: _Any) -> int:
    """Pending transfers ``TRANSFER_DECISION`` lets the user accept or send back: county staff,
    into a union of their county (CHANGE scope of the receiving union), not requested by the
    user. Exact, one query."""
    from apps.core import work
    from apps.core.scoping import CHANGE

    from .choices import TransferStatus
    from .decisions import TRANSFER_DECISION

    if not work.takes(user, TRANSFER_DECISION.roles):
        return 0
    return work.capped_count(
        transfer_list(user=user, action=CHANGE)
        .filter(status=TransferStatus.PENDING)
        .exclude(requested_by=user)
    )


def unions_work_applications(user: _Any) -> int:
    """Online applications waiting for a decision that ``JOIN_DECISION`` lets the user take:
    county staff, unions of their county, not the application's last content editor. That
    editor is read from the audit trail per application on the queue page; here one query
    excludes every application the user has ever edited (``work.content_edited_by``), so the
    count may leave out one a colleague edited after the user, never count one four eyes refuses."""
    from apps.core import work
    from apps.core.scoping import CHANGE

    from .choices import ApplicationStatus
    from .decisions import APPLICATION_DECISION_FIELDS, JOIN_DECISION

    if not work.takes(user, JOIN_DECISION.roles):
        return 0
    return work.capped_count(
        join_application_list(user=user, action=CHANGE)
        .filter(status=ApplicationStatus.SUBMITTED)
        .exclude(work.content_edited_by(user, JoinApplication, ignore_fields=APPLICATION_DECISION_FIELDS))
    )
