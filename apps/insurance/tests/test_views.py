"""Staff pages: the scoping contract on every list/detail page, enrollment management,
claim entry with the payout preview, the review queues and the statement."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from apps.core.testing import ScopedPageContract
from apps.insurance.choices import ClaimStatus
from apps.insurance.models import Claim, Coverage, Enrollment
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

from .factories import ClaimFactory, CoverageFactory, PlanFactory


@pytest.fixture(autouse=True)
def open_window():
    with mock.patch("apps.insurance.services.today", return_value=dt.date(2023, 12, 1)):
        yield


class TestEnrollmentPages(ScopedPageContract):
    list_url_name = "insurance:enrollment-list"
    detail_url_name = "insurance:enrollment-detail"

    def make_object(self, region):
        CoverageFactory(union=GrassrootsUnionFactory(region=region))
        return Enrollment.objects.latest("id")


class TestStatementPage(TestEnrollmentPages):
    list_url_name = "insurance:statement"


class TestClaimPages(ScopedPageContract):
    list_url_name = "insurance:claim-list"
    detail_url_name = "insurance:claim-detail"

    def make_object(self, region):
        return ClaimFactory(coverage=CoverageFactory(union=GrassrootsUnionFactory(region=region)))


class TestClaimQueuePages(TestClaimPages):
    list_url_name = "insurance:claim-queue"


def test_plan_pages_for_every_staff_user(client, county_user):
    plan = PlanFactory()
    client.force_login(county_user)
    resp = client.get(reverse("insurance:plan-list"))
    assert resp.status_code == 200 and list(resp.context["object_list"]) == [plan]
    assert resp.context["can_add"] is False
    assert client.get(reverse("insurance:plan-detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("insurance:plan-create")).status_code == 403


def test_province_creates_a_plan_in_the_browser(client, province_user):
    client.force_login(province_user)
    resp = client.post(
        reverse("insurance:plan-create"),
        {
            "code": "P2025B",
            "year": "2025",
            "product": "critical",
            "fee": "80",
            "coverage_start": "2025-01-01",
            "coverage_end": "2025-12-31",
            "deductible": "0",
            "ratio": "0.5",
            "cap_per_claim": "20000",
            "cap_per_year": "30000",
        },
    )
    assert resp.status_code == 302
    assert client.get(resp["Location"]).status_code == 200


def test_enroll_with_all_active_members_and_statement(client, county_user):
    plan = PlanFactory(fee=Decimal("50"))
    union = GrassrootsUnionFactory()
    MemberFactory(union=union), MemberFactory(union=union)
    MemberFactory(union=union, left_on=dt.date(2023, 1, 1), status="left")
    client.force_login(county_user)
    resp = client.post(
        reverse("insurance:enrollment-create"), {"plan": plan.code, "union": union.code, "all_active": "on"}
    )
    assert resp.status_code == 302
    enrollment = Enrollment.objects.get()
    assert Coverage.objects.filter(plan=plan, union=union).count() == 2
    detail = client.get(reverse("insurance:enrollment-detail", args=[enrollment.pk]))
    assert "2 × 50.00 = 100.00" in detail.content.decode()
    page = client.get(reverse("insurance:statement"))
    assert page.context["totals"] == {"units": 1, "covered": 2, "contribution": Decimal("100.00")}
    statement = client.get(reverse("insurance:statement"), {"format": "csv"})
    lines = statement.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[-1] == "应缴金额"
    assert lines[1].split(",")[-3:] == ["2", "50.00", "100.00"]
    assert lines[-1].split(",")[-1] == "100.00"


def test_add_members_by_resident_id_with_clear_errors(client, county_user):
    cov = CoverageFactory()
    enrollment = Enrollment.objects.get()
    new = MemberFactory(union=cov.union)
    client.force_login(county_user)
    url = reverse("insurance:enrollment-add-members", args=[enrollment.pk])
    resp = client.post(url, {"id_numbers": "123"})
    assert resp.status_code == 200 and "123" in resp.content.decode()
    assert Coverage.objects.count() == 1
    resp = client.post(url, {"id_numbers": new.id_number})
    assert resp.status_code == 302 and Coverage.objects.count() == 2


def test_claim_entry_preview_does_not_save_and_submit_does(client, county_user):
    cov = CoverageFactory()
    client.force_login(county_user)
    data = {
        "plan": cov.plan.code,
        "id_number": cov.member.id_number,
        "admitted_on": "2024-05-01",
        "discharged_on": "2024-05-11",
        "total_expense": "20000.00",
        "basic_insurance_paid": "8000.00",
    }
    resp = client.post(reverse("insurance:claim-create"), {**data, "preview": "1"})
    assert resp.status_code == 200
    assert resp.context["breakdown"].payout == Decimal("6600.00")
    assert Claim.objects.count() == 0
    resp = client.post(reverse("insurance:claim-create"), data)
    assert resp.status_code == 302
    assert Claim.objects.count() == 1
    page = client.get(resp["Location"])
    assert page.context["breakdown"].payout == Decimal("6600.00")


def test_claim_entry_refuses_dates_outside_coverage(client, county_user):
    cov = CoverageFactory()
    client.force_login(county_user)
    resp = client.post(
        reverse("insurance:claim-create"),
        {
            "plan": cov.plan.code,
            "id_number": cov.member.id_number,
            "admitted_on": "2025-02-01",
            "discharged_on": "2025-02-11",
            "total_expense": "20000.00",
            "basic_insurance_paid": "8000.00",
        },
    )
    assert resp.status_code == 200 and "2025-02-01" in resp.content.decode()
    assert Claim.objects.count() == 0


def test_queue_and_decisions_in_the_browser(client, county_user, prefecture_user):
    claim = ClaimFactory()
    client.force_login(prefecture_user)
    queue = client.get(reverse("insurance:claim-queue"))
    assert list(queue.context["object_list"]) == [claim]
    client.post(reverse("insurance:claim-review", args=[claim.pk]))
    client.post(reverse("insurance:claim-approve", args=[claim.pk]))
    assert list(client.get(reverse("insurance:claim-queue")).context["object_list"]) == []
    client.force_login(county_user)
    pay_page = client.get(reverse("insurance:claim-pay", args=[claim.pk]))
    assert pay_page.context["breakdown"].payout == Decimal("6600.00")
    resp = client.post(reverse("insurance:claim-pay", args=[claim.pk]), {"paid_on": "2024-04-01"})
    assert resp.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.payout) == (ClaimStatus.PAID, Decimal("6600.00"))


def test_prefecture_reviewer_decides_in_the_browser_but_cannot_pay(
    client, prefecture_user, other_county_user
):
    claim = ClaimFactory()  # a county (620102) of the prefecture 620100
    client.force_login(prefecture_user)
    client.post(reverse("insurance:claim-review", args=[claim.pk]))
    client.post(reverse("insurance:claim-approve", args=[claim.pk]))
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (ClaimStatus.APPROVED, prefecture_user)
    # paying is the county's: the form answers with who may
    resp = client.post(reverse("insurance:claim-pay", args=[claim.pk]), {"paid_on": "2024-04-01"})
    assert resp.status_code == 200
    assert "只有县区工会的人员可以支付该理赔。" in resp.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    # a county next door can neither see nor decide it
    other = ClaimFactory()
    client.force_login(other_county_user)
    assert client.post(reverse("insurance:claim-review", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.status == ClaimStatus.SUBMITTED


def test_claim_list_masks_resident_ids(client, county_user):
    claim = ClaimFactory()
    client.force_login(county_user)
    body = client.get(reverse("insurance:claim-list")).content.decode()
    rid = claim.coverage.member.id_number
    assert rid not in body and rid[:6] + "********" + rid[-4:] in body


def test_enroll_button_only_for_those_who_may_enroll(client, county_user, prefecture_user, province_user):
    """Prefecture and provincial staff read plans; the enroll button (whose page would refuse
    them) is not offered to them."""
    plan = PlanFactory(enrollment_reopened=True)
    url = reverse("insurance:plan-detail", args=[plan.pk])
    enroll = reverse("insurance:enrollment-create")
    for user, offered in ((county_user, True), (prefecture_user, False), (province_user, False)):
        client.force_login(user)
        resp = client.get(url)
        assert resp.status_code == 200
        assert (enroll in resp.content.decode()) is offered, user.username
