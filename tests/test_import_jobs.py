"""Browser imports as jobs (issue 11.6): the upload is stored, its check and its import run as a
task with progress, the page polls a JSON status; a job is seen only by its owner."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from apps.core import import_jobs
from apps.core.import_jobs import import_job_run, import_jobs_delete_old, job_error_message
from apps.core.models import AuditEntry, ImportJob, ImportJobStatus, ImportJobStep
from apps.core.tests.factories import make_resident_id, region
from apps.unions.models import GrassrootsUnion, Member

HEADERS = ["姓名", "身份证号", "工会编码", "户籍类型", "入会日期", "入会方式"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files in a temporary folder; tasks run in the test's own transaction (eagerly) even
    when REDIS_URL is set (tests/test_import_worker.py uses a real worker)."""
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def union(db):
    return GrassrootsUnion.objects.create(
        code="GH1", name="城关工会", kind="enterprise", region=region("620102"), founded_on="2010-01-01"
    )


def upload(n=2, bad=0):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADERS)
    start = dt.date(1980, 1, 1)
    for i in range(n):
        rid = make_resident_id(birth=start + dt.timedelta(days=i))
        w.writerow([f"会员{i}", rid, "GH1", "城镇", "2024-01-02", "线下"])
    for _ in range(bad):
        w.writerow(["坏行", "12345", "GH1", "城镇", "2024-01-02", "线下"])
    return SimpleUploadedFile("会员.csv", buf.getvalue().encode("utf-8-sig"), content_type="text/csv")


@pytest.fixture
def pending_job(client, county_user, union, django_capture_on_commit_callbacks):
    """A job whose check is queued but has not run (its task is held back)."""
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resp = client.post(reverse("import-start"), {"resource": "members", "file": upload(bad=1)})
    assert resp.status_code == 302
    job = ImportJob.objects.get()
    assert resp.url == reverse("import-start") + f"?job={job.pk}"
    return job, callbacks


def test_the_job_page_shows_progress_until_the_check_is_done(client, pending_job):
    job, callbacks = pending_job
    assert (job.step, job.status, job.source, job.filename) == ("preview", "pending", "page", "会员.csv")
    assert job.file.name == f"imports/{job.pk.hex}.csv"
    page = client.get(reverse("import-start"), {"job": job.pk})
    assert page.templates[0].name == "core/import_progress.html"
    html = page.content.decode()
    status_url = reverse("import-job-status", args=[job.pk])
    assert f'data-status-url="{status_url}"' in html and "js/import_job.js" in html
    assert "<script>" not in html  # no inline script (Content-Security-Policy)
    assert client.get(status_url).json() == {
        "step": "preview",
        "status": "pending",
        "finished": False,
        "done": 0,
        "total": None,
    }
    for callback in callbacks:  # the worker runs the check
        callback()
    assert client.get(status_url).json() == {
        "step": "preview",
        "status": "done",
        "finished": True,
        "done": 3,
        "total": 3,
    }
    page = client.get(reverse("import-start"), {"job": job.pk})
    assert page.templates[0].name == "core/import_preview.html"
    result = page.context["result"]
    assert (result.total, result.created, result.invalid) == (3, 2, 1)
    assert Member.objects.count() == 0


def test_progress_while_running_comes_from_the_task(client, pending_job):
    job, _callbacks = pending_job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING)
    from django.core.cache import cache

    cache.set(f"import-job:{job.pk}:progress", (2000, 5000))
    state = client.get(reverse("import-job-status", args=[job.pk])).json()
    assert (state["status"], state["done"], state["total"]) == ("running", 2000, 5000)
    page = client.get(reverse("import-start"), {"job": job.pk}).content.decode()
    assert '<progress max="5000" value="2000">' in page


def test_confirm_runs_the_import_as_a_job_and_cannot_be_replayed(
    client, pending_job, django_capture_on_commit_callbacks
):
    job, callbacks = pending_job
    for callback in callbacks:
        callback()
    confirm = reverse("import-confirm", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        resp = client.post(confirm, {"skip_invalid": "on"})
    assert resp.url == reverse("import-start") + f"?job={job.pk}"
    job.refresh_from_db()
    assert (job.step, job.status, job.skip_invalid) == ("import", "pending", True)
    assert client.get(resp.url).context["title"] == "正在导入"
    assert client.post(confirm).status_code == 404  # no second import
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.file.name) == ("done", 3, "")  # the upload is deleted
    page = client.get(resp.url)
    assert page.templates[0].name == "core/import_done.html"
    assert page.context["result"].written and Member.objects.count() == 2
    download = client.get(page.context["error_file_url"])
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].endswith(",错误") and "12345" in text


def test_a_job_is_a_404_for_anyone_but_its_owner(client, pending_job, other_county_user, admin_user):
    job, callbacks = pending_job
    for callback in callbacks:
        callback()
    for user in (other_county_user, admin_user):
        client.force_login(user)
        assert client.get(reverse("import-start"), {"job": job.pk}).status_code == 404
        assert client.get(reverse("import-job-status", args=[job.pk])).status_code == 404
        assert client.get(reverse("import-job-errors", args=[job.pk])).status_code == 404
        assert client.post(reverse("import-confirm", args=[job.pk])).status_code == 404
        admin_door = client.get(reverse("admin:unions_member_import"), {"job": job.pk})
        assert admin_door.status_code == (404 if user.is_staff else 302)  # the admin: staff only
    job.refresh_from_db()
    assert (job.step, job.status) == ("preview", "done")  # nothing changed
    assert Member.objects.count() == 0
    client.logout()
    resp = client.get(reverse("import-job-status", args=[job.pk]))
    assert resp.status_code == 302 and "login" in resp.url


