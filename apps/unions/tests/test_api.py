"""The unions API: the scoping contract on every viewset, workflow actions, masking,
pagination without COUNT(*) on big tables, query counts and audit."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.choices import AuditAction, AuditSource
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAPIContract
from apps.core.tests.factories import make_resident_id, region
from apps.core.validators import mask_resident_id
from apps.unions import selectors
from apps.unions.choices import ApplicationStatus, JoinChannel, MemberStatus, TransferStatus
from apps.unions.models import (
    CollectiveContract,
    GrassrootsUnion,
    JoinApplication,
    Member,
    MembershipTransfer,
)

from .factories import ContractFactory, GrassrootsUnionFactory, JoinApplicationFactory, MemberFactory


def grant_personal_data(user):
    user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))


# The scoping contract on every viewset -----------------------------------------------------


class TestUnionAPIScope(ScopedAPIContract):
    basename = "union"

    def make_object(self, region):
        return GrassrootsUnionFactory(region=region)

    def create_payload(self, region):
        return {
            "code": "API-NEW",
            "name": "新工会",
            "kind": "enterprise",
            "region": region.code,
            "founded_on": "2020-01-01",
        }

    def update_payload(self, obj):
        return {"name": "改名工会"}


class TestMemberAPIScope(ScopedAPIContract):
    basename = "member"

    def make_object(self, region):
        return MemberFactory(union=GrassrootsUnionFactory(region=region))

    def create_payload(self, region):
        union = GrassrootsUnionFactory(region=region)
        return {
            "union": union.code,
            "name": "新会员",
            "id_number": make_resident_id(region.code),
            "household_type": "urban",
            "joined_on": "2024-01-01",
            "join_channel": "offline",
        }

    def update_payload(self, obj):
        return {"name": "改名"}


class TestTransferAPIScope(ScopedAPIContract):
    basename = "transfer"

    def make_object(self, region):
        member = MemberFactory()
        return MembershipTransfer.objects.create(
            member=member,
            from_union=member.union,
            to_union=GrassrootsUnionFactory(region=region),
            transferred_on=dt.date(2024, 1, 1),
        )

    def create_payload(self, region):
        member = MemberFactory(union=GrassrootsUnionFactory(region=region))
        return {
            "member": member.pk,
            "to_union": GrassrootsUnionFactory().code,
            "transferred_on": "2024-02-01",
        }

    def update_payload(self, obj):
        return {"reason": "x"}


class TestJoinApplicationAPIScope(ScopedAPIContract):
    basename = "joinapplication"

    def make_object(self, region):
        return JoinApplicationFactory(union=GrassrootsUnionFactory(region=region))

    def update_payload(self, obj):
        return {"name": "改名"}


class TestContractAPIScope(ScopedAPIContract):
    basename = "contract"

    def make_object(self, region):
        return ContractFactory(union=GrassrootsUnionFactory(region=region))

    def create_payload(self, region):
        return {
            "number": "HT-API",
            "union": GrassrootsUnionFactory(region=region).code,
            "kind": "wage",
            "signed_on": "2024-01-01",
            "expires_on": "2026-01-01",
        }

    def update_payload(self, obj):
        return {"covered_workers": 999}


# CRUD through services ---------------------------------------------------------------------


def test_union_create_update_delete_are_audited_as_api(county_user, api_client):
    c = api_client(county_user)
    resp = c.post(
        reverse("api:union-list"),
        {
            "code": "gs-1",
            "name": "甘肃某厂工会",
            "kind": "enterprise",
            "region": "620102",
            "founded_on": "2019-05-01",
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    union = GrassrootsUnion.objects.get(code="GS-1")
    assert resp.json()["region_name"] == "城关区"
    resp = c.patch(reverse("api:union-detail", args=[union.pk]), {"chair": "马七"}, format="json")
    assert (resp.status_code, resp.json()["chair"]) == (200, "马七")
    assert c.delete(reverse("api:union-detail", args=[union.pk])).status_code == 204
    entries = AuditEntry.objects.filter(
        object_id=str(union.pk), content_type__model="grassrootsunion"
    ).order_by("id")
    assert [(e.action, e.source, e.user) for e in entries] == [
        (AuditAction.CREATE, AuditSource.API, county_user),
        (AuditAction.UPDATE, AuditSource.API, county_user),
        (AuditAction.DELETE, AuditSource.API, county_user),
    ]


def test_member_create_with_bad_id_is_a_chinese_400_and_writes_nothing(county_user, api_client):
    union = GrassrootsUnionFactory()
    resp = api_client(county_user).post(
        reverse("api:member-list"),
        {
            "union": union.code,
            "name": "坏号",
            "id_number": "620102199001011235",
            "household_type": "urban",
            "joined_on": "2024-01-01",
            "join_channel": "offline",
        },
        format="json",
    )
    assert resp.status_code == 400
    assert resp.json()["message"] == "身份证号“620102199001011235”校验位错误，最后一位应为 3。"
    assert Member.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_member_create_into_other_county_union_is_refused(county_user, api_client):
    union = GrassrootsUnionFactory(region=region("620103"))
    resp = api_client(county_user).post(
        reverse("api:member-list"),
        {
            "union": union.code,
            "name": "越权",
            "id_number": make_resident_id(),
            "household_type": "urban",
            "joined_on": "2024-01-01",
            "join_channel": "offline",
        },
        format="json",
    )
    assert resp.status_code == 400
    assert resp.json()["message"] == f"您的范围内没有编码为 {union.code} 的工会。"
    assert Member.objects.count() == 0


def test_member_union_cannot_change_through_update(county_user, api_client):
    member = MemberFactory()
    other = GrassrootsUnionFactory()
    resp = api_client(county_user).patch(
        reverse("api:member-detail", args=[member.pk]), {"union": other.code}, format="json"
    )
    assert (resp.status_code, resp.json()["message"]) == (400, "会员只能通过会籍转接更换工会。")
    member.refresh_from_db()
    assert member.union_id != other.pk


# Masking ------------------------------------------------------------------------------------


def test_id_number_is_masked_without_the_right_and_shown_with_it(county_user, api_client):
    member = MemberFactory()
    url = reverse("api:member-detail", args=[member.pk])
    assert api_client(county_user).get(url).json()["id_number"] == mask_resident_id(member.id_number)
    assert api_client(county_user).get(reverse("api:member-list")).json()["results"][0]["id_number"] == (
        mask_resident_id(member.id_number)
    )
    grant_personal_data(county_user)
    county_user = type(county_user).objects.get(pk=county_user.pk)  # drop the permission cache
    assert api_client(county_user).get(url).json()["id_number"] == member.id_number


def test_join_application_id_is_masked_without_the_right(county_user, api_client):
    application = JoinApplicationFactory()
    body = api_client(county_user).get(reverse("api:joinapplication-detail", args=[application.pk])).json()
    assert body["id_number"] == mask_resident_id(application.id_number)


# Actions -------------------------------------------------------------------------------------


def test_approve_action_creates_one_member_and_second_approve_is_refused(county_user, api_client):
    application = JoinApplicationFactory()
    url = reverse("api:joinapplication-approve", args=[application.pk])
    resp = api_client(county_user).post(url, {"joined_on": "2024-10-01"}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == ApplicationStatus.APPROVED
    member = Member.objects.get()
    assert (member.id_number, member.join_channel, member.joined_on) == (
        application.id_number,
        JoinChannel.ONLINE,
        dt.date(2024, 10, 1),
    )
    resp = api_client(county_user).post(url, {}, format="json")
    assert (resp.status_code, resp.json()["message"]) == (400, "该申请已经批准。")
    assert Member.objects.count() == 1


def test_reject_action_needs_a_reason(county_user, api_client):
    application = JoinApplicationFactory()
    url = reverse("api:joinapplication-reject", args=[application.pk])
    assert api_client(county_user).post(url, {}, format="json").status_code == 400
    resp = api_client(county_user).post(url, {"reason": "信息不实"}, format="json")
    assert (resp.status_code, resp.json()["status"], resp.json()["reason"]) == (200, "rejected", "信息不实")


def test_other_county_cannot_approve(other_county_user, api_client):
    application = JoinApplicationFactory()
    resp = api_client(other_county_user).post(reverse("api:joinapplication-approve", args=[application.pk]))
    assert resp.status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_join_applications_cannot_be_created_or_edited_through_the_api(county_user, api_client):
    application = JoinApplicationFactory()
    c = api_client(county_user)
    assert c.post(reverse("api:joinapplication-list"), {}, format="json").status_code == 405
    assert (
        c.patch(reverse("api:joinapplication-detail", args=[application.pk]), {"name": "x"}).status_code
        == 405
    )
    assert c.delete(reverse("api:joinapplication-detail", args=[application.pk])).status_code == 405
    assert JoinApplication.objects.get().name == application.name


def test_transfer_action_pending_then_accept_by_receiving_county(county_user, other_county_user, api_client):
    member = MemberFactory()
    target = GrassrootsUnionFactory(region=region("620103"))
    resp = api_client(county_user).post(
        reverse("api:member-transfer", args=[member.pk]),
        {"to_union": target.code, "transferred_on": "2024-05-01", "reason": "调动"},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    transfer = MembershipTransfer.objects.get()
    assert (resp.json()["status"], transfer.status) == (TransferStatus.PENDING, TransferStatus.PENDING)
    # the sending county does not decide it
    assert api_client(county_user).post(reverse("api:transfer-accept", args=[transfer.pk])).status_code == 404
    resp = api_client(other_county_user).post(reverse("api:transfer-accept", args=[transfer.pk]))
    assert (resp.status_code, resp.json()["status"]) == (200, TransferStatus.COMPLETED)
    member.refresh_from_db()
    assert (member.union, member.status) == (target, MemberStatus.ACTIVE)
    history = api_client(other_county_user).get(reverse("api:member-transfers", args=[member.pk])).json()
    assert [(t["from_union"], t["to_union"], t["status"]) for t in history] == [
        (transfer.from_union.code, target.code, "completed")
    ]


def test_transfer_reject_action(county_user, other_county_user, api_client):
    member = MemberFactory()
    source = member.union
    api_client(county_user).post(
        reverse("api:member-transfer", args=[member.pk]),
        {"to_union": GrassrootsUnionFactory(region=region("620103")).code, "transferred_on": "2024-05-01"},
        format="json",
    )
    transfer = MembershipTransfer.objects.get()
    resp = api_client(other_county_user).post(
        reverse("api:transfer-reject", args=[transfer.pk]), {"reason": "无此岗位"}, format="json"
    )
    assert (resp.status_code, resp.json()["status"]) == (200, TransferStatus.REJECTED)
    member.refresh_from_db()
    assert (member.union, member.status) == (source, MemberStatus.ACTIVE)


def test_transfer_create_endpoint_completes_inside_scope(county_user, api_client):
    member = MemberFactory()
    target = GrassrootsUnionFactory()
    resp = api_client(county_user).post(
        reverse("api:transfer-list"),
        {"member": member.pk, "to_union": target.code, "transferred_on": "2024-05-01"},
        format="json",
    )
    assert (resp.status_code, resp.json()["status"]) == (201, TransferStatus.COMPLETED)
    member.refresh_from_db()
    assert member.union == target


def test_leave_action(county_user, api_client):
    member = MemberFactory(joined_on=dt.date(2020, 1, 1))
    resp = api_client(county_user).post(
        reverse("api:member-leave", args=[member.pk]), {"left_on": "2024-12-31"}, format="json"
    )
    assert (resp.status_code, resp.json()["status"], resp.json()["left_on"]) == (200, "left", "2024-12-31")
    entry = AuditEntry.objects.get(object_id=str(member.pk), content_type__model="member")
    assert (entry.source, entry.changes["status"]) == (AuditSource.API, ["active", "left"])


def test_prefecture_user_reads_but_cannot_write(prefecture_user, api_client):
    member = MemberFactory()
    c = api_client(prefecture_user)
    assert c.get(reverse("api:member-detail", args=[member.pk])).status_code == 200
    assert c.post(reverse("api:member-leave", args=[member.pk]), {"left_on": "2024-01-01"}).status_code == 403
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE


# Filters -------------------------------------------------------------------------------------


def test_member_filters_region_subtree_union_code_and_exact_id(prefecture_user, api_client):
    from apps.core.tests.factories import TownshipFactory

    township = TownshipFactory(parent=region("620102"))
    in_township = MemberFactory(union=GrassrootsUnionFactory(region=township, code="TWN-1"))
    in_county = MemberFactory()
    MemberFactory(union=GrassrootsUnionFactory(region=region("620103")))
    c = api_client(prefecture_user)
    url = reverse("api:member-list")

    def ids(params):
        return sorted(row["id"] for row in c.get(url, params).json()["results"])

    assert ids({"region": "620102"}) == sorted([in_township.pk, in_county.pk])
    assert ids({"region": township.code}) == [in_township.pk]
    assert ids({"union": "twn-1"}) == [in_township.pk]
    assert ids({"q": in_county.id_number.lower()}) == [in_county.pk]
    assert ids({"region": "999999"}) == []


def test_union_filters(county_user, api_client):
    GrassrootsUnionFactory(code="AA1", name="甲厂工会", kind="enterprise", founded_on=dt.date(2001, 1, 1))
    GrassrootsUnionFactory(code="BB1", name="乙村工会", kind="village", founded_on=dt.date(2015, 1, 1))
    c = api_client(county_user)
    url = reverse("api:union-list")

    def codes(params):
        return [row["code"] for row in c.get(url, params).json()["results"]]

    assert codes({"kind": "village"}) == ["BB1"]
    assert codes({"q": "甲厂"}) == ["AA1"]
    assert codes({"founded_on_after": "2010-01-01"}) == ["BB1"]
    assert codes({"ordering": "-code"}) == ["BB1", "AA1"]
    assert codes({"search": "乙村"}) == ["BB1"]


# Pagination and query counts -------------------------------------------------------------------


def test_member_list_pagination_counts_exactly_on_small_results(county_user, api_client):
    MemberFactory.create_batch(3)
    body = api_client(county_user).get(reverse("api:member-list"), {"page_size": 2}).json()
    assert (body["count"], body["count_is_estimate"], len(body["results"])) == (3, False, 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner estimate is PostgreSQL's")
def test_member_list_uses_the_planner_estimate_above_the_threshold(county_user, api_client, monkeypatch):
    MemberFactory.create_batch(3)
    monkeypatch.setattr(selectors.EstimatedCountPaginator, "threshold", 0)
    estimate = selectors.planner_row_estimate(Member.objects.restrict(county_user))
    body = api_client(county_user).get(reverse("api:member-list")).json()
    assert (body["count"], body["count_is_estimate"]) == (estimate, True)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the fallback of other databases")
def test_planner_estimate_is_none_off_postgresql(db):
    assert selectors.planner_row_estimate(Member.objects.all()) is None


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"page_size": 100}).status_code == 200
    return len(ctx.captured_queries)


def test_member_list_query_count_does_not_grow_with_rows(
    county_user, api_client, django_assert_max_num_queries
):
    c = api_client(county_user)
    url = reverse("api:member-list")
    MemberFactory.create_batch(5, union=GrassrootsUnionFactory())
    few = _queries(c, url)
    MemberFactory.create_batch(45, union=GrassrootsUnionFactory())
    # session, user, scope (2), count (+ EXPLAIN on PostgreSQL), page, the personal-data right (2)
    with django_assert_max_num_queries(9 if connection.vendor == "postgresql" else 8):
        assert len(c.get(url, {"page_size": 100}).json()["results"]) == 50
    assert _queries(c, url) == few


def test_union_list_query_count_does_not_grow_with_rows(
    county_user, api_client, django_assert_max_num_queries
):
    c = api_client(county_user)
    url = reverse("api:union-list")
    parent = GrassrootsUnionFactory()
    GrassrootsUnionFactory.create_batch(4, parent=parent)
    few = _queries(c, url)
    GrassrootsUnionFactory.create_batch(45, parent=parent)
    # session, user, scope (2), count, page
    with django_assert_max_num_queries(6):
        assert c.get(url, {"page_size": 100}).json()["count"] == 50
    assert _queries(c, url) == few


def test_contract_api_refuses_bad_dates_in_chinese(county_user, api_client):
    resp = api_client(county_user).post(
        reverse("api:contract-list"),
        {
            "number": "HT-X",
            "union": GrassrootsUnionFactory().code,
            "kind": "general",
            "signed_on": "2024-05-01",
            "expires_on": "2024-01-01",
        },
        format="json",
    )
    assert (resp.status_code, resp.json()["message"]) == (400, "到期日期不能早于签订日期。")
    assert CollectiveContract.objects.count() == 0
