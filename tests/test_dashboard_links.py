"""Every link on the dashboard leads where its user may go: the demo's users (a county, a
prefecture, the province) follow each link of their dashboard and of the
first dashboard they drill down to, and get a 200 every time. Breadcrumbs start at the top of
the user's reach; figures link only to lists the user may open."""

import re
from html import unescape
from unittest import mock
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.urls import reverse

from apps.competitions.tests.factories import ParticipationFactory
from apps.core.tests.factories import region
from apps.hardship.tests.factories import DisbursementFactory
from apps.insurance.tests.factories import ClaimFactory
from apps.model_workers.tests.factories import ModelWorkerFactory
from apps.reports import selectors
from apps.unions.tests.factories import ContractFactory, GrassrootsUnionFactory, MemberFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/reports/"
ANCHOR = re.compile(r"<a\s[^>]*href=\"([^\"]*)\"")


@pytest.fixture
def demo_like(db, settings):
    """A little of every domain in two Lanzhou counties and in Gannan; every indicator source."""
    settings.REPORTS_INDICATOR_SOURCES = None
    for code in ("620102", "620103", "623001"):
        union = GrassrootsUnionFactory(region=region(code))
        MemberFactory.create_batch(2, union=union)
        ContractFactory(union=union)
        ParticipationFactory(union=union)
        ModelWorkerFactory(union=union)
        DisbursementFactory(household__union=union)
        ClaimFactory(coverage__union=union)


def links(html: str, base: str) -> list[str]:
    hrefs = {unescape(h) for h in ANCHOR.findall(html)}
    return sorted(urljoin(base, h) for h in hrefs if h and not h.startswith("#"))


def breadcrumbs(resp) -> list[str]:
    return [r.code for r in resp.context["breadcrumbs"]]


def follow_all(client, url: str) -> dict[str, int]:
    """Every link of the page at url, followed: {link: status}; and the page's response."""
    page = client.get(url)
    assert page.status_code == 200, url
    return {link: client.get(link).status_code for link in links(page.content.decode(), url)}


@pytest.mark.parametrize(
    ("who", "home", "path", "drilled_path"),
    [
        ("county_user", "620102", ["620102"], None),  # a county has no regions below on the dashboard
        ("prefecture_user", "620100", ["620100"], ["620100", "620102"]),
        ("province_user", "620000", ["620000"], ["620000", "620100"]),
    ],
)
def test_every_dashboard_link_opens_for_its_user(demo_like, client, request, who, home, path, drilled_path):
    client.force_login(request.getfixturevalue(who))
    resp = client.get(DASHBOARD)
    assert resp.status_code == 200
    assert (resp.context["region"].code, breadcrumbs(resp)) == (home, path)

    statuses = follow_all(client, DASHBOARD)
    assert {link: s for link, s in statuses.items() if s != 200} == {}
    assert reverse("hardship:household-list") + f"?region={home}" in statuses  # the figures are links

    drills = [row["drill"] for row in resp.context["breakdown"]]
    if drilled_path is None:
        assert drills == []
        return
    drilled = client.get(drills[0])
    assert breadcrumbs(drilled) == drilled_path
    statuses = follow_all(client, drills[0])
    assert {link: s for link, s in statuses.items() if s != 200} == {}


def test_no_link_above_the_user_s_own_region(demo_like, client, county_user, prefecture_user):
    client.force_login(county_user)
    html = client.get(DASHBOARD).content.decode()
    region_links = {parse_qs(urlsplit(u).query).get("region", [""])[0] for u in links(html, DASHBOARD)}
    assert "620000" not in region_links and "620100" not in region_links
    assert "甘肃省" not in html.split('data-testid="region-path"')[1].split("</nav>")[0]
    assert client.get(DASHBOARD, {"region": "620100"}).status_code == 404  # what the link would have hit

    client.force_login(prefecture_user)
    resp = client.get(DASHBOARD, {"region": "620102"})
    assert breadcrumbs(resp) == ["620100", "620102"]
    html = resp.content.decode()
    assert "?region=620000" not in html


def test_a_list_the_user_may_not_open_is_no_link(demo_like, client, county_user):
    # given a user whom no list behind a figure lets in
    client.force_login(county_user)
    with mock.patch.object(selectors, "page_allowed", return_value=False):
        resp = client.get(DASHBOARD)
    # then the figures are shown without links, and what links remain all open
    assert resp.status_code == 200
    assert {f["url"] for f in resp.context["headline"]} == {None}
    html = resp.content.decode()
    assert '<div class="rp-figure" data-code="org.members">' in html
    assert not [u for u in links(html, DASHBOARD) if "?region=" in u and not u.startswith(DASHBOARD)]


@pytest.mark.parametrize(
    ("who", "recheck", "plan_create"),
    [
        ("county_user", True, False),
        ("prefecture_user", True, False),
        ("province_user", True, True),
        ("admin_user", True, True),
    ],
)
def test_page_allowed_asks_the_page_s_own_permission_check(request, client, who, recheck, plan_create):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for name, expected in (("hardship:recheck-due", recheck), ("insurance:plan-create", plan_create)):
        url = reverse(name)
        assert selectors.page_allowed(user, url) is expected, name
        assert (client.get(url).status_code == 200) is expected, name
    assert selectors.page_allowed(user, "/no-such-page/") is False
