"""The unions admin: administrators only (the admin contract for every model), writes through
the services with their audit, a service's refusal shown on the form with nothing written, no
bulk delete that bypasses the services, and no decision that is the county's."""

import datetime as dt
from dataclasses import replace
from unittest import mock

from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.core.choices import AuditAction, AuditSource
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAdminContract
from apps.core.tests.factories import make_resident_id, region
from apps.unions import services
from apps.unions.choices import ApplicationStatus, Sex, TransferStatus
from apps.unions.models import GrassrootsUnion, JoinApplication, Member, MembershipTransfer

from .factories import ContractFactory, GrassrootsUnionFactory, JoinApplicationFactory, MemberFactory


class TestUnionAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return GrassrootsUnionFactory(region=region)


class TestMemberAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return MemberFactory(union=GrassrootsUnionFactory(region=region))


class TestTransferAdminScope(ScopedAdminContract):
    def make_object(self, region):
        member = MemberFactory()
        return MembershipTransfer.objects.create(
            member=member,
            from_union=member.union,
            to_union=GrassrootsUnionFactory(region=region),
            transferred_on=dt.date(2024, 1, 1),
        )


class TestJoinApplicationAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return JoinApplicationFactory(union=GrassrootsUnionFactory(region=region))


class TestContractAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return ContractFactory(union=GrassrootsUnionFactory(region=region))


def test_member_changelist_shows_administrators_the_full_id(admin_user, client):
    member = MemberFactory()
    client.force_login(admin_user)
    html = client.get(reverse("admin:unions_member_changelist")).content.decode()
    assert member.id_number in html


