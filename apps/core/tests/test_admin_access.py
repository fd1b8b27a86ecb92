"""The Django admin is for administrators: who is staff (user_create, create_user, the user
admin, the data migration), the admin site's door, its login, and the link in the page header."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse

from apps.core import services
from apps.core.auth import may_use_admin, staff_for
from apps.core.choices import AuditAction, AuditSource, Role
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry, User

from .factories import PASSWORD, UserFactory, region

pytestmark = pytest.mark.django_db

ADMIN_INDEX = "/admin/"
ADMIN_LOGIN = "/admin/login/"
ROLE_REGIONS = {
    Role.COUNTY: "620102",
    Role.PREFECTURE: "620100",
    Role.PROVINCE: "620000",
    Role.ADMIN: "620000",
}


def sent_to_admin_login(resp) -> bool:
    return resp.status_code == 302 and resp["Location"] == f"{ADMIN_LOGIN}?next={ADMIN_INDEX}"


# The door --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county_user", "prefecture_user", "province_user"])
def test_staff_of_the_other_roles_get_no_admin(request, client, who):
    client.force_login(request.getfixturevalue(who))
    assert sent_to_admin_login(client.get(ADMIN_INDEX))


@pytest.mark.parametrize("role", [Role.COUNTY, Role.PREFECTURE, Role.PROVINCE])
def test_a_staff_flag_set_by_hand_opens_nothing(client, role):
    user = UserFactory(role=role, region=region(ROLE_REGIONS[role]), is_staff=True)
    client.force_login(user)
    assert sent_to_admin_login(client.get(ADMIN_INDEX))
    resp = client.get(reverse("admin:unions_member_changelist"))
    assert resp.status_code == 302 and resp["Location"].startswith(ADMIN_LOGIN)


def test_an_administrator_gets_the_admin(client, admin_user):
    client.force_login(admin_user)
    resp = client.get(ADMIN_INDEX)
    assert resp.status_code == 200
    apps_listed = {app["app_label"] for app in resp.context["app_list"]}
    assert {"core", "unions", "hardship"} <= apps_listed


def test_a_superuser_of_another_role_gets_the_admin(client):
    # createsuperuser makes users with the default role (county); they are superusers all the same
    root = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    assert client.get(ADMIN_INDEX).status_code == 200


def test_the_admin_login_accepts_administrators_only(client, admin_user):
    county = UserFactory(username="county_flagged", region=region("620102"), is_staff=True)
    resp = client.post(ADMIN_LOGIN, {"username": county.username, "password": PASSWORD})
    assert resp.status_code == 200
    assert resp.context["form"].errors["__all__"]
    assert "_auth_user_id" not in client.session
    resp = client.post(ADMIN_LOGIN, {"username": admin_user.username, "password": PASSWORD})
    assert resp.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_may_use_admin_follows_role_staff_flag_and_activity():
    assert staff_for(role=Role.ADMIN) is True
    assert staff_for(role=Role.COUNTY, is_superuser=True) is True
    assert [staff_for(role=r) for r in (Role.COUNTY, Role.PREFECTURE, Role.PROVINCE)] == [False] * 3
    admin = UserFactory.build(role=Role.ADMIN, region=None)
    assert may_use_admin(admin) is True
    admin.is_active = False
    assert may_use_admin(admin) is False
    assert may_use_admin(UserFactory.build(role=Role.ADMIN, region=None, is_staff=False)) is False
    assert may_use_admin(UserFactory.build(role=Role.PROVINCE, region=None, is_staff=True)) is False


# The header link -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "flag", "shown"),
    [
        (Role.COUNTY, False, False),
        (Role.COUNTY, True, False),  # a flag set by hand shows no link to a door that stays shut
        (Role.PREFECTURE, False, False),
        (Role.PROVINCE, False, False),
        (Role.ADMIN, True, True),
    ],
)
def test_the_header_links_the_admin_for_administrators_only(client, role, flag, shown):
    client.force_login(UserFactory(role=role, region=region(ROLE_REGIONS[role]), is_staff=flag))
    html = client.get(reverse("home")).content.decode()
    assert (f'href="{ADMIN_INDEX}"' in html) is shown


# Who is staff ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "staff"),
    [(Role.COUNTY, False), (Role.PREFECTURE, False), (Role.PROVINCE, False), (Role.ADMIN, True)],
)
def test_user_create_makes_administrators_alone_staff(role, staff):
    user = services.user_create(
        username=f"new_{role}", password="Gonghui-2026!", role=role, region=region(ROLE_REGIONS[role])
    )
    assert (user.is_staff, user.is_superuser) == (staff, staff)
    entry = AuditEntry.objects.get(content_type__model="user", object_id=str(user.pk))
    assert entry.changes["is_staff"] == [None, staff]


def test_user_create_wants_a_region():
    with pytest.raises(ApplicationError, match="请选择该用户所属的地区"):
        services.user_create(username="nowhere", password="Gonghui-2026!", role=Role.ADMIN, region=None)
    assert not User.objects.filter(username="nowhere").exists()


def test_create_user_command_makes_an_administrator_staff(capsys):
    call_command(
        "create_user", "boss", "--role", "admin", "--region", "620000", "--password", "Gonghui-2026!"
    )
    user = User.objects.get(username="boss")
    assert (user.is_staff, user.is_superuser) == (True, True)
    assert "admin site" in capsys.readouterr().out
    call_command(
        "create_user", "clerk", "--role", "county", "--region", "620102", "--password", "Gonghui-2026!"
    )
    assert User.objects.get(username="clerk").is_staff is False
    assert "pages only" in capsys.readouterr().out


def _add_user(client, **data):
    return client.post(
        reverse("admin:core_user_add"),
        {"usable_password": "true", "password1": "Gonghui-2026!", "password2": "Gonghui-2026!", **data},
    )


def test_user_admin_adds_through_user_create(client, admin_user):
    client.force_login(admin_user)
    resp = _add_user(client, username="pref_tianshui", role=Role.PREFECTURE, region=region("620500").pk)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    user = User.objects.get(username="pref_tianshui")
    assert (user.role, user.region.code, user.is_staff, user.is_superuser) == (
        Role.PREFECTURE,
        "620500",
        False,
        False,
    )
    assert user.check_password("Gonghui-2026!")
    entry = AuditEntry.objects.get(content_type__model="user", object_id=str(user.pk))
    assert (entry.action, entry.source, entry.user) == (AuditAction.CREATE, AuditSource.ADMIN, admin_user)


def test_user_admin_refuses_a_region_that_does_not_fit_the_role(client, admin_user):
    client.force_login(admin_user)
    resp = _add_user(client, username="misfit", role=Role.COUNTY, region=region("620100").pk)
    assert resp.status_code == 403  # user_create: a county user is not bound to a prefecture
    assert not User.objects.filter(username="misfit").exists()


def test_user_admin_change_makes_staff_follow_the_role(client, admin_user):
    user = UserFactory(username="promoted", role=Role.PROVINCE, region=region("620000"))
    client.force_login(admin_user)
    url = reverse("admin:core_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(role=Role.ADMIN, region=user.region_id, date_joined_0="2026-01-01", date_joined_1="08:00:00")
    data.pop("password", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.context["adminform"].form.errors if resp.context else resp
    user.refresh_from_db()
    assert (user.role, user.is_staff, user.is_superuser) == (Role.ADMIN, True, True)
    data["role"] = Role.PROVINCE
    assert client.post(url, data).status_code == 302
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)


# The data migration ----------------------------------------------------------------------


def test_the_migration_makes_staff_follow_the_role_and_audits_each_change():
    migration = importlib.import_module("apps.core.migrations.0004_staff_only_administrators")
    county = UserFactory(username="old_county", region=region("620102"), is_staff=True)
    province = UserFactory(
        username="old_province", role=Role.PROVINCE, region=region("620000"), is_staff=True
    )
    admin = UserFactory(username="old_admin", role=Role.ADMIN, region=region("620000"), is_staff=False)
    root = User.objects.create_superuser("old_root", password=PASSWORD)
    User.objects.filter(pk=root.pk).update(is_staff=False)
    fine = UserFactory(username="fine_county", region=region("620103"))

    migration.staff_only_administrators(django_apps, None)

    staff = dict(User.objects.values_list("username", "is_staff"))
    assert staff == {
        "old_county": False,
        "old_province": False,
        "old_admin": True,
        "old_root": True,
        "fine_county": False,
    }
    entries = AuditEntry.objects.filter(content_type__model="user", action=AuditAction.UPDATE)
    assert {(e.object_id, e.source, e.changes["is_staff"][1]) for e in entries} == {
        (str(county.pk), AuditSource.SYSTEM, False),
        (str(province.pk), AuditSource.SYSTEM, False),
        (str(admin.pk), AuditSource.SYSTEM, True),
        (str(root.pk), AuditSource.SYSTEM, True),
    }
    assert not AuditEntry.objects.filter(object_id=str(fine.pk)).exists()
    # a second run has nothing left to do
    migration.staff_only_administrators(django_apps, None)
    assert AuditEntry.objects.filter(content_type__model="user").count() == 4
