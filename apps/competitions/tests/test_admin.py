"""The competitions admin: administrators only (the admin contract for every model), writes
through the competitions services (their rules, their audit), import/export buttons."""

from django.contrib.messages import get_messages
from django.urls import reverse

from apps.competitions.models import Competition, Participation
from apps.core.choices import AuditAction, AuditSource
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAdminContract
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import CompetitionFactory, InnovationFactory, ParticipationFactory


class TestCompetitionAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return CompetitionFactory(organizer_region=region)


class TestParticipationAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return ParticipationFactory(
            competition=CompetitionFactory(organizer_region=region),
            union=GrassrootsUnionFactory(region=region),
        )


class TestInnovationAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return InnovationFactory(union=GrassrootsUnionFactory(region=region))


def test_admin_change_is_audited(admin_user, client):
    comp = CompetitionFactory(name="旧名")
    client.force_login(admin_user)
    url = reverse("admin:competitions_competition_change", args=[comp.pk])
    data = {
        "code": comp.code,
        "name": "新名",
        "kind": comp.kind,
        "organizer_region": comp.organizer_region_id,
        "theme": comp.theme,
        "start_date": "2024-03-01",
        "end_date": "2024-10-31",
    }
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.context["adminform"].form.errors if resp.context else resp
    entry = AuditEntry.objects.get(object_id=str(comp.pk), action=AuditAction.UPDATE)
    assert entry.changes == {"name": ["旧名", "新名"]}


def test_admin_refuses_end_before_start(admin_user, client):
    comp = CompetitionFactory()
    client.force_login(admin_user)
    url = reverse("admin:competitions_competition_change", args=[comp.pk])
    data = {
        "code": comp.code,
        "name": "新名",
        "kind": comp.kind,
        "organizer_region": comp.organizer_region_id,
        "theme": "",
        "start_date": "2024-03-01",
        "end_date": "2024-02-01",
    }
    resp = client.post(url, data)
    assert resp.status_code == 200
    assert "结束日期不能早于开始日期。" in resp.content.decode()
    assert Competition.objects.get(pk=comp.pk).name != "新名"


def test_changelists_link_import_and_export(admin_user, client):
    client.force_login(admin_user)
    for model, resource in (
        ("competition", "competitions"),
        ("participation", "participations"),
        ("innovationachievement", "innovations"),
    ):
        resp = client.get(reverse(f"admin:competitions_{model}_changelist"))
        assert resp.status_code == 200
        assert resp.context["import_url"].endswith(f"?resource={resource}")
        assert resp.context["export_url"] == reverse(f"admin:competitions_{model}_export")


def test_administrator_adds_a_unit_of_any_county_to_a_provincial_competition(admin_user, client):
    comp = CompetitionFactory(organizer_region=region("620000"))
    unit = GrassrootsUnionFactory(region=region("620103"))
    client.force_login(admin_user)
    url = reverse("admin:competitions_participation_add")
    data = {"competition": comp.pk, "participating_workers": 10, "promoted_workers": 1, "award": ""}
    resp = client.post(url, {**data, "union": unit.pk})
    assert resp.status_code == 302
    part = Participation.objects.get()
    assert (part.competition, part.union) == (comp, unit)
    assert AuditEntry.objects.filter(object_id=str(part.pk), action=AuditAction.CREATE).count() == 1


def test_admin_writes_go_through_the_competitions_services(admin_user, client):
    client.force_login(admin_user)
    data = {
        "code": "js-admin",
        "name": "后台竞赛",
        "kind": "enterprise",
        "organizer_region": region("620102").pk,
        "theme": "",
        "start_date": "2024-03-01",
        "end_date": "2024-10-31",
    }
    resp = client.post(reverse("admin:competitions_competition_add"), data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    comp = Competition.objects.get(name="后台竞赛")
    assert comp.code == "JS-ADMIN"  # competition_create's normalization, which a generic save lacks
    entry = AuditEntry.objects.get(object_id=str(comp.pk), action=AuditAction.CREATE)
    assert (entry.source, entry.user) == (AuditSource.ADMIN, admin_user)


def test_admin_delete_obeys_competition_delete(admin_user, client):
    comp = ParticipationFactory().competition
    client.force_login(admin_user)
    url = reverse("admin:competitions_competition_changelist")
    resp = client.post(url, {"action": "delete_selected", "_selected_action": [comp.pk], "post": "yes"})
    assert resp["Location"] == url
    assert [str(m) for m in get_messages(resp.wsgi_request)] == [
        f"{comp}: 劳动竞赛“{comp.name}”仍有参赛记录，请先删除参赛记录。"
    ]
    assert Competition.objects.filter(pk=comp.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.DELETE).exists()


def test_a_participation_keeps_its_competition_and_unit_in_the_admin(admin_user, client):
    part = ParticipationFactory(participating_workers=10)
    client.force_login(admin_user)
    url = reverse("admin:competitions_participation_change", args=[part.pk])
    form = client.get(url).context["adminform"].form
    # participation_update corrects the figures and the award only
    assert set(form.fields) == {"participating_workers", "promoted_workers", "award"}
    resp = client.post(url, {"participating_workers": "12", "promoted_workers": "5", "award": ""})
    assert resp.status_code == 302
    entry = AuditEntry.objects.get(object_id=str(part.pk), action=AuditAction.UPDATE)
    assert entry.changes == {"participating_workers": [10, 12]}
