"""The hardship cross-flag (DOMAIN.md): a model worker who is also in a filed hardship
household is flagged on the model worker's list, detail page and API detail, with one
look-up per page; the hardship domain finds model workers through model_worker_id_numbers."""

import csv

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.importing import run_import
from apps.core.tests.factories import make_resident_id, region
from apps.model_workers import selectors
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import ModelWorkerFactory

pytestmark = pytest.mark.django_db


def test_model_worker_id_numbers_finds_workers_anywhere_in_one_query(county_user):
    own = ModelWorkerFactory()
    far = ModelWorkerFactory(union=GrassrootsUnionFactory(region=region("623001")))
    stranger = make_resident_id("620102")
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.model_worker_id_numbers([own.id_number, far.id_number.lower(), stranger, ""])
    assert found == {own.id_number, far.id_number}
    assert len(ctx.captured_queries) == 1
    assert selectors.model_worker_id_numbers([]) == set()


def _stub(monkeypatch, flagged: set[str]) -> list:
    calls = []

    def fake(id_numbers):
        ids = list(id_numbers)
        calls.append(ids)
        return {i for i in ids if i in flagged}

    monkeypatch.setattr("apps.hardship.selectors.hardship_id_numbers", fake)
    return calls


def test_list_flags_with_one_lookup_for_the_whole_page(client, county_user, monkeypatch):
    union = GrassrootsUnionFactory()
    workers = [ModelWorkerFactory(union=union) for _ in range(5)]
    calls = _stub(monkeypatch, {workers[1].id_number})
    client.force_login(county_user)
    resp = client.get(reverse("model_workers:modelworker-list"))
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted(w.id_number for w in workers)
    flagged = [w.name for w in resp.context["object_list"] if w.in_hardship]
    assert flagged == [workers[1].name]
    assert resp.content.decode().count('data-testid="hardship-flag"') == 1


def test_detail_page_and_api_detail_show_the_flag(client, county_user, api_client, monkeypatch):
    flagged, plain = ModelWorkerFactory(), ModelWorkerFactory()
    _stub(monkeypatch, {flagged.id_number})
    client.force_login(county_user)
    html = client.get(reverse("model_workers:modelworker-detail", args=[flagged.pk])).content.decode()
    assert 'data-testid="hardship-flag"' in html
    html = client.get(reverse("model_workers:modelworker-detail", args=[plain.pk])).content.decode()
    assert 'data-testid="hardship-flag"' not in html
    c = api_client(county_user)
    assert c.get(reverse("api:modelworker-detail", args=[flagged.pk])).json()["in_hardship_household"] is True
    assert c.get(reverse("api:modelworker-detail", args=[plain.pk])).json()["in_hardship_household"] is False


HOUSEHOLD_HEADERS = [
    "户主姓名",
    "户主身份证号",
    "工会编码",
    "困难类别",
    "致困原因",
    "家庭人口",
    "家庭月收入",
    "当地困难标准",
    "建档日期",
    "脱困日期",
    "脱困原因",
]


def test_real_hardship_lookup_flags_filed_not_exited_households(real_hardship, client, county_user, tmp_path):
    union = GrassrootsUnionFactory(code="GH-HS")
    head, exited, plain = (
        ModelWorkerFactory(union=union),
        ModelWorkerFactory(union=union),
        ModelWorkerFactory(),
    )
    path = tmp_path / "households.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(HOUSEHOLD_HEADERS)
        w.writerow(
            [
                head.name,
                head.id_number,
                "GH-HS",
                "深度困难",
                "因病",
                3,
                "900.00",
                "700.00",
                "2023-03-01",
                "",
                "",
            ]
        )
        w.writerow(
            [
                exited.name,
                exited.id_number,
                "GH-HS",
                "相对困难",
                "因残",
                2,
                "800.00",
                "700.00",
                "2021-03-01",
                "2023-01-01",
                "就业",
            ]
        )
    result = run_import("households", path)
    assert result.written, result.errors
    assert selectors.hardship_flags([head.id_number, exited.id_number, plain.id_number]) == {head.id_number}
    client.force_login(county_user)
    resp = client.get(reverse("model_workers:modelworker-list"))
    assert {w.name for w in resp.context["object_list"] if w.in_hardship} == {head.name}
