"""A claim's evidence (issue 16, part 2): the hospital's invoices and the discharge summary on
the claim's page and through the API, for who may see the claim. The rules of the files are
tested in apps/core/tests/test_attachments.py."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core import attachments
from apps.core.models import Attachment
from apps.core.tests.attachment_storage import isolated_storage
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

from .factories import ClaimFactory, CoverageFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The test's own empty storage (a folder, or a prefix of the S3 bucket)."""
    settings.LANGUAGE_CODE = "zh-hans"
    yield from isolated_storage(settings, tmp_path)


@pytest.fixture
def claim():
    union = GrassrootsUnionFactory(region=region("620102"))
    return ClaimFactory(coverage=CoverageFactory(member=MemberFactory(union=union), union=union))


def invoice(name="住院发票.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_the_claim_accepts_invoices_and_discharge_summaries():
    assert attachments.kinds_for(ClaimFactory._meta.model) == ("invoice", "discharge_summary")


def test_an_invoice_on_the_claim_page_opens_inline_for_the_reviewer(
    client, county_user, prefecture_user, claim
):
    a = attachments.attachment_add(record=claim, file=invoice(), kind="invoice", user=county_user)
    detail = reverse("insurance:claim-detail", args=[claim.pk])
    # the reviewer above sees it, may open it, but has no upload form
    client.force_login(prefecture_user)
    page = client.get(detail).content.decode()
    assert "住院发票.pdf" in page and 'data-testid="open-inline"' in page
    assert 'data-testid="attachment-form"' not in page
    r = client.get(reverse("attachment-download", args=[a.pk]), {"inline": "1"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("inline;")
    # and cannot add one
    r = client.post(
        reverse("attachment-upload", args=["insurance.claim", claim.pk]),
        {"kind": "invoice", "next": detail, "file": [invoice("x.pdf")]},
        follow=True,
    )
    assert "您无权修改此记录的附件" in r.content.decode()
    assert Attachment.objects.count() == 1


def test_another_county_cannot_see_a_claims_attachments(api_client, county_user, other_county_user, claim):
    attachments.attachment_add(record=claim, file=invoice(), kind="invoice", user=county_user)
    url = reverse("api:insurance-claim-attachments", args=[claim.pk])
    assert api_client(other_county_user).get(url).status_code == 404
    r = api_client(county_user).get(url)
    assert r.status_code == 200
    assert [(row["kind"], row["original_name"]) for row in r.json()["results"]] == [
        ("invoice", "住院发票.pdf")
    ]
