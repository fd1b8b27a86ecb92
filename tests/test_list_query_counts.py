"""No list reads per row (issue 15): every list endpoint of the API, and the dashboard, takes the
same number of queries for a page of ten rows as for a page of forty, on the demo data of every
domain (no N+1 however the rows grow; a look-up per kind of row, e.g. per model a change
request writes, is reached by the first rows already)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

pytestmark = pytest.mark.django_db


def _list_endpoints() -> list[str]:
    """The names of every collection endpoint of the API (router ``*-list`` routes)."""
    api = get_resolver().namespace_dict["api"][1]
    names = {name for name in api.reverse_dict if isinstance(name, str) and name.endswith("-list")}
    return sorted(f"api:{name}" for name in names)


def _queries(client, url: str) -> tuple[int, dict]:
    client.get(url)  # warm: content types, the grants' cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries), response.json()


def test_lists_and_dashboards_read_a_fixed_number_of_queries_whatever_the_rows(
    province_user, county_user, api_client, client
):
    # one generation for both checks: it is most of the test's time
    call_command("generate_demo_data", "--scale", "demo", "--years", "2024,2025")
    names = _list_endpoints()
    assert len(names) >= 30, names  # every domain's registers, not a handful
    grown = []
    for user in (province_user, county_user):
        client = api_client(user)
        for name in names:
            url = reverse(name)
            few, body_few = _queries(client, f"{url}?page_size=10")
            many, body_many = _queries(client, f"{url}?page_size=40")
            assert many == few, f"{name} as {user.role}: {few} queries for 10 rows, {many} for 40"
            if len(body_many.get("results", ())) > len(body_few.get("results", ())):
                grown.append(name)
    # the comparison means something: most lists do hold several rows of the demo data
    assert len(set(grown)) >= len(names) * 2 // 3, sorted(set(names) - set(grown))

    client.force_login(province_user)
    counts = {}
    for code in ("620000", "620100", "620102"):
        url = reverse("reports:dashboard") + f"?region={code}&year=2025"
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts[code] = len(captured.captured_queries)
    # 14 prefectures or 8 counties below: the same statements; a county has no children to read
    assert counts["620000"] == counts["620100"] == counts["620102"] + 1, counts
