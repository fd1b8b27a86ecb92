"""Production error pages: Chinese, in the site's layout, no internals; JSON under /api/.
And the Content-Security-Policy header that every page carries."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import path

from config import urls as site_urls


def _boom(request):
    raise RuntimeError("secret internals: SELECT * FROM core_user")


# The site's URLs plus two views that fail, with the site's error handlers.
urlpatterns = [path("boom/", _boom), path("api/v1/boom/", _boom), *site_urls.urlpatterns]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _client() -> Client:
    c = Client(raise_request_exception=False)
    return c


@override_settings(DEBUG=False)
def test_500_page_is_chinese_in_the_layout_without_internals():
    r = _client().get("/boom/")
    assert r.status_code == 500
    body = r.content.decode()
    assert "出错了" in body
    assert 'class="topbar"' in body  # the site's layout
    assert "secret internals" not in body and "Traceback" not in body and "RuntimeError" not in body


@override_settings(DEBUG=False)
def test_api_500_is_json_without_internals():
    r = _client().get("/api/v1/boom/")
    assert r.status_code == 500
    assert r["Content-Type"] == "application/json"
    assert r.json()["message"].startswith("服务器")
    assert "secret" not in r.content.decode()


@override_settings(DEBUG=False)
def test_404_page_and_api_404():
    r = _client().get("/no-such-page/")
    assert r.status_code == 404
    assert "页面或记录不存在" in r.content.decode()
    r = _client().get("/api/v1/no-such-endpoint/")
    assert r.status_code == 404
    assert r["Content-Type"] == "application/json"
    assert r.json() == {"message": "未找到。", "extra": {}}


@override_settings(DEBUG=False)
def test_csrf_failure_page_is_chinese(county_user):
    c = Client(enforce_csrf_checks=True, raise_request_exception=False)
    c.force_login(county_user)
    r = c.post("/unions/new/", {"name": "x"})
    assert r.status_code == 403
    body = r.content.decode()
    assert "页面已过期" in body
    assert "CSRF" not in body


def test_every_page_carries_a_strict_csp(county_user):
    c = Client()
    c.force_login(county_user)
    policy = c.get("/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    # only the vendored API docs may use inline styles
    docs = c.get("/api/docs/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in docs
    assert "script-src 'self';" in docs + ";"
