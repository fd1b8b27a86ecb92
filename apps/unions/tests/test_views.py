"""The unions pages: the scoping contract on every list/detail, forms through services,
the approval queue, transfers, the public joining page, masking and audit."""

import datetime as dt

from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.core.choices import AuditAction, AuditSource
from apps.core.models import AuditEntry
from apps.core.testing import ScopedPageContract
from apps.core.tests.factories import make_resident_id, region
from apps.core.validators import mask_resident_id
from apps.unions.choices import ApplicationStatus, JoinChannel, MemberStatus, TransferStatus
from apps.unions.models import (
    CollectiveContract,
    GrassrootsUnion,
    JoinApplication,
    Member,
    MembershipTransfer,
)

from .factories import ContractFactory, GrassrootsUnionFactory, JoinApplicationFactory, MemberFactory


class TestUnionPageScope(ScopedPageContract):
    list_url_name = "unions:union-list"
    detail_url_name = "unions:union-detail"

    def make_object(self, region):
        return GrassrootsUnionFactory(region=region)


class TestMemberPageScope(ScopedPageContract):
    list_url_name = "unions:member-list"
    detail_url_name = "unions:member-detail"

    def make_object(self, region):
        return MemberFactory(union=GrassrootsUnionFactory(region=region))


class TestTransferPageScope(ScopedPageContract):
    list_url_name = "unions:transfer-list"
    detail_url_name = "unions:transfer-detail"

    def make_object(self, region):
        member = MemberFactory()
        return MembershipTransfer.objects.create(
            member=member,
            from_union=member.union,
            to_union=GrassrootsUnionFactory(region=region),
            transferred_on=dt.date(2024, 1, 1),
        )


class TestJoinApplicationPageScope(ScopedPageContract):
    list_url_name = "unions:joinapplication-list"
    detail_url_name = "unions:joinapplication-detail"

    def make_object(self, region):
        return JoinApplicationFactory(union=GrassrootsUnionFactory(region=region))


class TestContractPageScope(ScopedPageContract):
    list_url_name = "unions:contract-list"
    detail_url_name = "unions:contract-detail"

    def make_object(self, region):
        return ContractFactory(union=GrassrootsUnionFactory(region=region))


def member_post(union_code, id_number, **kw):
    data = {
        "union": union_code,
        "name": "页面会员",
        "id_number": id_number,
        "household_type": "urban",
        "joined_on": "2024-02-01",
        "join_channel": "offline",
        "phone": "",
        "ethnicity": "",
        "education": "",
        "key_group": "",
    }
    data.update(kw)
    return data


# Forms ----------------------------------------------------------------------------------------


def test_member_create_with_bad_id_shows_chinese_message_and_writes_nothing(county_user, client):
    union = GrassrootsUnionFactory()
    client.force_login(county_user)
    resp = client.post(reverse("unions:member-create"), member_post(union.code, "620102199001011235"))
    assert resp.status_code == 200
    assert "校验位错误" in resp.content.decode()
    assert Member.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_member_create_into_other_county_union_is_refused(county_user, client):
    union = GrassrootsUnionFactory(region=region("620103"))
    client.force_login(county_user)
    resp = client.post(reverse("unions:member-create"), member_post(union.code, make_resident_id()))
    assert resp.status_code == 200
    assert f"您的范围内没有编码为 {union.code} 的工会。" in resp.content.decode()
    assert Member.objects.count() == 0


def test_member_create_writes_with_page_audit_and_duplicate_is_refused(county_user, client):
    union = GrassrootsUnionFactory(name="城关一厂工会")
    rid = make_resident_id()
    client.force_login(county_user)
    resp = client.post(reverse("unions:member-create"), member_post(union.code.lower(), rid))
    member = Member.objects.get()
    assert (resp.status_code, resp["Location"]) == (302, reverse("unions:member-detail", args=[member.pk]))
    entry = AuditEntry.objects.get(object_id=str(member.pk), content_type__model="member")
    assert (entry.action, entry.source, entry.user) == (AuditAction.CREATE, AuditSource.PAGE, county_user)
    resp = client.post(reverse("unions:member-create"), member_post(union.code, rid, name="重复"))
    assert "该身份证号已在城关一厂工会（城关区）有在会会籍" in resp.content.decode()
    assert Member.objects.count() == 1


