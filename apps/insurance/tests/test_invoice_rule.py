"""A claim cannot be approved without an invoice attached when its plan says so (issue 16,
part 2): the plan's setting (``invoice_required``, on by default) through the service, the API,
the pages and the admin, and the refusal through every door of the approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core import attachments
from apps.core.choices import AuditAction
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry
from apps.core.tests.attachment_storage import evidence, isolated_storage

from .. import services
from ..choices import ClaimStatus
from ..models import Plan
from .factories import ClaimFactory, CoverageFactory, PlanFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.LANGUAGE_CODE = "zh-hans"
    yield from isolated_storage(settings, tmp_path)


def reviewed_claim(*, invoice_required: bool = True):
    plan = PlanFactory(invoice_required=invoice_required)
    return ClaimFactory(coverage=CoverageFactory(plan=plan), status=ClaimStatus.REVIEWED)


def missing(claim) -> str:
    return f"理赔申请 {claim.number} 至少上传一张发票后才能审批。"


def test_the_plans_setting_is_on_by_default(province_user):
    plan = services.plan_create(
        code="P2025INV",
        year=2025,
        product="inpatient",
        fee=Decimal("50.00"),
        coverage_start=dt.date(2025, 1, 1),
        coverage_end=dt.date(2025, 12, 31),
        deductible=Decimal("500.00"),
        ratio=Decimal("0.6"),
        cap_per_claim=Decimal("5000.00"),
        cap_per_year=Decimal("10000.00"),
        user=province_user,
    )
    assert plan.invoice_required is True
    plan = services.plan_update(plan=plan, user=province_user, invoice_required=False)
    assert Plan.objects.get(pk=plan.pk).invoice_required is False


def test_approval_without_an_invoice_is_refused_and_changes_nothing(prefecture_user):
    claim = reviewed_claim()
    evidence(claim, "discharge_summary")  # another kind of evidence is not an invoice
    # when / then
    with pytest.raises(ApplicationError) as exc:
        services.claim_approve(claim=claim, user=prefecture_user)
    assert exc.value.message == missing(claim)
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (ClaimStatus.REVIEWED, None)
    assert not AuditEntry.objects.filter(object_id=str(claim.pk), action=AuditAction.UPDATE).exists()


def test_approval_with_an_uploaded_invoice_goes_through(county_user, prefecture_user):
    claim = reviewed_claim()
    attachments.attachment_add(
        record=claim, file=SimpleUploadedFile("发票.pdf", PDF), kind="invoice", user=county_user
    )
    claim = services.claim_approve(claim=claim, user=prefecture_user)
    assert (claim.status, claim.approved_by) == (ClaimStatus.APPROVED, prefecture_user)


def test_a_plan_that_does_not_require_an_invoice_approves_without_one(prefecture_user):
    claim = reviewed_claim(invoice_required=False)
    claim = services.claim_approve(claim=claim, user=prefecture_user)
    assert claim.status == ClaimStatus.APPROVED


def test_the_api_refuses_the_approval_with_the_message_then_accepts_it(
    api_client, county_user, prefecture_user
):
    claim = reviewed_claim()
    url = reverse("api:insurance-claim-approve", args=[claim.pk])
    # when
    resp = api_client(prefecture_user).post(url, {}, format="json")
    # then
    assert resp.status_code == 400
    assert resp.json()["message"] == missing(claim)
    upload = api_client(county_user).post(
        reverse("api:insurance-claim-attachments", args=[claim.pk]),
        {"file": SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf"), "kind": "invoice"},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    resp = api_client(prefecture_user).post(url, {}, format="json")
    assert resp.status_code == 200, resp.json()
    assert resp.json()["status"] == ClaimStatus.APPROVED


def test_the_approve_page_says_why_and_changes_nothing(client, prefecture_user):
    claim = reviewed_claim()
    client.force_login(prefecture_user)
    resp = client.post(reverse("insurance:claim-approve", args=[claim.pk]), follow=True)
    assert missing(claim) in resp.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVIEWED


def test_the_setting_in_the_api_the_form_the_detail_page_and_the_admin(
    api_client, client, province_user, county_user, admin_user
):
    plan = PlanFactory(invoice_required=True)
    # the API shows and changes it (province only)
    detail = reverse("api:insurance-plan-detail", args=[plan.pk])
    assert api_client(county_user).get(detail).json()["invoice_required"] is True
    refused = api_client(county_user).patch(detail, {"invoice_required": False}, format="json")
    assert refused.status_code == 403
    resp = api_client(province_user).patch(detail, {"invoice_required": False}, format="json")
    assert resp.status_code == 200, resp.json()
    assert Plan.objects.get(pk=plan.pk).invoice_required is False
    # the plan page shows it; the form has it, checked for a new plan
    client.force_login(province_user)
    page = client.get(reverse("insurance:plan-detail", args=[plan.pk])).content.decode()
    assert 'data-testid="invoice-required"' in page and "不需要" in page
    form = client.get(reverse("insurance:plan-create")).content.decode()
    field = form.split('name="invoice_required"')[1].split(">")[0]
    assert " checked" in field
    # the admin lists and edits it
    client.force_login(admin_user)
    change = client.get(reverse("admin:insurance_plan_change", args=[plan.pk])).content.decode()
    assert 'name="invoice_required"' in change