def test_an_unknown_job_id_is_a_404(client, county_user):
    client.force_login(county_user)
    assert client.get(reverse("import-start"), {"job": "not-a-uuid"}).status_code == 404
    assert client.post(reverse("import-confirm", args=["not-a-uuid"])).status_code == 404


def test_an_upload_over_the_limit_is_refused_before_it_is_stored(
    settings, client, county_user, union, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(county_user)
    big = SimpleUploadedFile("会员.csv", b"x" * (1024 * 1024 + 10))
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("import-start"), {"resource": "members", "file": big})
    assert resp.status_code == 200
    assert resp.context["errors"] == [
        "文件有 1.0 MB，超过上限 1 MB，未导入任何数据；请拆分成多个文件后分别导入"
    ]
    # far over the limit: refused from the Content-Length, before the body is read
    huge = SimpleUploadedFile("会员.csv", b"x" * (3 * 1024 * 1024))
    resp = client.post(reverse("import-start"), {"resource": "members", "file": huge})
    assert resp.context["errors"] == ["请上传不超过 1 MB 的 .xlsx 或 .csv 文件。"]
    assert ImportJob.objects.count() == 0 and Member.objects.count() == 0
    assert not (tmp_path / "imports").exists() or not any((tmp_path / "imports").iterdir())
    # the browser checks the size first, with the same message
    html = client.get(reverse("import-start")).content.decode()
    assert f'data-max-bytes="{1024 * 1024}"' in html and "js/import_job.js" in html
    assert "请上传不超过 1 MB 的 .xlsx 或 .csv 文件。" in html


def test_a_limit_found_by_the_check_is_shown_on_the_start_page(
    settings, client, county_user, union, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_ROWS = 2
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("import-start"), {"resource": "members", "file": upload(3)})
    page = client.get(resp.url)
    assert page.templates[0].name == "core/import_start.html"
    assert page.context["errors"] == ["文件的数据超过 2 行的上限，未导入任何数据；请拆分成多个文件后分别导入"]
    job = ImportJob.objects.get()
    assert (job.status, job.file.name) == ("failed", "")  # the stored upload is gone
    assert Member.objects.count() == 0


def test_running_a_finished_step_again_changes_nothing(
    client, pending_job, django_capture_on_commit_callbacks
):
    job, callbacks = pending_job
    for callback in callbacks:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import-confirm", args=[job.pk]), {"skip_invalid": "on"})
    entries = AuditEntry.objects.count()
    again = import_job_run(job_id=str(job.pk))  # a redelivered task
    assert again.status == "done" and again.attempts == 1
    assert Member.objects.count() == 2 and AuditEntry.objects.count() == entries


def test_the_time_limit_fails_the_job_and_writes_nothing(client, pending_job, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    job, callbacks = pending_job
    for callback in callbacks:
        callback()
    ImportJob.objects.filter(pk=job.pk).update(step=ImportJobStep.IMPORT, status=ImportJobStatus.PENDING)
    real = import_jobs.run_import

    def slow(*args, **kwargs):
        real(*args, **kwargs)  # the rows are written, then the limit strikes before commit
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(import_jobs, "run_import", slow)
    job = import_job_run(job_id=str(job.pk))
    assert job.status == "failed"
    assert job.error == import_jobs.OVER_TIME_LIMIT  # the msgid: shown in the reader's language
    with translation.override("zh-hans"):
        assert (
            job_error_message(job) == "导入超过 60 分钟的时间上限，未写入任何数据；请拆分成多个文件后分别导入"
        )
    with translation.override("en"):
        assert job_error_message(job).startswith("The import went over its time limit of 60 minutes")
    assert Member.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_a_step_whose_worker_keeps_dying_is_given_up(pending_job):
    job, _callbacks = pending_job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, attempts=3)
    job = import_job_run(job_id=str(job.pk))
    assert job.status == "failed" and job.error == import_jobs.TOO_MANY_ATTEMPTS
    with translation.override("zh-hans"):
        assert "已尝试 3 次" in job_error_message(job)


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("en", "The import was tried 3 times without finishing", "已尝试"),
        ("zh-hans", "导入已尝试 3 次仍未完成", "The import was tried"),
    ],
)
def test_a_failed_job_says_why_in_the_reader_s_language(client, pending_job, language, shown, hidden):
    # given: a job given up by the worker, its reason stored once (as the msgid)
    job, _callbacks = pending_job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, attempts=3)
    import_job_run(job_id=str(job.pk))
    # when: its owner opens it in either language
    client.cookies["django_language"] = language
    html = client.get(reverse("import-start"), {"job": job.pk}).content.decode()
    translation.deactivate()
    # then
    assert shown in html and hidden not in html


def test_a_stored_text_that_is_no_msgid_is_shown_as_it_is(pending_job):
    job, _callbacks = pending_job
    job.error = "第 3 行：工会编码“X”不存在"  # e.g. an older job's message, or the pipeline's own
    with translation.override("en"):
        assert job_error_message(job) == "第 3 行：工会编码“X”不存在"


def test_old_jobs_are_deleted_with_their_files(pending_job):
    job, _callbacks = pending_job
    path = job.file.path
    assert import_jobs_delete_old() == 0
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    assert import_jobs_delete_old() == 1
    assert not ImportJob.objects.exists()
    import os

    assert not os.path.exists(path)


def test_the_admin_door_shows_the_job_in_the_admin(
    client, admin_user, union, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=False):
        resp = client.post(reverse("admin:unions_member_import"), {"resource": "members", "file": upload()})
    job = ImportJob.objects.get()
    assert job.source == "admin"
    assert resp.url == reverse("admin:unions_member_import") + f"?job={job.pk}"
    page = client.get(resp.url)
    assert page.templates[0].name == "admin/core/import_progress.html"
