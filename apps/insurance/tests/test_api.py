"""The insurance API: the scoping contract on every viewset, plan writes by the province,
enrollment member actions, the claim workflow actions with computed payouts, masking."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from apps.core.testing import ScopedAPIContract
from apps.insurance.choices import ClaimStatus
from apps.insurance.models import Claim, Coverage, Enrollment, Plan
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

from .factories import ClaimFactory, CoverageFactory, PlanFactory


@pytest.fixture(autouse=True)
def open_window():
    with mock.patch("apps.insurance.services.today", return_value=dt.date(2023, 12, 1)):
        yield


class TestEnrollmentAPIScope(ScopedAPIContract):
    basename = "insurance-enrollment"

    def make_object(self, region):
        return CoverageFactory(union=GrassrootsUnionFactory(region=region)) and Enrollment.objects.latest(
            "id"
        )

    def create_payload(self, region):
        union = GrassrootsUnionFactory(region=region)
        return {"plan": PlanFactory().code, "union": union.code, "members": [MemberFactory(union=union).pk]}


class TestCoverageAPIScope(ScopedAPIContract):
    basename = "insurance-coverage"

    def make_object(self, region):
        return CoverageFactory(union=GrassrootsUnionFactory(region=region))


class TestClaimAPIScope(ScopedAPIContract):
    basename = "insurance-claim"

    def make_object(self, region):
        return ClaimFactory(coverage=CoverageFactory(union=GrassrootsUnionFactory(region=region)))

    def create_payload(self, region):
        cov = CoverageFactory(union=GrassrootsUnionFactory(region=region))
        return {
            "plan": cov.plan.code,
            "member": cov.member.pk,
            "admitted_on": "2024-05-01",
            "discharged_on": "2024-05-03",
            "total_expense": "1000.00",
            "basic_insurance_paid": "0.00",
        }

    def update_payload(self, obj):
        return {"total_expense": "25000.00"}  # valid: the own claim's update must succeed


def test_plans_are_visible_to_all_and_written_by_the_province(api_client, county_user, province_user):
    plan = PlanFactory()
    resp = api_client(county_user).get(reverse("api:insurance-plan-list"))
    assert [row["code"] for row in resp.json()["results"]] == [plan.code]
    payload = {
        "code": "P2025X",
        "year": 2025,
        "product": "inpatient",
        "fee": "50.00",
        "coverage_start": "2025-01-01",
        "coverage_end": "2025-12-31",
        "deductible": "500.00",
        "ratio": "0.6",
        "cap_per_claim": "5000.00",
        "cap_per_year": "10000.00",
    }
    assert (
        api_client(county_user).post(reverse("api:insurance-plan-list"), payload, format="json").status_code
        == 403
    )
    resp = api_client(county_user).patch(
        reverse("api:insurance-plan-detail", args=[plan.pk]), {"fee": "1"}, format="json"
    )
    assert resp.status_code == 403
    resp = api_client(province_user).post(reverse("api:insurance-plan-list"), payload, format="json")
    assert resp.status_code == 201, resp.json()
    assert Plan.objects.filter(code="P2025X").exists()


def test_enrollment_actions_update_the_contribution(api_client, county_user):
    plan = PlanFactory(fee=Decimal("60"))
    union = GrassrootsUnionFactory()
    a, b, c = (MemberFactory(union=union) for _ in range(3))
    client = api_client(county_user)
    resp = client.post(
        reverse("api:insurance-enrollment-list"),
        {"plan": plan.code, "union": union.code, "members": [a.pk, b.pk]},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    assert (resp.json()["covered_count"], resp.json()["contribution"]) == (2, "120.00")
    pk = resp.json()["id"]
    resp = client.post(
        reverse("api:insurance-enrollment-add-members", args=[pk]), {"members": [c.pk]}, format="json"
    )
    assert resp.json()["contribution"] == "180.00"
    resp = client.post(
        reverse("api:insurance-enrollment-remove-members", args=[pk]), {"members": [a.pk]}, format="json"
    )
    assert (resp.json()["covered_count"], resp.json()["contribution"]) == (2, "120.00")
    members = client.get(reverse("api:insurance-enrollment-members", args=[pk])).json()["results"]
    assert {m["member"] for m in members} == {b.pk, c.pk}
    assert all("*" in m["id_number"] for m in members)


def test_enrollment_refusal_is_a_clear_400(api_client, county_user):
    plan = PlanFactory()
    union = GrassrootsUnionFactory()
    left = MemberFactory(union=union, left_on=dt.date(2023, 1, 1), status="left")
    resp = api_client(county_user).post(
        reverse("api:insurance-enrollment-list"),
        {"plan": plan.code, "union": union.code, "members": [left.pk]},
        format="json",
    )
    assert resp.status_code == 400 and left.name in resp.json()["message"]
    assert Enrollment.objects.count() == 0


def test_claim_workflow_through_the_api(api_client, county_user, prefecture_user):
    cov = CoverageFactory()
    client = api_client(county_user)
    resp = client.post(
        reverse("api:insurance-claim-list"),
        {
            "plan": cov.plan.code,
            "member": cov.member.pk,
            "admitted_on": "2024-05-01",
            "discharged_on": "2024-05-11",
            "total_expense": "40000.00",
            "basic_insurance_paid": "8000.00",
            "payout": "99999.00",  # never typed in: ignored
        },
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    pk = resp.json()["id"]
    assert resp.json()["payout"] is None
    preview = client.get(reverse("api:insurance-claim-preview", args=[pk])).json()
    assert (preview["payout"], preview["limited_by"], preview["eligible"]) == (
        "8000.00",
        "cap_per_claim",
        "32000.00",
    )
    assert client.post(reverse("api:insurance-claim-pay", args=[pk]), {}, format="json").status_code == 400
    # the county clerk who submitted it does not review it: the prefecture above does
    refused = client.post(reverse("api:insurance-claim-review", args=[pk]), {}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"message": "只有市州工会、省总工会的人员可以审核该理赔。", "extra": {}}
    reviewer = api_client(prefecture_user)
    for step in ("review", "approve"):
        resp = reviewer.post(reverse(f"api:insurance-claim-{step}", args=[pk]), {}, format="json")
        assert resp.status_code == 200, resp.json()
    assert (resp.json()["submitted_by"], resp.json()["reviewed_by"], resp.json()["approved_by"]) == (
        "county_cg",
        "pref_lz",
        "pref_lz",
    )
    resp = client.post(
        reverse("api:insurance-claim-pay", args=[pk]), {"paid_on": "2024-06-01"}, format="json"
    )
    assert resp.status_code == 200
    assert (resp.json()["status"], resp.json()["payout"], resp.json()["paid_on"]) == (
        "paid",
        "8000.00",
        "2024-06-01",
    )
    again = client.post(reverse("api:insurance-claim-pay", args=[pk]), {}, format="json")
    assert again.status_code == 400
    assert Claim.objects.get(pk=pk).payout == Decimal("8000.00")


def test_claim_outside_coverage_is_a_400_naming_the_dates(api_client, county_user):
    cov = CoverageFactory()
    resp = api_client(county_user).post(
        reverse("api:insurance-claim-list"),
        {
            "plan": cov.plan.code,
            "member": cov.member.pk,
            "admitted_on": "2025-01-02",
            "discharged_on": "2025-01-05",
            "total_expense": "1000.00",
            "basic_insurance_paid": "0.00",
        },
        format="json",
    )
    assert resp.status_code == 400 and "2025-01-02" in resp.json()["message"]
    assert Claim.objects.count() == 0


def test_reject_requires_a_reason(api_client, prefecture_user):
    claim = ClaimFactory()
    client = api_client(prefecture_user)
    assert (
        client.post(reverse("api:insurance-claim-reject", args=[claim.pk]), {}, format="json").status_code
        == 400
    )
    resp = client.post(
        reverse("api:insurance-claim-reject", args=[claim.pk]), {"reason": "材料不全"}, format="json"
    )
    assert resp.json()["status"] == ClaimStatus.REJECTED and resp.json()["reject_reason"] == "材料不全"


def test_prefecture_reviews_and_approves_but_does_not_pay(api_client, prefecture_user, county_user):
    # given: a claim of a county in the prefecture (620102 is in 620100)
    claim = ClaimFactory()
    client = api_client(prefecture_user)
    # when / then: the reviewer above moves it along the workflow
    for step in ("review", "approve"):
        resp = client.post(reverse(f"api:insurance-claim-{step}", args=[claim.pk]), {}, format="json")
        assert resp.status_code == 200, resp.json()
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (ClaimStatus.APPROVED, prefecture_user)
    # paying stays with the county staff who hold the money: a 400 saying so
    resp = client.post(reverse("api:insurance-claim-pay", args=[claim.pk]), {}, format="json")
    assert resp.status_code == 400
    assert resp.json()["message"] == "只有县区工会的人员可以支付该理赔。"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.payout is None


def test_other_county_cannot_decide(api_client, other_county_user):
    claim = ClaimFactory()
    client = api_client(other_county_user)
    for step in ("review", "approve", "reject"):
        resp = client.post(
            reverse(f"api:insurance-claim-{step}", args=[claim.pk]), {"reason": "x"}, format="json"
        )
        assert resp.status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_other_county_cannot_pay(api_client, other_county_user):
    claim = ClaimFactory(status=ClaimStatus.APPROVED)
    resp = api_client(other_county_user).post(
        reverse("api:insurance-claim-pay", args=[claim.pk]), {}, format="json"
    )
    assert resp.status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_claim_filters(api_client, county_user):
    a = ClaimFactory(status=ClaimStatus.SUBMITTED)
    ClaimFactory(status=ClaimStatus.REJECTED, reject_reason="x")
    resp = api_client(county_user).get(reverse("api:insurance-claim-list"), {"status": "submitted"})
    assert [row["number"] for row in resp.json()["results"]] == [a.number]
    resp = api_client(county_user).get(
        reverse("api:insurance-claim-list"), {"q": a.coverage.member.id_number}
    )
    assert [row["number"] for row in resp.json()["results"]] == [a.number]


def test_coverage_count_is_unchanged_by_reads(api_client, county_user):
    CoverageFactory()
    api_client(county_user).get(reverse("api:insurance-coverage-list"))
    assert Coverage.objects.count() == 1


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_do_not_grow_with_rows(api_client, county_user):
    client = api_client(county_user)
    ClaimFactory()
    claims_few = _queries(client, reverse("api:insurance-claim-list"))
    enr_few = _queries(client, reverse("api:insurance-enrollment-list"))
    for _ in range(5):
        ClaimFactory()
    assert _queries(client, reverse("api:insurance-claim-list")) == claims_few
    assert _queries(client, reverse("api:insurance-enrollment-list")) == enr_few
