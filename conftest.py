"""Shared fixtures: users of each role in known regions, API clients, a real Celery worker."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from apps.core.choices import Role
from apps.core.testing import ensure_regions
from apps.core.tests.factories import UserFactory, region

OWN_COUNTY = "620102"  # 城关区, Lanzhou
OTHER_COUNTY = "620103"  # 七里河区, Lanzhou
FAR_COUNTY = "623001"  # 合作市, Gannan


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (zh-hans). A page requested in English through
    the test client leaves English active in the thread (the locale middleware activates a
    language and nothing deactivates it), so the next test on the same worker read English
    messages where it expected Chinese, depending on how the tests were spread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _regions_in_transactional_tests(request):
    """Regions come from a data migration, which a transactional test's flush wipes out.
    (serialized_rollback would restore them but clashes with the content types that the
    flush's post_migrate recreates.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if transactional or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        ensure_regions()


@pytest.fixture
def county_user(db):
    return UserFactory(username="county_cg", role=Role.COUNTY, region=region(OWN_COUNTY))


@pytest.fixture
def other_county_user(db):
    return UserFactory(username="county_qlh", role=Role.COUNTY, region=region(OTHER_COUNTY))


@pytest.fixture
def prefecture_user(db):
    return UserFactory(username="pref_lz", role=Role.PREFECTURE, region=region("620100"))


@pytest.fixture
def province_user(db):
    return UserFactory(username="province", role=Role.PROVINCE, region=region("620000"))


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, region=region("620000"))


def _client(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def api_client():
    return _client


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def chromium(monkeypatch):
    """A headless Chromium (Playwright) for the browser tests; each test opens its own contexts.
    Skips where Playwright is not installed."""
    pytest.importorskip("playwright")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real worker process on the test database when REDIS_URL is set; None when eager."""
    from django.conf import settings

    if not settings.REDIS_URL:
        yield None
        return
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    root = Path(__file__).resolve().parent
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--purge",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from config.celery import app

    deadline = time.time() + 60
    while time.time() < deadline:
        if app.control.ping(timeout=1):
            break
        if proc.poll() is not None:
            pytest.fail("the Celery worker exited at start")
    else:
        proc.kill()
        pytest.fail("the Celery worker did not answer within 60 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (dev.py test), the browser tests run in one process, one Chromium at a
    time, and the tests of a real worker in another: two of either at once only compete for the
    machine's cores."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif item.get_closest_marker("worker") or "celery_worker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("worker"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say which tests were skipped for want of something on this machine, and how to get it:
    a fresh machine without Chromium or a worker must not pass quietly with fewer tests."""
    skipped = terminalreporter.stats.get("skipped", [])
    reasons: dict[str, int] = {}
    for report in skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    if not reasons:
        return
    hints = {
        "Chromium is not installed": "apt-get install chromium fonts-noto-cjk (then run the tests again)",
        "Redis": "start Redis and set REDIS_URL (see README: `.ci/run` does both)",
        "PostgreSQL": "set DATABASE_URL to a PostgreSQL database (see README)",
    }
    terminalreporter.section("skipped for want of something on this machine")
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        hint = next((h for key, h in hints.items() if key.lower() in reason.lower()), "")
        terminalreporter.write_line(f"{count:4d} × {reason}" + (f"  →  {hint}" if hint else ""))
