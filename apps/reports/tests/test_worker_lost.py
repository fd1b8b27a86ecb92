"""Killing the worker in the middle of a report ends, after redelivery, with one complete and
correct report. A real worker on Redis and PostgreSQL, on a queue of its own (the session's
worker from conftest is left alone)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from apps.core.testing import ensure_regions
from apps.core.tests.factories import region
from apps.reports import indicators
from apps.reports.choices import ReportStatus
from apps.reports.models import YearlyReport
from apps.reports.services import report_get_or_create
from apps.reports.tasks import yearly_report_generate_task

SOURCES = ["apps.unions.selectors.org_indicators", "apps.reports.tests.fake_sources.slow_indicators"]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the worker needs a shared PostgreSQL database"
    ),
    pytest.mark.django_db(transaction=True),
]


def _start_worker(queue: str, name: str) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REPORTS_INDICATOR_SOURCES=",".join(SOURCES),
        CELERY_BROKER_VISIBILITY_TIMEOUT="3",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue]
        + [
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "WARNING",
            "-n",
            f"{name}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_killing_the_worker_mid_report_ends_with_one_complete_report(settings):
    from config.celery import app

    app.conf.task_always_eager = False  # through the broker (the autouse fixture restores it)
    settings.REPORTS_INDICATOR_SOURCES = SOURCES
    ensure_regions()
    from apps.reports.tests.conftest import _build_data

    _build_data()
    province = region("620000")
    report, _ = report_get_or_create(year=2024, region=province)
    queue = f"reports-worker-lost-{os.getpid()}"
    workers = [_start_worker(queue, f"lost-a-{os.getpid()}")]
    try:
        yearly_report_generate_task.apply_async(args=[report.pk], queue=queue)
        # kill -9 once the report is under way (a few regions computed, far from done)
        _wait(
            lambda: YearlyReport.objects.filter(
                pk=report.pk, status=ReportStatus.RUNNING, progress__gt=0
            ).exists(),
            90,
            "the first worker to start the report",
        )
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        halfway = YearlyReport.objects.get(pk=report.pk)
        assert halfway.status == ReportStatus.RUNNING
        assert 0 < halfway.progress < 100
        assert halfway.snapshot is None

        workers.append(_start_worker(queue, f"lost-b-{os.getpid()}"))
        done = _wait(
            lambda: YearlyReport.objects.filter(pk=report.pk, status=ReportStatus.DONE).first(),
            180,
            "the redelivered task to finish the report",
        )
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
    assert YearlyReport.objects.count() == 1
    assert done.attempts == 2
    assert done.progress == 100
    assert done.snapshot == indicators.build_report(year=2024, region=province)
    assert done.xlsx_file.name == "reports/2024/620000/gonghui-yearly-2024-620000.xlsx"
