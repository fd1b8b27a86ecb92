"""Staff pages: the scoping contract on every list/detail, forms through services with
Chinese validation messages, the model worker's page with honours, payments, yearly totals
and recuperation, masking and query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.testing import ScopedPageContract
from apps.core.tests.factories import make_resident_id, region
from apps.core.validators import mask_resident_id
from apps.model_workers.models import BenefitPayment, Honour, ModelWorker, Recuperation, Talk
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import (
    BenefitPaymentFactory,
    HonourFactory,
    InnovationStudioFactory,
    ModelWorkerFactory,
    RecuperationFactory,
    TalkFactory,
)


class TestModelWorkerPages(ScopedPageContract):
    list_url_name = "model_workers:modelworker-list"
    detail_url_name = "model_workers:modelworker-detail"

    def make_object(self, region):
        return ModelWorkerFactory(union=GrassrootsUnionFactory(region=region))


class TestHonourPages(ScopedPageContract):
    list_url_name = "model_workers:honour-list"
    detail_url_name = "model_workers:honour-detail"

    def make_object(self, region):
        return HonourFactory(union=GrassrootsUnionFactory(region=region))


class TestBenefitPages(ScopedPageContract):
    list_url_name = "model_workers:benefit-list"
    detail_url_name = "model_workers:benefit-detail"

    def make_object(self, region):
        return BenefitPaymentFactory(
            model_worker=ModelWorkerFactory(union=GrassrootsUnionFactory(region=region))
        )


class TestRecuperationPages(ScopedPageContract):
    list_url_name = "model_workers:recuperation-list"
    detail_url_name = "model_workers:recuperation-detail"

    def make_object(self, region):
        return RecuperationFactory(
            model_worker=ModelWorkerFactory(union=GrassrootsUnionFactory(region=region))
        )


class TestStudioPages(ScopedPageContract):
    list_url_name = "model_workers:studio-list"
    detail_url_name = "model_workers:studio-detail"

    def make_object(self, region):
        return InnovationStudioFactory(union=GrassrootsUnionFactory(region=region))


class TestTalkPages(ScopedPageContract):
    list_url_name = "model_workers:talk-list"
    detail_url_name = "model_workers:talk-detail"

    def make_object(self, region):
        return TalkFactory(region=region)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "factory"),
    [
        (
            "model_workers:modelworker-update",
            lambda r: ModelWorkerFactory(union=GrassrootsUnionFactory(region=r)),
        ),
        ("model_workers:honour-update", lambda r: HonourFactory(union=GrassrootsUnionFactory(region=r))),
        (
            "model_workers:benefit-update",
            lambda r: BenefitPaymentFactory(
                model_worker=ModelWorkerFactory(union=GrassrootsUnionFactory(region=r))
            ),
        ),
        (
            "model_workers:recuperation-update",
            lambda r: RecuperationFactory(
                model_worker=ModelWorkerFactory(union=GrassrootsUnionFactory(region=r))
            ),
        ),
        (
            "model_workers:studio-update",
            lambda r: InnovationStudioFactory(union=GrassrootsUnionFactory(region=r)),
        ),
        ("model_workers:talk-update", lambda r: TalkFactory(region=r)),
        (
            "model_workers:benefit-create",
            lambda r: ModelWorkerFactory(union=GrassrootsUnionFactory(region=r)),
        ),
        (
            "model_workers:recuperation-create",
            lambda r: ModelWorkerFactory(union=GrassrootsUnionFactory(region=r)),
        ),
    ],
)
def test_edit_pages_of_another_county_are_404_and_change_nothing(client, county_user, name, factory):
    obj = factory(region("620103"))
    client.force_login(county_user)
    url = reverse(name, args=[obj.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x", "place": "x", "amount": "1"}).status_code == 404
    assert type(obj).objects.get(pk=obj.pk).__dict__.get("name") == obj.__dict__.get("name")
    assert BenefitPayment.objects.filter(amount=Decimal("1")).count() == 0


@pytest.mark.django_db
def test_prefecture_user_reads_pages_but_has_no_forms(client, prefecture_user):
    worker = ModelWorkerFactory()
    client.force_login(prefecture_user)
    assert client.get(reverse("model_workers:modelworker-detail", args=[worker.pk])).status_code == 200
    assert client.get(reverse("model_workers:modelworker-update", args=[worker.pk])).status_code == 403
    assert client.get(reverse("model_workers:modelworker-create")).status_code == 403


# Forms -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_add_model_worker_through_the_form(client, county_user):
    union = GrassrootsUnionFactory(code="GH-P")
    rid = make_resident_id("620102")
    client.force_login(county_user)
    resp = client.post(
        reverse("model_workers:modelworker-create"),
        {
            "name": "赵劳模",
            "id_number": rid,
            "union": "gh-p",
            "level": "provincial",
            "title": "model_worker",
            "title_year": "2018",
            "status": "alive",
            "craftsman_year": "",
        },
    )
    worker = ModelWorker.objects.get(id_number=rid)
    assert resp.status_code == 302
    assert resp["Location"] == reverse("model_workers:modelworker-detail", args=[worker.pk])
    assert (worker.union, worker.craftsman_year) == (union, None)


@pytest.mark.django_db
def test_form_shows_chinese_messages_and_writes_nothing(client, county_user):
    other = GrassrootsUnionFactory(code="GH-OTHER", region=region("620103"))
    rid = make_resident_id("620102")
    bad = rid[:-1] + ("0" if rid[-1] != "0" else "1")
    client.force_login(county_user)
    resp = client.post(
        reverse("model_workers:modelworker-create"),
        {
            "name": "钱劳模",
            "id_number": bad,
            "union": other.code,
            "level": "provincial",
            "title": "model_worker",
            "title_year": "2018",
            "status": "alive",
        },
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "您的范围内没有编码为 GH-OTHER 的工会" in html  # the union of another county is not found
    assert ModelWorker.objects.count() == 0
    resp = client.post(
        reverse("model_workers:modelworker-create"),
        {
            "name": "钱劳模",
            "id_number": bad,
            "union": GrassrootsUnionFactory().code,
            "level": "provincial",
            "title": "model_worker",
            "title_year": "2018",
            "status": "alive",
        },
    )
    assert resp.status_code == 200
    assert "校验位" in resp.content.decode()
    assert ModelWorker.objects.count() == 0


@pytest.mark.django_db
def test_record_payment_from_the_worker_page_with_exact_amount(client, county_user):
    worker = ModelWorkerFactory(title_year=2020)
    client.force_login(county_user)
    url = reverse("model_workers:benefit-create", args=[worker.pk])
    resp = client.post(
        url, {"number": "FF-P1", "kind": "hardship", "amount": "1234.56", "paid_on": "2024-12-31"}
    )
    assert resp.status_code == 302
    assert BenefitPayment.objects.get().amount == Decimal("1234.56")
    resp = client.post(url, {"number": "FF-P2", "kind": "hardship", "amount": "10", "paid_on": "2019-06-01"})
    assert resp.status_code == 200
    assert "早于授予年度" in resp.content.decode()
    resp = client.post(url, {"number": "FF-P1", "kind": "hardship", "amount": "10", "paid_on": "2024-06-01"})
    assert "FF-P1 已存在" in resp.content.decode()
    assert BenefitPayment.objects.count() == 1


@pytest.mark.django_db
def test_record_recuperation_twice_in_a_year_is_refused(client, county_user):
    worker = ModelWorkerFactory()
    client.force_login(county_user)
    url = reverse("model_workers:recuperation-create", args=[worker.pk])
    assert client.post(url, {"year": "2024", "place": "敦煌"}).status_code == 302
    resp = client.post(url, {"year": "2024", "place": "天水"})
    assert resp.status_code == 200
    assert "已有疗休养记录" in resp.content.decode()
    assert list(Recuperation.objects.values_list("place", flat=True)) == ["敦煌"]


@pytest.mark.django_db
def test_honour_form_refuses_an_id_on_a_certificate(client, county_user):
    client.force_login(county_user)
    resp = client.post(
        reverse("model_workers:honour-create"),
        {
            "number": "RY-P",
            "kind": "certificate",
            "level": "provincial",
            "recipient_name": "某厂",
            "id_number": make_resident_id("620102"),
            "union": GrassrootsUnionFactory().code,
            "year": "2024",
        },
    )
    assert resp.status_code == 200
    assert "只有五一劳动奖章授予个人" in resp.content.decode()
    assert Honour.objects.count() == 0


@pytest.mark.django_db
def test_talk_form_in_another_county_region_is_refused(client, county_user):
    client.force_login(county_user)
    data = {
        "number": "XJ-P",
        "held_on": "2024-05-04",
        "region": "620103",
        "venue_kind": "school",
        "audience": "5",
    }
    resp = client.post(reverse("model_workers:talk-create"), data)
    assert resp.status_code == 200
    assert Talk.objects.count() == 0
    data["region"] = "620102"
    assert client.post(reverse("model_workers:talk-create"), data).status_code == 302
    assert Talk.objects.get().region.code == "620102"


@pytest.mark.django_db
def test_edit_form_hides_the_id_without_the_right(client, county_user):
    worker = ModelWorkerFactory()
    client.force_login(county_user)
    url = reverse("model_workers:modelworker-update", args=[worker.pk])
    html = client.get(url).content.decode()
    assert worker.id_number not in html
    assert 'name="id_number"' not in html
    resp = client.post(
        url,
        {
            "name": "新名字",
            "union": worker.union.code,
            "level": worker.level,
            "title": worker.title,
            "title_year": "2015",
            "status": "deceased",
        },
    )
    assert resp.status_code == 302
    worker.refresh_from_db()
    assert (worker.name, worker.status) == ("新名字", "deceased")


# Detail and list ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_worker_page_shows_honours_payments_yearly_totals_and_recuperation(client, county_user):
    worker = ModelWorkerFactory(title_year=2010)
    HonourFactory(kind="medal", id_number=worker.id_number, number="RY-MINE", union=worker.union)
    HonourFactory(kind="certificate", number="RY-NOT-MINE")
    BenefitPaymentFactory(model_worker=worker, amount=Decimal("100.10"), paid_on=dt.date(2023, 12, 31))
    BenefitPaymentFactory(model_worker=worker, amount=Decimal("200.20"), paid_on=dt.date(2024, 1, 1))
    BenefitPaymentFactory(
        model_worker=worker, kind="special_hardship", amount=Decimal("0.05"), paid_on=dt.date(2024, 12, 31)
    )
    RecuperationFactory(model_worker=worker, year=2024, place="敦煌")
    client.force_login(county_user)
    resp = client.get(reverse("model_workers:modelworker-detail", args=[worker.pk]))
    assert resp.status_code == 200
    assert [h.number for h in resp.context["honours"]] == ["RY-MINE"]
    assert resp.context["yearly_totals"] == [
        {"year": 2024, "count": 2, "total": Decimal("200.25"), "hardship": Decimal("0.05")},
        {"year": 2023, "count": 1, "total": Decimal("100.10"), "hardship": Decimal("0.00")},
    ]
    html = resp.content.decode()
    assert "200.25" in html and "100.10" in html and "敦煌" in html
    assert mask_resident_id(worker.id_number) in html
    assert worker.id_number not in html


@pytest.mark.django_db
def test_worker_page_shows_the_full_id_with_the_right_and_records_the_view(client, county_user):
    from apps.core.choices import AuditAction
    from apps.core.models import AuditEntry

    worker = ModelWorkerFactory()
    county_user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    client.force_login(county_user)
    html = client.get(reverse("model_workers:modelworker-detail", args=[worker.pk])).content.decode()
    assert worker.id_number in html
    assert AuditEntry.objects.filter(object_id=str(worker.pk), action=AuditAction.VIEW).count() == 1


@pytest.mark.django_db
def test_list_search_filter_sort_and_empty_state(client, county_user):
    ModelWorkerFactory(name="甲劳模", title_year=2010, level="national")
    target = ModelWorkerFactory(name="乙劳模", title_year=2020)
    ModelWorkerFactory(name="丙劳模", title_year=2015, craftsman_year=2021)
    client.force_login(county_user)
    url = reverse("model_workers:modelworker-list")
    names = lambda resp: [w.name for w in resp.context["object_list"]]  # noqa: E731
    assert names(client.get(url, {"o": "title_year"})) == ["甲劳模", "丙劳模", "乙劳模"]
    assert names(client.get(url, {"q": "乙"})) == ["乙劳模"]
    assert names(client.get(url, {"q": target.id_number})) == ["乙劳模"]
    assert names(client.get(url, {"level": "national"})) == ["甲劳模"]
    assert names(client.get(url, {"craftsman": "true"})) == ["丙劳模"]
    resp = client.get(url, {"q": "没有这个人"})
    assert "没有符合条件的劳模" in resp.content.decode()


@pytest.mark.django_db
def test_list_paginates_with_a_fixed_number_of_queries(client, county_user):
    union = GrassrootsUnionFactory()
    for _ in range(60):
        ModelWorkerFactory(union=union)
    client.force_login(county_user)
    url = reverse("model_workers:modelworker-list")
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert len(resp.context["object_list"]) == 50
    first = len(ctx.captured_queries)
    for _ in range(30):
        ModelWorkerFactory(union=GrassrootsUnionFactory())
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert len(ctx.captured_queries) == first
    assert len(client.get(url, {"page": 2}).context["object_list"]) == 40


@pytest.mark.django_db
def test_list_pages_link_import_and_export(client, county_user):
    client.force_login(county_user)
    html = client.get(reverse("model_workers:benefit-list")).content.decode()
    assert reverse("export-records", args=["benefits"]) in html
    assert reverse("import-start") + "?resource=benefits" in html


@pytest.mark.django_db
def test_medal_page_links_to_the_model_worker(client, county_user):
    worker = ModelWorkerFactory()
    medal = HonourFactory(kind="medal", id_number=worker.id_number, recipient_name=worker.name)
    certificate = HonourFactory()
    client.force_login(county_user)
    resp = client.get(reverse("model_workers:honour-detail", args=[medal.pk]))
    assert resp.context["model_worker"] == worker
    assert reverse("model_workers:modelworker-detail", args=[worker.pk]) in resp.content.decode()
    assert mask_resident_id(worker.id_number) in resp.content.decode()
    assert (
        client.get(reverse("model_workers:honour-detail", args=[certificate.pk])).context["model_worker"]
        is None
    )
