"""Attachments in an S3-compatible object store (issue 16, part 2): with S3_BUCKET set, the
default storage is django-storages' S3 one and a stored file is an object of the bucket, read
back here with boto3 itself. The PostgreSQL pass of .ci/run sets S3_BUCKET against moto's
server, so that the whole attachments suite runs on it too; the settings' switch itself is
checked on both passes."""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core import attachments
from apps.core.choices import Role
from apps.core.models import Attachment
from apps.core.tests.attachment_storage import isolated_storage, s3_client, s3_configured, stored_keys
from apps.core.tests.factories import UserFactory, region
from apps.insurance.tests.factories import ClaimFactory, CoverageFactory
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

needs_s3 = pytest.mark.skipif(
    not s3_configured(),
    reason="S3_BUCKET is not set: files go to the file system (the PostgreSQL pass of .ci/run "
    "runs this against moto's S3-compatible server)",
)


@pytest.fixture
def storage(settings, tmp_path):
    yield from isolated_storage(settings, tmp_path)


@pytest.fixture
def claim(db):
    union = GrassrootsUnionFactory(region=region("620102"))
    return ClaimFactory(coverage=CoverageFactory(member=MemberFactory(union=union), union=union))


@needs_s3
@pytest.mark.django_db
def test_an_uploaded_file_is_an_object_of_the_bucket(api_client, claim, storage, settings):
    from storages.backends.s3 import S3Storage

    clerk = UserFactory(username="s3_clerk", role=Role.COUNTY, region=region("620102"))
    # when
    r = api_client(clerk).post(
        reverse("api:insurance-claim-attachments", args=[claim.pk]),
        {"file": SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf"), "kind": "invoice"},
        format="multipart",
    )
    # then: the object is in the bucket, under the generated key, with the checked bytes
    assert r.status_code == 201, r.content
    assert isinstance(default_storage._wrapped, S3Storage)
    a = Attachment.objects.get()
    options = settings.STORAGES["default"]["OPTIONS"]
    obj = s3_client().get_object(Bucket=options["bucket_name"], Key=f"{options['location']}/{a.key}")
    body = obj["Body"].read()
    assert body == PDF and hashlib.sha256(body).hexdigest() == a.sha256
    assert stored_keys() == [a.key]
    assert not (settings.MEDIA_ROOT / a.key).exists()  # nothing on the local disk
    # and the download streams it from the bucket
    download = api_client(clerk).get(reverse("api:attachment-download", args=[a.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


@needs_s3
@pytest.mark.django_db
def test_a_removed_attachment_leaves_the_bucket(claim, storage, settings, django_capture_on_commit_callbacks):
    from botocore.exceptions import ClientError

    clerk = UserFactory(username="s3_clerk2", role=Role.COUNTY, region=region("620102"))
    a = attachments.attachment_add(
        record=claim, file=SimpleUploadedFile("a.pdf", PDF), kind="invoice", user=clerk
    )
    options = settings.STORAGES["default"]["OPTIONS"]
    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_delete(attachment=a, user=clerk)
    with pytest.raises(ClientError, match="NoSuchKey|404"):
        s3_client().head_object(Bucket=options["bucket_name"], Key=f"{options['location']}/{a.key}")
    assert stored_keys() == []


def test_the_settings_choose_s3_only_when_a_bucket_is_named(monkeypatch):
    """Without S3_BUCKET the file system; with it django-storages' S3 backend, private objects
    under the endpoint, keys and region given (MinIO in docker-compose.yml)."""
    import config.settings.base as base

    env = {
        "S3_BUCKET": "evidence",
        "S3_ENDPOINT_URL": "http://minio:9000",
        "S3_ACCESS_KEY_ID": "key",
        "S3_SECRET_ACCESS_KEY": "secret",
        "S3_REGION": "cn-northwest-1",
    }
    try:
        for name in env:
            monkeypatch.delenv(name, raising=False)
        plain = importlib.reload(base).STORAGES["default"]
        assert plain == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        s3 = importlib.reload(base).STORAGES["default"]
        assert s3["BACKEND"] == "apps.core.storage.ObjectStorage"
        options = s3["OPTIONS"]
        assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
            "evidence",
            "http://minio:9000",
            "cn-northwest-1",
        )
        assert (options["access_key"], options["secret_key"]) == ("key", "secret")
        assert options["default_acl"] is None and options["file_overwrite"] is False
    finally:
        monkeypatch.undo()
        importlib.reload(base)  # back to what the process's environment says


@needs_s3
def test_the_import_pipelines_working_files_stay_on_the_local_disk(storage, settings):
    """An import's upload is read by path (apps.core.import_jobs): it stays under MEDIA_ROOT."""
    from django.core.files.base import ContentFile

    name = default_storage.save("imports/job.csv", ContentFile(b"a,b\n"))
    try:
        assert Path(default_storage.path(name)).read_bytes() == b"a,b\n"
        assert Path(default_storage.path(name)).is_relative_to(settings.MEDIA_ROOT)
        assert stored_keys() == []  # nothing in the bucket
    finally:
        default_storage.delete(name)
    assert not default_storage.exists(name)
