"""The competitions API: the scoping contract on every viewset, who sees which competition,
writes through services, filters, ordering and pagination."""

import datetime as dt

import pytest
from django.urls import reverse

from apps.competitions.choices import CompetitionKind, Grade, InnovationKind
from apps.competitions.models import Competition, Participation
from apps.core.choices import AuditAction, AuditSource
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAPIContract
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import CompetitionFactory, InnovationFactory, ParticipationFactory

# The scoping contract on every viewset -----------------------------------------------------


class TestCompetitionAPIScope(ScopedAPIContract):
    basename = "competition"

    def make_object(self, region):
        return CompetitionFactory(organizer_region=region)

    def create_payload(self, region):
        return {
            "code": "API-NEW",
            "name": "新竞赛",
            "kind": "park",
            "organizer_region": region.code,
            "start_date": "2024-01-01",
            "end_date": "2024-02-01",
        }

    def update_payload(self, obj):
        return {"name": "改名竞赛"}


class TestParticipationAPIScope(ScopedAPIContract):
    basename = "participation"

    def make_object(self, region):
        return ParticipationFactory(
            competition=CompetitionFactory(organizer_region=region),
            union=GrassrootsUnionFactory(region=region),
        )

    def create_payload(self, region):
        comp = CompetitionFactory(organizer_region=region)
        return {
            "competition": comp.code,
            "union": GrassrootsUnionFactory(region=region).code,
            "participating_workers": 10,
        }

    def update_payload(self, obj):
        return {"participating_workers": 999}


class TestInnovationAPIScope(ScopedAPIContract):
    basename = "innovation"

    def make_object(self, region):
        return InnovationFactory(union=GrassrootsUnionFactory(region=region))

    def create_payload(self, region):
        return {
            "number": "API-CX",
            "name": "新成果",
            "kind": "method",
            "union": GrassrootsUnionFactory(region=region).code,
            "year": 2024,
        }

    def update_payload(self, obj):
        return {"name": "改名成果"}


# Who sees which competition --------------------------------------------------------------


def ids(resp) -> set[int]:
    return {row["id"] for row in resp.json()["results"]}


def test_county_sees_competitions_above_it_and_those_its_units_join(county_user, api_client):
    provincial = CompetitionFactory(organizer_region=region("620000"))
    prefectural = CompetitionFactory(organizer_region=region("620100"))
    other_prefecture = CompetitionFactory(organizer_region=region("623000"))
    neighbour = CompetitionFactory(organizer_region=region("620103"))
    joined_neighbour = CompetitionFactory(organizer_region=region("620103"))
    ParticipationFactory(competition=joined_neighbour, union=GrassrootsUnionFactory(region=region("620102")))
    own = CompetitionFactory(organizer_region=region("620102"))

    resp = api_client(county_user).get(reverse("api:competition-list"))
    assert resp.status_code == 200
    assert ids(resp) == {provincial.pk, prefectural.pk, joined_neighbour.pk, own.pk}
    c = api_client(county_user)
    assert c.get(reverse("api:competition-detail", args=[provincial.pk])).status_code == 200
    assert c.get(reverse("api:competition-detail", args=[neighbour.pk])).status_code == 404
    assert c.get(reverse("api:competition-detail", args=[other_prefecture.pk])).status_code == 404


def test_county_cannot_edit_or_delete_a_provincial_competition(county_user, api_client):
    comp = CompetitionFactory(organizer_region=region("620000"), name="省级竞赛")
    c = api_client(county_user)
    url = reverse("api:competition-detail", args=[comp.pk])
    assert c.patch(url, {"name": "改名"}, format="json").status_code == 404
    assert c.delete(url).status_code == 404
    comp.refresh_from_db()
    assert comp.name == "省级竞赛"


