"""Depth of lists (issue 15): page numbers stop at ``max_pages``; API clients walk any depth
with the id cursor, each page a seek on the primary key."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.pagination import EstimatedCountPaginator
from apps.unions.models import Member
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory


@pytest.fixture
def members(db):
    union = GrassrootsUnionFactory()
    return MemberFactory.create_batch(23, union=union)


def test_the_cursor_walks_every_member_once_newest_first(members, county_user, api_client):
    client = api_client(county_user)
    url = reverse("api:member-list") + "?cursor=&page_size=10"
    seen, pages = [], 0
    while url:
        body = client.get(url).json()
        assert "count" not in body and set(body) >= {"next", "previous", "results"}
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert seen == sorted((m.pk for m in members), reverse=True)


def test_a_deep_cursor_page_is_a_seek_not_an_offset(members, county_user, api_client):
    client = api_client(county_user)
    first = client.get(reverse("api:member-list") + "?cursor=&page_size=10").json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(first["next"]).json()
    rows = [q["sql"] for q in queries.captured_queries if 'FROM "unions_member"' in q["sql"]]
    assert rows and all("OFFSET" not in sql for sql in rows)
    assert [r["id"] for r in second["results"]] == sorted((m.pk for m in members), reverse=True)[10:20]


def test_a_forged_cursor_is_a_404(members, county_user, api_client):
    resp = api_client(county_user).get(reverse("api:member-list") + "?cursor=bz14")
    assert resp.status_code == 404
    assert Member.objects.count() == 23


def test_page_numbers_stop_at_max_pages(members, county_user, api_client, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "max_pages", 2)
    api = api_client(county_user)
    body = api.get(reverse("api:member-list") + "?page=2&page_size=5").json()
    assert len(body["results"]) == 5
    deep = api.get(reverse("api:member-list") + "?page=3&page_size=5")
    assert deep.status_code == 404
    assert deep.json()["message"] == "列表最多显示到第 2 页：请用搜索或筛选条件缩小范围。"
    assert EstimatedCountPaginator(Member.objects.order_by("pk"), 5).num_pages == 2
