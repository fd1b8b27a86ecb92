"""An .xlsx whose declared <dimension> is smaller than its data is read in full (issue 11.1).

openpyxl itself writes such files after edits; read-only mode trusted the declared range and
dropped the rows beyond it silently (exit 0, "created 1" for a file of 3 rows).
"""

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from apps.core.importing import read_table, registry, run_import
from apps.core.tests.factories import make_resident_id, region
from apps.unions.models import GrassrootsUnion, Member

HEADERS = ["姓名", "身份证号", "工会编码", "户籍类型", "入会日期", "入会方式"]


def stale_xlsx(headers: list[str], rows: list[list], ref: str = "A1:B2") -> bytes:
    """An .xlsx of the rows whose sheet declares the (too small) dimension ``ref``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), data)
                assert n == 1
            dst.writestr(info, data)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files in a temporary folder; tasks run in the test's own transaction (eagerly) even
    when REDIS_URL is set (tests/test_import_worker.py uses a real worker)."""
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def union(db):
    return GrassrootsUnion.objects.create(
        code="GH1", name="城关工会", kind="enterprise", region=region("620102"), founded_on="2010-01-01"
    )


@pytest.fixture
def members_file(tmp_path) -> tuple[Path, list[str]]:
    ids = [make_resident_id("620102") for _ in range(3)]
    rows = [[f"会员{i}", rid, "GH1", "城镇", "2024-01-02", "线下"] for i, rid in enumerate(ids)]
    path = tmp_path / "会员.xlsx"
    path.write_bytes(stale_xlsx(HEADERS, rows, ref="A1:K2"))
    return path, ids


def test_the_file_really_declares_a_stale_dimension(members_file):
    path, _ids = members_file
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.worksheets[0].max_row == 2  # what the old reader trusted
    headers, body = read_table(path)
    assert headers == HEADERS
    assert [n for n, _cells in body] == [2, 3, 4]


def test_run_import_reads_every_row(county_user, union, members_file):
    path, ids = members_file
    result = run_import("members", path, user=county_user)
    assert (result.total, result.created, result.invalid, result.written) == (3, 3, 0, True)
    assert sorted(Member.objects.values_list("id_number", flat=True)) == sorted(ids)


def test_command_reads_every_row(county_user, union, members_file, capsys):
    path, ids = members_file
    call_command("import_records", "members", str(path), "--user", county_user.username)
    assert "新增 3，更新 0，未变 0，有误 0" in capsys.readouterr().out
    assert Member.objects.count() == 3


def test_browser_preview_counts_every_row(
    client, county_user, union, members_file, django_capture_on_commit_callbacks
):
    path, _ids = members_file
    client.force_login(county_user)
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("import-start"), {"resource": "members", "file": upload})
    resp = client.get(resp.url)  # the job's page: its check is done (eager)
    assert resp.status_code == 200
    result = resp.context["result"]
    assert (result.total, result.created, result.invalid) == (3, 3, 0)
    assert Member.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(resp.context["confirm_url"])
    resp = client.get(resp.url)
    assert resp.context["result"].written
    assert Member.objects.count() == 3


@pytest.mark.parametrize("name", sorted(registry()))
def test_every_template_counts_every_row_despite_a_stale_dimension(db, tmp_path, name):
    """The guard for the whole class of bug: whatever the template, total == rows in the file."""
    resource = registry()[name]()
    k = 7
    rows = [[f"x{i}"] * len(resource.headers) for i in range(k)]
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(stale_xlsx(resource.headers, rows, ref="A1:B2"))
    result = run_import(resource, path, dry_run=True)
    assert result.total == k
    assert result.created + result.updated + result.unchanged + result.invalid == k
