"""Bulk writes audit in batches: one entry per batch (who, when, door, which fields), each
record a narrow member row with its line of the file. A record's history page and the audit
API still show every record its import line, and later changes after it."""

import csv
import json

import pytest
from django.urls import reverse
from django.utils import translation

from apps.core import audit
from apps.core.choices import AuditAction, AuditSource
from apps.core.importing import run_import
from apps.core.models import AuditEntry
from apps.core.models.audit import AuditBatchMember
from apps.core.tests.factories import make_resident_id, region
from apps.unions.models import GrassrootsUnion, Member
from apps.unions.resources import MemberResource
from apps.unions.services import member_update

HEADERS = ["姓名", "身份证号", "工会编码", "户籍类型", "入会日期", "入会方式"]
AUDIT_URL = reverse("api:auditentry-list")


@pytest.fixture
def union(db):
    return GrassrootsUnion.objects.create(
        code="GH1", name="城关工会", kind="enterprise", region=region("620102"), founded_on="2010-01-01"
    )


def import_members(tmp_path, names, user):
    path = tmp_path / "m.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for name in names:
            w.writerow([name, make_resident_id("620102"), "GH1", "城镇", "2024-01-02", "线下"])
    result = run_import("members", path, user=user)
    assert (result.created, result.written) == (len(names), True)
    return {m.name: m for m in Member.objects.all()}


def test_a_bulk_import_is_one_batch_entry_with_a_member_row_per_record(union, county_user, tmp_path):
    members = import_members(tmp_path, ["甲", "乙", "丙"], county_user)

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.source, entry.user, entry.note) == (
        AuditAction.CREATE,
        AuditSource.IMPORT,
        county_user,
        "导入 m.csv",  # the file (a job's stored file is named by the job)
    )
    assert (entry.object_id, entry.object_count, entry.region_id, entry.changes) == (
        "",
        3,
        region("620102").pk,
        {},
    )
    assert {"name", "id_number", "union", "joined_on"} <= set(entry.fields)
    assert sorted(entry.members.values_list("object_id", "line", "changes")) == sorted(
        (str(members[name].pk), line, None) for name, line in (("甲", 2), ("乙", 3), ("丙", 4))
    )


def test_batches_split_by_size_and_every_record_is_in_exactly_one(union, county_user, tmp_path, monkeypatch):
    monkeypatch.setattr(MemberResource, "batch_size", 2)
    import_members(tmp_path, ["甲", "乙", "丙", "丁", "戊"], county_user)

    assert list(AuditEntry.objects.order_by("id").values_list("object_count", flat=True)) == [2, 2, 1]
    assert audit.audited_ids(Member) == {str(pk): 1 for pk in Member.objects.values_list("pk", flat=True)}


def test_the_history_page_shows_the_import_line_and_a_later_change_above_it(
    union, county_user, client, tmp_path
):
    member = import_members(tmp_path, ["甲", "乙", "丙"], county_user)["乙"]
    member_update(member=member, user=county_user, name="乙二")
    client.force_login(county_user)

    with translation.override("zh-hans"):
        resp = client.get(reverse("unions:member-detail", args=[member.pk]))

    assert resp.status_code == 200
    update, created = resp.context["history"].object_list  # newest first
    assert (update.action, [(r.label, r.before, r.after) for r in update.rows]) == (
        AuditAction.UPDATE,
        [("姓名", "乙", "乙二")],
    )
    assert (created.action, created.note) == (AuditAction.CREATE, "导入 m.csv（第 3 行）")
    assert created.rows[0].label == "字段" and "身份证号" in created.rows[0].after
    html = resp.content.decode()
    assert html.index("乙二") < html.index("导入 m.csv（第 3 行）")


def test_the_audit_api_finds_a_record_in_its_batch_with_its_line(union, county_user, api_client, tmp_path):
    members = import_members(tmp_path, ["甲", "乙", "丙"], county_user)
    member = members["丙"]
    member_update(member=member, user=county_user, name="丙二")
    batch = AuditEntry.objects.get(action=AuditAction.CREATE)

    resp = api_client(county_user).get(AUDIT_URL, {"model": "unions.member", "object_id": str(member.pk)})

    assert resp.status_code == 200
    rows = resp.json()["results"]
    assert [(r["action"], r["object_id"], r["object_count"], r["line"]) for r in rows] == [
        ("update", str(member.pk), 1, None),
        ("create", "", 3, 4),
    ]
    assert rows[0]["changes"] == {"name": ["丙", "丙二"]}
    assert (rows[1]["id"], rows[1]["changes"], rows[1]["note"]) == (batch.pk, {}, "导入 m.csv")
    # unfiltered, the batch is a single row of the trail
    listed = api_client(county_user).get(AUDIT_URL, {"action": "create"}).json()["results"]
    assert [(r["id"], r["object_count"]) for r in listed] == [(batch.pk, 3)]


def test_the_audit_api_keeps_other_records_and_regions_out(
    union, county_user, other_county_user, api_client, tmp_path
):
    member = import_members(tmp_path, ["甲", "乙"], county_user)["甲"]

    # a record of another model with the same id is not in the member's batch
    other_model = api_client(county_user).get(AUDIT_URL, {"model": "region", "object_id": str(member.pk)})
    assert (other_model.status_code, other_model.json()["results"]) == (200, [])
    # a user of another county sees neither the batch nor, by the record's id, its row
    foreign = api_client(other_county_user).get(AUDIT_URL, {"object_id": str(member.pk)})
    assert (foreign.status_code, foreign.json()["results"]) == (200, [])
    assert api_client(other_county_user).get(AUDIT_URL).json()["results"] == []
    assert api_client().get(AUDIT_URL).status_code == 403


def test_a_batch_is_far_smaller_than_an_entry_per_record(union, county_user, tmp_path):
    # given: the same 40 members audited the old way (an entry with a snapshot per record)
    import_members(tmp_path, [f"会员{i}" for i in range(40)], county_user)
    members = list(Member.objects.all())
    per_record = [
        audit._entry(
            m,
            AuditAction.CREATE,
            {k: [None, v] for k, v in audit.snapshot(m).items()},
            "导入",
            county_user,
            AuditSource.IMPORT,
        )
        for m in members
    ]

    def size(values):
        return sum(len(json.dumps(v, ensure_ascii=False, default=str).encode()) for v in values)

    old = size([e.changes for e in per_record]) + size([e.object_repr for e in per_record])
    # then: one entry, and per record only its key and line
    entry = AuditEntry.objects.get()
    rows = list(AuditBatchMember.objects.values_list("object_id", "line", "changes"))
    new = size([entry.fields, entry.object_repr]) + size(rows)
    assert len(rows) == 40 and new * 5 < old


def test_the_admin_history_shows_the_import_line(union, admin_user, client, tmp_path):
    member = import_members(tmp_path, ["甲", "乙"], admin_user)["乙"]
    client.force_login(admin_user)

    with translation.override("zh-hans"):
        resp = client.get(reverse("admin:unions_member_history", args=[member.pk]))

    assert resp.status_code == 200
    (entry,) = resp.context["action_list"]
    assert entry.object_count == 2
    assert "导入 m.csv（第 3 行）" in entry.get_change_message()
    assert "导入 m.csv（第 3 行）" in resp.content.decode()
