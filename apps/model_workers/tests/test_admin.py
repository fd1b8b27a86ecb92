"""The model workers admin: administrators only (the admin contract for every model), import/export
buttons and audited saves."""

import pytest
from django.urls import reverse

from apps.core.choices import AuditAction
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAdminContract
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import (
    BenefitPaymentFactory,
    HonourFactory,
    InnovationStudioFactory,
    ModelWorkerFactory,
    RecuperationFactory,
    TalkFactory,
)


class TestModelWorkerAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return ModelWorkerFactory(union=GrassrootsUnionFactory(region=region))


class TestHonourAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return HonourFactory(union=GrassrootsUnionFactory(region=region))


class TestBenefitAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return BenefitPaymentFactory(
            model_worker=ModelWorkerFactory(union=GrassrootsUnionFactory(region=region))
        )


class TestRecuperationAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return RecuperationFactory(
            model_worker=ModelWorkerFactory(union=GrassrootsUnionFactory(region=region))
        )


class TestStudioAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return InnovationStudioFactory(union=GrassrootsUnionFactory(region=region))


class TestTalkAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return TalkFactory(region=region)


@pytest.mark.django_db
def test_the_change_form_shows_administrators_the_id_and_records_the_view(admin_user, client):
    worker = ModelWorkerFactory()
    client.force_login(admin_user)
    html = client.get(reverse("admin:model_workers_modelworker_change", args=[worker.pk])).content.decode()
    assert worker.id_number in html
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, object_id=str(worker.pk))
    assert entry.user == admin_user


@pytest.mark.django_db
def test_changelist_has_import_and_export_buttons(admin_user, client):
    client.force_login(admin_user)
    resp = client.get(reverse("admin:model_workers_talk_changelist"))
    assert resp.context["import_url"] == reverse("admin:model_workers_talk_import") + "?resource=talks"
    assert resp.context["export_url"] == reverse("admin:model_workers_talk_export")


@pytest.mark.django_db
def test_admin_edit_is_audited_and_validated(admin_user, client):
    talk = TalkFactory(audience=10)
    client.force_login(admin_user)
    url = reverse("admin:model_workers_talk_change", args=[talk.pk])
    data = {
        "number": talk.number,
        "held_on": "2024-04-01",
        "region": talk.region_id,
        "venue_kind": "community",
        "audience": "25",
    }
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    talk.refresh_from_db()
    assert (talk.audience, talk.venue_kind) == (25, "community")
    entry = AuditEntry.objects.get(object_id=str(talk.pk), action=AuditAction.UPDATE)
    assert entry.changes == {"venue_kind": ["school", "community"], "audience": [10, 25]}
    # the form validates: no negative audience
    resp = client.post(url, {**data, "audience": "-1"})
    assert resp.status_code == 200
    talk.refresh_from_db()
    assert talk.audience == 25
