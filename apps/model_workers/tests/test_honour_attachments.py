"""An honour's evidence (issue 16, part 2): the certificate through the API
and on the honour's page, scoped like the honour. The rules of the files themselves are
tested once, in apps/core/tests/test_attachments.py."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.models import Attachment
from apps.core.tests.attachment_storage import isolated_storage, stored_keys
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import HonourFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.LANGUAGE_CODE = "zh-hans"
    yield from isolated_storage(settings, tmp_path)


@pytest.fixture
def honour():
    return HonourFactory(union=GrassrootsUnionFactory(region=region("620102")))


def certificate(name: str = "荣誉证书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_the_certificate_through_the_api_and_its_download(api_client, county_user, honour):
    url = reverse("api:honour-attachments", args=[honour.pk])
    # when
    r = api_client(county_user).post(url, {"file": certificate(), "kind": "certificate"}, format="multipart")
    # then
    assert r.status_code == 201, r.content
    a = Attachment.objects.get()
    assert (a.kind, a.original_name, a.content_type.model, a.object_id) == (
        "certificate",
        "荣誉证书.pdf",
        "honour",
        str(honour.pk),
    )
    assert stored_keys() == [a.key]
    assert r.json()["kind_label"] == "证书"
    assert [row["id"] for row in api_client(county_user).get(url).json()["results"]] == [a.pk]
    download = api_client(county_user).get(r.json()["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_only_the_certificate_kind_is_taken(api_client, county_user, honour):
    url = reverse("api:honour-attachments", args=[honour.pk])
    r = api_client(county_user).post(url, {"file": certificate(), "kind": "invoice"}, format="multipart")
    assert r.status_code == 400
    assert "kind" in r.json()["extra"]["fields"]
    assert not Attachment.objects.exists() and stored_keys() == []


def test_another_county_gets_404_and_nothing_is_stored(api_client, other_county_user, honour):
    url = reverse("api:honour-attachments", args=[honour.pk])
    client = api_client(other_county_user)
    assert client.get(url).status_code == 404
    r = client.post(url, {"file": certificate(), "kind": "certificate"}, format="multipart")
    assert r.status_code == 404
    assert not Attachment.objects.exists() and stored_keys() == []


def test_the_honour_page_has_the_panel_and_takes_the_scan(client, county_user, other_county_user, honour):
    client.force_login(county_user)
    detail = reverse("model_workers:honour-detail", args=[honour.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="attachment-form"' in page and 'value="certificate"' in page
    r = client.post(
        reverse("attachment-upload", args=["model_workers.honour", honour.pk]),
        {"kind": "certificate", "next": detail, "file": [certificate("第1页.pdf"), certificate("第2页.pdf")]},
    )
    assert r.status_code == 302 and r["Location"] == detail
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == ["第1页.pdf", "第2页.pdf"]
    assert client.get(detail).content.decode().count('data-testid="attachment"') == 2
    # another county neither sees the page nor uploads
    client.force_login(other_county_user)
    assert client.get(detail).status_code == 404
    r = client.post(
        reverse("attachment-upload", args=["model_workers.honour", honour.pk]),
        {"kind": "certificate", "file": [certificate()]},
    )
    assert r.status_code == 404
    assert Attachment.objects.count() == 2