def test_member_update_page_changes_and_audits(county_user, client):
    member = MemberFactory()
    old_name = member.name
    client.force_login(county_user)
    url = reverse("unions:member-update", args=[member.pk])
    form = client.get(url).context["form"]
    assert "id_number" not in form.fields  # no personal-data right: the ID is not shown or edited
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(name="改过的名字", joined_on="2020-03-01")
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    member.refresh_from_db()
    assert member.name == "改过的名字"
    entry = AuditEntry.objects.get(object_id=str(member.pk), action=AuditAction.UPDATE)
    assert entry.changes == {"name": [old_name, "改过的名字"]}


def test_union_create_and_update_pages(county_user, client):
    client.force_login(county_user)
    resp = client.post(
        reverse("unions:union-create"),
        {
            "code": "pg-1",
            "name": "页面工会",
            "kind": "enterprise",
            "region": "620102",
            "founded_on": "2018-01-01",
        },
    )
    union = GrassrootsUnion.objects.get(code="PG-1")
    assert resp["Location"] == reverse("unions:union-detail", args=[union.pk])
    resp = client.post(
        reverse("unions:union-create"),
        {
            "code": "pg-2",
            "name": "越界工会",
            "kind": "enterprise",
            "region": "620103",
            "founded_on": "2018-01-01",
        },
    )
    assert "您的范围内没有代码为 620103 的地区。" in resp.content.decode()
    url = reverse("unions:union-update", args=[union.pk])
    data = {k: ("" if v is None else v) for k, v in client.get(url).context["form"].initial.items()}
    data["chair"] = "主席甲"
    assert client.post(url, data).status_code == 302
    union.refresh_from_db()
    assert union.chair == "主席甲"
    assert list(
        AuditEntry.objects.filter(object_id=str(union.pk), content_type__model="grassrootsunion")
        .order_by("id")
        .values_list("action", "source")
    ) == [(AuditAction.CREATE, AuditSource.PAGE), (AuditAction.UPDATE, AuditSource.PAGE)]


