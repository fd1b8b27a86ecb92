"""A browser import job through a real Celery worker on Redis and PostgreSQL: the check and the
confirmed import both run in the worker process, and the page's JSON status follows them."""

import csv
import datetime as dt
import io
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from apps.core.choices import AuditSource, Role
from apps.core.models import AuditEntry, ImportJob
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.unions.models import GrassrootsUnion, Member

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the worker needs a shared PostgreSQL database"
    ),
    pytest.mark.django_db(transaction=True),
]

HEADERS = ["姓名", "身份证号", "工会编码", "户籍类型", "入会日期", "入会方式"]


def _wait_until_finished(client, job: ImportJob, timeout: float = 90) -> dict:
    status_url = reverse("import-job-status", args=[job.pk])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(status_url).json()
        if state["finished"]:
            return state
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish the job's {job.step} step within {timeout} s")


def test_an_import_job_is_checked_and_imported_by_the_worker(celery_worker, client):
    from config.celery import app

    assert celery_worker is not None and not app.conf.task_always_eager
    GrassrootsUnion.objects.create(
        code="GHW", name="城关工会", kind="enterprise", region=region("620102"), founded_on="2010-01-01"
    )
    user = UserFactory(username="county_worker", role=Role.COUNTY, region=region("620102"))
    client.force_login(user)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADERS)
    ids = [make_resident_id(birth=dt.date(1985, 1, 1) + dt.timedelta(days=i)) for i in range(3)]
    for i, rid in enumerate(ids):
        w.writerow([f"会员{i}", rid, "GHW", "城镇", "2024-01-02", "线下"])
    upload = SimpleUploadedFile("会员.csv", buf.getvalue().encode("gb18030"))
    job = None
    try:
        resp = client.post(reverse("import-start"), {"resource": "members", "file": upload})
        job = ImportJob.objects.get(user=user)
        assert resp.url == reverse("import-start") + f"?job={job.pk}"

        state = _wait_until_finished(client, job)
        assert (state["step"], state["status"], state["done"], state["total"]) == ("preview", "done", 3, 3)
        page = client.get(resp.url)
        assert page.context["result"].created == 3 and Member.objects.count() == 0

        resp = client.post(page.context["confirm_url"])
        state = _wait_until_finished(client, job)
        assert (state["step"], state["status"], state["done"]) == ("import", "done", 3)
        page = client.get(resp.url)
        assert page.context["result"].written
        assert sorted(Member.objects.values_list("id_number", flat=True)) == sorted(ids)
        assert set(
            AuditEntry.objects.filter(content_type__model="member").values_list("source", flat=True)
        ) == {AuditSource.PAGE}
        job.refresh_from_db()
        assert (job.attempts, job.file.name) == (1, "")
    finally:
        if job is not None:
            job.refresh_from_db()
            for f in (job.file, job.error_file):
                if f:
                    f.delete(save=False)
