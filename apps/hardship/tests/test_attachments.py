"""A hardship household's evidence (issue 16, part 2): visit photos, income and illness proofs
through the API and the household's page, scoped like the household. The rules of the files
themselves are tested once, in apps/core/tests/test_attachments.py."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from apps.core import attachments
from apps.core.choices import AuditAction
from apps.core.exceptions import ApplicationError
from apps.core.models import Attachment, AuditEntry
from apps.core.tests.attachment_storage import isolated_storage, stored_keys
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .. import services
from ..choices import Status, Step
from ..models import IdClaim
from .factories import HouseholdFactory
from .helpers import VISIT_PHOTO_MISSING

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The test's own empty storage (a folder, or a prefix of the S3 bucket)."""
    settings.LANGUAGE_CODE = "zh-hans"
    yield from isolated_storage(settings, tmp_path)


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
    assert stored_keys() == []


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


# --- the review asks for the visit photo ----------------------------------------------------


def _in_review(county_user):
    """A household whose notice has ended, walked by the county, with no attachment at all."""
    from .factories import standard
    from .helpers import end_notice, walk

    standard("620000")
    h = HouseholdFactory(union=GrassrootsUnionFactory(region=region("620102")), created_by=county_user)
    h = end_notice(walk(h, county_user))
    Attachment.objects.all().delete()  # walk() puts a visit photo on file: this one has none
    return h


def test_the_review_refuses_to_file_a_household_without_a_visit_photo(county_user, prefecture_user, media):
    h = _in_review(county_user)
    attachments.attachment_add(
        record=h, file=SimpleUploadedFile("收入.pdf", PDF), kind="income_proof", user=county_user
    )  # another proof is not the record of the visit
    # when / then
    with pytest.raises(ApplicationError) as exc:
        services.household_review(household=h, user=prefecture_user, approve=True, note="同意")
    assert exc.value.message == VISIT_PHOTO_MISSING
    h.refresh_from_db()
    assert (h.status, h.filed_on) == (Status.NOTICE, None)
    assert not IdClaim.objects.filter(household=h).exists()
    # the same through household_advance (the review step of the pages and the API)
    with pytest.raises(ApplicationError, match="入户走访照片"):
        services.household_advance(household=h, user=prefecture_user, step=Step.REVIEW, note="同意")


def test_with_a_visit_photo_the_household_is_filed(county_user, prefecture_user, media):
    h = _in_review(county_user)
    attachments.attachment_add(record=h, file=visit_photo(), kind="visit_photo", user=county_user)
    h = services.household_review(household=h, user=prefecture_user, approve=True, note="同意")
    assert h.status == Status.FILED


def test_sending_back_needs_no_visit_photo(county_user, prefecture_user, media):
    h = _in_review(county_user)
    h = services.household_review(household=h, user=prefecture_user, approve=False, note="收入需核实")
    assert h.status == Status.CALCULATED  # back before the deliberation