def test_other_county_cannot_open_edit_pages(other_county_user, client):
    member = MemberFactory()
    client.force_login(other_county_user)
    assert client.get(reverse("unions:member-update", args=[member.pk])).status_code == 404
    assert (
        client.post(reverse("unions:member-leave", args=[member.pk]), {"left_on": "2024-01-01"}).status_code
        == 404
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE


def test_contract_create_page_shows_date_error(county_user, client):
    union = GrassrootsUnionFactory()
    client.force_login(county_user)
    data = {
        "number": "HT-P",
        "union": union.code,
        "kind": "general",
        "signed_on": "2024-05-01",
        "expires_on": "2024-04-01",
        "covered_enterprises": "1",
        "covered_workers": "10",
    }
    resp = client.post(reverse("unions:contract-create"), data)
    assert "到期日期不能早于签订日期。" in resp.content.decode()
    assert CollectiveContract.objects.count() == 0
    data["expires_on"] = "2027-04-30"
    resp = client.post(reverse("unions:contract-create"), data)
    contract = CollectiveContract.objects.get()
    assert resp["Location"] == reverse("unions:contract-detail", args=[contract.pk])


# Members: leave, transfer, masking -----------------------------------------------------------


def test_leave_page(county_user, client):
    member = MemberFactory(joined_on=dt.date(2020, 1, 1))
    client.force_login(county_user)
    resp = client.post(reverse("unions:member-leave", args=[member.pk]), {"left_on": "2019-01-01"})
    assert "离会日期不能早于入会日期。" in resp.content.decode()
    client.post(reverse("unions:member-leave", args=[member.pk]), {"left_on": "2024-01-01"})
    member.refresh_from_db()
    assert (member.status, member.left_on) == (MemberStatus.LEFT, dt.date(2024, 1, 1))


def test_transfer_page_then_accept_in_the_receiving_queue(county_user, other_county_user, client):
    member = MemberFactory()
    target = GrassrootsUnionFactory(region=region("620103"))
    client.force_login(county_user)
    resp = client.post(
        reverse("unions:member-transfer", args=[member.pk]),
        {"to_union": target.code, "transferred_on": "2024-06-01", "reason": "调动"},
    )
    assert resp.status_code == 302
    transfer = MembershipTransfer.objects.get()
    client.force_login(other_county_user)
    queue = client.get(reverse("unions:transfer-list"))
    assert list(queue.context["object_list"]) == [transfer]
    resp = client.post(reverse("unions:transfer-accept", args=[transfer.pk]))
    assert resp["Location"] == reverse("unions:transfer-list")
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert (transfer.status, member.union) == (TransferStatus.COMPLETED, target)
    detail = client.get(reverse("unions:member-detail", args=[member.pk]))
    assert list(detail.context["transfers"]) == [transfer]
    assert list(client.get(reverse("unions:transfer-list")).context["object_list"]) == []


def test_transfer_reject_in_the_queue_without_reason_is_refused(county_user, other_county_user, client):
    member = MemberFactory()
    client.force_login(county_user)
    client.post(
        reverse("unions:member-transfer", args=[member.pk]),
        {"to_union": GrassrootsUnionFactory(region=region("620103")).code, "transferred_on": "2024-06-01"},
    )
    transfer = MembershipTransfer.objects.get()
    client.force_login(other_county_user)
    resp = client.post(reverse("unions:transfer-reject", args=[transfer.pk]), {"reason": ""}, follow=True)
    assert "原因为必填项。" in resp.content.decode()
    client.post(reverse("unions:transfer-reject", args=[transfer.pk]), {"reason": "无此人"})
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert (transfer.status, member.status) == (TransferStatus.REJECTED, MemberStatus.ACTIVE)


def test_member_pages_mask_the_id_without_the_right(county_user, client):
    member = MemberFactory()
    client.force_login(county_user)
    detail = client.get(reverse("unions:member-detail", args=[member.pk])).content.decode()
    listing = client.get(reverse("unions:member-list")).content.decode()
    masked = mask_resident_id(member.id_number)
    assert masked in detail and member.id_number not in detail
    assert masked in listing and member.id_number not in listing
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()


def test_member_detail_shows_the_id_with_the_right_and_records_the_view(county_user, client):
    member = MemberFactory()
    county_user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    client.force_login(county_user)
    resp = client.get(reverse("unions:member-detail", args=[member.pk]))
    assert resp.context["id_display"] == member.id_number
    entry = AuditEntry.objects.get(object_id=str(member.pk), content_type__model="member")
    assert (entry.action, entry.user) == (AuditAction.VIEW, county_user)


def test_union_detail_shows_counts_contracts_and_sub_unions(county_user, client):
    union = GrassrootsUnionFactory()
    MemberFactory.create_batch(2, union=union)
    MemberFactory(union=union, status=MemberStatus.RETAINED)
    contract = ContractFactory(union=union)
    child = GrassrootsUnionFactory(parent=union)
    client.force_login(county_user)
    resp = client.get(reverse("unions:union-detail", args=[union.pk]))
    assert resp.context["member_counts"] == {"active": 2, "retained": 1, "transferred": 0, "left": 0}
    assert list(resp.context["contracts"]) == [contract]
    assert list(resp.context["children"]) == [child]
    unit_page = reverse("competitions:unit-competitions", args=[union.pk])
    assert f'href="{unit_page}" data-testid="unit-competitions"' in resp.content.decode()


def test_member_list_filters_and_sorts(county_user, client):
    a = MemberFactory(name="甲", joined_on=dt.date(2020, 1, 1))
    b = MemberFactory(name="乙", joined_on=dt.date(2022, 1, 1), union=GrassrootsUnionFactory(code="ZZ9"))
    client.force_login(county_user)
    url = reverse("unions:member-list")
    assert list(client.get(url, {"o": "joined_on"}).context["object_list"]) == [a, b]
    assert list(client.get(url, {"o": "-joined_on"}).context["object_list"]) == [b, a]
    assert list(client.get(url, {"union": "zz9"}).context["object_list"]) == [b]
    page = client.get(url, {"q": "nobody"})
    assert "没有符合条件的会员。" in page.content.decode()
    assert '<select name="union"' not in client.get(url).content.decode()


# The approval queue and the public page -------------------------------------------------------


def test_approval_queue_approve_in_the_browser_creates_one_member(county_user, client):
    application = JoinApplicationFactory()
    client.force_login(county_user)
    queue = client.get(reverse("unions:joinapplication-list"))
    assert list(queue.context["object_list"]) == [application]
    url = reverse("unions:joinapplication-approve", args=[application.pk])
    resp = client.post(url, {"next": reverse("unions:joinapplication-list")})
    assert resp["Location"] == reverse("unions:joinapplication-list")
    member = Member.objects.get()
    assert (member.id_number, member.join_channel) == (application.id_number, JoinChannel.ONLINE)
    application.refresh_from_db()
    assert (application.status, application.member) == (ApplicationStatus.APPROVED, member)
    resp = client.post(url, follow=True)
    assert "该申请已经批准。" in resp.content.decode()
    assert Member.objects.count() == 1
    entries = AuditEntry.objects.filter(object_id=str(member.pk), content_type__model="member")
    assert [(e.action, e.source, e.user) for e in entries] == [
        (AuditAction.CREATE, AuditSource.PAGE, county_user)
    ]


def test_approval_queue_reject_with_reason(county_user, client):
    application = JoinApplicationFactory()
    client.force_login(county_user)
    client.post(reverse("unions:joinapplication-reject", args=[application.pk]), {"reason": "非本单位职工"})
    application.refresh_from_db()
    assert (application.status, application.reason) == (ApplicationStatus.REJECTED, "非本单位职工")
    assert list(client.get(reverse("unions:joinapplication-list")).context["object_list"]) == []


def join_data(union, **kw):
    data = {
        "union_code": union.code,
        "name": "网上申请人",
        "id_number": make_resident_id(),
        "phone": "13912345678",
        "household_type": "rural",
        "ethnicity": "回族",
        "education": "",
        "key_group": "food_delivery",
        "website": "",
    }
    data.update(kw)
    return data


def test_public_join_page_needs_no_login_and_confirms(db, client):
    union = GrassrootsUnionFactory(name="外卖骑手联合工会")
    assert client.get(reverse("unions:join-apply")).status_code == 200
    resp = client.post(reverse("unions:join-apply"), join_data(union))
    assert resp.status_code == 200
    assert "外卖骑手联合工会" in resp.content.decode()
    application = JoinApplication.objects.get()
    assert (application.union, application.status, application.key_group) == (
        union,
        ApplicationStatus.SUBMITTED,
        "food_delivery",
    )
    entry = AuditEntry.objects.get(object_id=str(application.pk))
    assert (entry.action, entry.source, entry.user) == (AuditAction.CREATE, AuditSource.PAGE, None)


def test_public_join_page_shows_errors_in_chinese(db, client):
    union = GrassrootsUnionFactory()
    resp = client.post(reverse("unions:join-apply"), join_data(union, union_code="NOPE-1"))
    assert "没有编码为 NOPE-1 的工会，请向您的工会核实编码。" in resp.content.decode()
    resp = client.post(reverse("unions:join-apply"), join_data(union, id_number="123"))
    assert "身份证号“123”应为 18 位，实际为 3 位。" in resp.content.decode()
    assert JoinApplication.objects.count() == 0


def test_public_join_page_honeypot_stores_nothing(db, client):
    union = GrassrootsUnionFactory()
    resp = client.post(reverse("unions:join-apply"), join_data(union, website="http://spam.example"))
    assert resp.status_code == 200
    assert resp.templates[0].name == "unions/join_done.html"
    assert JoinApplication.objects.count() == 0


def test_every_form_page_renders_with_a_text_input_for_the_union(county_user, client):
    member = MemberFactory()
    contract = ContractFactory(union=member.union)
    client.force_login(county_user)
    urls = [
        reverse("unions:union-create"),
        reverse("unions:union-update", args=[member.union.pk]),
        reverse("unions:member-create"),
        reverse("unions:member-update", args=[member.pk]),
        reverse("unions:member-leave", args=[member.pk]),
        reverse("unions:member-transfer", args=[member.pk]),
        reverse("unions:contract-create"),
        reverse("unions:contract-update", args=[contract.pk]),
    ]
    for url in urls:
        resp = client.get(url)
        html = resp.content.decode()
        assert resp.status_code == 200, url
        assert '<select name="union"' not in html and '<select name="to_union"' not in html, url
        assert '<select name="parent"' not in html, url
    assert reverse("unions:union-list") in client.get(reverse("home")).content.decode()


def test_prefecture_user_cannot_open_write_pages(prefecture_user, client):
    member = MemberFactory()
    client.force_login(prefecture_user)
    assert client.get(reverse("unions:member-create")).status_code == 403
    assert client.post(reverse("unions:member-retain", args=[member.pk])).status_code == 403
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
