"""The model workers admin: the scoping contract for every model, masking, import/export
buttons and audited saves."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.core.choices import AuditAction
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAdminContract
from apps.core.tests.factories import region
from apps.core.validators import mask_resident_id
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
@pytest.mark.parametrize(
    ("url_name", "make", "value"),
    [
        ("admin:model_workers_modelworker_changelist", lambda: ModelWorkerFactory(), lambda o: o.id_number),
        (
            "admin:model_workers_benefitpayment_changelist",
            lambda: BenefitPaymentFactory(),
            lambda o: o.model_worker.id_number,
        ),
        (
            "admin:model_workers_innovationstudio_changelist",
            lambda: InnovationStudioFactory(),
            lambda o: o.leader_id_number,
        ),
    ],
)
def test_changelists_mask_ids_without_the_right(county_user, client, url_name, make, value):
    obj = make()
    client.force_login(county_user)
    html = client.get(reverse(url_name)).content.decode()
    assert mask_resident_id(value(obj)) in html
    assert value(obj) not in html
    county_user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    html = client.get(reverse(url_name)).content.decode()
    assert value(obj) in html


@pytest.mark.django_db
def test_change_form_hides_the_id_without_the_right(county_user, client):
    worker = ModelWorkerFactory()
    client.force_login(county_user)
    html = client.get(reverse("admin:model_workers_modelworker_change", args=[worker.pk])).content.decode()
    assert worker.id_number not in html


@pytest.mark.django_db
def test_changelist_has_import_and_export_buttons(county_user, client):
    client.force_login(county_user)
    resp = client.get(reverse("admin:model_workers_talk_changelist"))
    assert resp.context["import_url"] == reverse("admin:model_workers_talk_import") + "?resource=talks"
    assert resp.context["export_url"] == reverse("admin:model_workers_talk_export")


@pytest.mark.django_db
def test_admin_edit_is_audited_and_validated(county_user, client):
    talk = TalkFactory(audience=10)
    client.force_login(county_user)
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
    # a region of another county is not offered
    data["region"] = region("620103").pk
    resp = client.post(url, data)
    assert resp.status_code == 200
    talk.refresh_from_db()
    assert talk.region.code == "620102"
