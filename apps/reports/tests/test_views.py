import pytest
from django.urls import reverse

from apps.core.testing import ScopedAdminContract, ScopedPageContract
from apps.core.tests.factories import region
from apps.reports import indicators, services
from apps.reports.models import IndicatorSummary, YearlyReport

from .factories import YearlyReportFactory

DASHBOARD = "/reports/"


class TestReportPages(ScopedPageContract):
    list_url_name = "reports:report-list"
    detail_url_name = "reports:report-detail"

    def make_object(self, reg):
        return YearlyReportFactory(region=reg)


class TestReportAdmin(ScopedAdminContract):
    def make_object(self, reg):
        return YearlyReportFactory(region=reg)


def test_main_url_name():
    assert reverse("reports:dashboard") == DASHBOARD


def test_province_dashboard_shows_headline_breakdown_and_links(data, client, province_user):
    client.force_login(province_user)
    resp = client.get(DASHBOARD, {"year": 2024})
    assert resp.status_code == 200
    ctx = resp.context
    assert ctx["region"].code == "620000"
    headline = {f["code"]: f for f in ctx["headline"]}
    assert headline["org.members"]["value"] == 4
    assert headline["org.members"]["url"] == reverse("unions:member-list") + "?region=620000"
    assert headline["org.unions"]["url"] == reverse("unions:union-list") + "?region=620000"
    rows = {r["region"].code: r for r in ctx["breakdown"]}
    assert len(rows) == 14
    assert rows["620100"]["drill"] == f"{DASHBOARD}?region=620100&year=2024"
    assert rows["620100"]["values"][1]["value"] == 4  # all members at the end of 2024 are in Lanzhou
    assert ctx["chart_data"]["years"] == [2020, 2021, 2022, 2023, 2024]
    html = resp.content.decode()
    assert 'href="/reports/?region=620100&amp;year=2024"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "cdn" not in html.lower()


def test_prefecture_drills_down_to_its_counties(data, client, prefecture_user):
    client.force_login(prefecture_user)
    resp = client.get(DASHBOARD, {"year": 2024})
    assert resp.context["region"].code == "620100"
    rows = {r["region"].code: r["values"][1]["value"] for r in resp.context["breakdown"]}
    assert rows["620102"] == 3 and rows["620103"] == 1


def test_county_staff_see_their_own_county_only(data, client, county_user):
    client.force_login(county_user)
    resp = client.get(DASHBOARD, {"year": 2024})
    assert resp.context["region"].code == "620102"
    assert resp.context["breakdown"] == []
    assert client.get(DASHBOARD, {"region": "620103"}).status_code == 404
    assert client.get(DASHBOARD, {"region": "620000"}).status_code == 404
    assert client.get(DASHBOARD, {"region": "000000"}).status_code == 404


def test_anonymous_is_sent_to_login(client):
    resp = client.get(DASHBOARD)
    assert resp.status_code == 302 and reverse("login") in resp["Location"]


def test_dashboard_reads_precomputed_summaries_without_recomputing(data, client, province_user, monkeypatch):
    services.summary_refresh(years=[2020, 2021, 2022, 2023, 2024])
    summaries = IndicatorSummary.objects.count()

    def boom(**kwargs):
        raise AssertionError("a page view recomputed an indicator")

    monkeypatch.setattr(indicators, "compute", boom)
    client.force_login(province_user)
    resp = client.get(DASHBOARD, {"year": 2024})
    assert resp.status_code == 200
    assert IndicatorSummary.objects.count() == summaries


def test_dashboard_query_count_does_not_grow_with_regions(
    data, client, province_user, django_assert_max_num_queries
):
    services.summary_refresh(years=[2020, 2021, 2022, 2023, 2024])
    client.force_login(province_user)
    with django_assert_max_num_queries(12):
        assert client.get(DASHBOARD, {"year": 2024}).status_code == 200


