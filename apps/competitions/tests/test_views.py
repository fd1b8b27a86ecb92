"""The competitions pages: the scoping contract on every list/detail, who sees a
competition, forms through services with Chinese messages, the unit page."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.competitions.choices import CompetitionKind
from apps.competitions.models import Competition, InnovationAchievement, Participation
from apps.core.choices import AuditAction, AuditSource
from apps.core.models import AuditEntry
from apps.core.testing import ScopedPageContract
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import CompetitionFactory, InnovationFactory, ParticipationFactory


class TestCompetitionPageScope(ScopedPageContract):
    list_url_name = "competitions:competition-list"
    detail_url_name = "competitions:competition-detail"

    def make_object(self, region):
        return CompetitionFactory(organizer_region=region)


class TestParticipationPageScope(ScopedPageContract):
    list_url_name = "competitions:participation-list"
    detail_url_name = "competitions:participation-detail"

    def make_object(self, region):
        return ParticipationFactory(
            competition=CompetitionFactory(organizer_region=region),
            union=GrassrootsUnionFactory(region=region),
        )


class TestInnovationPageScope(ScopedPageContract):
    list_url_name = "competitions:innovation-list"
    detail_url_name = "competitions:innovation-detail"

    def make_object(self, region):
        return InnovationFactory(union=GrassrootsUnionFactory(region=region))


# A provincial competition seen by a county ------------------------------------------------


def test_county_opens_a_provincial_competition_with_only_its_own_units(county_user, client):
    comp = CompetitionFactory(organizer_region=region("620000"), name="全省职工技能大赛")
    own = ParticipationFactory(
        competition=comp,
        union=GrassrootsUnionFactory(region=region("620102"), name="城关一厂工会"),
        participating_workers=40,
        promoted_workers=4,
    )
    ParticipationFactory(
        competition=comp,
        union=GrassrootsUnionFactory(region=region("620103"), name="七里河工会"),
        participating_workers=70,
        promoted_workers=7,
    )
    client.force_login(county_user)
    resp = client.get(reverse("competitions:competition-detail", args=[comp.pk]))
    assert resp.status_code == 200
    assert list(resp.context["participations"]) == [own]
    assert resp.context["totals"] == {"units": 1, "workers": 40, "promoted": 4}
    body = resp.content.decode()
    assert "城关一厂工会" in body and "七里河工会" not in body
    assert resp.context["can_change"] is False
    # the edit page of a competition organized above the county is a 404
    assert client.get(reverse("competitions:competition-update", args=[comp.pk])).status_code == 404


def test_list_shows_competitions_above_and_joined_but_not_a_neighbour_s(county_user, client):
    provincial = CompetitionFactory(organizer_region=region("620000"))
    neighbour = CompetitionFactory(organizer_region=region("620103"))
    client.force_login(county_user)
    resp = client.get(reverse("competitions:competition-list"))
    assert set(resp.context["object_list"]) == {provincial}
    ParticipationFactory(competition=neighbour, union=GrassrootsUnionFactory(region=region("620102")))
    resp = client.get(reverse("competitions:competition-list"))
    assert set(resp.context["object_list"]) == {provincial, neighbour}


def test_list_filters_sorts_and_shows_an_empty_state(county_user, client):
    CompetitionFactory(code="JSA", kind=CompetitionKind.SKILL, start_date=dt.date(2024, 1, 1))
    CompetitionFactory(code="JSB", kind=CompetitionKind.PARK, start_date=dt.date(2023, 1, 1))
    client.force_login(county_user)
    url = reverse("competitions:competition-list")
    resp = client.get(url, {"kind": "skill"})
    assert [c.code for c in resp.context["object_list"]] == ["JSA"]
    resp = client.get(url, {"o": "start_date"})
    assert [c.code for c in resp.context["object_list"]] == ["JSB", "JSA"]
    resp = client.get(url, {"q": "nothing-like-this"})
    assert list(resp.context["object_list"]) == []
    assert "没有符合条件的劳动竞赛。" in resp.content.decode()


# Forms ----------------------------------------------------------------------------------


def competition_post(**kw):
    data = {
        "code": "JS-PAGE",
        "name": "页面竞赛",
        "kind": "skill",
        "organizer_region": "620102",
        "theme": "",
        "start_date": "2024-03-01",
        "end_date": "2024-04-01",
    }
    data.update(kw)
    return data


def test_competition_create_writes_with_page_audit(county_user, client):
    client.force_login(county_user)
    resp = client.post(reverse("competitions:competition-create"), competition_post())
    comp = Competition.objects.get()
    assert (resp.status_code, resp["Location"]) == (
        302,
        reverse("competitions:competition-detail", args=[comp.pk]),
    )
    entry = AuditEntry.objects.get(object_id=str(comp.pk), content_type__model="competition")
    assert (entry.action, entry.source, entry.user) == (AuditAction.CREATE, AuditSource.PAGE, county_user)


def test_competition_form_errors_are_in_chinese_and_nothing_is_written(county_user, client):
    client.force_login(county_user)
    url = reverse("competitions:competition-create")
    resp = client.post(url, competition_post(end_date="2024-02-01"))
    assert resp.status_code == 200
    assert "结束日期不能早于开始日期。" in resp.content.decode()
    resp = client.post(url, competition_post(organizer_region="620000"))
    assert "您的范围内没有代码为 620000 的地区。" in resp.content.decode()
    CompetitionFactory(code="JS-PAGE")
    resp = client.post(url, competition_post())
    assert "竞赛编码 JS-PAGE 已存在。" in resp.content.decode()
    assert Competition.objects.count() == 1


def test_participation_create_in_a_provincial_competition_from_the_page(county_user, client):
    comp = CompetitionFactory(organizer_region=region("620000"))
    union = GrassrootsUnionFactory(region=region("620102"))
    client.force_login(county_user)
    url = reverse("competitions:participation-create")
    data = {
        "competition": comp.code,
        "union": union.code,
        "participating_workers": 12,
        "promoted_workers": 1,
        "award": "",
    }
    resp = client.post(url, data)
    assert resp.status_code == 302
    assert Participation.objects.get().union == union
    resp = client.post(url, data)
    assert resp.status_code == 200
    assert "已参加" in resp.content.decode()
    assert Participation.objects.count() == 1


def test_participation_form_refuses_another_county_s_unit(county_user, client):
    comp = CompetitionFactory()
    union = GrassrootsUnionFactory(region=region("620103"))
    client.force_login(county_user)
    resp = client.post(
        reverse("competitions:participation-create"),
        {"competition": comp.code, "union": union.code, "participating_workers": 12, "promoted_workers": 0},
    )
    assert resp.status_code == 200
    assert f"您的范围内没有编码为 {union.code} 的工会。" in resp.content.decode()
    assert Participation.objects.count() == 0


def test_participation_update_page(county_user, client):
    part = ParticipationFactory(participating_workers=10, promoted_workers=1)
    client.force_login(county_user)
    url = reverse("competitions:participation-update", args=[part.pk])
    assert client.get(url).status_code == 200
    resp = client.post(url, {"participating_workers": 15, "promoted_workers": 2, "award": "优胜"})
    assert resp.status_code == 302
    part.refresh_from_db()
    assert (part.participating_workers, part.promoted_workers, part.award) == (15, 2, "优胜")
    entry = AuditEntry.objects.get(object_id=str(part.pk), action=AuditAction.UPDATE)
    assert entry.changes == {
        "participating_workers": [10, 15],
        "promoted_workers": [1, 2],
        "award": ["", "优胜"],
    }


def test_innovation_create_and_other_county_update_is_404(county_user, other_county_user, client):
    union = GrassrootsUnionFactory()
    client.force_login(county_user)
    resp = client.post(
        reverse("competitions:innovation-create"),
        {
            "number": "CX-P",
            "name": "操作法",
            "kind": "method",
            "union": union.code,
            "year": 2024,
            "authors": "王明",
            "grade": "first",
            "recommended_nationally": "on",
        },
    )
    assert resp.status_code == 302
    item = InnovationAchievement.objects.get()
    assert (item.grade, item.recommended_nationally) == ("first", True)
    client.force_login(other_county_user)
    assert client.get(reverse("competitions:innovation-update", args=[item.pk])).status_code == 404
    assert (
        client.post(reverse("competitions:innovation-update", args=[item.pk]), {"name": "x"}).status_code
        == 404
    )
    item.refresh_from_db()
    assert item.name == "操作法"


def test_detail_pages_show_history(county_user, client):
    comp = CompetitionFactory()
    from apps.competitions import services

    services.competition_update(competition=comp, user=county_user, name="改名后的竞赛")
    client.force_login(county_user)
    resp = client.get(reverse("competitions:competition-detail", args=[comp.pk]))
    assert [e.action for e in resp.context["history"]] == [AuditAction.UPDATE]


# The unit page ---------------------------------------------------------------------------


def test_unit_page_lists_the_union_s_participations_and_achievements(county_user, client):
    union = GrassrootsUnionFactory(region=region("620102"))
    provincial = ParticipationFactory(
        union=union,
        competition=CompetitionFactory(organizer_region=region("620000")),
        participating_workers=30,
    )
    local = ParticipationFactory(union=union, participating_workers=20, promoted_workers=2)
    ParticipationFactory()  # another union
    item = InnovationFactory(union=union)
    client.force_login(county_user)
    resp = client.get(reverse("competitions:unit-competitions", args=[union.pk]))
    assert resp.status_code == 200
    assert set(resp.context["participations"]) == {provincial, local}
    assert list(resp.context["innovations"]) == [item]
    assert resp.context["summary"]["competitions"] == 2
    assert resp.context["summary"]["workers"] == 50


def test_unit_page_of_another_county_is_404_and_anonymous_goes_to_login(county_user, client):
    union = GrassrootsUnionFactory(region=region("620103"))
    ParticipationFactory(union=union)
    url = reverse("competitions:unit-competitions", args=[union.pk])
    resp = client.get(url)
    assert resp.status_code == 302 and reverse("login") in resp["Location"]
    client.force_login(county_user)
    assert client.get(url).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_do_not_query_per_row(county_user, client):
    comp = CompetitionFactory()
    union = GrassrootsUnionFactory()
    ParticipationFactory(competition=comp, union=union)
    InnovationFactory(union=union)
    client.force_login(county_user)
    urls = [
        reverse("competitions:competition-list"),
        reverse("competitions:competition-detail", args=[comp.pk]),
        reverse("competitions:participation-list"),
        reverse("competitions:innovation-list"),
        reverse("competitions:unit-competitions", args=[union.pk]),
    ]
    before = [_queries(client, url) for url in urls]
    for _ in range(5):
        ParticipationFactory(competition=comp)
        ParticipationFactory(union=union)
        InnovationFactory(union=union)
    assert [_queries(client, url) for url in urls] == before