def test_provincial_competition_totals_hold_only_the_county_s_own_units(
    county_user, province_user, api_client
):
    comp = CompetitionFactory(organizer_region=region("620000"))
    ParticipationFactory(
        competition=comp,
        union=GrassrootsUnionFactory(region=region("620102")),
        participating_workers=50,
        promoted_workers=5,
    )
    ParticipationFactory(
        competition=comp,
        union=GrassrootsUnionFactory(region=region("620103")),
        participating_workers=70,
        promoted_workers=1,
    )
    url = reverse("api:competition-totals", args=[comp.pk])
    assert api_client(county_user).get(url).json() == {"units": 1, "workers": 50, "promoted": 5}
    assert api_client(province_user).get(url).json() == {"units": 2, "workers": 120, "promoted": 6}
    parts = api_client(county_user).get(reverse("api:participation-list"), {"competition": comp.code})
    assert parts.json()["count"] == 1


def test_county_registers_its_unit_in_a_provincial_competition_through_the_api(county_user, api_client):
    comp = CompetitionFactory(organizer_region=region("620000"))
    union = GrassrootsUnionFactory(region=region("620102"))
    resp = api_client(county_user).post(
        reverse("api:participation-list"),
        {"competition": comp.code, "union": union.code, "participating_workers": 30, "promoted_workers": 2},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    part = Participation.objects.get()
    assert resp.json()["id"] == part.pk
    entry = AuditEntry.objects.get(object_id=str(part.pk), content_type__model="participation")
    assert (entry.action, entry.source, entry.user) == (AuditAction.CREATE, AuditSource.API, county_user)


def test_participation_patch_changes_figures_only(county_user, api_client):
    part = ParticipationFactory(participating_workers=10, promoted_workers=1)
    other_comp = CompetitionFactory()
    resp = api_client(county_user).patch(
        reverse("api:participation-detail", args=[part.pk]),
        {"participating_workers": 20, "award": "优胜单位", "competition": other_comp.code},
        format="json",
    )
    assert resp.status_code == 200
    assert resp.json()["participating_workers"] == 20
    part.refresh_from_db()
    assert (part.participating_workers, part.award, part.competition_id) == (
        20,
        "优胜单位",
        part.competition_id,
    )
    assert part.competition_id != other_comp.pk


def test_duplicate_participation_is_a_400_with_nothing_written(county_user, api_client):
    part = ParticipationFactory()
    resp = api_client(county_user).post(
        reverse("api:participation-list"),
        {"competition": part.competition.code, "union": part.union.code, "participating_workers": 3},
        format="json",
    )
    assert resp.status_code == 400
    assert "union" in resp.json()["extra"]["fields"]
    assert Participation.objects.count() == 1


def test_competition_end_before_start_is_a_400(county_user, api_client):
    resp = api_client(county_user).post(
        reverse("api:competition-list"),
        {
            "code": "JS-X",
            "name": "竞赛",
            "kind": "skill",
            "organizer_region": "620102",
            "start_date": "2024-05-02",
            "end_date": "2024-05-01",
        },
        format="json",
    )
    assert resp.status_code == 400
    assert "end_date" in resp.json()["extra"]["fields"]
    assert Competition.objects.count() == 0


def test_prefecture_staff_read_but_cannot_write(prefecture_user, api_client):
    comp = CompetitionFactory(organizer_region=region("620103"))
    c = api_client(prefecture_user)
    assert c.get(reverse("api:competition-detail", args=[comp.pk])).status_code == 200
    assert (
        c.patch(reverse("api:competition-detail", args=[comp.pk]), {"name": "x"}, format="json").status_code
        == 403
    )


# Filters, ordering, pagination -----------------------------------------------------------


def test_competition_filters_and_ordering(county_user, api_client):
    a = CompetitionFactory(
        code="JSA", name="焊工技能大赛", kind=CompetitionKind.SKILL, start_date=dt.date(2023, 12, 31)
    )
    b = CompetitionFactory(
        code="JSB", name="安康杯", kind=CompetitionKind.ANKANG, start_date=dt.date(2024, 1, 1)
    )
    c = CompetitionFactory(
        code="JSC", name="园区竞赛", kind=CompetitionKind.PARK, organizer_region=region("620000")
    )
    union = GrassrootsUnionFactory(code="GH-F")
    ParticipationFactory(competition=b, union=union)
    client = api_client(county_user)
    url = reverse("api:competition-list")
    assert ids(client.get(url, {"kind": "skill"})) == {a.pk}
    assert ids(client.get(url, {"year": 2024})) == {b.pk, c.pk}
    assert ids(client.get(url, {"region": "620102"})) == {a.pk, b.pk}
    assert ids(client.get(url, {"region": "620000"})) == {a.pk, b.pk, c.pk}
    assert ids(client.get(url, {"q": "焊工"})) == {a.pk}
    assert ids(client.get(url, {"q": "jsc"})) == {c.pk}
    assert ids(client.get(url, {"union": "GH-F"})) == {b.pk}
    assert ids(client.get(url, {"start_date_after": "2024-01-01"})) == {b.pk, c.pk}
    rows = client.get(url, {"ordering": "start_date"}).json()["results"]
    assert [r["code"] for r in rows] == ["JSA", "JSB", "JSC"]
    page = client.get(url, {"page_size": 2, "ordering": "code"}).json()
    assert page["count"] == 3 and [r["code"] for r in page["results"]] == ["JSA", "JSB"]


def test_innovation_filters(county_user, api_client):
    union = GrassrootsUnionFactory(code="GH-I")
    a = InnovationFactory(
        union=union, kind=InnovationKind.METHOD, grade=Grade.SPECIAL, year=2024, name="王明操作法"
    )
    b = InnovationFactory(kind=InnovationKind.ACHIEVEMENT, grade="", year=2023, recommended_nationally=True)
    client = api_client(county_user)
    url = reverse("api:innovation-list")
    assert ids(client.get(url, {"grade": "special"})) == {a.pk}
    assert ids(client.get(url, {"grade": "none"})) == {b.pk}
    assert ids(client.get(url, {"year": 2023})) == {b.pk}
    assert ids(client.get(url, {"kind": "method"})) == {a.pk}
    assert ids(client.get(url, {"union": "GH-I"})) == {a.pk}
    assert ids(client.get(url, {"q": "王明"})) == {a.pk}
    assert ids(client.get(url, {"recommended_nationally": "true"})) == {b.pk}
    rows = client.get(url, {"ordering": "year"}).json()["results"]
    assert [r["id"] for r in rows] == [b.pk, a.pk]


def test_participation_filters(county_user, api_client):
    skill = CompetitionFactory(kind=CompetitionKind.SKILL, start_date=dt.date(2024, 6, 1))
    park = CompetitionFactory(kind=CompetitionKind.PARK, start_date=dt.date(2023, 6, 1))
    p1 = ParticipationFactory(competition=skill, award="一等奖", participating_workers=5)
    p2 = ParticipationFactory(competition=park, participating_workers=50)
    client = api_client(county_user)
    url = reverse("api:participation-list")
    assert ids(client.get(url, {"kind": "skill"})) == {p1.pk}
    assert ids(client.get(url, {"year": 2023})) == {p2.pk}
    assert ids(client.get(url, {"awarded": "true"})) == {p1.pk}
    assert ids(client.get(url, {"union": p2.union.code})) == {p2.pk}
    rows = client.get(url, {"ordering": "-participating_workers"}).json()["results"]
    assert [r["id"] for r in rows] == [p2.pk, p1.pk]


@pytest.mark.parametrize("basename", ["competition", "participation", "innovation"])
def test_list_query_count_does_not_grow_with_rows(
    basename, county_user, api_client, django_assert_max_num_queries
):
    for _ in range(5):
        ParticipationFactory()
        InnovationFactory()
    client = api_client(county_user)
    client.get(reverse(f"api:{basename}-list"))  # warm caches (content types, sessions)
    with django_assert_max_num_queries(8):
        resp = client.get(reverse(f"api:{basename}-list"))
    assert resp.json()["count"] == 5
