"""Password guessing is not free: every door that takes a password locks a user name out from an
address after AXES_FAILURE_LIMIT failures, for the cool-off; an administrator can unlock; locks
and unlocks are in the audit trail."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token

from apps.core.choices import AuditAction, AuditSource
from apps.core.lockout import client_ip
from apps.core.models import AuditEntry
from apps.core.tests.factories import PASSWORD

LIMIT = 5
MESSAGE = "登录失败次数过多，账户已暂时锁定，请 15 分钟后再试或联系管理员解锁"
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _policy(settings):
    """The shipped policy, whatever the environment says."""
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def page_login(client, username, password, ip="127.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def token_login(client, username, password, ip="127.0.0.1"):
    return client.post(TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=ip)


def fail(client, username, times, ip="127.0.0.1", url=LOGIN):
    return [page_login(client, username, "wrong-password", ip, url).status_code for _ in range(times)]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def lock_entries(subject):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk)
    ).order_by("id")


# The three doors ----------------------------------------------------------------------------


def test_login_page_refuses_the_right_password_after_the_limit(client, county_user):
    # given: four wrong passwords are just wrong, the fifth locks
    assert fail(client, county_user.username, LIMIT) == [200] * (LIMIT - 1) + [429]
    # when
    resp = page_login(client, county_user.username, PASSWORD)
    # then
    assert resp.status_code == 429
    html = resp.content.decode()
    assert MESSAGE in html
    assert 'name="username"' in html  # the login page again, not a bare error
    assert resp["Retry-After"] == "900"
    assert not logged_in(client)
    assert client.get("/").status_code == 302


def test_token_endpoint_refuses_the_right_password_after_the_limit(api_client, county_user):
    client = api_client()
    codes = [token_login(client, county_user.username, "wrong-password").status_code for _ in range(LIMIT)]
    assert codes == [400] * (LIMIT - 1) + [429]

    resp = token_login(client, county_user.username, PASSWORD)

    assert resp.status_code == 429
    assert resp["Content-Type"] == "application/json"
    assert resp.json() == {"message": MESSAGE, "extra": {}}
    assert resp["Retry-After"] == "900"
    assert not Token.objects.filter(user=county_user).exists()


def test_token_endpoint_wrong_password_keeps_the_api_error_shape(api_client, county_user):
    resp = token_login(api_client(), county_user.username, "wrong-password")
    assert resp.status_code == 400
    assert set(resp.json()) == {"message", "extra"}


def test_admin_login_refuses_the_right_password_after_the_limit(client, admin_user):
    assert fail(client, admin_user.username, LIMIT, url=ADMIN_LOGIN) == [200] * (LIMIT - 1) + [429]

    resp = page_login(client, admin_user.username, PASSWORD, url=ADMIN_LOGIN)

    assert resp.status_code == 429
    assert MESSAGE in resp.content.decode()
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_failures_on_one_door_count_on_the_others(client, api_client, county_user):
    fail(client, county_user.username, LIMIT - 1)
    assert token_login(api_client(), county_user.username, "wrong-password").status_code == 429
    assert page_login(client, county_user.username, PASSWORD).status_code == 429


# Keyed by user name and address -------------------------------------------------------------


def test_another_address_is_not_locked_for_the_same_user(client, county_user):
    fail(client, county_user.username, LIMIT, ip="10.0.0.66")

    resp = page_login(client, county_user.username, PASSWORD, ip="10.0.0.7")

    assert resp.status_code == 302
    assert logged_in(client)


def test_another_user_name_is_not_locked_from_the_same_address(
    client, api_client, county_user, other_county_user
):
    fail(client, county_user.username, LIMIT)

    resp = token_login(api_client(), other_county_user.username, PASSWORD)

    assert resp.status_code == 200 and resp.json()["token"]


def test_success_starts_the_count_again(client, api_client, county_user):
    fail(client, county_user.username, LIMIT - 1)
    assert page_login(client, county_user.username, PASSWORD).status_code == 302
    client.logout()
    fail(client, county_user.username, LIMIT - 1)
    assert page_login(client, county_user.username, PASSWORD).status_code == 302

    api = api_client()
    for _ in range(2):
        for _ in range(LIMIT - 1):
            token_login(api, county_user.username, "wrong-password")
        assert token_login(api, county_user.username, PASSWORD).status_code == 200


def test_login_works_again_after_the_cool_off(client, county_user):
    fail(client, county_user.username, LIMIT)
    assert page_login(client, county_user.username, PASSWORD).status_code == 429

    # the last attempt was 16 minutes ago
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))

    assert page_login(client, county_user.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_attempts_while_locked_do_not_extend_the_lock(client, county_user):
    fail(client, county_user.username, LIMIT)
    ten_minutes_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    AccessAttempt.objects.update(attempt_time=ten_minutes_ago)

    assert page_login(client, county_user.username, PASSWORD).status_code == 429

    attempt = AccessAttempt.objects.get()
    assert (attempt.attempt_time, attempt.failures_since_start) == (ten_minutes_ago, LIMIT)


def test_cool_off_setting_is_honoured(client, county_user, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=1)
    fail(client, county_user.username, LIMIT)
    resp = page_login(client, county_user.username, PASSWORD)
    assert resp.status_code == 429
    assert "请 1 分钟后再试" in resp.content.decode()

    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=61))

    assert page_login(client, county_user.username, PASSWORD).status_code == 302


def test_test_client_login_still_works(client, county_user):
    assert client.login(username=county_user.username, password=PASSWORD)
    assert client.get("/").status_code == 200


# Audit and unlock ---------------------------------------------------------------------------


def test_the_lock_is_audited_once(client, county_user):
    fail(client, county_user.username, LIMIT + 3)  # the refusals after the lock add nothing

    entry = lock_entries(county_user).get()
    assert (entry.action, entry.source, entry.user, entry.username) == (
        AuditAction.UPDATE,
        AuditSource.PAGE,
        None,
        "",
    )
    assert entry.changes == {"login_locked": [False, True]}
    assert "county_cg" in entry.note and "127.0.0.1" in entry.note
    assert entry.region == county_user.region


def test_the_lock_of_a_guessed_user_name_is_audited_on_the_attempt(db, api_client):
    client = api_client()
    for _ in range(LIMIT):
        token_login(client, "nobody", "guess", ip="10.9.9.9")

    attempt = AccessAttempt.objects.get(username="nobody")
    entry = lock_entries(attempt).get()
    assert entry.source == AuditSource.API
    assert "nobody" in entry.note and "10.9.9.9" in entry.note


def test_admin_sees_the_lock_and_unlocks_it_audited(client, county_user, admin_user):
    fail(client, county_user.username, LIMIT)
    attempt = AccessAttempt.objects.get()
    admin = type(client)()
    admin.force_login(admin_user)

    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert county_user.username in listing.content.decode()
    assert "登录失败记录" in listing.content.decode()  # axes' own strings, translated in our catalogue

    resp = admin.post("/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": [attempt.pk]})

    assert resp.status_code == 302
    assert not AccessAttempt.objects.exists()
    unlock = lock_entries(county_user).last()
    assert (unlock.user, unlock.source) == (admin_user, AuditSource.ADMIN)
    assert unlock.changes == {"login_locked": [True, False], "failed_logins": [LIMIT, 0]}
    assert "county_cg" in unlock.note and "127.0.0.1" in unlock.note
    assert page_login(client, county_user.username, PASSWORD).status_code == 302


def test_deleting_the_record_in_the_admin_is_an_audited_unlock(client, county_user, admin_user):
    fail(client, county_user.username, LIMIT)
    attempt = AccessAttempt.objects.get()
    admin = type(client)()
    admin.force_login(admin_user)

    resp = admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert resp.status_code == 302
    assert not AccessAttempt.objects.exists()
    unlock = lock_entries(county_user).last()
    assert (unlock.user, unlock.changes["login_locked"]) == (admin_user, [True, False])


def test_only_the_administrator_role_reaches_the_lockouts(client, county_user, province_user):
    fail(client, county_user.username, LIMIT)
    staff = type(client)()
    staff.force_login(province_user)
    resp = staff.get("/admin/axes/accessattempt/")
    assert resp.status_code == 302 and resp["Location"].startswith("/admin/login/")  # no admin at all


def test_unlock_command_releases_and_audits(client, county_user, admin_user):
    fail(client, county_user.username, LIMIT, ip="10.0.0.1")
    fail(client, county_user.username, LIMIT, ip="10.0.0.2")

    call_command("unlock_login", county_user.username, "--ip", "10.0.0.1", "--user", admin_user.username)

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.2"]
    unlock = lock_entries(county_user).last()
    assert (unlock.user, unlock.source, unlock.changes["login_locked"]) == (
        admin_user,
        AuditSource.COMMAND,
        [True, False],
    )
    assert page_login(client, county_user.username, PASSWORD, ip="10.0.0.1").status_code == 302
    assert page_login(client, county_user.username, PASSWORD, ip="10.0.0.2").status_code == 429


# The client address behind a proxy ---------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "trusted", "remote", "forwarded", "expected"),
    [
        (0, None, "10.0.0.1", "6.6.6.6", "10.0.0.1"),  # no proxy: the header is the client's to forge
        (1, None, "10.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the proxy's entry, not the forged one
        (2, None, "10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, None, "10.0.0.1", "", "10.0.0.1"),  # straight to gunicorn (health checks)
        (1, None, "10.0.0.1", "not-an-address", "10.0.0.1"),
        (1, ["10.0.0."], "192.168.1.5", "203.0.113.9", "192.168.1.5"),  # not from our proxy
        (1, ["10.0.0."], "10.0.0.1", "203.0.113.9", "203.0.113.9"),
    ],
)
def test_client_address_behind_proxies(settings, count, trusted, remote, forwarded, expected):
    settings.AXES_IPWARE_PROXY_COUNT = count
    settings.AXES_IPWARE_PROXY_TRUSTED_IPS = trusted
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_token_endpoint_is_documented_with_its_refusals(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert set(responses) == {"200", "400", "429"}
