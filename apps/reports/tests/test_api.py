import pytest
from django.urls import reverse

from apps.core.testing import ScopedAPIContract
from apps.core.tests.factories import region
from apps.reports import indicators
from apps.reports.models import YearlyReport

from .factories import YearlyReportFactory

LIST = "/api/v1/reports/yearly/"


class TestYearlyReportAPIContract(ScopedAPIContract):
    basename = "yearlyreport"
    created_status = 202  # the report is queued

    def make_object(self, reg):
        return YearlyReportFactory(region=reg)

    def create_payload(self, reg):
        return {"year": 2023, "region": reg.code}


def test_the_api_urls_are_where_the_issue_says():
    assert reverse("api:yearlyreport-list") == LIST


def test_post_answers_202_with_the_id_and_get_shows_the_results(
    data, province_user, api_client, django_capture_on_commit_callbacks
):
    client = api_client(province_user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(LIST, {"year": 2024, "region": "620100"}, format="json")
    assert resp.status_code == 202
    report = YearlyReport.objects.get()
    assert resp.json()["id"] == report.pk
    body = client.get(f"{LIST}{report.pk}/").json()
    assert body["status"] == "done"
    assert body["progress"] == 100
    assert body["region"] == "620100"
    assert body["result"] == indicators.build_report(year=2024, region=region("620100"))
    assert sorted(body["files"]) == sorted(["json", "xlsx"] + (["pdf"] if report.pdf_file else []))
    download = client.get(body["files"]["xlsx"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="gonghui-yearly-2024-620100.xlsx"'
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_posting_the_same_year_and_region_again_gives_the_same_report(
    data, county_user, api_client, django_capture_on_commit_callbacks
):
    client = api_client(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(LIST, {"year": 2024, "region": "620102"}, format="json").json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(LIST, {"year": 2024, "region": "620102"}, format="json").json()["id"]
    assert first == second
    assert YearlyReport.objects.count() == 1


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"year": 2024, "region": "999999"}, "region"),
        ({"year": "abc", "region": "620102"}, "year"),
        ({"region": "620102"}, "year"),
        ({"year": 2024, "region": "620103"}, "region"),  # another county: not revealed
    ],
)
def test_bad_input_is_refused_and_nothing_written(db, county_user, api_client, payload, field):
    resp = api_client(county_user).post(LIST, payload, format="json")
    assert resp.status_code == 400
    assert field in str(resp.json())
    assert YearlyReport.objects.count() == 0


def test_download_of_a_missing_file_is_404(db, county_user, api_client):
    report = YearlyReportFactory()
    resp = api_client(county_user).get(f"{LIST}{report.pk}/download/pdf/")
    assert resp.status_code == 404


def test_other_county_download_is_404(db, county_user, api_client):
    report = YearlyReportFactory(region=region("620103"))
    assert api_client(county_user).get(f"{LIST}{report.pk}/download/json/").status_code == 404


def test_prefecture_sees_its_counties_reports_not_others(db, prefecture_user, api_client):
    own = YearlyReportFactory(region=region("620103"))
    far = YearlyReportFactory(region=region("623001"))
    ids = {r["id"] for r in api_client(prefecture_user).get(LIST).json()["results"]}
    assert own.pk in ids and far.pk not in ids
