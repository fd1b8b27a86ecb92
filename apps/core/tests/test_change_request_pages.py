"""The change request pages (issue 16): the county lists, compares and decides what grassroots
unions asked; a union follows its own requests; the home page shows both their queues."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.core.choices import AuditAction, ChangeRequestStatus, Role
from apps.core.models import AuditEntry, ChangeRequest
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.unions import services as union_services
from apps.unions.choices import HouseholdType, JoinChannel
from apps.unions.models import Member
from apps.unions.tests.factories import GrassrootsUnionFactory
from conftest import OTHER_COUNTY, OWN_COUNTY

LIST = reverse("changerequest-list")


@pytest.fixture
def union(db):
    return GrassrootsUnionFactory(name="城关一厂工会", region=region(OWN_COUNTY))


@pytest.fixture
def union_user(union):
    return UserFactory(username="union_a", role=Role.UNION, region=union.region, union=union)


@pytest.fixture
def sister_union(db):
    return GrassrootsUnionFactory(name="城关二厂工会", region=region(OWN_COUNTY))


@pytest.fixture
def sister_user(sister_union):
    return UserFactory(username="union_b", role=Role.UNION, region=sister_union.region, union=sister_union)


@pytest.fixture
def far_union(db):
    return GrassrootsUnionFactory(name="七里河工会", region=region(OTHER_COUNTY))


@pytest.fixture
def far_user(far_union):
    return UserFactory(username="union_far", role=Role.UNION, region=far_union.region, union=far_union)


def register(user, union, **extra):
    data = {
        "union": union,
        "name": "李四",
        "id_number": make_resident_id(),
        "household_type": HouseholdType.URBAN,
        "joined_on": dt.date(2024, 3, 1),
        "join_channel": JoinChannel.OFFLINE,
    }
    data.update(extra)
    return union_services.member_register(user=user, **data)


def listed(client, url=LIST, **query):
    resp = client.get(url, query)
    assert resp.status_code == 200
    return [r.pk for r in resp.context["object_list"]]


def said(resp) -> list[str]:
    return [str(m) for m in get_messages(resp.wsgi_request)]


# The list ---------------------------------------------------------------------------------------


def test_county_lists_pending_requests_of_its_region_only(
    union_user, union, far_user, far_union, county_user, client
):
    own = register(union_user, union, name="本县申请")
    decided = register(union_user, union, name="已退回")
    ChangeRequest.objects.filter(pk=decided.pk).update(status=ChangeRequestStatus.RETURNED)
    register(far_user, far_union, name="外县申请")
    client.force_login(county_user)

    resp = client.get(LIST)

    assert [r.pk for r in resp.context["object_list"]] == [own.pk]  # pending by default
    page = resp.content.decode()
    assert "本县申请" in page and "外县申请" not in page
    assert listed(client, status="") == [decided.pk, own.pk]  # "all": newest first
    assert listed(client, status="", o="created_at") == [own.pk, decided.pk]


def test_list_filters_by_union_kind_and_age(
    union_user, union, sister_user, sister_union, county_user, client
):
    old = register(union_user, union, name="十天前")
    ChangeRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    new = register(union_user, union, name="今天")
    sister = register(sister_user, sister_union, name="兄弟工会")
    client.force_login(county_user)

    assert listed(client, union=sister_union.code) == [sister.pk]
    assert listed(client, union=union.code, older_than=7) == [old.pk]
    assert listed(client, kind="apps.unions.services.member_register") == [sister.pk, new.pk, old.pk]
    assert listed(client, kind="apps.unions.services.member_leave") == []
    union_input = client.get(LIST).context["filterset"].form["union"]
    assert "data-autocomplete" in str(union_input)  # the union picker, as on the forms


def test_empty_list_says_nothing_matches(county_user, client):
    client.force_login(county_user)
    resp = client.get(LIST)
    assert resp.status_code == 200
    assert "没有符合条件的变更申请" in resp.content.decode()


def test_union_user_sees_only_its_own_unions_requests(
    union_user, union, sister_user, sister_union, county_user, client
):
    own = register(union_user, union, name="本会申请")
    returned = register(union_user, union, name="本会退回")
    ChangeRequest.objects.filter(pk=returned.pk).update(status=ChangeRequestStatus.RETURNED)
    other = register(sister_user, sister_union, name="别会申请")
    client.force_login(union_user)

    assert listed(client) == [returned.pk, own.pk]  # a union sees every status of its own
    assert "批准所选" not in client.get(LIST).content.decode()
    assert client.get(reverse("changerequest-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("changerequest-detail", args=[other.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client):
    resp = client.get(LIST)
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))


# One request ------------------------------------------------------------------------------------


def test_detail_shows_old_and_new_values_and_the_decision_buttons_to_the_county(
    union_user, union, county_user, client
):
    request = register(union_user, union, name="王五")
    client.force_login(county_user)

    resp = client.get(reverse("changerequest-detail", args=[request.pk]))

    assert resp.status_code == 200
    rows = {row.label: (row.before, row.after) for row in resp.context["rows"]}
    assert rows["姓名"] == ("—", "王五")
    assert rows["入会日期"][1] == "2024-03-01"
    assert resp.context["may_decide"] is True
    page = resp.content.decode()
    assert reverse("changerequest-approve", args=[request.pk]) in page
    assert reverse("changerequest-return", args=[request.pk]) in page
    assert "城关一厂工会" in page and "union_a" in page


def test_other_county_gets_404_and_changes_nothing(union_user, union, other_county_user, client):
    request = register(union_user, union)
    client.force_login(other_county_user)

    assert client.get(reverse("changerequest-detail", args=[request.pk])).status_code == 404
    assert client.post(reverse("changerequest-approve", args=[request.pk])).status_code == 404
    resp = client.post(reverse("changerequest-return", args=[request.pk]), {"reason": "不行"})
    assert resp.status_code == 404
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING
    assert not Member.objects.exists()


def test_union_user_cannot_approve_or_return(union_user, union, client):
    request = register(union_user, union)
    client.force_login(union_user)

    detail = client.get(reverse("changerequest-detail", args=[request.pk]))
    assert detail.context["may_decide"] is False
    assert reverse("changerequest-approve", args=[request.pk]) not in detail.content.decode()
    assert client.post(reverse("changerequest-approve", args=[request.pk])).status_code == 403
    resp = client.post(reverse("changerequest-return", args=[request.pk]), {"reason": "自己退回"})
    assert resp.status_code == 403
    resp = client.post(reverse("changerequest-bulk-approve"), {"ids": [request.pk]})
    assert resp.status_code == 403
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ChangeRequestStatus.PENDING, None)
    assert not Member.objects.exists()


def test_prefecture_sees_the_request_but_cannot_decide(union_user, union, prefecture_user, client):
    request = register(union_user, union)
    client.force_login(prefecture_user)

    resp = client.get(LIST)
    assert [r.pk for r in resp.context["object_list"]] == [request.pk]
    assert resp.context["any_selectable"] is False
    assert client.post(reverse("changerequest-approve", args=[request.pk])).status_code == 403
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING


def test_approve_through_the_page_creates_the_member(union_user, union, county_user, client):
    request = register(union_user, union, name="赵六")
    client.force_login(county_user)
    detail = reverse("changerequest-detail", args=[request.pk])

    resp = client.post(reverse("changerequest-approve", args=[request.pk]), {"next": detail})

    assert (resp.status_code, resp["Location"]) == (302, detail)
    member = Member.objects.get(union=union)
    assert member.name == "赵六"
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ChangeRequestStatus.APPROVED, county_user)
    assert AuditEntry.objects.filter(
        content_type__model="member", object_id=str(member.pk), action=AuditAction.CREATE, user=county_user
    ).exists()
    page = client.get(detail)
    assert page.context["result"] == member
    assert page.context["result_url"] == reverse("unions:member-detail", args=[member.pk])
    assert page.context["may_decide"] is False


def test_approve_refused_by_the_service_leaves_the_request_pending(union_user, union, county_user, client):
    rid = make_resident_id()
    request = register(union_user, union, id_number=rid)
    register(county_user, union, id_number=rid, name="抢先登记")  # registered meanwhile
    client.force_login(county_user)

    resp = client.post(reverse("changerequest-approve", args=[request.pk]))

    assert resp.status_code == 302
    (message,) = said(resp)
    assert "该身份证号已在城关一厂工会（城关区）有在会会籍" in message
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING
    assert Member.objects.count() == 1


def test_return_needs_a_reason_and_changes_nothing(union_user, union, county_user, client):
    request = register(union_user, union)
    client.force_login(county_user)
    url = reverse("changerequest-return", args=[request.pk])

    resp = client.post(url, {"reason": "  "})
    assert said(resp) == ["请填写退回原因。"]
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING

    resp = client.post(url, {"reason": "缺少入会申请书"})
    assert resp.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.reason, request.decided_by) == (
        ChangeRequestStatus.RETURNED,
        "缺少入会申请书",
        county_user,
    )
    assert not Member.objects.exists()
    client.force_login(union_user)
    page = client.get(reverse("changerequest-detail", args=[request.pk])).content.decode()
    assert "缺少入会申请书" in page


def test_bulk_approve_approves_several_and_reports_a_refused_one(
    union_user, union, far_user, far_union, county_user, client
):
    first = register(union_user, union, name="甲")
    second = register(union_user, union, name="乙")
    rid = make_resident_id()
    duplicate = register(union_user, union, name="丙", id_number=rid)
    register(county_user, union, id_number=rid, name="丙先到")
    far = register(far_user, far_union, name="外县")
    client.force_login(county_user)
    listing = client.get(LIST)
    assert {r.pk for r in listing.context["object_list"] if r.selectable} == {
        first.pk,
        second.pk,
        duplicate.pk,
    }
    assert "批准所选" in listing.content.decode()

    resp = client.post(
        reverse("changerequest-bulk-approve"),
        {"ids": [first.pk, second.pk, duplicate.pk, far.pk], "next": LIST},
    )

    assert (resp.status_code, resp["Location"]) == (302, LIST)
    approved, refused = said(resp)
    assert approved == "已批准 2 项申请。"
    assert refused.startswith(f"未批准：{duplicate}") and "有在会会籍" in refused
    assert set(Member.objects.values_list("name", flat=True)) == {"甲", "乙", "丙先到"}
    statuses = dict(ChangeRequest.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: ChangeRequestStatus.APPROVED,
        second.pk: ChangeRequestStatus.APPROVED,
        duplicate.pk: ChangeRequestStatus.PENDING,
        far.pk: ChangeRequestStatus.PENDING,  # out of scope: left alone, not mentioned
    }


def test_bulk_approve_without_a_choice_says_so(county_user, client):
    client.force_login(county_user)
    resp = client.post(reverse("changerequest-bulk-approve"), {})
    assert said(resp) == ["请选择要批准的申请。"]


# The home page and the menu ---------------------------------------------------------------------


def waiting(client) -> dict[str, int]:
    resp = client.get(reverse("home"))
    assert resp.status_code == 200
    return {w.key: w.count for w in resp.context["waiting"]}


def test_home_page_of_a_union_user_shows_its_queues(union_user, union, county_user, client):
    register(union_user, union, name="待批")
    back = register(union_user, union, name="退回")
    old = register(union_user, union, name="早退回")
    from apps.core import proposals

    proposals.return_request(request=back, reason="材料不全", user=county_user)
    proposals.return_request(request=old, reason="材料不全", user=county_user)
    ChangeRequest.objects.filter(pk=old.pk).update(decided_at=timezone.now() - dt.timedelta(days=40))
    client.force_login(union_user)

    resp = client.get(reverse("home"))

    assert resp.status_code == 200
    queues = {w.key: (w.count, w.url) for w in resp.context["waiting"]}
    assert queues == {
        "core.my_pending_requests": (1, f"{LIST}?status=pending"),
        "core.my_returned_requests": (1, f"{LIST}?status=returned&decided_within=30"),
    }
    page = resp.content.decode()
    assert "城关一厂工会" in page
    assert listed(client, status="returned", decided_within=30) == [back.pk]
    menu = {item["url"] for item in resp.context["nav_sections"]}
    assert LIST in menu and reverse("unions:union-list") in menu
    for hidden in ("reports:dashboard", "services:index", "model_workers:modelworker-list"):
        assert reverse(hidden) not in menu
    assert reverse("region-list") not in page
    assert resp.context["recent"] is None and "最近变更" not in page  # the audit trail is closed to them


def test_home_page_of_a_county_user_counts_requests_to_decide(
    union_user, union, far_user, far_union, county_user, client
):
    register(union_user, union)
    register(union_user, union)
    register(far_user, far_union)
    client.force_login(county_user)

    queues = waiting(client)

    assert queues["core.change_requests_to_decide"] == 2
    assert "core.my_pending_requests" not in queues
    resp = client.get(reverse("home"))
    assert LIST in {item["url"] for item in resp.context["nav_sections"]}
    assert reverse("reports:dashboard") in {item["url"] for item in resp.context["nav_sections"]}


def test_prefecture_has_no_queue_of_requests_to_decide(union_user, union, prefecture_user, client):
    register(union_user, union)
    client.force_login(prefecture_user)
    assert "core.change_requests_to_decide" not in waiting(client)


# A union user's form ----------------------------------------------------------------------------


def test_union_user_registering_through_the_form_is_sent_to_the_request(union_user, union, client):
    client.force_login(union_user)
    data = {
        "union": union.code,
        "name": "页面申请",
        "id_number": make_resident_id(),
        "household_type": "urban",
        "joined_on": "2024-02-01",
        "join_channel": "offline",
        "phone": "",
        "ethnicity": "",
        "education": "",
        "key_group": "",
    }

    resp = client.post(reverse("unions:member-create"), data)

    request = ChangeRequest.objects.get()
    assert (resp.status_code, resp["Location"]) == (
        302,
        reverse("changerequest-detail", args=[request.pk]),
    )
    assert not Member.objects.exists()
    page = client.get(resp["Location"])
    assert page.status_code == 200
    assert page.context["object"] == request
    assert "页面申请" in page.content.decode()
