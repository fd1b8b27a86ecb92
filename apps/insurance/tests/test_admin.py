"""Admin: administrators only (the admin contract), import/export buttons, payouts only through
the services."""

from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse

from apps.core.testing import ScopedAdminContract
from apps.insurance.choices import ClaimStatus
from apps.insurance.models import Enrollment, Plan
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import ClaimFactory, CoverageFactory, PlanFactory


class TestEnrollmentAdmin(ScopedAdminContract):
    def make_object(self, region):
        CoverageFactory(union=GrassrootsUnionFactory(region=region))
        return Enrollment.objects.latest("id")


class TestCoverageAdmin(ScopedAdminContract):
    def make_object(self, region):
        return CoverageFactory(union=GrassrootsUnionFactory(region=region))


class TestClaimAdmin(ScopedAdminContract):
    def make_object(self, region):
        return ClaimFactory(coverage=CoverageFactory(union=GrassrootsUnionFactory(region=region)))


def test_administrators_are_offered_no_claim_decisions(client, admin_user):
    # claims are decided by the reviewers above the county and paid by county staff (the
    # decision steps of apps.insurance.decisions): the admin offers an administrator none of them
    claim = ClaimFactory(status=ClaimStatus.APPROVED)
    client.force_login(admin_user)
    url = reverse("admin:insurance_claim_changelist")
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp.context["action_form"] is None  # no action at all (claims are never deleted)
    client.post(url, {"action": "pay_selected", "_selected_action": [claim.pk]})
    claim.refresh_from_db()
    assert (claim.status, claim.payout) == (ClaimStatus.APPROVED, None)


def test_plan_admin_lists_and_exports(client, admin_user, county_user):
    PlanFactory(code="PADM")
    client.force_login(admin_user)
    resp = client.get(reverse("admin:insurance_plan_changelist"))
    assert resp.status_code == 200 and "PADM" in resp.content.decode()
    assert "import_url" in resp.context
    client.force_login(county_user)
    resp = client.get(reverse("admin:insurance_plan_changelist"))
    assert resp.status_code == 302  # counties read plans on the pages
    assert resp["Location"].startswith(reverse("admin:login"))


def test_admin_pages_render(client, admin_user):
    claim = ClaimFactory()
    plan = claim.coverage.plan
    client.force_login(admin_user)
    for url in (
        reverse("admin:insurance_plan_change", args=[plan.pk]),
        reverse("admin:insurance_plan_add"),
        reverse("admin:insurance_claim_change", args=[claim.pk]),
        reverse("admin:insurance_coverage_change", args=[claim.coverage.pk]),
        reverse("admin:insurance_enrollment_changelist"),
        reverse("admin:insurance_coverage_changelist"),
        reverse("admin:insurance_claim_changelist"),
        reverse("insurance:plan-update", args=[plan.pk]),
        reverse("insurance:plan-detail", args=[plan.pk]),
        reverse("insurance:claim-update", args=[claim.pk]),
        reverse("insurance:enrollment-create"),
        reverse("insurance:claim-create"),
    ):
        assert client.get(url).status_code == 200, url


def test_admin_edits_a_plan_through_the_service(client, admin_user):
    plan = PlanFactory(code="PEDIT")
    client.force_login(admin_user)
    data = {
        "code": "PEDIT",
        "year": "2024",
        "product": "inpatient",
        "fee": "75.00",
        "coverage_start": "2024-01-01",
        "coverage_end": "2024-12-31",
        "deductible": "1000.00",
        "ratio": "0.6",
        "cap_per_claim": "8000.00",
        "cap_per_year": "15000.00",
        "review_mode": "double",
        "waiting_days": "30",
        "enrollment_reopened": "on",
    }
    resp = client.post(reverse("admin:insurance_plan_change", args=[plan.pk]), data)
    assert resp.status_code == 302
    plan.refresh_from_db()
    assert (plan.fee, plan.enrollment_reopened, plan.review_mode, plan.waiting_days) == (
        Decimal("75.00"),
        True,
        "double",
        30,
    )


def test_plan_delete_in_the_admin_obeys_plan_delete(client, admin_user):
    coverage = CoverageFactory()
    plan = coverage.plan
    client.force_login(admin_user)
    url = reverse("admin:insurance_plan_changelist")
    resp = client.post(url, {"action": "delete_selected", "_selected_action": [plan.pk], "post": "yes"})
    assert resp["Location"] == url
    assert [str(m) for m in get_messages(resp.wsgi_request)] == [f"{plan}: 已有单位参加 {plan}，不能删除。"]
    assert Plan.objects.filter(pk=plan.pk).exists()