def test_member_add_in_admin_goes_through_the_service_with_audit(admin_user, client):
    union = GrassrootsUnionFactory()
    rid = make_resident_id(birth=dt.date(1992, 4, 5), female=True)
    client.force_login(admin_user)
    resp = client.post(
        reverse("admin:unions_member_add"),
        {
            "union": union.pk,
            "name": "后台会员",
            "id_number": rid,
            "household_type": "rural",
            "joined_on": "2024-03-01",
            "join_channel": "offline",
            "ethnicity": "",
            "phone": "",
            "education": "",
            "key_group": "",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    member = Member.objects.get()
    assert (member.sex, member.birth_date) == (Sex.FEMALE, dt.date(1992, 4, 5))
    entry = AuditEntry.objects.get(object_id=str(member.pk), content_type__model="member")
    assert (entry.action, entry.source, entry.user) == (AuditAction.CREATE, AuditSource.ADMIN, admin_user)


def test_member_add_in_admin_refuses_what_the_service_refuses(admin_user, client):
    existing = MemberFactory()
    client.force_login(admin_user)
    resp = client.post(
        reverse("admin:unions_member_add"),
        {
            "union": GrassrootsUnionFactory(region=region("620103")).pk,
            "name": "重复",
            "id_number": existing.id_number,
            "household_type": "rural",
            "joined_on": "2024-03-01",
            "join_channel": "offline",
        },
    )
    # member_register: already a member of another union. The form again, with the input
    # kept and the service's message on the field and above the page; nothing written.
    assert resp.status_code == 200
    refusal = f"该身份证号已在{existing.union.name}（城关区）有在会会籍，请办理会籍转接，不要重复登记。"
    form = resp.context["adminform"].form
    assert (form.errors["id_number"], form["name"].value()) == ([refusal], "重复")
    assert [str(m) for m in get_messages(resp.wsgi_request)] == [refusal]
    assert Member.objects.count() == 1
    assert not AuditEntry.objects.filter(content_type__model="member", action=AuditAction.CREATE).exists()


def test_contract_change_in_admin_is_audited(admin_user, client):
    contract = ContractFactory(covered_workers=10)
    client.force_login(admin_user)
    resp = client.post(
        reverse("admin:unions_collectivecontract_change", args=[contract.pk]),
        {
            "number": contract.number,
            "union": contract.union.pk,
            "kind": contract.kind,
            "signed_on": "2024-01-01",
            "expires_on": "2026-12-31",
            "covered_enterprises": "1",
            "covered_workers": "25",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    entry = AuditEntry.objects.get(object_id=str(contract.pk), content_type__model="collectivecontract")
    assert (entry.action, entry.source, entry.changes) == (
        AuditAction.UPDATE,
        AuditSource.ADMIN,
        {"covered_workers": [10, 25]},
    )


def test_administrators_take_no_decision_of_the_county(admin_user, client):
    # online applications and transfers are decided by county staff (apps.unions.decisions):
    # the admin offers an administrator neither decision, nor a delete of these records
    applications = JoinApplicationFactory.create_batch(2)
    member = MemberFactory()
    transfer = MembershipTransfer.objects.create(
        member=member,
        from_union=member.union,
        to_union=GrassrootsUnionFactory(region=region("620103")),
        transferred_on=dt.date(2024, 1, 1),
    )
    client.force_login(admin_user)
    for model, records in (("joinapplication", applications), ("membershiptransfer", [transfer])):
        url = reverse(f"admin:unions_{model}_changelist")
        assert client.get(url).context["action_form"] is None  # no action at all
        for action in ("approve_selected", "accept_selected", "delete_selected"):
            client.post(url, {"action": action, "_selected_action": [r.pk for r in records], "post": "yes"})
        delete = reverse(f"admin:unions_{model}_delete", args=[records[0].pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert set(JoinApplication.objects.values_list("status", flat=True)) == {ApplicationStatus.SUBMITTED}
    assert (MembershipTransfer.objects.get().status, Member.objects.count()) == (TransferStatus.PENDING, 1)


def test_union_add_in_admin_goes_through_union_create(admin_user, client):
    client.force_login(admin_user)
    resp = client.post(
        reverse("admin:unions_grassrootsunion_add"),
        {
            "code": "gu-admin1",
            "name": "后台工会",
            "kind": "enterprise",
            "region": region("620102").pk,
            "founded_on": "2020-01-01",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    union = GrassrootsUnion.objects.get(name="后台工会")
    assert union.code == "GU-ADMIN1"  # union_create's normalization, which a generic save lacks
    entry = AuditEntry.objects.get(object_id=str(union.pk), content_type__model="grassrootsunion")
    assert (entry.action, entry.source, entry.user) == (AuditAction.CREATE, AuditSource.ADMIN, admin_user)


def test_a_delete_the_service_refuses_changes_nothing(admin_user, client):
    union = GrassrootsUnionFactory()
    model_admin = admin.site._registry[GrassrootsUnion]

    def refuse(*, union, user):
        # what union_delete does before refusing: its audit entry is rolled back with it
        services.model_delete(union, user=user)
        raise ApplicationError("不能删除该工会")

    client.force_login(admin_user)
    url = reverse("admin:unions_grassrootsunion_delete", args=[union.pk])
    with mock.patch.object(model_admin, "writes", replace(model_admin.writes, delete=refuse)):
        resp = client.post(url, {"post": "yes"})
    # back to the union with the service's message (not a 500), nothing deleted
    assert resp["Location"] == reverse("admin:unions_grassrootsunion_change", args=[union.pk])
    assert [str(m) for m in get_messages(resp.wsgi_request)] == ["不能删除该工会"]
    assert GrassrootsUnion.objects.filter(pk=union.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.DELETE).exists()


def test_union_delete_in_admin_goes_through_union_delete(admin_user, client):
    client.force_login(admin_user)
    empty = GrassrootsUnionFactory()
    resp = client.post(reverse("admin:unions_grassrootsunion_delete", args=[empty.pk]), {"post": "yes"})
    assert resp.status_code == 302 and not GrassrootsUnion.objects.filter(pk=empty.pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.DELETE)
    assert (entry.object_id, entry.source, entry.user) == (str(empty.pk), AuditSource.ADMIN, admin_user)


def test_bulk_delete_goes_through_the_service_record_by_record(admin_user, client):
    kept, gone = GrassrootsUnionFactory(), GrassrootsUnionFactory()
    MemberFactory(union=kept)
    client.force_login(admin_user)
    url = reverse("admin:unions_grassrootsunion_changelist")
    data = {"action": "delete_selected", "_selected_action": [kept.pk, gone.pk]}
    confirm = client.post(url, data)  # Django's confirmation page first
    assert confirm.status_code == 200 and GrassrootsUnion.objects.count() == 2
    resp = client.post(url, {**data, "post": "yes"})
    assert resp.status_code == 302
    assert list(GrassrootsUnion.objects.all()) == [kept]
    assert [str(m) for m in get_messages(resp.wsgi_request)] == [
        f"{kept}: 工会{kept.name}仍有会员、集体合同、入会申请或下级工会，不能删除；请填写撤销日期。",
        "成功删除了 1 个 基层工会",
    ]
    assert list(AuditEntry.objects.filter(action=AuditAction.DELETE).values_list("object_id", flat=True)) == [
        str(gone.pk)
    ]


def test_members_are_changed_through_member_update_and_never_deleted(admin_user, client):
    member = MemberFactory(name="旧名", phone="")
    client.force_login(admin_user)
    url = reverse("admin:unions_member_change", args=[member.pk])
    form = client.get(url).context["adminform"].form
    assert "union" not in form.fields  # a member changes union only through a transfer
    data = {name: form[name].value() or "" for name in form.fields}
    resp = client.post(url, {**data, "name": "新名", "phone": "13912345678"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_id=str(member.pk), action=AuditAction.UPDATE)
    assert (entry.source, entry.changes) == (
        AuditSource.ADMIN,
        {"name": ["旧名", "新名"], "phone": ["", "13912345678"]},
    )
    # members leave; they are not deleted, one by one or in bulk
    assert (
        client.post(reverse("admin:unions_member_delete", args=[member.pk]), {"post": "yes"}).status_code
        == 403
    )
    changelist = reverse("admin:unions_member_changelist")
    assert client.get(changelist).context["action_form"] is None  # no bulk delete either
    client.post(changelist, {"action": "delete_selected", "_selected_action": [member.pk], "post": "yes"})
    assert Member.objects.filter(pk=member.pk).exists()


def test_member_admin_search_by_exact_id_or_name(admin_user, client):
    wanted = MemberFactory(name="查找对象")
    MemberFactory(name="其他人")
    client.force_login(admin_user)
    url = reverse("admin:unions_member_changelist")
    assert list(client.get(url, {"q": wanted.id_number.lower()}).context["cl"].queryset) == [wanted]
    assert list(client.get(url, {"q": "查找"}).context["cl"].queryset) == [wanted]
    assert list(client.get(url, {"q": wanted.id_number[:10]}).context["cl"].queryset) == []
