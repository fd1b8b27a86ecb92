"""A collective contract's evidence (issue 16, part 2): the signed contract through the API
and on the contract's page, scoped like the contract. The rules of the files themselves are
tested once, in apps/core/tests/test_attachments.py."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.models import Attachment
from apps.core.tests.attachment_storage import isolated_storage, stored_keys
from apps.core.tests.factories import region

from .factories import ContractFactory, GrassrootsUnionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.LANGUAGE_CODE = "zh-hans"
    yield from isolated_storage(settings, tmp_path)


@pytest.fixture
def contract():
    return ContractFactory(union=GrassrootsUnionFactory(region=region("620102")))


def signed(name: str = "集体合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_the_signed_contract_through_the_api_and_its_download(api_client, county_user, contract):
    url = reverse("api:contract-attachments", args=[contract.pk])
    # when
    r = api_client(county_user).post(url, {"file": signed(), "kind": "signed_contract"}, format="multipart")
    # then
    assert r.status_code == 201, r.content
    a = Attachment.objects.get()
    assert (a.kind, a.original_name, a.content_type.model, a.object_id) == (
        "signed_contract",
        "集体合同.pdf",
        "collectivecontract",
        str(contract.pk),
    )
    assert stored_keys() == [a.key]
    assert r.json()["kind_label"] == "签订的合同"
    assert [row["id"] for row in api_client(county_user).get(url).json()["results"]] == [a.pk]
    download = api_client(county_user).get(r.json()["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_only_the_signed_contract_kind_is_taken(api_client, county_user, contract):
    url = reverse("api:contract-attachments", args=[contract.pk])
    r = api_client(county_user).post(url, {"file": signed(), "kind": "invoice"}, format="multipart")
    assert r.status_code == 400
    assert "kind" in r.json()["extra"]["fields"]
    assert not Attachment.objects.exists() and stored_keys() == []


def test_another_county_gets_404_and_nothing_is_stored(api_client, other_county_user, contract):
    url = reverse("api:contract-attachments", args=[contract.pk])
    client = api_client(other_county_user)
    assert client.get(url).status_code == 404
    r = client.post(url, {"file": signed(), "kind": "signed_contract"}, format="multipart")
    assert r.status_code == 404
    assert not Attachment.objects.exists() and stored_keys() == []


def test_the_contract_page_has_the_panel_and_takes_the_scan(client, county_user, other_county_user, contract):
    client.force_login(county_user)
    detail = reverse("unions:contract-detail", args=[contract.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="attachment-form"' in page and 'value="signed_contract"' in page
    r = client.post(
        reverse("attachment-upload", args=["unions.collectivecontract", contract.pk]),
        {"kind": "signed_contract", "next": detail, "file": [signed("第1页.pdf"), signed("第2页.pdf")]},
    )
    assert r.status_code == 302 and r["Location"] == detail
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == ["第1页.pdf", "第2页.pdf"]
    assert client.get(detail).content.decode().count('data-testid="attachment"') == 2
    # another county neither sees the page nor uploads
    client.force_login(other_county_user)
    assert client.get(detail).status_code == 404
    r = client.post(
        reverse("attachment-upload", args=["unions.collectivecontract", contract.pk]),
        {"kind": "signed_contract", "file": [signed()]},
    )
    assert r.status_code == 404
    assert Attachment.objects.count() == 2