def test_request_page_generates_and_redirects_to_the_progress_page(
    data, client, county_user, django_capture_on_commit_callbacks
):
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("reports:report-request"), {"year": 2024, "region": "620102"})
    report = YearlyReport.objects.get()
    assert resp.status_code == 302
    assert resp["Location"] == reverse("reports:report-detail", args=[report.pk])
    page = client.get(resp["Location"])
    assert page.status_code == 200
    assert page.context["finished"] is True
    assert [f["kind"] for f in page.context["files"]][:2] == ["json", "xlsx"]
    download = client.get(reverse("reports:report-download", args=[report.pk, "xlsx"]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_request_page_refuses_another_county_and_writes_nothing(data, client, county_user):
    client.force_login(county_user)
    resp = client.post(reverse("reports:report-request"), {"year": 2024, "region": "620103"}, follow=True)
    assert resp.status_code == 200
    assert YearlyReport.objects.count() == 0
    assert len(list(resp.context["messages"])) == 1


def test_other_county_download_is_404(db, client, county_user):
    report = YearlyReportFactory(region=region("620103"))
    client.force_login(county_user)
    assert client.get(reverse("reports:report-download", args=[report.pk, "json"])).status_code == 404


@pytest.mark.parametrize("kind", ["xlsx", "exe"])
def test_download_of_a_missing_or_unknown_file_is_404(db, client, county_user, kind):
    report = YearlyReportFactory()
    client.force_login(county_user)
    assert client.get(reverse("reports:report-download", args=[report.pk, kind])).status_code == 404


def test_without_echarts_the_dashboard_loads_no_chart_script(data, client, county_user, monkeypatch):
    from apps.reports import views

    monkeypatch.setattr(views, "echarts_installed", lambda: False)
    client.force_login(county_user)
    html = client.get(DASHBOARD, {"year": 2024}).content.decode()
    assert "echarts.min.js" not in html
    assert "dashboard.js" not in html


def test_figures_link_to_the_narrowed_list_behind_them(data, client, county_user):
    from apps.reports.selectors import figure_url

    cg = region("620102")
    assert figure_url("org.members_joined_online", cg, 2024) == (
        "/unions/members/?region=620102&joined_on_after=2024-01-01&joined_on_before=2024-12-31&join_channel=online"
    )
    assert figure_url("org.contracts_wage", cg, 2024) == "/unions/contracts/?region=620102&kind=wage"
    # the link leads to exactly the records counted
    client.force_login(county_user)
    resp = client.get(figure_url("org.members_joined", cg, 2024))
    assert resp.status_code == 200
    joined = list(resp.context["object_list"])
    assert len(joined) == indicators.compute(year=2024, region=cg)["org.members_joined"] == 2


# Recompute now ------------------------------------------------------------------------------

REFRESH = "/reports/refresh/"


def test_provincial_staff_recompute_the_dashboard_they_look_at(client, province_user):
    from apps.unions.tests.factories import MemberFactory

    services.summary_refresh(years=[2024], regions=[region("620000")])
    before = IndicatorSummary.objects.get(year=2024, region=region("620000"))
    MemberFactory(union__region=region("620102"), joined_on="2024-03-01")
    client.force_login(province_user)
    resp = client.post(REFRESH, {"region": "620000", "year": "2024"})
    assert resp.status_code == 302 and resp["Location"] == f"{DASHBOARD}?region=620000&year=2024"
    after = IndicatorSummary.objects.get(year=2024, region=region("620000"))
    assert after.computed_at > before.computed_at
    assert after.indicators["org.members"] == before.indicators["org.members"] + 1
    # the prefecture right under the province is recomputed with it
    assert IndicatorSummary.objects.get(year=2024, region=region("620100")).indicators["org.members"] >= 1
    page = client.get(resp["Location"])
    assert "统计数据已重新计算" in page.content.decode()


def test_county_and_prefecture_staff_may_not_recompute(client, county_user, prefecture_user):
    services.summary_refresh(years=[2024], regions=[region("620102")])
    before = IndicatorSummary.objects.get(year=2024, region=region("620102")).computed_at
    for user in (county_user, prefecture_user):
        client.force_login(user)
        resp = client.post(REFRESH, {"region": "620102", "year": "2024"}, follow=True)
        assert "只有省总工会工作人员和系统管理员可以立即重新计算统计数据" in resp.content.decode()
        assert 'data-testid="refresh"' not in resp.content.decode()
    assert IndicatorSummary.objects.get(year=2024, region=region("620102")).computed_at == before


def test_recompute_refuses_a_region_out_of_sight_and_a_bad_year(client, county_user, province_user):
    client.force_login(county_user)
    assert client.post(REFRESH, {"region": "620103", "year": "2024"}).status_code == 404
    client.force_login(province_user)
    resp = client.post(REFRESH, {"region": "620000", "year": "20x4"})
    assert not IndicatorSummary.objects.filter(region=region("620000")).exists()  # nothing computed
    assert "请选择年度" in client.get(resp["Location"]).content.decode()
