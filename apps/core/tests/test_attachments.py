"""Attachments (issue 16, part 2): types by content, sizes, EXIF stripped, decompression bombs,
nothing stored on a refusal, scoped and audited downloads, through the API and the pages.

The record used is an insurance claim (kinds: invoice, discharge_summary); the hardship
household's wiring is tested in apps/hardship/tests/test_attachments.py. Every file is a real
one, written by Pillow (images), zipfile (archives) or by hand (PDFs)."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from PIL import ExifTags, Image

from apps.core import attachments
from apps.core.choices import AuditAction, AuditSource, Role
from apps.core.exceptions import ApplicationError
from apps.core.models import Attachment, AuditEntry
from apps.core.tests.attachment_storage import isolated_storage, stored_keys
from apps.core.tests.factories import UserFactory, region
from apps.insurance.tests.factories import ClaimFactory, CoverageFactory
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

pytestmark = pytest.mark.django_db

OWN, OTHER = "620102", "620103"


# --- real files ---------------------------------------------------------------------------


def jpeg_with_gps(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (36.0, 3.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (103.0, 50.0, 10.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size=(40, 30), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 1 if mode == "1" else (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def pdf(body: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" + body + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.txt", b"0" * 1_000_000)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    """Each test's own empty storage (a folder, or a prefix of the S3 bucket when S3_BUCKET is
    set), so that "nothing stored" is checked on an empty one; emptied afterwards."""
    settings.LANGUAGE_CODE = "zh-hans"
    yield from isolated_storage(settings, tmp_path)


def claim_in(code: str):
    union = GrassrootsUnionFactory(region=region(code))
    return ClaimFactory(coverage=CoverageFactory(member=MemberFactory(union=union), union=union))


@pytest.fixture
def claim():
    return claim_in(OWN)


@pytest.fixture
def clerk():
    return UserFactory(username="att_clerk", role=Role.COUNTY, region=region(OWN))


@pytest.fixture
def outsider():
    return UserFactory(username="att_other", role=Role.COUNTY, region=region(OTHER))


def api_url(claim) -> str:
    return reverse("api:insurance-claim-attachments", args=[claim.pk])


def post_file(api_client, user, claim, f, kind="invoice"):
    return api_client(user).post(api_url(claim), {"file": f, "kind": kind}, format="multipart")


# --- the API: upload, list, download ------------------------------------------------------


def test_upload_in_scope_stores_the_file_under_a_generated_key(api_client, clerk, claim, storage):
    # when
    r = post_file(api_client, clerk, claim, upload("../../发票 1.pdf", pdf(), "application/pdf"))
    # then
    assert r.status_code == 201, r.content
    a = Attachment.objects.get()
    assert (a.kind, a.original_name, a.mime_type, a.size) == (
        "invoice",
        "发票 1.pdf",
        "application/pdf",
        len(pdf()),
    )
    assert a.sha256 == hashlib.sha256(pdf()).hexdigest()
    assert a.uploaded_by == clerk
    assert a.key.startswith("attachments/insurance/claim/") and a.key.endswith(".pdf")
    assert "发票" not in a.key and ".." not in a.key
    assert stored_keys() == [a.key]
    assert r.json()["id"] == a.pk and r.json()["kind_label"] == "发票"
    entry = AuditEntry.objects.get(object_id=str(claim.pk), action=AuditAction.UPDATE)
    assert (entry.user, entry.source) == (clerk, AuditSource.API)
    assert f"#{a.pk}" in entry.note and "发票 1.pdf" in entry.note
    # and the list shows it
    listed = api_client(clerk).get(api_url(claim))
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [a.pk]


def test_download_in_scope_is_an_attachment_with_a_safe_name_and_is_audited(api_client, clerk, claim):
    a = attachments.attachment_add(
        record=claim,
        file=upload("invoice.exe.pdf", pdf(), "application/x-msdownload"),
        kind="invoice",
        user=clerk,
    )
    # when
    r = api_client(clerk).get(reverse("api:attachment-download", args=[a.pk]))
    # then
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == pdf()
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'attachment; filename="invoice.exe.pdf"'
    assert r["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert (entry.user, entry.source, entry.object_id) == (clerk, AuditSource.API, str(claim.pk))
    assert entry.content_type.model == "claim" and f"#{a.pk}" in entry.note
    assert entry.region_id == region(OWN).pk


def test_a_pdf_opens_inline_for_a_user_in_scope(api_client, clerk, claim):
    a = attachments.attachment_add(
        record=claim, file=upload("d.pdf", pdf()), kind="discharge_summary", user=clerk
    )
    r = api_client(clerk).get(reverse("api:attachment-download", args=[a.pk]), {"inline": "1"})
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'inline; filename="d.pdf"'


def test_a_user_of_another_county_gets_404_everywhere_and_nothing_is_stored(
    api_client, clerk, outsider, claim, storage
):
    a = attachments.attachment_add(record=claim, file=upload("a.pdf", pdf()), kind="invoice", user=clerk)
    before = stored_keys()
    client = api_client(outsider)
    # when / then
    assert client.get(api_url(claim)).status_code == 404
    assert post_file(api_client, outsider, claim, upload("b.pdf", pdf())).status_code == 404
    assert client.get(reverse("api:attachment-download", args=[a.pk])).status_code == 404
    assert client.get(reverse("api:attachment-download", args=[a.pk + 1000])).status_code == 404
    assert list(Attachment.objects.values_list("pk", flat=True)) == [a.pk]
    assert stored_keys() == before
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()


def test_a_reviewer_who_may_see_but_not_change_downloads_but_cannot_attach(api_client, clerk, claim):
    reviewer = UserFactory(username="att_pref", role=Role.PREFECTURE, region=region("620100"))
    a = attachments.attachment_add(record=claim, file=upload("a.pdf", pdf()), kind="invoice", user=clerk)
    assert api_client(reviewer).get(reverse("api:attachment-download", args=[a.pk])).status_code == 200
    r = post_file(api_client, reviewer, claim, upload("b.pdf", pdf()))
    assert r.status_code == 403  # the role's refusal (reviewers add nothing), as on any claim
    assert Attachment.objects.count() == 1
    with pytest.raises(ApplicationError, match="您无权修改此记录的附件|You may not change the attachments"):
        attachments.attachment_add(record=claim, file=upload("b.pdf", pdf()), kind="invoice", user=reviewer)


def test_anonymous_is_refused(client, clerk, claim):
    from rest_framework.test import APIClient

    a = attachments.attachment_add(record=claim, file=upload("a.pdf", pdf()), kind="invoice", user=clerk)
    assert APIClient().get(reverse("api:attachment-download", args=[a.pk])).status_code in (401, 403)
    r = client.get(reverse("attachment-download", args=[a.pk]))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


# --- what is refused, with nothing stored -------------------------------------------------

REFUSED = {
    "renamed exe": (
        "invoice.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"This program cannot be run",
    ),
    "zip named as a photo": ("photo.jpg", zip_bytes()),
    "png header on a zip (polyglot)": ("scan.png", b"\x89PNG\r\n\x1a\n" + zip_bytes()),
    "jpeg header on garbage": ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00garbage" * 50),
    "pdf with a zip appended (polyglot)": ("invoice.pdf", pdf() + zip_bytes()),
    "pdf with javascript": ("invoice.pdf", pdf(b"3 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n")),
}
MESSAGES = {
    "renamed exe": "只接受 PDF、JPEG 和 PNG 文件",
    "zip named as a photo": "只接受 PDF、JPEG 和 PNG 文件",
    "png header on a zip (polyglot)": "不是有效的 PNG 图片",
    "jpeg header on garbage": "不是有效的 JPEG 图片",
    "pdf with a zip appended (polyglot)": "不是完整的 PDF",
    "pdf with javascript": "脚本",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_refused_file_is_a_400_with_a_chinese_message_and_nothing_is_stored(
    api_client, clerk, claim, storage, case
):
    name, data = REFUSED[case]
    # when
    r = post_file(api_client, clerk, claim, upload(name, data))
    # then
    assert r.status_code == 400, r.content
    assert MESSAGES[case] in r.json()["message"], r.json()["message"]
    assert name in r.json()["message"]
    assert not Attachment.objects.exists()
    assert stored_keys() == []
    assert not AuditEntry.objects.filter(object_id=str(claim.pk)).exists()


def test_an_empty_file_is_refused(clerk, claim, storage):
    # (the API's file field refuses it before: "提交的是空文件")
    with pytest.raises(ApplicationError, match="empty.pdf：文件为空"):
        attachments.attachment_add(record=claim, file=upload("empty.pdf", b""), kind="invoice", user=clerk)
    assert not Attachment.objects.exists() and stored_keys() == []


def test_a_decompression_bomb_is_refused_before_it_is_decoded(api_client, clerk, claim, storage):
    # a 100-megapixel image that compresses to a few kilobytes
    bomb = png((10_000, 10_000), mode="1")
    assert len(bomb) < 100_000
    r = post_file(api_client, clerk, claim, upload("bomb.png", bomb), kind="invoice")
    assert r.status_code == 400
    assert "像素过多" in r.json()["message"]
    assert not Attachment.objects.exists() and stored_keys() == []


def test_pillows_own_bomb_guard_is_a_clear_message_too(settings, clerk, claim, storage, monkeypatch):
    # our limit above Pillow's: its DecompressionBombError is turned into the same message
    settings.ATTACHMENT_MAX_IMAGE_PIXELS = 10**12
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ApplicationError, match="像素过多"):
        attachments.attachment_add(
            record=claim, file=upload("big.png", png((100, 100))), kind="invoice", user=clerk
        )
    assert not Attachment.objects.exists() and stored_keys() == []


def test_an_oversize_file_is_refused_at_the_default_limit(api_client, clerk, claim, storage):
    big = pdf(b"%" + b"0" * (10 * 1024 * 1024) + b"\n")
    r = post_file(api_client, clerk, claim, upload("big.pdf", big))
    assert r.status_code == 400
    assert "超过 10 MB" in r.json()["message"]
    assert not Attachment.objects.exists() and stored_keys() == []


def test_the_per_record_total_is_enforced(settings, api_client, clerk, claim, storage):
    settings.ATTACHMENT_MAX_RECORD_SIZE = len(pdf()) * 2
    assert post_file(api_client, clerk, claim, upload("1.pdf", pdf())).status_code == 201
    assert post_file(api_client, clerk, claim, upload("2.pdf", pdf())).status_code == 201
    r = post_file(api_client, clerk, claim, upload("3.pdf", pdf()))
    assert r.status_code == 400
    assert "每条记录" in r.json()["message"]
    assert Attachment.objects.count() == 2 and len(stored_keys()) == 2


def test_a_kind_the_record_does_not_take_is_refused(api_client, clerk, claim, storage):
    r = post_file(api_client, clerk, claim, upload("a.pdf", pdf()), kind="visit_photo")
    assert r.status_code == 400
    assert "kind" in r.json()["extra"]["fields"]
    with pytest.raises(ApplicationError, match="发票"):
        attachments.attachment_add(record=claim, file=upload("a.pdf", pdf()), kind="visit_photo", user=clerk)
    assert not Attachment.objects.exists() and stored_keys() == []


def test_several_files_are_all_or_none(clerk, claim, storage):
    files = [upload("ok.pdf", pdf()), upload("bad.pdf", zip_bytes())]
    with pytest.raises(ApplicationError, match="bad.pdf"):
        attachments.attachments_add(record=claim, files=files, kind="invoice", user=clerk)
    assert not Attachment.objects.exists() and stored_keys() == []


# --- images: re-encoded, EXIF gone, thumbnail ---------------------------------------------


def test_exif_gps_is_gone_from_a_stored_photo(api_client, clerk, claim, storage):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the photo has GPS
    # when
    r = post_file(api_client, clerk, claim, upload("IMG_0001.JPG", original, "image/jpeg"))
    # then
    assert r.status_code == 201, r.content
    a = Attachment.objects.get()
    assert (a.mime_type, a.key[-4:]) == ("image/jpeg", ".jpg")
    with default_storage.open(a.key) as f:
        data = f.read()
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG" and stored.size == (64, 48)
    assert dict(stored.getexif()) == {}
    assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert b"Exif" not in data and b"PhoneMaker" not in data
    assert a.sha256 == hashlib.sha256(data).hexdigest() and a.size == len(data)
    # the thumbnail beside it
    assert a.thumbnail_key.startswith(a.key[: -len(".jpg")]) and a.thumbnail_key.endswith(".thumb.jpg")
    with default_storage.open(a.thumbnail_key) as f:
        assert Image.open(f).size == (64, 48)
    assert len(stored_keys()) == 2


def test_a_jpeg_polyglot_loses_what_was_appended(clerk, claim):
    a = attachments.attachment_add(
        record=claim, file=upload("p.jpg", jpeg_with_gps() + zip_bytes()), kind="invoice", user=clerk
    )
    with default_storage.open(a.key) as f:
        assert b"PK\x03\x04" not in f.read()


def test_a_large_photo_gets_a_small_thumbnail(clerk, claim):
    a = attachments.attachment_add(
        record=claim, file=upload("wide.png", png((1200, 600))), kind="invoice", user=clerk
    )
    with default_storage.open(a.thumbnail_key) as f:
        assert Image.open(f).size == (240, 120)
    with default_storage.open(a.key) as f:
        assert Image.open(f).size == (1200, 600)


# --- removal ------------------------------------------------------------------------------


def test_removal_deletes_the_row_and_the_files_and_is_audited(
    clerk, outsider, claim, storage, django_capture_on_commit_callbacks
):
    a = attachments.attachment_add(record=claim, file=upload("p.png", png()), kind="invoice", user=clerk)
    pk = a.pk
    with pytest.raises(ApplicationError, match="您无权修改此记录的附件"):
        attachments.attachment_delete(attachment=a, user=outsider)
    assert len(stored_keys()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_delete(attachment=a, user=clerk)
    assert not Attachment.objects.exists()
    assert stored_keys() == []
    assert AuditEntry.objects.filter(object_id=str(claim.pk), note__contains=f"#{pk}").count() == 2


# --- pages --------------------------------------------------------------------------------


def test_the_claim_page_lists_attachments_and_uploads_several_files_at_once(client, clerk, claim, storage):
    client.force_login(clerk)
    detail = reverse("insurance:claim-detail", args=[claim.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="attachment-form"' in page
    assert 'accept="image/*,application/pdf"' in page and 'capture="environment"' in page
    # when
    r = client.post(
        reverse("attachment-upload", args=["insurance.claim", claim.pk]),
        {
            "kind": "invoice",
            "next": detail,
            "file": [upload("a.pdf", pdf()), upload("b.jpg", jpeg_with_gps())],
        },
    )
    # then
    assert r.status_code == 302 and r["Location"] == detail
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == ["a.pdf", "b.jpg"]
    page = client.get(detail).content.decode()
    photo = Attachment.objects.get(original_name="b.jpg")
    assert reverse("attachment-thumbnail", args=[photo.pk]) in page
    assert page.count('data-testid="attachment"') == 2
    thumb = client.get(reverse("attachment-thumbnail", args=[photo.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert thumb["X-Content-Type-Options"] == "nosniff"
    download = client.get(reverse("attachment-download", args=[photo.pk]))
    assert download.status_code == 200 and download["Content-Disposition"] == 'attachment; filename="b.jpg"'
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert (entry.source, entry.user, f"#{photo.pk}" in entry.note) == (AuditSource.PAGE, clerk, True)


def test_a_refused_page_upload_says_why_and_stores_nothing(client, clerk, claim, storage):
    client.force_login(clerk)
    detail = reverse("insurance:claim-detail", args=[claim.pk])
    r = client.post(
        reverse("attachment-upload", args=["insurance.claim", claim.pk]),
        {"kind": "invoice", "next": detail, "file": [upload("setup.pdf", b"MZ" + b"\x00" * 100)]},
        follow=True,
    )
    assert "只接受 PDF、JPEG 和 PNG 文件" in r.content.decode()
    assert not Attachment.objects.exists() and stored_keys() == []


def test_pages_of_another_county_are_404_and_change_nothing(client, clerk, outsider, claim, storage):
    a = attachments.attachment_add(record=claim, file=upload("a.pdf", pdf()), kind="invoice", user=clerk)
    client.force_login(outsider)
    assert client.get(reverse("attachment-download", args=[a.pk])).status_code == 404
    assert client.get(reverse("attachment-thumbnail", args=[a.pk])).status_code == 404
    assert client.post(reverse("attachment-delete", args=[a.pk]), {"next": "/"}).status_code == 404
    r = client.post(
        reverse("attachment-upload", args=["insurance.claim", claim.pk]),
        {"kind": "invoice", "file": [upload("b.pdf", pdf())]},
    )
    assert r.status_code == 404
    # a model that takes no attachments is no door either
    assert client.post(reverse("attachment-upload", args=["core.user", outsider.pk]), {}).status_code == 404
    assert list(Attachment.objects.values_list("pk", flat=True)) == [a.pk]
    assert len(stored_keys()) == 1
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()


def test_the_page_removes_an_attachment_for_who_may_change_the_record(
    client, clerk, claim, storage, django_capture_on_commit_callbacks
):
    a = attachments.attachment_add(record=claim, file=upload("a.pdf", pdf()), kind="invoice", user=clerk)
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("attachment-delete", args=[a.pk]), {"next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert not Attachment.objects.exists() and stored_keys() == []


# --- the schema ---------------------------------------------------------------------------


def test_the_schema_documents_the_attachment_endpoints():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    claim = paths["/api/v1/insurance/claims/{id}/attachments/"]
    household = paths["/api/v1/hardship/households/{id}/attachments/"]
    assert set(claim) >= {"get", "post"} and set(household) >= {"get", "post"}
    body = claim["post"]["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = schema["components"]["schemas"][ref]["properties"]
    assert props["file"]["format"] == "binary"
    kind = props["kind"]
    enum = kind.get("enum") or schema["components"]["schemas"][kind["$ref"].rsplit("/", 1)[-1]]["enum"]
    assert enum == ["invoice", "discharge_summary"]
    download = paths["/api/v1/attachments/{id}/download/"]["get"]
    assert set(download["responses"]["200"]["content"]) == {"application/pdf", "image/jpeg", "image/png"}
    assert "404" in download["responses"]
