"""Change requests (issue 16): a grassroots union user's writes wait for the county."""

import datetime as dt

import pytest

from apps.core import proposals
from apps.core.choices import AuditAction, ChangeRequestStatus, Role
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry, ChangeRequest, ImportJob
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.unions import services as union_services
from apps.unions.choices import HouseholdType, JoinChannel
from apps.unions.models import GrassrootsUnion, Member
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory
from conftest import OWN_COUNTY


@pytest.fixture
def union(db):
    return GrassrootsUnionFactory(region=region(OWN_COUNTY))


@pytest.fixture
def union_user(union):
    return UserFactory(username="union_a", role=Role.UNION, region=union.region, union=union)


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


def test_union_user_registration_waits_for_county(union_user, union, county_user):
    request = register(union_user, union)
    assert isinstance(request, ChangeRequest)
    assert request.status == ChangeRequestStatus.PENDING
    assert not Member.objects.filter(union=union).exists()
    assert request.changes["name"] == [None, "李四"]
    proposals.approve(request=request, user=county_user)
    request.refresh_from_db()
    member = Member.objects.get(union=union)
    assert request.status == ChangeRequestStatus.APPROVED
    assert proposals.result_of(request) == member
    entry = AuditEntry.objects.get(
        content_type__model="member", object_id=str(member.pk), action=AuditAction.CREATE
    )
    assert entry.user == county_user and str(request.pk) in entry.note
    assert AuditEntry.objects.filter(
        content_type__model="changerequest", object_id=str(request.pk), user=union_user
    ).exists()


def test_a_refused_proposal_leaves_no_trace(union_user, union):
    existing = MemberFactory(union=union)
    with pytest.raises(ApplicationError, match="有在会会籍，请办理会籍转接"):
        register(union_user, union, id_number=existing.id_number)
    assert ChangeRequest.objects.count() == 0
    assert Member.objects.count() == 1
    assert not AuditEntry.objects.filter(user=union_user).exists()


def test_approval_checks_the_register_as_it_is_then(union_user, union, county_user):
    id_number = make_resident_id()
    request = register(union_user, union, id_number=id_number)
    MemberFactory(union=GrassrootsUnionFactory(region=region(OWN_COUNTY)), id_number=id_number)
    with pytest.raises(ApplicationError, match="有在会会籍，请办理会籍转接"):
        proposals.approve(request=request, user=county_user)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING
    assert Member.objects.filter(union=union).count() == 0


def test_who_decides(union_user, union, county_user, other_county_user, prefecture_user, admin_user):
    request = register(union_user, union)
    assert proposals.may_decide(county_user, request)
    for user in (union_user, other_county_user, prefecture_user, admin_user):
        assert not proposals.may_decide(user, request)
        with pytest.raises(ApplicationError, match="只有工会所在县区工会的工作人员才能审批"):
            proposals.approve(request=request, user=user)
    assert Member.objects.count() == 0


def test_union_user_cannot_call_a_service_that_is_not_offered(union_user, union):
    member = MemberFactory(union=union)
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        union_services.member_retain(member=member, user=union_user)


def test_a_subunion_is_in_scope_and_a_sibling_is_not(union_user, union):
    child = GrassrootsUnionFactory(region=union.region, parent=union)
    sibling = GrassrootsUnionFactory(region=union.region)
    assert isinstance(register(union_user, child), ChangeRequest)
    with pytest.raises(ApplicationError, match="基层工会只能变更本工会的记录"):
        register(union_user, sibling)
    assert set(GrassrootsUnion.objects.restrict(union_user).values_list("pk", flat=True)) == {
        union.pk,
        child.pk,
    }


