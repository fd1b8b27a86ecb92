"""The model workers admin: administrators only (the admin contract for every model), import/export
buttons, writes through the model workers services (their rules, their audit)."""

from dataclasses import replace
from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.core.choices import AuditAction, AuditSource
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAdminContract
from apps.core.tests.factories import make_resident_id
from apps.model_workers import services
from apps.model_workers.models import Honour, InnovationStudio, ModelWorker
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


@pytest.mark.django_db
def test_a_studio_added_in_the_admin_goes_through_studio_create(admin_user, client):
    client.force_login(admin_user)
    resp = client.post(
        reverse("admin:model_workers_innovationstudio_add"),
        {
            "code": "gz-admin",
            "name": "后台工作室",
            "leader_id_number": make_resident_id(),
            "union": GrassrootsUnionFactory().pk,
            "level": "provincial",
            "founded_on": "2020-05-01",
            "skill_leaders": "3",
            "mentor_pairs": "4",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    studio = InnovationStudio.objects.get(name="后台工作室")
    assert studio.code == "GZ-ADMIN"  # studio_create's normalization, which a generic save lacks
    entry = AuditEntry.objects.get(object_id=str(studio.pk), action=AuditAction.CREATE)
    assert (entry.source, entry.user) == (AuditSource.ADMIN, admin_user)


@pytest.mark.django_db
def test_a_refusal_of_the_service_shows_on_the_form_and_writes_nothing(admin_user, client):
    # A rule the form cannot see (a race, a rule of the service only): the service has already
    # written part of its work when it refuses; the admin shows the form again with the input
    # kept and the message on the field it names, and nothing stays written.
    union = GrassrootsUnionFactory()
    model_admin = admin.site._registry[Honour]
    refusal = "该荣誉编号已被同时登记"

    def refuse(*, user, **data):
        services.honour_create(user=user, **data)
        raise ApplicationError(refusal, extra={"fields": {"number": [refusal]}})

    client.force_login(admin_user)
    data = {
        "number": "RY-ADMIN",
        "kind": "certificate",
        "level": "provincial",
        "recipient_name": "后台单位",
        "id_number": "",
        "union": union.pk,
        "year": "2024",
    }
    with mock.patch.object(model_admin, "writes", replace(model_admin.writes, create=refuse)):
        resp = client.post(reverse("admin:model_workers_honour_add"), data)
    assert resp.status_code == 200
    form = resp.context["adminform"].form
    assert (form.errors["number"], form["recipient_name"].value()) == ([refusal], "后台单位")
    assert [str(m) for m in get_messages(resp.wsgi_request)] == [refusal]
    assert not Honour.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()
    # unpatched, the service records it
    resp = client.post(reverse("admin:model_workers_honour_add"), data)
    assert resp.status_code == 302
    assert Honour.objects.get().recipient_name == "后台单位"


@pytest.mark.django_db
def test_admin_delete_obeys_model_worker_delete(admin_user, client):
    worker = BenefitPaymentFactory().model_worker
    client.force_login(admin_user)
    url = reverse("admin:model_workers_modelworker_changelist")
    resp = client.post(url, {"action": "delete_selected", "_selected_action": [worker.pk], "post": "yes"})
    assert resp.status_code == 302
    assert [str(m) for m in get_messages(resp.wsgi_request)] == [
        f"{worker}: {worker.name} 已有待遇发放或疗休养记录，不能删除。"
    ]
    assert ModelWorker.objects.filter(pk=worker.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.DELETE).exists()
