"""A hardship household's evidence (issue 16, part 2): visit photos, income and illness proofs
through the API and the household's page, scoped like the household. The rules of the files
themselves are tested once, in apps/core/tests/test_attachments.py."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from apps.core.choices import AuditAction
from apps.core.models import Attachment, AuditEntry
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"
    return settings.MEDIA_ROOT


def visit_photo() -> SimpleUploadedFile:
    image = Image.new("RGB", (80, 60), (90, 160, 90))
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (36.0, 3.0, 30.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("走访.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def household():
    return HouseholdFactory(union=GrassrootsUnionFactory(region=region("620102")))


def test_a_visit_photo_through_the_api_and_its_download(api_client, county_user, household, media):
    url = reverse("api:household-attachments", args=[household.pk])
    # when
    r = api_client(county_user).post(url, {"file": visit_photo(), "kind": "visit_photo"}, format="multipart")
    # then
    assert r.status_code == 201, r.content
    a = Attachment.objects.get()
    assert (a.kind, a.original_name, a.content_type.model, a.object_id) == (
        "visit_photo",
        "走访.jpg",
        "household",
        str(household.pk),
    )
    with default_storage.open(a.key) as f:
        assert Image.open(f).getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert [row["kind"] for row in api_client(county_user).get(url).json()["results"]] == ["visit_photo"]
    download = api_client(county_user).get(r.json()["download"])
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.VIEW, object_id=str(household.pk), note__contains=f"#{a.pk}"
        ).count()
        == 1
    )


def test_a_claim_kind_is_not_a_household_kind(api_client, county_user, household, media):
    url = reverse("api:household-attachments", args=[household.pk])
    r = api_client(county_user).post(url, {"file": visit_photo(), "kind": "invoice"}, format="multipart")
    assert r.status_code == 400
    assert "kind" in r.json()["extra"]["fields"]
    assert not Attachment.objects.exists()


def test_another_county_gets_404_and_nothing_is_stored(api_client, other_county_user, household, media):
    url = reverse("api:household-attachments", args=[household.pk])
    client = api_client(other_county_user)
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"file": visit_photo(), "kind": "visit_photo"}, format="multipart").status_code
        == 404
    )
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in Path(media).rglob("*"))


def test_the_household_page_takes_photos_and_shows_their_thumbnails(client, county_user, household, media):
    client.force_login(county_user)
    detail = reverse("hardship:household-detail", args=[household.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="attachment-form"' in page
    for kind in ("visit_photo", "income_proof", "illness_proof"):
        assert f'<option value="{kind}">' in page
    r = client.post(
        reverse("attachment-upload", args=["hardship.household", household.pk]),
        {"kind": "visit_photo", "next": detail, "file": [visit_photo(), visit_photo()]},
    )
    assert r.status_code == 302 and r["Location"] == detail
    photos = list(Attachment.objects.order_by("pk"))
    assert len(photos) == 2
    page = client.get(detail).content.decode()
    assert all(reverse("attachment-thumbnail", args=[p.pk]) in page for p in photos)
    assert "走访照片" in page


def test_another_countys_user_sees_no_panel_and_cannot_upload(client, other_county_user, household, media):
    client.force_login(other_county_user)
    r = client.post(
        reverse("attachment-upload", args=["hardship.household", household.pk]),
        {"kind": "visit_photo", "file": [visit_photo()]},
    )
    assert r.status_code == 404
    assert not Attachment.objects.exists()
