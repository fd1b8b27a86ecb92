"""The browser and admin doors of the import pipeline: upload → preview → confirm, export.

Each step runs as a task enqueued after commit; the tests run the callbacks (eager Celery),
then follow the redirect to the job's page, as a browser would.
"""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.choices import AuditSource
from apps.core.models import AuditEntry
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
def unions(db):
    own = GrassrootsUnion.objects.create(
        code="GH1", name="城关工会", kind="enterprise", region=region("620102"), founded_on="2010-01-01"
    )
    other = GrassrootsUnion.objects.create(
        code="GH2", name="七里河工会", kind="enterprise", region=region("620103"), founded_on="2010-01-01"
    )
    return own, other


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    """POST, run the enqueued task, and follow the redirect to the job's page."""

    def post(url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(url, data or {})
        return client.get(resp.url) if resp.status_code == 302 else resp

    return post


def csv_upload(rows, encoding="gb18030"):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADERS)
    w.writerows(rows)
    return SimpleUploadedFile("会员.csv", buf.getvalue().encode(encoding), content_type="text/csv")


def test_upload_preview_confirm_in_the_browser(client, submit, county_user, unions):
    client.force_login(county_user)
    rid = make_resident_id("620102")
    resp = submit(
        reverse("import-start"),
        {"resource": "members", "file": csv_upload([["张三", rid, "GH1", "城镇", "2024/1/2", "线下"]])},
    )
    assert resp.status_code == 200
    assert resp.context["result"].created == 1
    assert Member.objects.count() == 0  # the preview writes nothing
    confirm_url = resp.context["confirm_url"]
    resp = submit(confirm_url)
    assert resp.status_code == 200 and resp.context["result"].written
    member = Member.objects.get()
    assert member.id_number == rid
    assert AuditEntry.objects.get(content_type__model="member").source == AuditSource.PAGE
    # the confirmation cannot be replayed
    assert client.post(confirm_url).status_code == 404
    assert Member.objects.count() == 1


def test_preview_lists_every_error_and_confirm_writes_nothing(client, submit, county_user, unions):
    client.force_login(county_user)
    rows = [
        ["张三", make_resident_id("620102"), "GH1", "城镇", "2024-01-02", "线下"],
        ["李四", make_resident_id("620103"), "GH2", "城镇", "2024-01-02", "线下"],
        ["王五", "12345", "GH1", "城镇", "2024-01-02", "线下"],
    ]
    resp = submit(reverse("import-start"), {"resource": "members", "file": csv_upload(rows)})
    html = resp.content.decode()
    assert [(e.row, e.column) for e in resp.context["result"].errors] == [(3, ""), (4, "身份证号")]
    assert "管辖范围" in html and "12345" in html
    resp = submit(resp.context["confirm_url"])
    assert not resp.context["result"].written
    assert Member.objects.count() == 0


def test_skip_invalid_gives_back_an_error_file(client, submit, county_user, unions):
    client.force_login(county_user)
    rows = [
        ["张三", make_resident_id("620102"), "GH1", "城镇", "2024-01-02", "线下"],
        ["王五", "12345", "GH1", "城镇", "2024-01-02", "线下"],
    ]
    resp = submit(reverse("import-start"), {"resource": "members", "file": csv_upload(rows, "utf-8")})
    resp = submit(resp.context["confirm_url"], {"skip_invalid": "on"})
    assert Member.objects.count() == 1
    assert resp.context["result"].invalid == 1
    download = client.get(resp.context["error_file_url"])
    assert download.status_code == 200
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].endswith(",错误") and "12345" in text


def test_unknown_column_is_named_on_the_page(client, submit, county_user, unions):
    client.force_login(county_user)
    upload = SimpleUploadedFile("x.csv", "姓名,身份证号,工会编码,工资\n".encode())
    resp = submit(reverse("import-start"), {"resource": "members", "file": upload})
    assert "未知的列：工资" in resp.content.decode()


def test_prefecture_staff_cannot_import(client, prefecture_user, unions):
    client.force_login(prefecture_user)
    resp = client.post(reverse("import-start"), {"resource": "members", "file": csv_upload([])})
    assert resp.status_code == 403


def test_export_in_the_browser_is_scoped_and_masked(client, county_user, unions):
    own, other = unions
    rid = make_resident_id("620102")
    for u, r in ((own, rid), (other, make_resident_id("620103"))):
        Member.objects.create(
            union=u,
            name="会员",
            id_number=r,
            sex="M",
            birth_date="1990-01-01",
            household_type="urban",
            joined_on="2020-01-01",
            join_channel="offline",
        )
    client.force_login(county_user)
    resp = client.get(reverse("export-records", args=["members"]))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert len(rows) == 2  # headers and the own county's member only
    assert rows[1][1] == rid[:6] + "********" + rid[-4:]


def test_empty_template_has_the_exact_headers(client, county_user):
    client.force_login(county_user)
    resp = client.get(reverse("import-template", args=["contracts"]))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    assert list(next(wb.active.iter_rows(values_only=True))) == [
        "合同编号",
        "工会编码",
        "合同类型",
        "签订日期",
        "到期日期",
        "覆盖企业数",
        "覆盖职工数",
    ]


def test_admin_door_uses_the_same_pipeline(client, submit, admin_user, unions):
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:unions_member_changelist"))
    assert reverse("admin:unions_member_import") in changelist.content.decode()
    rid = make_resident_id("620103")
    resp = submit(
        reverse("admin:unions_member_import"),
        {"resource": "members", "file": csv_upload([["赵六", rid, "GH2", "农村", "2023-05-01", "网上"]])},
    )
    assert resp.context["result"].created == 1
    assert resp.templates[0].name == "admin/core/import_preview.html"
    resp = submit(resp.context["confirm_url"])
    assert resp.templates[0].name == "admin/core/import_done.html"
    assert resp.context["result"].written
    assert Member.objects.get().id_number == rid
    assert AuditEntry.objects.get(content_type__model="member").source == AuditSource.ADMIN
