"""Large files (issue 11.6): limits refused with a message before any work, and streamed imports
that keep the rules of IMPORT.md across batch boundaries (duplicates, all or nothing, the error
file, whole-file templates)."""

import csv
import datetime as dt
import io
import random
import zipfile
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core import importing
from apps.core.importing import ImportFileError, run_import
from apps.core.importing.keys import KeyIndex
from apps.core.models import AuditEntry
from apps.core.models.audit import AuditBatchMember
from apps.core.tests.factories import make_resident_id, region
from apps.unions.models import GrassrootsUnion, Member
from apps.unions.resources import MemberResource, UnionResource

HEADERS = ["姓名", "身份证号", "工会编码", "户籍类型", "入会日期", "入会方式"]


@pytest.fixture
def union(db):
    return GrassrootsUnion.objects.create(
        code="GH1", name="城关工会", kind="enterprise", region=region("620102"), founded_on="2010-01-01"
    )


def member(rid=None, name="会员"):
    return [name, rid or make_resident_id("620102"), "GH1", "城镇", "2024-01-02", "线下"]


def bad(name="坏行"):
    return [name, "12345", "GH1", "城镇", "2024-01-02", "线下"]


def write_csv(path, rows, headers=HEADERS, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def write_xlsx(path, rows, headers=HEADERS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of two rows, so that a few rows cross several batch boundaries."""
    monkeypatch.setattr(MemberResource, "batch_size", 2)


@pytest.fixture
def nothing_read(monkeypatch):
    """Fails the test if any row reaches a resource hook or openpyxl opens the workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("the file was read although a limit refuses it")

    monkeypatch.setattr(MemberResource, "prepare", refuse)
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


# Limits -------------------------------------------------------------------------------------


def test_too_many_rows_of_a_csv_are_refused_before_any_row_is_read(settings, tmp_path, union, nothing_read):
    settings.IMPORT_MAX_ROWS = 3
    path = write_csv(tmp_path / "m.csv", [member() for _ in range(4)])
    with pytest.raises(ImportFileError, match="超过 3 行的上限") as exc:
        run_import("members", path)
    assert str(exc.value) == "文件的数据超过 3 行的上限，未导入任何数据；请拆分成多个文件后分别导入"
    assert Member.objects.count() == 0


def test_as_many_rows_as_the_limit_are_imported(settings, tmp_path, union):
    settings.IMPORT_MAX_ROWS = 3
    path = write_csv(tmp_path / "m.csv", [member() for _ in range(3)] + [["", "", "", "", "", ""]])
    assert run_import("members", path).created == 3


def test_too_many_rows_of_an_xlsx_are_refused_before_openpyxl_opens_it(
    settings, tmp_path, union, nothing_read
):
    settings.IMPORT_MAX_ROWS = 3
    path = write_xlsx(tmp_path / "m.xlsx", [member() for _ in range(4)])
    with pytest.raises(ImportFileError, match="超过 3 行的上限"):
        run_import("members", path)


def test_rows_that_could_not_be_counted_are_still_limited_and_nothing_is_written(
    settings, monkeypatch, tmp_path, union, small_batches
):
    settings.IMPORT_MAX_ROWS = 3
    monkeypatch.setattr(importing.reading, "_first_worksheet", lambda zf: None)  # no count beforehand
    path = write_xlsx(tmp_path / "m.xlsx", [member() for _ in range(4)])
    with pytest.raises(ImportFileError, match="超过 3 行的上限"):
        run_import("members", path)
    assert Member.objects.count() == 0  # the first batches were rolled back
    assert AuditEntry.objects.count() == 0


def test_the_command_refuses_too_many_rows_with_the_message(settings, tmp_path, union):
    settings.IMPORT_MAX_ROWS = 1
    path = write_csv(tmp_path / "m.csv", [member(), member()])
    with pytest.raises(CommandError, match="超过 1 行的上限"):
        call_command("import_records", "members", str(path))
    assert Member.objects.count() == 0


def _with_member(path, name, data, compress=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "a", compress) as zf:
        zf.writestr(name, data)
    return path


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path, union, nothing_read):
    # 20 MB of zeros packed into about 20 KB: a ratio of about 1,000
    path = _with_member(
        write_xlsx(tmp_path / "m.xlsx", [member()]), "xl/media/image1.bin", b"\0" * (20 << 20)
    )
    assert zipfile.ZipFile(path).getinfo("xl/media/image1.bin").compress_size < 100_000
    with pytest.raises(ImportFileError, match="压缩比异常") as exc:
        run_import("members", path)
    assert "xl/media/image1.bin" in str(exc.value) and "上限 200 倍" in str(exc.value)
    assert Member.objects.count() == 0


def test_an_xlsx_too_large_once_unpacked_is_refused(settings, tmp_path, union, nothing_read):
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 1
    path = _with_member(
        write_xlsx(tmp_path / "m.xlsx", [member()]),
        "xl/media/photo.bin",
        bytes(range(256)) * 5000,
        zipfile.ZIP_STORED,
    )
    with pytest.raises(ImportFileError) as exc:
        run_import("members", path)
    assert str(exc.value).startswith("Excel 文件解压后有 1.2 MB，超过上限 1 MB，未导入任何数据")


def test_a_file_that_is_not_a_zip_is_refused_with_the_old_message(tmp_path, union):
    path = tmp_path / "m.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(ImportFileError, match="^无法读取 Excel 文件："):
        run_import("members", path)


def test_upload_size_limit(settings):
    settings.IMPORT_MAX_UPLOAD_MB = 2
    importing.check_upload_size(2 * 1024 * 1024)
    with pytest.raises(ImportFileError) as exc:
        importing.check_upload_size(3 * 1024 * 1024)
    assert str(exc.value) == "文件有 3.0 MB，超过上限 2 MB，未导入任何数据；请拆分成多个文件后分别导入"


# Encodings ----------------------------------------------------------------------------------


def test_a_bad_byte_far_into_a_csv_gives_the_encoding_message_and_writes_nothing(
    tmp_path, union, small_batches
):
    rows = [member() for _ in range(5)]
    body = io.StringIO()
    w = csv.writer(body)
    w.writerow(HEADERS)
    w.writerows(rows)
    data = body.getvalue().encode("utf-8") + b"\xff\xff," * 3 + b"\r\n"  # neither UTF-8 nor GB18030
    path = tmp_path / "m.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFileError) as exc:
        run_import("members", path)
    assert str(exc.value) == "无法识别文件编码，请另存为 UTF-8 或 GB18030（GBK）编码的 CSV"
    assert Member.objects.count() == 0


def test_a_gb18030_file_is_decoded_across_read_chunks(tmp_path, union):
    """Multi-byte characters cut by the stream's chunk boundaries are decoded whole."""
    start = dt.date(1970, 1, 1)
    rows = [member(make_resident_id(birth=start + dt.timedelta(days=i)), f"张三丰{i}") for i in range(1500)]
    path = write_csv(tmp_path / "m.csv", rows, encoding="gb18030")
    assert path.stat().st_size > 8 * 8192
    result = run_import("members", path, dry_run=True)
    assert (result.total, result.created, result.invalid) == (1500, 1500, 0)


# Streaming keeps the rules across batches ------------------------------------------------------


def test_a_duplicate_in_a_later_batch_names_the_first_row(tmp_path, union, small_batches):
    rid = make_resident_id("620102")
    path = write_csv(tmp_path / "m.csv", [member(rid), member(), member(), member(), member(rid)])
    result = run_import("members", path)
    assert [str(e) for e in result.errors] == ["第 6 行【身份证号】：与第 2 行重复"]
    assert not result.written and Member.objects.count() == 0


def test_all_or_nothing_when_the_only_bad_row_is_in_the_last_batch(tmp_path, union, small_batches):
    path = write_csv(tmp_path / "m.csv", [member() for _ in range(4)] + [bad()])
    result = run_import("members", path)
    assert (result.total, result.created, result.invalid, result.written) == (5, 4, 1, False)
    assert Member.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_skip_invalid_writes_every_valid_batch_and_spills_the_bad_rows(tmp_path, union, small_batches):
    rows = [bad("坏一"), member(), member(), member(), bad("坏二"), member()]
    path = write_csv(tmp_path / "m.csv", rows)
    result = run_import("members", path, skip_invalid=True)
    assert (result.total, result.created, result.invalid, result.written) == (6, 4, 2, True)
    assert Member.objects.count() == 4
    # one batch entry per written batch (small_batches), each member once with its line
    entries = AuditEntry.objects.order_by("id")
    assert [e.object_count for e in entries] == [1, 2, 1]
    lines = AuditBatchMember.objects.filter(entry__in=entries).order_by("line").values_list("line", flat=True)
    assert list(lines) == [3, 4, 5, 7]
    with result.error_file.open(encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == HEADERS + ["错误"]
    assert [line[0] for line in lines[1:]] == ["坏一", "坏二"]
    assert lines[1][-1].startswith("身份证号：")
    # the error file is ready to fix and re-import
    assert run_import("members", result.error_file).invalid == 2


def test_an_xlsx_error_file_is_written_as_rows_are_found(tmp_path, union, small_batches):
    path = write_xlsx(tmp_path / "m.xlsx", [member(), bad("坏一"), member(), bad("坏二")])
    result = run_import("members", path, skip_invalid=True)
    rows = list(openpyxl.load_workbook(result.error_file).active.iter_rows(values_only=True))
    assert rows[0][-1] == "错误" and [r[0] for r in rows[1:]] == ["坏一", "坏二"]


def test_no_error_file_without_invalid_rows(tmp_path, union):
    path = write_csv(tmp_path / "m.csv", [member()])
    result = run_import("members", path, skip_invalid=True)
    assert result.error_file is None
    assert not (tmp_path / "m.错误.csv").exists()


def test_only_the_first_errors_are_kept_and_all_are_counted(monkeypatch, tmp_path, union, small_batches):
    monkeypatch.setattr(importing.limits, "MAX_KEPT_ERRORS", 2)
    path = write_csv(tmp_path / "m.csv", [bad(f"坏{i}") for i in range(5)] + [member()])
    result = run_import("members", path, dry_run=True)
    assert (result.invalid, result.error_count, len(result.errors), result.ok) == (5, 5, 2, False)
    assert [e.row for e in result.errors] == [2, 3]


def test_the_command_says_how_many_errors_it_did_not_print(monkeypatch, tmp_path, union):
    monkeypatch.setattr(importing.limits, "MAX_KEPT_ERRORS", 2)
    path = write_csv(tmp_path / "m.csv", [bad(f"坏{i}") for i in range(5)])
    err = StringIO()
    with pytest.raises(CommandError, match="有 5 行数据有误"):
        call_command("import_records", "members", str(path), stderr=err)
    assert err.getvalue().count("第 ") == 2 and "……另有 3 条错误未显示" in err.getvalue()


def test_progress_is_reported_after_every_batch(tmp_path, union, small_batches):
    path = write_csv(tmp_path / "m.csv", [member() for _ in range(5)])
    calls = []
    run_import("members", path, dry_run=True, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_a_parent_union_further_down_the_file_is_linked(monkeypatch, tmp_path, db):
    """unions is a whole-file template: a child may come before its parent, batches or not."""
    monkeypatch.setattr(UnionResource, "batch_size", 1)
    headers = ["工会编码", "工会名称", "组织类型", "所属地区代码", "上级工会编码", "成立日期"]
    rows = [
        ["C1", "子工会", "企业", "620102", "P1", "2012-01-01"],
        ["X1", "其他工会", "企业", "620102", "", "2012-01-01"],
        ["P1", "上级工会", "企业", "620102", "", "2010-01-01"],
    ]
    for dry_run in (True, False):
        result = run_import("unions", write_csv(tmp_path / "u.csv", rows, headers), dry_run=dry_run)
        assert (result.created, result.invalid) == (3, 0)
    assert GrassrootsUnion.objects.get(code="C1").parent.code == "P1"


def test_every_resource_declares_whether_it_needs_the_whole_file():
    whole = {name for name, cls in importing.registry().items() if cls.whole_file}
    assert whole == {"unions", "family_members", "claims"}


def test_the_key_index_answers_as_a_dict_would():
    """The compact index of keys seen (for duplicates) is exact, across its growth."""
    rng = random.Random(11)
    index, expected = KeyIndex(), {}
    for number in range(2, 60_000):
        key = rng.choice(
            [
                (f"ID{rng.randint(0, 20_000)}",),
                (f"P{rng.randint(0, 9)}", f"ID{rng.randint(0, 500)}"),
                (f"ID{rng.randint(0, 500)}", rng.randint(2020, 2024)),
                ("1",),
                (1,),
                ("名字",),
            ]
        )
        assert index.first(key, number) == expected.get(key)
        expected.setdefault(key, number)
    assert len(index) == len(expected)
