"""Grassroots union users through the API (issue 16's interface): writes answer 202 with a
change request, nothing changes until the county approves, and nothing outside the union."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.core.choices import AuditAction, ChangeRequestStatus, Role
from apps.core.models import AuditEntry, ChangeRequest, User
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.unions.choices import MemberStatus
from apps.unions.models import GrassrootsUnion, Member, MembershipTransfer
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory
from conftest import OTHER_COUNTY, OWN_COUNTY


@pytest.fixture
def union(db):
    return GrassrootsUnionFactory(region=region(OWN_COUNTY))


@pytest.fixture
def union_user(union):
    return UserFactory(username="union_a", role=Role.UNION, region=union.region, union=union)


def member_body(union, **extra):
    body = {
        "union": union.code,
        "name": "王五",
        "id_number": make_resident_id(),
        "household_type": "urban",
        "joined_on": "2024-01-01",
        "join_channel": "offline",
    }
    body.update(extra)
    return body


def propose_member(client, union, **extra):
    return client.post(reverse("api:member-list"), member_body(union, **extra), format="json")


def test_union_user_registration_is_202_and_the_member_waits(union_user, union, api_client):
    resp = propose_member(api_client(union_user), union, name="待批")
    assert resp.status_code == 202
    body = resp.json()
    assert body["status"] == "pending"
    assert body["union"] == union.code
    assert "payload" not in body
    assert {"label": "姓名", "before": "—", "after": "待批"} in body["rows"]
    assert not Member.objects.filter(name="待批").exists()
    listed = api_client(union_user).get(reverse("api:changerequest-list"), {"status": "pending"}).json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]


def test_county_approves_and_the_member_exists_with_both_audit_entries(
    union_user, union, county_user, api_client
):
    request_id = propose_member(api_client(union_user), union, name="批准").json()["id"]
    listed = api_client(county_user).get(reverse("api:changerequest-list"), {"status": "pending"}).json()
    assert request_id in [r["id"] for r in listed["results"]]
    resp = api_client(county_user).post(reverse("api:changerequest-approve", args=[request_id]))
    assert resp.status_code == 200
    assert resp.json()["status"] == "approved"
    member = Member.objects.get(name="批准")
    assert member.union == union
    assert resp.json()["result"] == {"model": "member", "id": str(member.pk)}
    created = AuditEntry.objects.get(content_type__model="member", object_id=str(member.pk))
    assert created.action == AuditAction.CREATE and created.user == county_user
    assert f"#{request_id}" in created.note
    filed = AuditEntry.objects.get(
        content_type__model="changerequest", object_id=str(request_id), action=AuditAction.CREATE
    )
    assert filed.user == union_user
    again = api_client(county_user).post(reverse("api:changerequest-approve", args=[request_id]))
    assert again.status_code == 400
    assert Member.objects.filter(name="批准").count() == 1


def test_returned_request_changes_nothing_and_needs_a_reason(union_user, union, county_user, api_client):
    request_id = propose_member(api_client(union_user), union, name="退回").json()["id"]
    url = reverse("api:changerequest-return-request", args=[request_id])
    assert api_client(county_user).post(url, {}, format="json").status_code == 400
    resp = api_client(county_user).post(url, {"reason": "身份证复印件不清楚"}, format="json")
    assert resp.status_code == 200
    assert resp.json()["status"] == "returned"
    assert not Member.objects.filter(name="退回").exists()
    seen = api_client(union_user).get(reverse("api:changerequest-detail", args=[request_id])).json()
    assert seen["status"] == "returned" and seen["reason"] == "身份证复印件不清楚"
    assert (
        api_client(county_user).post(reverse("api:changerequest-approve", args=[request_id])).status_code
        == 400
    )


def test_union_user_cannot_decide_requests(union_user, union, api_client):
    request_id = propose_member(api_client(union_user), union).json()["id"]
    for name, body in (("approve", None), ("return-request", {"reason": "自己退回"})):
        resp = api_client(union_user).post(
            reverse(f"api:changerequest-{name}", args=[request_id]), body, format="json"
        )
        assert resp.status_code == 403
    assert ChangeRequest.objects.get(pk=request_id).status == ChangeRequestStatus.PENDING
    assert Member.objects.count() == 0


def test_other_county_staff_neither_see_nor_decide(union_user, union, other_county_user, api_client):
    request_id = propose_member(api_client(union_user), union).json()["id"]
    assert (
        api_client(other_county_user).get(reverse("api:changerequest-detail", args=[request_id])).status_code
        == 404
    )
    resp = api_client(other_county_user).post(reverse("api:changerequest-approve", args=[request_id]))
    assert resp.status_code == 404
    assert Member.objects.count() == 0


def test_prefecture_sees_but_does_not_decide(union_user, union, prefecture_user, api_client):
    request_id = propose_member(api_client(union_user), union).json()["id"]
    assert (
        api_client(prefecture_user).get(reverse("api:changerequest-detail", args=[request_id])).status_code
        == 200
    )
    assert (
        api_client(prefecture_user).post(reverse("api:changerequest-approve", args=[request_id])).status_code
        == 403
    )


def test_union_user_sees_only_its_own_union(union_user, union, api_client):
    own = MemberFactory(union=union)
    neighbour = MemberFactory(union=GrassrootsUnionFactory(region=region(OWN_COUNTY)))
    far = MemberFactory(union=GrassrootsUnionFactory(region=region(OTHER_COUNTY)))
    c = api_client(union_user)
    listed = c.get(reverse("api:member-list")).json()["results"]
    assert [m["id"] for m in listed] == [own.pk]
    assert c.get(reverse("api:member-detail", args=[own.pk])).status_code == 200
    for other in (neighbour, far):
        assert c.get(reverse("api:member-detail", args=[other.pk])).status_code == 404
        assert (
            c.patch(reverse("api:member-detail", args=[other.pk]), {"name": "改"}, format="json").status_code
            == 404
        )
    unions = c.get(reverse("api:union-list")).json()["results"]
    assert [u["code"] for u in unions] == [union.code]
    # what a union has nothing to do with
    assert c.get(reverse("api:auditentry-list")).status_code == 403


def test_union_user_cannot_register_into_another_union(union_user, api_client):
    other = GrassrootsUnionFactory(region=region(OWN_COUNTY))
    resp = propose_member(api_client(union_user), other)
    assert resp.status_code == 400
    assert ChangeRequest.objects.count() == 0 and Member.objects.count() == 0


def test_bad_input_is_refused_at_once_with_the_service_message(union_user, union, api_client):
    existing = MemberFactory(union=union)
    resp = propose_member(api_client(union_user), union, id_number=existing.id_number)
    assert resp.status_code == 400
    assert "有在会会籍，请办理会籍转接" in resp.json()["message"]
    assert ChangeRequest.objects.count() == 0


def test_leaving_through_the_action_waits_for_approval(union_user, union, county_user, api_client):
    member = MemberFactory(union=union, joined_on=dt.date(2020, 1, 1))
    resp = api_client(union_user).post(
        reverse("api:member-leave", args=[member.pk]), {"left_on": "2025-06-30"}, format="json"
    )
    assert resp.status_code == 202
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    rows = {r["label"]: r for r in resp.json()["rows"]}
    assert rows["离会日期"] == {"label": "离会日期", "before": "—", "after": "2025-06-30"}
    api_client(county_user).post(reverse("api:changerequest-approve", args=[resp.json()["id"]]))
    member.refresh_from_db()
    assert member.status == MemberStatus.LEFT and member.left_on == dt.date(2025, 6, 30)


def test_transfer_out_is_a_request(union_user, union, county_user, api_client):
    member = MemberFactory(union=union)
    target = GrassrootsUnionFactory(region=region(OTHER_COUNTY))
    resp = api_client(union_user).post(
        reverse("api:member-transfer", args=[member.pk]),
        {"to_union": target.code, "transferred_on": "2025-05-01", "reason": "调动"},
        format="json",
    )
    assert resp.status_code == 202, resp.json()
    assert not MembershipTransfer.objects.exists()
    api_client(county_user).post(reverse("api:changerequest-approve", args=[resp.json()["id"]]))
    assert MembershipTransfer.objects.get().to_union == target


def test_union_data_update_keeps_the_register_keys(union_user, union, county_user, api_client):
    url = reverse("api:union-detail", args=[union.pk])
    refused = api_client(union_user).patch(url, {"trusted_registration": True}, format="json")
    assert refused.status_code == 400
    assert refused.json()["message"] == "基层工会不能自行修改“信任会员登记”，请联系县区工会。"
    resp = api_client(union_user).patch(url, {"chair": "新主席"}, format="json")
    assert resp.status_code == 202
    union.refresh_from_db()
    assert union.chair != "新主席" and not union.trusted_registration
    api_client(county_user).post(reverse("api:changerequest-approve", args=[resp.json()["id"]]))
    union.refresh_from_db()
    assert union.chair == "新主席"


def test_trusted_union_registration_goes_straight_in_and_is_listed(
    union_user, union, county_user, api_client
):
    GrassrootsUnion.objects.filter(pk=union.pk).update(trusted_registration=True)
    union_user.refresh_from_db()
    resp = propose_member(api_client(union_user), union, name="直接")
    assert resp.status_code == 201
    assert resp.json()["status"] == "approved" and resp.json()["trusted"] is True
    member = Member.objects.get(name="直接")
    created = AuditEntry.objects.get(content_type__model="member", object_id=str(member.pk))
    assert created.user == union_user
    listed = api_client(county_user).get(reverse("api:changerequest-list"), {"status": "approved"}).json()
    assert [r["object_repr"] for r in listed["results"]] == [resp.json()["object_repr"]]


def test_union_user_cannot_write_what_it_may_not_propose(union_user, union, api_client):
    c = api_client(union_user)
    resp = c.post(
        reverse("api:contract-list"),
        {
            "number": "HT-1",
            "union": union.code,
            "kind": "general",
            "signed_on": "2024-01-01",
            "expires_on": "2026-12-31",
        },
        format="json",
    )
    assert resp.status_code == 202  # contracts are the union's own data: proposed
    member = MemberFactory(union=union)
    assert c.post(reverse("api:member-retain", args=[member.pk])).status_code in (400, 403)
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE


def test_create_user_command_binds_a_union_user(union):
    out = io.StringIO()
    call_command(
        "create_user",
        "gh_union",
        "--role",
        "union",
        "--union",
        union.code,
        "--password",
        "Xk9!long-enough",
        stdout=out,
    )
    user = User.objects.get(username="gh_union")
    assert user.role == Role.UNION and user.union == union and user.region == union.region
    assert not user.is_staff
    assert union.name in out.getvalue()
