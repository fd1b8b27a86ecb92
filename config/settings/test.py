"""Test settings: the same switches as base (SQLite/eager, or PostgreSQL/Redis when set)."""

import os

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405

# Under pytest-xdist (``-n 2``) each test process has its own database (pytest-django), and here
# its own files, Redis database (cache, broker, results: the worker it starts listens to that
# one only) and bucket prefix, so that no two processes share a fixed name.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    _n = int(XDIST_WORKER.removeprefix("gw") or 0)
    MEDIA_ROOT = MEDIA_ROOT / XDIST_WORKER
    # (a test that starts its own Redis names it, GONGHUI_OWN_REDIS: its URL is taken as is)
    if REDIS_URL and not os.environ.get("GONGHUI_OWN_REDIS"):  # noqa: F405
        _base, _sep, _db = REDIS_URL.rpartition("/")  # noqa: F405
        REDIS_URL = f"{_base}/{(int(_db) if _db.isdigit() else 0) + 1 + _n}"
        CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
        CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
    if S3_BUCKET:  # noqa: F405
        _options = STORAGES["default"]["OPTIONS"]  # noqa: F405
        _options["location"] = "/".join(p for p in (_options.get("location"), XDIST_WORKER) if p)
