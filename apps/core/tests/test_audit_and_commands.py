import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core import audit
from apps.core.choices import AuditAction, AuditSource, Role
from apps.core.models import AuditEntry, Region, User
from apps.core.services import township_bulk_create


def test_bulk_township_load_audits_every_record_in_one_batch_entry(db, tmp_path):
    csv_file = tmp_path / "townships.csv"
    rows = ["代码,名称"] + [f"620102{i:03d},街道{i}" for i in range(1, 251)]
    csv_file.write_text("\n".join(rows), encoding="gb18030")
    call_command("load_townships", str(csv_file))
    created = Region.objects.filter(level="township", parent__code="620102")
    assert created.count() == 250
    entry = AuditEntry.objects.get(content_type__model="region", action=AuditAction.CREATE)
    assert (entry.source, entry.object_id, entry.object_count) == (AuditSource.COMMAND, "", 250)
    assert audit.audited_ids(Region, action=AuditAction.CREATE) == {
        str(pk): 1 for pk in created.values_list("pk", flat=True)
    }


def test_bulk_load_with_one_bad_row_writes_nothing(db, tmp_path):
    csv_file = tmp_path / "townships.csv"
    csv_file.write_text("620102001,好街道\n620103002,错县街道\n620102003,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="有 1 行数据不合格，未写入任何数据"):
        call_command("load_townships", str(csv_file))
    assert not Region.objects.filter(level="township").exists()
    assert not AuditEntry.objects.exists()


def test_bulk_service_reports_every_bad_row(db):
    from apps.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as info:
        township_bulk_create(rows=[("620102001", "甲"), ("620102001", "重复"), ("629999001", "乙")])
    assert [e["row"] for e in info.value.extra["errors"]] == [2, 3]


def test_create_user_command_binds_role_and_region(db, capsys):
    call_command(
        "create_user", "lz_pref", "--role", "prefecture", "--region", "620100", "--password", "Lanzhou-2026!"
    )
    user = User.objects.get(username="lz_pref")
    assert (user.role, user.region.code, user.is_staff, user.is_superuser) == (
        Role.PREFECTURE,
        "620100",
        False,  # only administrators are staff (the Django admin)
        False,
    )
    assert user.check_password("Lanzhou-2026!")
    entry = AuditEntry.objects.get(content_type__model="user", object_id=str(user.pk))
    assert entry.source == AuditSource.COMMAND
    assert "password" not in entry.changes


def test_create_user_refuses_a_region_that_does_not_fit_the_role(db):
    with pytest.raises(CommandError, match="620100"):
        call_command(
            "create_user", "bad", "--role", "county", "--region", "620100", "--password", "Lanzhou-2026!"
        )
    assert not User.objects.filter(username="bad").exists()


def test_jiayuguan_county_staff_sit_in_the_prefecture(db):
    call_command(
        "create_user", "jyg", "--role", "county", "--region", "620200", "--password", "Jiayuguan-2026!"
    )
    assert User.objects.get(username="jyg").region.code == "620200"


def test_create_user_refuses_unknown_region(db):
    with pytest.raises(CommandError, match="999999"):
        call_command(
            "create_user", "x", "--role", "county", "--region", "999999", "--password", "Lanzhou-2026!"
        )


def test_token_authentication_and_audit_user(db, admin_user):
    from rest_framework.test import APIClient

    call_command("drf_create_token", admin_user.username)
    token = admin_user.auth_token.key
    c = APIClient()
    assert c.get("/api/v1/regions/").status_code in (401, 403)
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    resp = c.post(
        "/api/v1/regions/", {"code": "620102010", "name": "拱星墩街道", "parent": "620102"}, format="json"
    )
    assert resp.status_code == 201
    entry = AuditEntry.objects.get(object_repr__contains="620102010")
    assert (entry.user, entry.source) == (admin_user, AuditSource.API)
