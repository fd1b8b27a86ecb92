"""Attachments in tests, on whichever storage the settings chose: the file system under a
temporary MEDIA_ROOT on the embedded default, or a prefix of its own in the S3 bucket when
S3_BUCKET is set (the PostgreSQL pass of .ci/run, against moto's server). Each test sees an
empty storage, so that "nothing was stored" can be checked, and leaves nothing behind.

``evidence`` writes an attachment row without a file, for the tests of rules that only ask
whether a record has evidence of a kind (an invoice, a visit photo)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models

from apps.core.models import Attachment

S3_BACKEND = "apps.core.storage.ObjectStorage"


def s3_configured() -> bool:
    """Whether the default storage is the S3 one (S3_BUCKET was set)."""
    return django_settings.STORAGES["default"]["BACKEND"] == S3_BACKEND


def s3_client() -> Any:
    """A boto3 client for the configured S3 server, with the settings' credentials."""
    import boto3

    options = django_settings.STORAGES["default"]["OPTIONS"]
    return boto3.client(
        "s3",
        endpoint_url=options.get("endpoint_url"),
        aws_access_key_id=options.get("access_key"),
        aws_secret_access_key=options.get("secret_key"),
        region_name=options.get("region_name") or "us-east-1",
    )


@cache
def ensure_bucket() -> str:
    """Create the bucket when the server does not have it yet (a fresh moto server)."""
    bucket = django_settings.STORAGES["default"]["OPTIONS"]["bucket_name"]
    client = s3_client()
    names = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if bucket not in names:
        client.create_bucket(Bucket=bucket)
    return bucket


def isolated_storage(settings: Any, tmp_path: Path) -> Iterator[str]:
    """Give the test a storage of its own (a folder, or a prefix in the bucket) and empty it
    afterwards; yields where the files go (the folder, or ``s3://bucket/prefix``)."""
    if not s3_configured():
        settings.MEDIA_ROOT = tmp_path / "media"
        yield str(settings.MEDIA_ROOT)
        return
    bucket = ensure_bucket()
    default = settings.STORAGES["default"]
    prefix = f"tests/{uuid.uuid4().hex}"
    # a changed STORAGES setting resets default_storage (Django's setting_changed receiver)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**default, "OPTIONS": {**default["OPTIONS"], "location": prefix}},
    }
    try:
        yield f"s3://{bucket}/{prefix}"
    finally:
        for key in stored_keys():
            default_storage.delete(key)


def stored_keys(path: str = "") -> list[str]:
    """Every file in the default storage (under ``path``), as sorted storage keys."""
    try:
        dirs, files = default_storage.listdir(path)
    except FileNotFoundError:
        return []
    keys = [f"{path}/{name}" if path else name for name in files]
    for name in dirs:
        keys.extend(stored_keys(f"{path}/{name}" if path else name))
    return sorted(keys)


def evidence(record: models.Model, kind: str, *, name: str = "evidence.pdf") -> Attachment:
    """An attachment row of ``kind`` on the record, with no file behind it: for rules that ask
    only whether the evidence is on file."""
    key = f"attachments/test/{uuid.uuid4().hex}.pdf"
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(record, for_concrete_model=True),
        object_id=str(record.pk),
        kind=kind,
        original_name=name,
        key=key,
        mime_type="application/pdf",
        size=1,
        sha256=hashlib.sha256(key.encode()).hexdigest(),
    )


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class RecordAttachmentsContract:
    """The evidence of one kind of record through the API and on its page, scoped like the
    record (a collective contract's signed contract, an honour's certificate...). A test class
    sets the names below and ``make_record``; the rules of the files themselves are tested once,
    in apps/core/tests/test_attachments.py."""

    kind: str  # the one kind the record takes
    kind_label: str  # its Chinese label
    api_basename: str  # "contract": api:contract-attachments
    detail_route: str  # "unions:contract-detail"
    model_label: str  # "unions.collectivecontract"
    file_name: str  # the uploaded file's name

    def make_record(self) -> models.Model:  # pragma: no cover - each test class says
        raise NotImplementedError

    @pytest.fixture(autouse=True)
    def storage(self, settings, tmp_path):
        settings.LANGUAGE_CODE = "zh-hans"
        yield from isolated_storage(settings, tmp_path)

    @pytest.fixture
    def record(self, db):
        return self.make_record()

    def upload(self, name: str = "") -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile(name or self.file_name, PDF, content_type="application/pdf")

    def test_the_file_through_the_api_and_its_download(self, api_client, county_user, record):
        from django.urls import reverse

        url = reverse(f"api:{self.api_basename}-attachments", args=[record.pk])
        r = api_client(county_user).post(url, {"file": self.upload(), "kind": self.kind}, format="multipart")
        assert r.status_code == 201, r.content
        a = Attachment.objects.get()
        assert (a.kind, a.original_name, a.content_type.model, a.object_id) == (
            self.kind,
            self.file_name,
            self.model_label.split(".")[1],
            str(record.pk),
        )
        assert stored_keys() == [a.key]
        assert r.json()["kind_label"] == self.kind_label
        assert [row["id"] for row in api_client(county_user).get(url).json()["results"]] == [a.pk]
        download = api_client(county_user).get(r.json()["download"])
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    def test_only_its_kind_is_taken(self, api_client, county_user, record):
        from django.urls import reverse

        url = reverse(f"api:{self.api_basename}-attachments", args=[record.pk])
        r = api_client(county_user).post(url, {"file": self.upload(), "kind": "invoice"}, format="multipart")
        assert r.status_code == 400
        assert "kind" in r.json()["extra"]["fields"]
        assert not Attachment.objects.exists() and stored_keys() == []

    def test_another_county_gets_404_and_nothing_is_stored(self, api_client, other_county_user, record):
        from django.urls import reverse

        url = reverse(f"api:{self.api_basename}-attachments", args=[record.pk])
        client = api_client(other_county_user)
        assert client.get(url).status_code == 404
        r = client.post(url, {"file": self.upload(), "kind": self.kind}, format="multipart")
        assert r.status_code == 404
        assert not Attachment.objects.exists() and stored_keys() == []

    def test_the_page_has_the_panel_and_takes_the_scan(self, client, county_user, other_county_user, record):
        from django.urls import reverse

        client.force_login(county_user)
        detail = reverse(self.detail_route, args=[record.pk])
        page = client.get(detail).content.decode()
        assert 'data-testid="attachment-form"' in page and f'value="{self.kind}"' in page
        upload_url = reverse("attachment-upload", args=[self.model_label, record.pk])
        files = [self.upload("第1页.pdf"), self.upload("第2页.pdf")]
        r = client.post(upload_url, {"kind": self.kind, "next": detail, "file": files})
        assert r.status_code == 302 and r["Location"] == detail
        assert sorted(Attachment.objects.values_list("original_name", flat=True)) == [
            "第1页.pdf",
            "第2页.pdf",
        ]
        assert client.get(detail).content.decode().count('data-testid="attachment"') == 2
        # another county neither sees the page nor uploads
        client.force_login(other_county_user)
        assert client.get(detail).status_code == 404
        r = client.post(upload_url, {"kind": self.kind, "file": [self.upload()]})
        assert r.status_code == 404
        assert Attachment.objects.count() == 2
