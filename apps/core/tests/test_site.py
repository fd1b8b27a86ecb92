import re

import pytest
from django.test import override_settings
from django.urls import reverse


def test_healthz_reports_database_and_broker(db, client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok" and body["database"] == "ok"


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_is_503_when_the_broker_is_down(db, client):
    resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.json()["broker"].startswith("error")


def test_login_page_is_chinese_by_default(db, client):
    resp = client.get(reverse("login"))
    html = resp.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html and "用户名" in html


def test_language_switch_to_english(db, client, county_user):
    client.force_login(county_user)
    resp = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert resp.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Log out" in html


def test_home_shows_the_users_region(db, client, county_user):
    client.force_login(county_user)
    html = client.get("/").content.decode()
    assert "城关区" in html and "县区工会" in html


def test_home_lists_recent_changes_not_views(db, client, county_user):
    from apps.core import audit
    from apps.core.choices import AuditAction
    from apps.unions.tests.factories import GrassrootsUnionFactory

    changed = GrassrootsUnionFactory(name="改过名的工会")
    viewed = GrassrootsUnionFactory(name="只被查看的工会")
    audit.record(changed, AuditAction.UPDATE, changes={"name": ["旧名", "改过名的工会"]}, user=county_user)
    audit.record(viewed, AuditAction.VIEW, user=county_user)
    client.force_login(county_user)
    html = client.get("/").content.decode()
    assert "改过名的工会" in html
    assert "只被查看的工会" not in html


def test_pages_need_login(db, client):
    resp = client.get("/")
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))


def test_login_with_password_works(db, client, county_user):
    from apps.core.tests.factories import PASSWORD

    resp = client.post(reverse("login"), {"username": county_user.username, "password": PASSWORD})
    assert resp.status_code == 302
    assert client.get("/").status_code == 200


def test_schema_and_docs_are_served_without_cdn(db, client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/regions/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    external = [u for u in re.findall(r'(?:src|href)="(https?://[^"]+)"', html) if "localhost" not in u]
    assert external == []
    assert "/static/drf_spectacular_sidecar/" in html


def test_api_errors_have_one_shape(db, api_client, county_user):
    resp = api_client(county_user).get("/api/v1/regions/999999/")
    assert resp.status_code == 404
    assert set(resp.json()) == {"message", "extra"}


def test_api_lists_are_paginated(db, api_client, province_user):
    resp = api_client(province_user).get("/api/v1/regions/", {"page_size": 10})
    body = resp.json()
    assert body["count"] == 101 and len(body["results"]) == 10 and body["next"]


@pytest.mark.django_db(transaction=True)
def test_celery_round_trip(celery_worker):
    """Through a real worker on Redis when REDIS_URL is set, eagerly otherwise."""
    import os

    from apps.core.tasks import ping

    result = ping.delay("你好").get(timeout=30)
    assert result["echo"] == "你好"
    expected_pid = celery_worker.pid if celery_worker is not None else os.getpid()
    assert result["pid"] == expected_pid


def test_favicon_ico_leads_to_the_icon(client):
    """The admin and the API docs name no icon; the browser's /favicon.ico must not be a 404."""
    resp = client.get("/favicon.ico")
    assert resp.status_code == 301
    assert resp["Location"].endswith("img/favicon.svg")
