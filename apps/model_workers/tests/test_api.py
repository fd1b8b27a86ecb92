"""The model workers API: the scoping contract on every viewset, writes through services,
exact decimals, masking, filters, ordering and pagination."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.choices import AuditAction, AuditSource
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAPIContract
from apps.core.tests.factories import make_resident_id, region
from apps.core.validators import mask_resident_id
from apps.model_workers.models import BenefitPayment, ModelWorker, Recuperation
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import (
    BenefitPaymentFactory,
    HonourFactory,
    InnovationStudioFactory,
    ModelWorkerFactory,
    RecuperationFactory,
    TalkFactory,
)


def grant_personal_data(user):
    user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))


# The scoping contract on every viewset -----------------------------------------------------


class TestModelWorkerAPIScope(ScopedAPIContract):
    basename = "modelworker"

    def make_object(self, region):
        return ModelWorkerFactory(union=GrassrootsUnionFactory(region=region))

    def create_payload(self, region):
        return {
            "name": "新劳模",
            "id_number": make_resident_id(region.code),
            "union": GrassrootsUnionFactory(region=region).code,
            "level": "provincial",
            "title": "model_worker",
            "title_year": 2020,
            "status": "alive",
        }

    def update_payload(self, obj):
        return {"name": "改名"}


class TestHonourAPIScope(ScopedAPIContract):
    basename = "honour"

    def make_object(self, region):
        return HonourFactory(union=GrassrootsUnionFactory(region=region))

    def create_payload(self, region):
        return {
            "number": "RY-API",
            "kind": "pioneer",
            "level": "provincial",
            "recipient_name": "班组",
            "union": GrassrootsUnionFactory(region=region).code,
            "year": 2024,
        }

    def update_payload(self, obj):
        return {"recipient_name": "改名"}


class TestBenefitAPIScope(ScopedAPIContract):
    basename = "benefitpayment"

    def make_object(self, region):
        return BenefitPaymentFactory(
            model_worker=ModelWorkerFactory(union=GrassrootsUnionFactory(region=region))
        )

    def create_payload(self, region):
        worker = ModelWorkerFactory(union=GrassrootsUnionFactory(region=region))
        return {
            "number": "FF-API",
            "model_worker": worker.pk,
            "kind": "allowance",
            "amount": "100.00",
            "paid_on": "2024-01-01",
        }

    def update_payload(self, obj):
        return {"amount": "1.00"}


class TestRecuperationAPIScope(ScopedAPIContract):
    basename = "recuperation"

    def make_object(self, region):
        return RecuperationFactory(
            model_worker=ModelWorkerFactory(union=GrassrootsUnionFactory(region=region))
        )

    def create_payload(self, region):
        worker = ModelWorkerFactory(union=GrassrootsUnionFactory(region=region))
        return {"model_worker": worker.pk, "year": 2023, "place": "天水"}

    def update_payload(self, obj):
        return {"place": "张掖"}


class TestStudioAPIScope(ScopedAPIContract):
    basename = "studio"

    def make_object(self, region):
        return InnovationStudioFactory(union=GrassrootsUnionFactory(region=region))

    def create_payload(self, region):
        return {
            "code": "GZ-API",
            "name": "新工作室",
            "leader_id_number": make_resident_id(region.code),
            "union": GrassrootsUnionFactory(region=region).code,
            "level": "provincial",
            "founded_on": "2022-01-01",
            "skill_leaders": 3,
            "mentor_pairs": 4,
        }

    def update_payload(self, obj):
        return {"skill_leaders": 99}


class TestTalkAPIScope(ScopedAPIContract):
    basename = "talk"

    def make_object(self, region):
        return TalkFactory(region=region)

    def create_payload(self, region):
        return {
            "number": "XJ-API",
            "held_on": "2024-05-04",
            "region": region.code,
            "venue_kind": "school",
            "audience": 10,
        }

    def update_payload(self, obj):
        return {"audience": 1}


# CRUD through services ---------------------------------------------------------------------


@pytest.mark.django_db
def test_model_worker_crud_is_audited_as_api(county_user, api_client):
    c = api_client(county_user)
    union = GrassrootsUnionFactory()
    rid = make_resident_id("620102")
    resp = c.post(
        reverse("api:modelworker-list"),
        {
            "name": "李劳模",
            "id_number": rid,
            "union": union.code,
            "level": "national",
            "title": "advanced_worker",
            "title_year": 2019,
            "status": "alive",
            "craftsman_year": 2021,
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["id_number"], body["level_display"], body["union_name"]) == (
        mask_resident_id(rid),
        "全国",
        union.name,
    )
    worker = ModelWorker.objects.get(id_number=rid)
    resp = c.patch(reverse("api:modelworker-detail", args=[worker.pk]), {"status": "deceased"}, format="json")
    assert (resp.status_code, resp.json()["status"]) == (200, "deceased")
    assert c.delete(reverse("api:modelworker-detail", args=[worker.pk])).status_code == 204
    entries = AuditEntry.objects.filter(object_id=str(worker.pk), content_type__model="modelworker").order_by(
        "id"
    )
    assert [(e.action, e.source, e.user) for e in entries] == [
        (AuditAction.CREATE, AuditSource.API, county_user),
        (AuditAction.UPDATE, AuditSource.API, county_user),
        (AuditAction.DELETE, AuditSource.API, county_user),
    ]


@pytest.mark.django_db
def test_duplicate_resident_id_is_a_400_with_the_field_named(county_user, api_client):
    existing = ModelWorkerFactory()
    resp = api_client(county_user).post(
        reverse("api:modelworker-list"),
        {
            "name": "重复",
            "id_number": existing.id_number,
            "union": existing.union.code,
            "level": "provincial",
            "title": "model_worker",
            "title_year": 2020,
        },
        format="json",
    )
    assert resp.status_code == 400
    assert "id_number" in str(resp.json())
    assert ModelWorker.objects.count() == 1


@pytest.mark.django_db
def test_benefit_amount_is_an_exact_decimal_string_end_to_end(county_user, api_client):
    worker = ModelWorkerFactory()
    c = api_client(county_user)
    resp = c.post(
        reverse("api:benefitpayment-list"),
        {
            "number": "FF-1",
            "model_worker": worker.pk,
            "kind": "hardship",
            "amount": "0.10",
            "paid_on": "2024-12-31",
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["amount"] == "0.10"
    assert BenefitPayment.objects.get().amount == Decimal("0.10")
    resp = c.post(
        reverse("api:benefitpayment-list"),
        {
            "number": "FF-2",
            "model_worker": worker.pk,
            "kind": "hardship",
            "amount": "1.005",
            "paid_on": "2024-12-31",
        },
        format="json",
    )
    assert resp.status_code == 400
    assert "amount" in resp.json()["extra"]["fields"]
    resp = c.post(
        reverse("api:benefitpayment-list"),
        {
            "number": "FF-3",
            "model_worker": worker.pk,
            "kind": "hardship",
            "amount": "0",
            "paid_on": "2024-12-31",
        },
        format="json",
    )
    assert resp.status_code == 400
    assert BenefitPayment.objects.count() == 1


@pytest.mark.django_db
def test_payment_cannot_move_to_another_worker(county_user, api_client):
    payment = BenefitPaymentFactory()
    other = ModelWorkerFactory()
    resp = api_client(county_user).patch(
        reverse("api:benefitpayment-detail", args=[payment.pk]), {"model_worker": other.pk}, format="json"
    )
    assert resp.status_code == 400
    payment.refresh_from_db()
    assert payment.model_worker_id != other.pk


@pytest.mark.django_db
def test_recuperation_duplicate_year_is_refused(county_user, api_client):
    rec = RecuperationFactory(year=2024)
    resp = api_client(county_user).post(
        reverse("api:recuperation-list"),
        {"model_worker": rec.model_worker_id, "year": 2024, "place": "天水"},
        format="json",
    )
    assert resp.status_code == 400
    assert Recuperation.objects.count() == 1


@pytest.mark.django_db
def test_ids_masked_without_the_right_and_shown_with_it(county_user, api_client):
    worker = ModelWorkerFactory()
    studio = InnovationStudioFactory(leader_id_number=worker.id_number)
    medal = HonourFactory(kind="medal", id_number=worker.id_number)
    c = api_client(county_user)
    urls = [
        (reverse("api:modelworker-detail", args=[worker.pk]), "id_number"),
        (reverse("api:studio-detail", args=[studio.pk]), "leader_id_number"),
        (reverse("api:honour-detail", args=[medal.pk]), "id_number"),
    ]
    for url, field in urls:
        assert c.get(url).json()[field] == mask_resident_id(worker.id_number)
    assert c.get(reverse("api:modelworker-list")).json()["results"][0]["id_number"] == mask_resident_id(
        worker.id_number
    )
    grant_personal_data(county_user)
    c = api_client(type(county_user).objects.get(pk=county_user.pk))
    for url, field in urls:
        assert c.get(url).json()[field] == worker.id_number


@pytest.mark.django_db
def test_list_filters_ordering_and_pagination(county_user, api_client):
    union = GrassrootsUnionFactory(code="GH-F")
    for year in (2010, 2015, 2020):
        ModelWorkerFactory(union=union, title_year=year, level="national" if year == 2015 else "provincial")
    ModelWorkerFactory(title_year=2012)
    c = api_client(county_user)
    url = reverse("api:modelworker-list")
    body = c.get(url, {"union": "GH-F", "ordering": "title_year"}).json()
    assert [r["title_year"] for r in body["results"]] == [2010, 2015, 2020]
    assert body["count"] == 3
    assert [r["title_year"] for r in c.get(url, {"level": "national"}).json()["results"]] == [2015]
    page = c.get(url, {"page_size": 2, "ordering": "-title_year"}).json()
    assert (page["count"], len(page["results"]), page["results"][0]["title_year"]) == (4, 2, 2020)
    assert page["next"]


@pytest.mark.django_db
def test_benefit_filters_by_kind_and_date(county_user, api_client):
    worker = ModelWorkerFactory()
    BenefitPaymentFactory(model_worker=worker, kind="hardship", paid_on=dt.date(2024, 12, 31))
    BenefitPaymentFactory(model_worker=worker, kind="allowance", paid_on=dt.date(2025, 1, 1))
    c = api_client(county_user)
    url = reverse("api:benefitpayment-list")
    assert [r["kind"] for r in c.get(url, {"paid_on_before": "2024-12-31"}).json()["results"]] == ["hardship"]
    assert [r["kind"] for r in c.get(url, {"kind": "allowance"}).json()["results"]] == ["allowance"]
    assert c.get(url, {"q": worker.id_number}).json()["count"] == 2


@pytest.mark.django_db
def test_prefecture_user_reads_but_cannot_write(prefecture_user, api_client):
    worker = ModelWorkerFactory(union=GrassrootsUnionFactory(region=region("620103")))
    c = api_client(prefecture_user)
    assert c.get(reverse("api:modelworker-detail", args=[worker.pk])).status_code == 200
    resp = c.patch(reverse("api:modelworker-detail", args=[worker.pk]), {"name": "x"}, format="json")
    assert resp.status_code in (403, 404)
    worker.refresh_from_db()
    assert worker.name != "x"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("basename", "make"),
    [
        ("modelworker", lambda: ModelWorkerFactory()),
        ("honour", lambda: HonourFactory()),
        ("benefitpayment", lambda: BenefitPaymentFactory()),
        ("recuperation", lambda: RecuperationFactory()),
        ("studio", lambda: InnovationStudioFactory()),
        ("talk", lambda: TalkFactory()),
    ],
)
def test_list_endpoints_take_a_fixed_number_of_queries(county_user, api_client, basename, make):
    c = api_client(county_user)
    url = reverse(f"api:{basename}-list")
    make()
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    for _ in range(10):
        make()
    with CaptureQueriesContext(connection) as many:
        assert c.get(url).json()["count"] == 11
    assert len(many.captured_queries) == len(few.captured_queries)
