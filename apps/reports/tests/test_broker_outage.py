"""A broker outage loses no yearly report (issue 11, item 5).

A request while the broker is down answers 503 and writes nothing; a report whose task was lost
(a broker restarted without persistence, a killed worker) is queued again by a re-request or by
the requeue beat job. The unit tests simulate the refusing broker by making the task's publish
raise; the last test stops a private Redis under a real request and brings a worker up later.
"""

import contextlib
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from apps.core.models import AuditEntry
from apps.core.tests.factories import region
from apps.reports import indicators, services, tasks
from apps.reports.choices import ReportStatus
from apps.reports.models import YearlyReport

from .conftest import ORG_AND_FAKE, _build_data
from .factories import YearlyReportFactory

LIST = "/api/v1/reports/yearly/"
UNAVAILABLE = "报告生成队列暂时不可用，本次申请未被记录，请几分钟后再试。"


@pytest.fixture
def broker_down(monkeypatch):
    """A real broker (not eager) that refuses every message, as kombu does when Redis is down."""
    from config.celery import app

    app.conf.task_always_eager = False  # the reports conftest restores it

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.yearly_report_generate_task, "apply_async", refuse)


def _ago(**kwargs) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


def _pending(code: str, *, queued: dt.datetime) -> YearlyReport:
    report, _ = services.report_get_or_create(year=2024, region=region(code))
    YearlyReport.objects.filter(pk=report.pk).update(enqueued_at=queued)
    return report


def _running(code: str, *, started: dt.datetime) -> YearlyReport:
    report, _ = services.report_get_or_create(year=2024, region=region(code))
    YearlyReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, progress=40, enqueued_at=started, started_at=started
    )
    return report


# -- the request while the broker is down: 503, nothing written -----------------------------


def test_post_with_the_broker_down_answers_503_json_and_writes_nothing(
    db, province_user, api_client, broker_down
):
    audit_before = AuditEntry.objects.count()
    resp = api_client(province_user).post(LIST, {"year": 2024, "region": "620100"}, format="json")
    assert resp.status_code == 503
    assert resp["Content-Type"] == "application/json"
    assert resp["Retry-After"] == "60"
    assert resp.json() == {"message": UNAVAILABLE, "extra": {}}
    assert YearlyReport.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_regenerating_with_the_broker_down_leaves_the_report_as_it_was(
    db, province_user, api_client, broker_down
):
    report = YearlyReportFactory(region=region("620100"))
    before = YearlyReport.objects.filter(pk=report.pk).values().get()
    resp = api_client(province_user).post(LIST, {"year": 2024, "region": "620100"}, format="json")
    assert resp.status_code == 503
    assert resp.json() == {"message": UNAVAILABLE, "extra": {}}
    assert YearlyReport.objects.filter(pk=report.pk).values().get() == before
    assert before["status"] == ReportStatus.DONE


def test_request_page_with_the_broker_down_shows_the_message_and_writes_nothing(
    db, client, county_user, broker_down
):
    client.force_login(county_user)
    resp = client.post(reverse("reports:report-request"), {"year": 2024, "region": "620102"})
    assert resp.status_code == 302
    assert resp["Location"] == reverse("reports:report-list")
    assert [str(m) for m in get_messages(resp.wsgi_request)] == [UNAVAILABLE]
    assert YearlyReport.objects.count() == 0


def test_the_schema_documents_the_503():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    responses = schema["paths"][LIST]["post"]["responses"]
    assert sorted(responses) == ["202", "400", "401", "403", "404", "503"]
    assert responses["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


# -- a re-request of a report whose task was lost queues it again ---------------------------


def test_re_request_of_a_stale_pending_report_queues_it_again(
    data, province_user, django_capture_on_commit_callbacks
):
    # given a report queued 6 minutes ago whose message was lost
    report = _pending("620100", queued=_ago(minutes=6))
    # when it is requested again
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.report_request(year=2024, region=region("620100"), user=province_user)
    # then it was queued and generated
    assert len(callbacks) == 1
    report.refresh_from_db()
    assert (report.status, report.attempts, report.requested_by) == (ReportStatus.DONE, 1, province_user)
    assert report.enqueued_at > _ago(minutes=1)


def test_re_request_of_a_recently_queued_pending_report_queues_nothing(
    data, province_user, django_capture_on_commit_callbacks
):
    report = _pending("620100", queued=_ago(minutes=4))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.report_request(year=2024, region=region("620100"), user=province_user)
    assert callbacks == []
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.PENDING, 0)


