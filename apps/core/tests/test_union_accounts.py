"""Grassroots union accounts at scale (issue 16): bulk creation from the template, the forced
first password change, the county's account list with reset and (de)activation, the command."""

import datetime as dt
import io
import os
import stat

import openpyxl
import pytest
from django.contrib.auth.hashers import check_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.core import audit, union_accounts
from apps.core.choices import AuditAction, Role
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry, User
from apps.core.password_change import password_change
from apps.core.tests.factories import PASSWORD, UserFactory, region
from apps.core.union_accounts import AccountRow, AccountsInvalid
from apps.unions.tests.factories import GrassrootsUnionFactory

IMPORT_URL = "/accounts/unions/import/"
LIST_URL = "/accounts/unions/"
NEW_PASSWORD = "Gansu-Union-2026!"


@pytest.fixture(autouse=True)
def _initial_password_hasher(settings):
    """The test settings hash with MD5 alone; add the initial-password hasher as base does."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "apps.core.hashers.InitialPasswordHasher",
    ]


@pytest.fixture
def own_union(db):
    return GrassrootsUnionFactory(code="GH620102001", name="城关区第一企业工会")


@pytest.fixture
def own_union2(db):
    return GrassrootsUnionFactory(code="GH620102002", name="城关区第二企业工会")


@pytest.fixture
def other_union(db):
    return GrassrootsUnionFactory(code="GH620103001", name="七里河区企业工会", region=region("620103"))


def csv_file(*rows: str, header: str = "工会代码,用户名,姓名,手机号") -> SimpleUploadedFile:
    text = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile("accounts.csv", text.encode("utf-8-sig"), content_type="text/csv")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def union_account(union, username="gh_one", *, must_change=False, active=True) -> User:
    return UserFactory(
        username=username,
        role=Role.UNION,
        union=union,
        region=union.region,
        must_change_password=must_change,
        is_active=active,
    )


def audit_of(user: User, note: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_id=str(user.pk), note=note, content_type__model="user"))


# Bulk creation through the page ------------------------------------------------------------


def test_import_creates_accounts_with_one_time_passwords(county_user, own_union, own_union2):
    client = logged_in(county_user)

    # when
    response = client.post(
        IMPORT_URL,
        {"file": csv_file("GH620102001,gh_first,张三,13912345678", "GH620102002,gh_second,李四,")},
    )

    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.context["count"] == 2
    accounts = {u.username: u for u in User.objects.filter(role=Role.UNION)}
    assert sorted(accounts) == ["gh_first", "gh_second"]
    first = accounts["gh_first"]
    assert (first.union, first.region, first.first_name) == (own_union, own_union.region, "张三")
    assert first.must_change_password is True
    assert (first.is_staff, first.is_superuser, first.is_active) == (False, False, True)
    assert first.password.startswith("initial_sha256$")
    entry = AuditEntry.objects.get(content_type__model="user", action=AuditAction.CREATE)
    assert (entry.user, entry.note, entry.object_count) == (county_user, "批量创建基层工会账号", 2)
    assert audit.audited_ids(User, action=AuditAction.CREATE) == {str(u.pk): 1 for u in accounts.values()}
    # each account's own changes are kept with the batch, never its password
    history = list(audit.history_for(first))
    assert [e.pk for e in history] == [entry.pk]
    assert history[0].batch_changes["union"] == [None, own_union.pk]
    assert "password" not in history[0].batch_changes and "password" not in entry.fields

    download = client.get(response.context["download_url"])
    assert download.status_code == 200
    assert download["Cache-Control"] == "no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("工会代码", "工会名称", "用户名", "姓名", "手机号", "初始密码")
    by_name = {r[2]: r for r in rows[1:]}
    assert by_name["gh_first"][:5] == ("GH620102001", "城关区第一企业工会", "gh_first", "张三", "13912345678")
    assert len(by_name["gh_first"][5]) == 12
    assert check_password(by_name["gh_first"][5], first.password)
    assert check_password(by_name["gh_second"][5], accounts["gh_second"].password)
    # one download only
    assert client.get(response.context["download_url"]).status_code == 404


def test_passwords_file_is_only_for_the_user_who_created_the_accounts(county_user, own_union, db):
    response = logged_in(county_user).post(IMPORT_URL, {"file": csv_file("GH620102001,gh_first,张三,")})
    colleague = UserFactory(username="county_cg2", role=Role.COUNTY, region=region("620102"))

    assert logged_in(colleague).get(response.context["download_url"]).status_code == 404
    # the refused attempt did not use up the one download
    assert logged_in(county_user).get(response.context["download_url"]).status_code == 200


def test_first_login_forces_a_password_change_which_clears_the_flag(county_user, own_union):
    logged_in(county_user).post(IMPORT_URL, {"file": csv_file("GH620102001,gh_first,张三,")})
    account = User.objects.get(username="gh_first")
    password = union_accounts.generate_initial_password()
    # the password of the file is not readable here: set a known initial one the same way
    User.objects.filter(pk=account.pk).update(password=union_accounts.initial_password_hash(password))
    client = Client()

    # when: the first login
    login = client.post(reverse("login"), {"username": "gh_first", "password": password})

    # then: logged in, the initial hash upgraded on that first check, every page sends to the change
    assert login.status_code == 302
    account.refresh_from_db()
    assert account.password.startswith("md5$")
    for path in ("/", LIST_URL, "/unions/", "/admin/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/accounts/password_change/"), path
    page = client.get("/accounts/password_change/")
    assert page.status_code == 200
    assert page.context["user"].must_change_password is True

    # when: the new password is the initial one again
    same = client.post(
        "/accounts/password_change/",
        {"old_password": password, "new_password1": password, "new_password2": password},
    )
    assert same.status_code == 200
    assert same.context["form"].errors["new_password1"] == ["新密码不能与当前密码相同。"]
    account.refresh_from_db()
    assert account.must_change_password is True

    # when: a password of their own
    changed = client.post(
        "/accounts/password_change/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    # then
    assert (changed.status_code, changed["Location"]) == (302, "/accounts/password_change/done/")
    account.refresh_from_db()
    assert account.must_change_password is False
    assert account.check_password(NEW_PASSWORD)
    (entry,) = audit_of(account, "修改密码")
    assert (entry.user, entry.changes) == (
        account,
        {"password": ["***", "***"], "must_change_password": [True, False]},
    )
    assert client.get("/accounts/password_change/done/").status_code == 200
    assert client.get("/").status_code == 200  # still logged in, free to go


def test_language_switch_and_logout_are_allowed_while_the_password_must_change(own_union):
    account = union_account(own_union, must_change=True)
    client = logged_in(account)

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/password_change/"})
    assert (switched.status_code, switched["Location"]) == (302, "/accounts/password_change/")
    assert client.cookies["django_language"].value == "en"

    response = client.post(reverse("logout"))

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_the_api_answers_403_to_a_user_who_must_change_the_password(own_union):
    account = union_account(own_union, must_change=True)
    token = Token.objects.create(user=account)
    by_token = APIClient()
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    by_session = APIClient()
    by_session.force_login(account)

    for client in (by_token, by_session):
        response = client.get("/api/v1/unions/members/")
        assert response.status_code == 403
        assert response.json() == {
            "message": "请先修改初始密码再使用系统：登录网站，在修改密码页面设置新密码。",
            "extra": {"password_change_url": "/accounts/password_change/"},
        }

    # once changed, the same token works
    password_change(user=account, new_password=NEW_PASSWORD)
    assert by_token.get("/api/v1/unions/members/").status_code == 200


def test_password_change_service_refuses_a_weak_password(own_union):
    account = union_account(own_union, must_change=True)

    with pytest.raises(ApplicationError, match="密码"):
        password_change(user=account, new_password="12345678")

    account.refresh_from_db()
    assert account.must_change_password is True
    assert audit_of(account, "修改密码") == []


# Refusals: nothing changes ---------------------------------------------------------------


def test_a_file_with_problems_creates_nothing_and_lists_every_problem(county_user, own_union, other_union):
    UserFactory(username="Taken_Name", role=Role.COUNTY, region=region("620102"))
    GrassrootsUnionFactory(code="GH620102009", dissolved_on=dt.date(2020, 1, 1))
    users_before, audit_before = User.objects.count(), AuditEntry.objects.count()

    response = logged_in(county_user).post(
        IMPORT_URL,
        {
            "file": csv_file(
                "GH620102001,gh_ok,张三,",
                "GH999999999,gh_unknown,李四,",
                "GH620103001,gh_other_county,王五,",
                "GH620102001,GH_OK,赵六,",
                "GH620102001,taken_name,钱七,",
                "GH620102001,张三,孙八,",
                "GH620102001,gh_noname,,",
                "GH620102001,gh_phone,周九,12345",
                "GH620102009,gh_dissolved,吴十,",
            )
        },
    )

    assert response.status_code == 200
    assert response.context["errors"] == [
        "第 3 行【工会代码】：您的管辖范围内没有代码为 GH999999999 的基层工会。",
        "第 4 行【工会代码】：您的管辖范围内没有代码为 GH620103001 的基层工会。",
        "第 5 行【用户名】：用户名 GH_OK 与文件第 2 行重复。",
        "第 6 行【用户名】：用户名 taken_name 已被占用。",
        "第 7 行【用户名】：“张三”：用户名须为 3 到 150 个字母、数字、点、下划线或连字符，且不以点或连字符开头。",
        "第 8 行【姓名】：必填。",
        "第 9 行【手机号】：" + _mobile_message(),
        "第 10 行【工会代码】：工会 GH620102009 已于 2020-01-01 注销。",
    ]
    assert response.context["problem"] == "文件中有 8 处问题，未创建任何账号。请改正后重新上传。"
    assert (User.objects.count(), AuditEntry.objects.count()) == (users_before, audit_before)


def _mobile_message() -> str:
    from django.core.exceptions import ValidationError

    from apps.core.validators import validate_mobile

    try:
        validate_mobile("12345")
    except ValidationError as exc:
        return "；".join(exc.messages)
    raise AssertionError("12345 passed as a mobile number")


def test_a_union_of_another_county_is_refused_by_the_service(county_user, other_union):
    rows = [AccountRow(2, "GH620103001", "gh_other", "王五", "")]

    with pytest.raises(AccountsInvalid, match="1 处问题") as excinfo:
        union_accounts.union_accounts_create(rows=rows, user=county_user)

    assert [str(e) for e in excinfo.value.errors] == [
        "第 2 行【工会代码】：您的管辖范围内没有代码为 GH620103001 的基层工会。"
    ]
    assert not User.objects.filter(username="gh_other").exists()


def test_an_administrator_may_create_accounts_of_any_county(admin_user, own_union, other_union):
    response = logged_in(admin_user).post(
        IMPORT_URL, {"file": csv_file("GH620102001,gh_a,张三,", "GH620103001,gh_b,李四,")}
    )

    assert response.context["count"] == 2
    assert User.objects.get(username="gh_b").region.code == "620103"


def test_a_file_with_wrong_columns_is_refused(county_user, own_union):
    response = logged_in(county_user).post(
        IMPORT_URL, {"file": csv_file("GH620102001,gh_a", header="工会代码,账号")}
    )

    assert response.context["form"].errors["file"] == [
        "未知的列：账号；缺少必填列：用户名、姓名。模板“union_accounts”的列为：工会代码、用户名、姓名、手机号"
    ]
    assert not User.objects.filter(role=Role.UNION).exists()


@pytest.mark.parametrize("who", ["union", "prefecture", "anonymous"])
def test_only_county_staff_and_administrators_reach_the_pages(who, own_union, prefecture_user):
    target = union_account(own_union, "gh_target")
    client = Client()
    if who == "union":
        client.force_login(union_account(own_union))
    elif who == "prefecture":
        client.force_login(prefecture_user)

    responses = [
        client.get(LIST_URL),
        client.get(IMPORT_URL),
        client.post(IMPORT_URL, {"file": csv_file("GH620102001,gh_sneaky,张三,")}),
        client.get("/accounts/unions/import/template.xlsx"),
        client.post(f"/accounts/unions/{target.pk}/reset-password/"),
        client.post(f"/accounts/unions/{target.pk}/deactivate/"),
    ]

    expected = 302 if who == "anonymous" else 403
    assert [r.status_code for r in responses] == [expected] * 6
    assert not User.objects.filter(username="gh_sneaky").exists()
    target.refresh_from_db()
    assert (target.is_active, target.must_change_password) == (True, False)
    assert not AuditEntry.objects.filter(object_id=str(target.pk), action=AuditAction.UPDATE).exists()


def test_the_import_page_offers_the_template_with_the_four_columns(county_user):
    page = logged_in(county_user).get(IMPORT_URL)
    assert page.status_code == 200
    assert 'href="/accounts/unions/import/template.xlsx"' in page.content.decode()

    response = logged_in(county_user).get("/accounts/unions/import/template.xlsx")

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert next(sheet.iter_rows(values_only=True)) == ("工会代码", "用户名", "姓名", "手机号")


# The county's list, reset, (de)activation ------------------------------------------------


def test_the_list_shows_the_accounts_in_scope_with_search_and_filter(
    county_user, own_union, own_union2, other_union
):
    union_account(own_union, "gh_alpha")
    union_account(own_union2, "gh_beta", active=False)
    union_account(other_union, "gh_elsewhere")
    client = logged_in(county_user)

    def names(query: str = "") -> list[str]:
        response = client.get(LIST_URL + query)
        assert response.status_code == 200
        return [u.username for u in response.context["object_list"]]

    assert names() == ["gh_alpha", "gh_beta"]
    assert names("?q=第二企业") == ["gh_beta"]
    assert names("?q=GH620102001") == ["gh_alpha"]
    assert names("?active=yes") == ["gh_alpha"]
    assert names("?active=no") == ["gh_beta"]
    assert [
        u.username
        for u in logged_in(UserFactory(role=Role.ADMIN, region=region("620000")))
        .get(LIST_URL)
        .context["object_list"]
    ] == ["gh_alpha", "gh_beta", "gh_elsewhere"]


def test_reset_shows_a_new_password_once_and_is_audited(county_user, own_union):
    account = union_account(own_union)
    Token.objects.create(user=account)

    response = logged_in(county_user).post(f"/accounts/unions/{account.pk}/reset-password/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    account.refresh_from_db()
    assert account.must_change_password is True
    assert account.check_password(password)
    assert not account.check_password(PASSWORD)
    assert not Token.objects.filter(user=account).exists()
    (entry,) = audit_of(account, "重置密码")
    assert (entry.user, entry.action, entry.changes) == (
        county_user,
        AuditAction.UPDATE,
        {"password": ["***", "***"], "must_change_password": [False, True]},
    )


def test_deactivate_and_activate_are_audited(county_user, own_union):
    account = union_account(own_union)
    client = logged_in(county_user)

    response = client.post(f"/accounts/unions/{account.pk}/deactivate/")

    assert (response.status_code, response["Location"]) == (302, LIST_URL)
    account.refresh_from_db()
    assert account.is_active is False
    assert Client().login(username=account.username, password=PASSWORD) is False
    (entry,) = audit_of(account, "停用账号")
    assert (entry.user, entry.changes) == (county_user, {"is_active": [True, False]})

    client.post(f"/accounts/unions/{account.pk}/activate/")

    account.refresh_from_db()
    assert account.is_active is True
    (entry,) = audit_of(account, "启用账号")
    assert entry.changes == {"is_active": [False, True]}


def test_another_countys_staff_cannot_reset_or_deactivate(other_county_user, own_union):
    account = union_account(own_union)
    password_before = account.password
    client = logged_in(other_county_user)

    responses = [
        client.post(f"/accounts/unions/{account.pk}/reset-password/"),
        client.post(f"/accounts/unions/{account.pk}/deactivate/"),
    ]

    assert [r.status_code for r in responses] == [404, 404]
    account.refresh_from_db()
    assert (account.password, account.is_active, account.must_change_password) == (
        password_before,
        True,
        False,
    )
    assert not AuditEntry.objects.filter(object_id=str(account.pk), action=AuditAction.UPDATE).exists()
    assert logged_in(other_county_user).get(LIST_URL).context["object_list"].count() == 0


def test_the_services_refuse_an_account_out_of_scope(other_county_user, own_union):
    account = union_account(own_union)

    with pytest.raises(ApplicationError, match="无权管理该账号"):
        union_accounts.union_account_reset_password(account=account, user=other_county_user)
    with pytest.raises(ApplicationError, match="无权管理该账号"):
        union_accounts.union_account_set_active(account=account, active=False, user=other_county_user)

    account.refresh_from_db()
    assert (account.is_active, account.must_change_password) == (True, False)


def test_staff_accounts_are_not_managed_here(county_user):
    colleague = UserFactory(username="county_cg3", role=Role.COUNTY, region=region("620102"))

    response = logged_in(county_user).post(f"/accounts/unions/{colleague.pk}/deactivate/")

    assert response.status_code == 404
    colleague.refresh_from_db()
    assert colleague.is_active is True


# The command ---------------------------------------------------------------------------------


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工会代码", "用户名", "姓名", "手机号"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_the_command_creates_accounts_and_writes_the_passwords_file(tmp_path, own_union, other_union):
    source = _xlsx(
        tmp_path / "accounts.xlsx",
        [["GH620102001", "gh_cmd1", "张三", 13912345678], ["GH620103001", "gh_cmd2", "李四", None]],
    )
    out = tmp_path / "passwords.csv"
    stdout = io.StringIO()

    call_command("create_union_accounts", str(source), "--out", str(out), stdout=stdout)

    assert stdout.getvalue().startswith("created 2 union accounts in ")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "工会代码,工会名称,用户名,姓名,手机号,初始密码"
    cells = {line.split(",")[2]: line.split(",") for line in lines[1:]}
    assert cells["gh_cmd1"][4] == "13912345678"
    for username, row in cells.items():
        account = User.objects.get(username=username)
        assert account.must_change_password is True
        assert account.check_password(row[5])
    entries = AuditEntry.objects.filter(content_type__model="user", action=AuditAction.CREATE)
    assert {(e.source, e.user) for e in entries} == {("command", None)}


def test_the_command_refuses_a_bad_file_and_writes_nothing(tmp_path, own_union):
    source = _xlsx(
        tmp_path / "accounts.xlsx", [["GH620102001", "gh_ok", "张三", None], ["NOPE", "gh_bad", "李四", None]]
    )
    out = tmp_path / "passwords.xlsx"

    with pytest.raises(CommandError, match="1 处问题"):
        call_command("create_union_accounts", str(source), "--out", str(out), stderr=io.StringIO())

    assert not out.exists()
    assert not User.objects.filter(role=Role.UNION).exists()


def test_the_command_does_not_overwrite_a_passwords_file(tmp_path, own_union):
    source = _xlsx(tmp_path / "accounts.xlsx", [["GH620102001", "gh_ok", "张三", None]])
    out = tmp_path / "passwords.xlsx"
    out.write_text("earlier passwords")

    with pytest.raises(CommandError, match="已存在"):
        call_command("create_union_accounts", str(source), "--out", str(out))

    assert out.read_text() == "earlier passwords"
    assert not User.objects.filter(username="gh_ok").exists()


def test_initial_passwords_never_start_like_a_spreadsheet_formula(monkeypatch):
    drawn = iter(["-Starts-wHyph", "_underscore1", "Fine-pass_12"])
    monkeypatch.setattr(union_accounts.secrets, "token_urlsafe", lambda nbytes: next(drawn))

    assert union_accounts.generate_initial_password() == "Fine-pass_12"


def test_user_names_starting_with_a_hyphen_or_dot_are_refused(county_user, own_union):
    rows = [
        AccountRow(2, "GH620102001", "-gh_one", "张三", ""),
        AccountRow(3, "GH620102001", ".gh_two", "李四", ""),
    ]

    errors = union_accounts.check_accounts(rows, user=county_user)

    assert [(e.row, e.column) for e in errors] == [(2, "用户名"), (3, "用户名")]