def test_claim_referral_and_participation_wait_for_the_county(union_user, union, county_user):
    from decimal import Decimal

    from apps.competitions import services as competition_services
    from apps.competitions.models import Participation
    from apps.competitions.tests.factories import CompetitionFactory
    from apps.hardship import services as hardship_services
    from apps.hardship.models import Household
    from apps.insurance import services as insurance_services
    from apps.insurance.models import Claim
    from apps.insurance.tests.factories import CoverageFactory

    coverage = CoverageFactory(union=union)
    claim = insurance_services.claim_submit(
        user=union_user,
        plan=coverage.plan,
        member=coverage.member,
        admitted_on=dt.date(2024, 5, 1),
        discharged_on=dt.date(2024, 5, 10),
        total_expense=Decimal("12000.00"),
        basic_insurance_paid=Decimal("5000.00"),
    )
    household = hardship_services.household_create(
        user=union_user,
        union=union,
        head_name="困难户主",
        head_id_number=make_resident_id(),
        category="relative",
        causes=["illness"],
        head_income=Decimal("600.00"),
    )
    competition = CompetitionFactory(organizer_region=region("620000"))
    participation = competition_services.participation_create(
        user=union_user, competition=competition, union=union, participating_workers=30
    )
    requests = [claim, household, participation]
    assert all(isinstance(r, ChangeRequest) and r.is_pending for r in requests)
    assert (
        not Claim.objects.exists() and not Household.objects.exists() and not Participation.objects.exists()
    )
    for request in requests:
        proposals.approve(request=request, user=county_user)
    assert Claim.objects.get().coverage == coverage
    assert Household.objects.get().head_name == "困难户主"
    assert Participation.objects.get().participating_workers == 30


def test_the_admin_lists_requests_for_administrators_read_only(union_user, union, admin_user, client):
    from django.urls import reverse

    request = register(union_user, union, name="后台可见")
    client.force_login(admin_user)
    page = client.get(reverse("admin:core_changerequest_changelist"))
    assert page.status_code == 200
    assert "后台可见" in page.content.decode()
    detail = client.get(reverse("admin:core_changerequest_change", args=[request.pk]))
    assert detail.status_code == 200
    assert request.payload["id_number"] not in detail.content.decode()  # the full ID stays inside
    assert (
        client.post(
            reverse("admin:core_changerequest_delete", args=[request.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ChangeRequest.objects.filter(pk=request.pk).exists()


def test_union_user_edits_its_union_in_the_page_without_the_register_keys(union_user, union, client):
    from django.urls import reverse

    client.force_login(union_user)
    url = reverse("unions:union-update", args=[union.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.fields["code"].disabled and form.fields["trusted_registration"].disabled
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"chair": "新主席", "code": "HACKED", "trusted_registration": "on"})
    response = client.post(url, {k: v for k, v in data.items() if v is not False})
    request = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/change-requests/{request.pk}/")
    assert set(request.changes) == {"chair"}
    union.refresh_from_db()
    assert union.code != "HACKED" and not union.trusted_registration and union.chair != "新主席"


def test_union_user_member_form_starts_with_its_union(union_user, union, client):
    from django.urls import reverse

    client.force_login(union_user)
    page = client.get(reverse("unions:member-create"))
    assert page.status_code == 200
    assert page.context["form"].initial["union"] == union.code


def test_union_user_pages_stop_at_its_union(union_user, union, client):
    from django.urls import reverse

    from apps.hardship.tests.factories import HouseholdFactory
    from apps.model_workers.tests.factories import ModelWorkerFactory

    own = MemberFactory(union=union)
    neighbour = MemberFactory(union=GrassrootsUnionFactory(region=region(OWN_COUNTY)))
    far_household = HouseholdFactory(union=GrassrootsUnionFactory(region=region("620103")))
    worker = ModelWorkerFactory(union=union)
    client.force_login(union_user)
    assert client.get(reverse("unions:member-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("unions:member-detail", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("unions:member-update", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("hardship:household-detail", args=[far_household.pk])).status_code == 404
    # what a union has nothing to do with: closed, even for its own union's records
    assert client.get(reverse("model_workers:modelworker-detail", args=[worker.pk])).status_code == 403
    assert client.get(reverse("reports:dashboard")).status_code == 403
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("members.csv", "工会代码,姓名\n".encode(), content_type="text/csv")
    refused = client.post(reverse("import-start"), {"resource": "members", "file": upload})
    assert refused.status_code == 403
    assert not ImportJob.objects.exists()
    listed = client.get(reverse("unions:member-list"))
    assert own.name in listed.content.decode() and neighbour.name not in listed.content.decode()
