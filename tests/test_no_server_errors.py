"""Bad input is a 400 with a message, never a 500 (issue 11, item 2), and the class of bug is
guarded for every operation of the OpenAPI schema: a create with an empty body, and every
``year`` filter with an out-of-range value."""

from __future__ import annotations

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from apps.competitions.models import Participation
from apps.competitions.tests.factories import CompetitionFactory
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

pytestmark = pytest.mark.django_db

OWN = "620102"


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("year", ["0", "0.0", "-5", "99999", "abc"])
@pytest.mark.parametrize("basename", ["competition", "participation", "innovation"])
def test_out_of_range_year_is_a_400_with_a_message(county_user, api_client, basename, year):
    # when
    r = api_client(county_user).get(reverse(f"api:{basename}-list"), {"year": year})
    # then
    assert r.status_code == 400, r.content
    assert "year" in r.json()["extra"]["fields"]


def test_a_valid_year_still_filters(county_user, api_client):
    CompetitionFactory(organizer_region=region(OWN), code="Y2024", start_date="2024-03-01")
    CompetitionFactory(organizer_region=region(OWN), code="Y2023", start_date="2023-03-01")
    r = api_client(county_user).get(reverse("api:competition-list"), {"year": "2024"})
    assert r.status_code == 200
    assert [c["code"] for c in r.json()["results"]] == ["Y2024"]


@pytest.mark.parametrize("fmt", ["json", "multipart"])
def test_participation_without_workers_is_a_400_and_writes_nothing(county_user, api_client, fmt):
    # given
    competition = CompetitionFactory(organizer_region=region(OWN))
    union = GrassrootsUnionFactory(region=region(OWN))
    # when
    r = api_client(county_user).post(
        reverse("api:participation-list"),
        {"competition": competition.code, "union": union.code},
        format=fmt,
    )
    # then
    assert r.status_code == 400, r.content
    assert "participating_workers" in r.json()["extra"]["fields"]
    assert not Participation.objects.exists()


def test_participation_form_encoded_without_workers_is_a_400(county_user, api_client):
    competition = CompetitionFactory(organizer_region=region(OWN))
    union = GrassrootsUnionFactory(region=region(OWN))
    r = api_client(county_user).post(
        reverse("api:participation-list"),
        f"competition={competition.code}&union={union.code}",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 400, r.content
    assert not Participation.objects.exists()


def _operations(method: str):
    for path, item in _schema()["paths"].items():
        if method in item and "{" not in path:
            yield path, item[method]


def test_every_create_with_an_empty_body_is_a_4xx_not_a_500(admin_user, api_client):
    client = api_client(admin_user)
    tried = 0
    for path, _op in _operations("post"):
        for fmt in ("json", "multipart"):
            r = client.post(path, {}, format=fmt)
            assert r.status_code < 500, (path, fmt, r.status_code)
            assert r["Content-Type"].startswith("application/json"), (path, fmt, r["Content-Type"])
            tried += 1
    assert tried >= 40  # every create of the six domains and core


def test_every_year_filter_refuses_year_zero(admin_user, api_client):
    client = api_client(admin_user)
    paths = [
        path
        for path, op in _operations("get")
        if any(p["name"] == "year" and p["in"] == "query" for p in op.get("parameters", []))
    ]
    assert len(paths) >= 6
    for path in paths:
        for value in ("0", "0.0", "100000"):
            r = client.get(path, {"year": value})
            assert r.status_code == 400, (path, value, r.status_code)