def test_re_request_of_a_report_running_past_the_time_limit_queues_it_again(
    data, django_capture_on_commit_callbacks
):
    limit = django_settings.REPORTS_TASK_TIME_LIMIT
    stale = _running("620100", started=_ago(seconds=limit + 60))
    busy = _running("620102", started=_ago(seconds=limit - 60))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.report_request(year=2024, region=region("620100"))
        services.report_request(year=2024, region=region("620102"))
    assert len(callbacks) == 1
    stale.refresh_from_db()
    busy.refresh_from_db()
    assert (stale.status, stale.progress, stale.attempts) == (ReportStatus.DONE, 100, 1)
    assert (busy.status, busy.progress, busy.attempts) == (ReportStatus.RUNNING, 40, 0)


# -- the requeue beat job -------------------------------------------------------------------


def test_beat_queues_lost_reports_again_every_minute():
    entry = django_settings.CELERY_BEAT_SCHEDULE["reports-requeue-stale"]
    assert entry["task"] == "apps.reports.tasks.yearly_reports_requeue_task"
    assert entry["schedule"].minute == set(range(60))
    assert django_settings.REPORTS_REQUEUE_AFTER_MINUTES == 5


def test_requeue_task_queues_old_pending_and_stale_running_reports_and_not_fresh_ones(
    data, django_capture_on_commit_callbacks
):
    # given reports pending or running for a long and a short time, and one never queued
    limit = django_settings.REPORTS_TASK_TIME_LIMIT
    old_pending = _pending("620100", queued=_ago(minutes=6))
    fresh_pending = _pending("620102", queued=_ago(minutes=4))
    stale_running = _running("620103", started=_ago(seconds=limit + 60))
    fresh_running = _running("623001", started=_ago(seconds=limit - 60))
    never_queued, _ = services.report_get_or_create(year=2023, region=region("620100"))
    YearlyReport.objects.filter(pk=never_queued.pk).update(requested_at=_ago(minutes=6))
    # when the beat job runs
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = tasks.yearly_reports_requeue_task()
    # then the lost ones are queued again, once
    assert queued == sorted([old_pending.pk, stale_running.pk, never_queued.pk])
    assert len(callbacks) == 3
    states = dict(YearlyReport.objects.values_list("pk", "status"))
    assert states == {
        old_pending.pk: ReportStatus.PENDING,
        fresh_pending.pk: ReportStatus.PENDING,
        stale_running.pk: ReportStatus.PENDING,
        fresh_running.pk: ReportStatus.RUNNING,
        never_queued.pk: ReportStatus.PENDING,
    }
    # and a second run finds nothing to do: they were queued just now
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert tasks.yearly_reports_requeue_task() == []
    assert again == []
    # and the queued tasks generate them
    for callback in callbacks:
        callback()
    states = dict(YearlyReport.objects.values_list("pk", "status"))
    assert states == {
        old_pending.pk: ReportStatus.DONE,
        fresh_pending.pk: ReportStatus.PENDING,
        stale_running.pk: ReportStatus.DONE,
        fresh_running.pk: ReportStatus.RUNNING,
        never_queued.pk: ReportStatus.DONE,
    }


def test_requeue_with_the_broker_down_changes_nothing(data, broker_down):
    first = _pending("620100", queued=_ago(minutes=6))
    second = _pending("620102", queued=_ago(minutes=7))
    before = list(YearlyReport.objects.order_by("pk").values())
    assert tasks.yearly_reports_requeue_task() == []
    assert list(YearlyReport.objects.order_by("pk").values()) == before
    assert set(YearlyReport.objects.stale().values_list("pk", flat=True)) == {first.pk, second.pk}


