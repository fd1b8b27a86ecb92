"""The unions admin: administrators only (the admin contract for every model), writes through
the services with their audit."""

import datetime as dt

from django.urls import reverse

from apps.core.choices import AuditAction, AuditSource
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAdminContract
from apps.core.tests.factories import make_resident_id, region
from apps.unions.choices import ApplicationStatus, Sex
from apps.unions.models import JoinApplication, Member, MembershipTransfer

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
    assert resp.status_code == 403  # member_register: already a member of another union
    assert Member.objects.count() == 1


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


def test_admin_approve_action_registers_members(admin_user, client):
    applications = JoinApplicationFactory.create_batch(2)
    client.force_login(admin_user)
    resp = client.post(
        reverse("admin:unions_joinapplication_changelist"),
        {"action": "approve_selected", "_selected_action": [a.pk for a in applications]},
    )
    assert resp.status_code == 302
    assert sorted(Member.objects.values_list("id_number", flat=True)) == sorted(
        a.id_number for a in applications
    )
    assert set(JoinApplication.objects.values_list("status", flat=True)) == {ApplicationStatus.APPROVED}


def test_member_admin_search_by_exact_id_or_name(admin_user, client):
    wanted = MemberFactory(name="查找对象")
    MemberFactory(name="其他人")
    client.force_login(admin_user)
    url = reverse("admin:unions_member_changelist")
    assert list(client.get(url, {"q": wanted.id_number.lower()}).context["cl"].queryset) == [wanted]
    assert list(client.get(url, {"q": "查找"}).context["cl"].queryset) == [wanted]
    assert list(client.get(url, {"q": wanted.id_number[:10]}).context["cl"].queryset) == []
