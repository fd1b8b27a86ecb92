"""The S3 storage of production (``S3_BUCKET``, config/settings/base.py) with one exception:
the import pipeline's working files (``imports/``: an uploaded sheet and its invalid rows) are
read and written by path (``apps.core.import_jobs``), so they stay on the local file system
under MEDIA_ROOT (a volume the web and worker containers share), as before. Everything else
(attachments, generated reports) goes to the bucket."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

LOCAL_PREFIXES = ("imports/",)


class ObjectStorage(S3Storage):
    """S3 for every file but those under ``LOCAL_PREFIXES``, kept on the file system."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.local = FileSystemStorage()

    @staticmethod
    def _is_local(name: str | None) -> bool:
        return str(name or "").replace("\\", "/").startswith(LOCAL_PREFIXES)

    def save(self, name, content, max_length=None):
        if self._is_local(name):
            return self.local.save(name, content, max_length=max_length)
        return super().save(name, content, max_length=max_length)

    def open(self, name, mode="rb"):
        return self.local.open(name, mode) if self._is_local(name) else super().open(name, mode)

    def delete(self, name):
        return self.local.delete(name) if self._is_local(name) else super().delete(name)

    def exists(self, name):
        return self.local.exists(name) if self._is_local(name) else super().exists(name)

    def size(self, name):
        return self.local.size(name) if self._is_local(name) else super().size(name)

    def path(self, name):
        if self._is_local(name):
            return self.local.path(name)
        return super().path(name)  # NotImplementedError: objects have no local path

    def url(self, name, *args, **kwargs):
        return self.local.url(name) if self._is_local(name) else super().url(name, *args, **kwargs)

    def get_available_name(self, name, max_length=None):
        if self._is_local(name):
            return self.local.get_available_name(name, max_length=max_length)
        return super().get_available_name(name, max_length=max_length)