# -- a real Redis that goes away, and a real worker ------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    """A private Redis that keeps nothing across a restart (like a broker without persistence)."""
    import redis

    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)

    def answers() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"redis-server on port {port} exited at start")
        try:
            return bool(client.ping())
        except redis.exceptions.ConnectionError:
            return False

    _wait(answers, 10, f"redis-server on port {port}")
    return proc


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _start_worker(broker_url: str) -> subprocess.Popen:
    db = django_settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=broker_url,
        GONGHUI_OWN_REDIS="1",  # not shifted to the test process's database (settings/test.py)
        REPORTS_INDICATOR_SOURCES=",".join(ORG_AND_FAKE),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]
        + ["-n", f"outage-{os.getpid()}@%h"],
        cwd=django_settings.BASE_DIR,
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


def _forget_broker_pools(app) -> None:
    # Celery takes its connection and producer pools for the broker URL on first use and keeps
    # them: forget them so that the next publish takes the pools of the URL now configured.
    # Not closed: kombu keeps one pool per URL and hands the same one back when the URL is
    # restored (a closed one would refuse every later publish of the session).
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def _broker(url: str):
    """Publish this process's tasks to ``url`` for a while (the session's worker stays on its own)."""
    from config.celery import app

    previous = app.conf.broker_url
    _forget_broker_pools(app)
    app.conf.broker_url = url
    try:
        yield
    finally:
        _forget_broker_pools(app)
        app.conf.broker_url = previous


@pytest.mark.worker
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a shared PostgreSQL database")
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server to run a private broker")
@pytest.mark.django_db(transaction=True)
def test_a_redis_outage_answers_503_and_loses_no_report(province_user, api_client):
    from config.celery import app

    app.conf.task_always_eager = False  # through the broker (the reports conftest restores it)
    _build_data()
    client = api_client(province_user)
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis_proc = worker = None
    try:
        redis_proc = _start_redis(port)
        with _broker(url):
            # given a report queued on a broker that keeps nothing, and the broker going away
            resp = client.post(LIST, {"year": 2024, "region": "620100"}, format="json")
            assert resp.status_code == 202
            lost = resp.json()["id"]
            _stop(redis_proc)
            # when a report is requested during the outage
            started = time.monotonic()
            resp = client.post(LIST, {"year": 2024, "region": "620102"}, format="json")
            # then it is refused, quickly, and nothing is written
            assert resp.status_code == 503
            assert resp.json() == {"message": UNAVAILABLE, "extra": {}}
            assert time.monotonic() - started < 10
            assert list(YearlyReport.objects.values_list("pk", "status")) == [(lost, ReportStatus.PENDING)]

            # when the broker is back (empty), the beat job runs after a while, the refused
            # report is requested again and a worker comes up
            redis_proc = _start_redis(port)
            YearlyReport.objects.filter(pk=lost).update(enqueued_at=_ago(minutes=6))
            assert tasks.yearly_reports_requeue_task() == [lost]
            resp = client.post(LIST, {"year": 2024, "region": "620102"}, format="json")
            assert resp.status_code == 202
            refused = resp.json()["id"]
            worker = _start_worker(url)
            # then both reports are generated
            _wait(
                lambda: YearlyReport.objects.filter(status=ReportStatus.DONE).count() == 2,
                40,
                "the worker to generate both reports",
            )
    finally:
        _stop(worker)
        _stop(redis_proc)
    reports = {r.pk: r for r in YearlyReport.objects.select_related("region")}
    assert sorted(reports) == sorted([lost, refused])
    for report in reports.values():
        assert (report.status, report.progress, report.attempts) == (ReportStatus.DONE, 100, 1)
        assert report.snapshot == indicators.build_report(year=2024, region=report.region)
