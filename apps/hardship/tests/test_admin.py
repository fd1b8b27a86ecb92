from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.core.choices import AuditAction, AuditSource
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAdminContract
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .. import services
from ..models import LivingStandard
from .factories import DisbursementFactory, FamilyMemberFactory, FiledHouseholdFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


class TestHouseholdAdminContract(ScopedAdminContract):
    def make_object(self, region):
        return HouseholdFactory(union=GrassrootsUnionFactory(region=region))


class TestFamilyMemberAdminContract(ScopedAdminContract):
    def make_object(self, region):
        return FamilyMemberFactory(household=HouseholdFactory(union=GrassrootsUnionFactory(region=region)))


class TestDisbursementAdminContract(ScopedAdminContract):
    def make_object(self, region):
        return DisbursementFactory(
            household=FiledHouseholdFactory(union=GrassrootsUnionFactory(region=region))
        )


def test_household_admin_never_changes_the_filing(client, admin_user):
    h = HouseholdFactory()
    client.force_login(admin_user)
    assert client.get(reverse("admin:hardship_household_change", args=[h.pk])).status_code == 200
    assert client.get(reverse("admin:hardship_household_add")).status_code == 403
    before = h.status
    client.post(reverse("admin:hardship_household_change", args=[h.pk]), {"status": "filed"})
    h.refresh_from_db()
    assert h.status == before


def test_living_standards_are_maintained_by_administrators_only(client, county_user, admin_user):
    client.force_login(county_user)
    resp = client.get(reverse("admin:hardship_livingstandard_add"))
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("admin:login"))
    client.force_login(admin_user)
    resp = client.post(
        reverse("admin:hardship_livingstandard_add"),
        {"region": region("620100").pk, "year": 2030, "monthly_amount": "760.00"},
    )
    assert resp.status_code == 302
    assert LivingStandard.objects.get(region__code="620100", year=2030).monthly_amount == 760


def test_living_standard_saved_in_the_admin_goes_through_the_service(client, admin_user):
    client.force_login(admin_user)
    add = reverse("admin:hardship_livingstandard_add")
    with mock.patch.object(services, "living_standard_set", wraps=services.living_standard_set) as spy:
        resp = client.post(add, {"region": region("620100").pk, "year": 2030, "monthly_amount": "760.00"})
    assert resp.status_code == 302
    standard = LivingStandard.objects.get(region__code="620100", year=2030)
    assert spy.call_args.kwargs["user"] == admin_user
    created = AuditEntry.objects.get(object_id=str(standard.pk), content_type__model="livingstandard")
    assert (created.action, created.source, created.user) == (
        AuditAction.CREATE,
        AuditSource.ADMIN,
        admin_user,
    )

    # a change: region and year stay, the amount is updated by living_standard_set with its diff
    change = reverse("admin:hardship_livingstandard_change", args=[standard.pk])
    assert client.post(change, {"monthly_amount": "780.50"}).status_code == 302
    standard.refresh_from_db()
    assert (standard.region.code, standard.year, standard.monthly_amount) == (
        "620100",
        2030,
        Decimal("780.50"),
    )
    updated = AuditEntry.objects.filter(object_id=str(standard.pk), action=AuditAction.UPDATE).get()
    assert (updated.source, updated.changes) == (AuditSource.ADMIN, {"monthly_amount": ["760.00", "780.50"]})
    assert LivingStandard.objects.count() == 1


def test_living_standard_admin_refuses_what_the_service_refuses(client, admin_user):
    # The admin form already checks what living_standard_set checks; a refusal it cannot see
    # (a race) stops the save: the form again with the service's message, nothing written.
    client.force_login(admin_user)
    standard = LivingStandard.objects.create(
        region=region("620100"), year=2031, monthly_amount=Decimal("700")
    )
    with mock.patch.object(
        services, "living_standard_set", side_effect=services.ApplicationError("不接受的标准")
    ):
        resp = client.post(
            reverse("admin:hardship_livingstandard_change", args=[standard.pk]), {"monthly_amount": "710.00"}
        )
    assert resp.status_code == 200
    assert resp.context["adminform"].form.non_field_errors() == ["不接受的标准"]
    assert [str(m) for m in get_messages(resp.wsgi_request)] == ["不接受的标准"]
    standard.refresh_from_db()
    assert standard.monthly_amount == Decimal("700")
    assert not AuditEntry.objects.filter(object_id=str(standard.pk)).exists()
