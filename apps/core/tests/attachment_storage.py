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
