import pytest
from django.urls import reverse

from apps.core.testing import ScopedAdminContract
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

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


def test_household_admin_masks_ids_and_never_changes_the_filing(client, county_user, admin_user):
    h = HouseholdFactory()
    client.force_login(county_user)
    resp = client.get(reverse("admin:hardship_household_changelist"))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert h.head_id_number not in body and h.head_id_number[:6] + "********" in body
    page = client.get(reverse("admin:hardship_household_change", args=[h.pk])).content.decode()
    assert h.head_id_number not in page
    client.force_login(admin_user)
    assert client.get(reverse("admin:hardship_household_add")).status_code == 403
    before = h.status
    client.post(reverse("admin:hardship_household_change", args=[h.pk]), {"status": "filed"})
    h.refresh_from_db()
    assert h.status == before


def test_living_standards_are_maintained_by_administrators_only(client, county_user, admin_user):
    client.force_login(county_user)
    assert client.get(reverse("admin:hardship_livingstandard_add")).status_code == 403
    client.force_login(admin_user)
    resp = client.post(
        reverse("admin:hardship_livingstandard_add"),
        {"region": region("620100").pk, "year": 2030, "monthly_amount": "760.00"},
    )
    assert resp.status_code == 302
    assert LivingStandard.objects.get(region__code="620100", year=2030).monthly_amount == 760
