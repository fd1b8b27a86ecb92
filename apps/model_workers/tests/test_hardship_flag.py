"""The hardship cross-flag (DOMAIN.md): a model worker who is also in a filed hardship
household is flagged on the model worker's list, detail page and API detail, with one
look-up per page. Each domain answers its flag to the core registry (model_worker_id_numbers,
hardship_id_numbers) and asks the other's there."""

import csv

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core import registry
from apps.core.importing import run_import
from apps.core.testing import override_flag
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


def _hardship_answers(flagged: set[str]):
    """The hardship domain's answer, stubbed: these IDs are in a filed household."""
    return override_flag(registry.HARDSHIP_HOUSEHOLD, lambda ids, user=None: {i for i in ids if i in flagged})


def test_model_worker_id_numbers_is_the_registry_s_model_worker_answer(county_user):
    worker = ModelWorkerFactory()
    assert registry.contributions()[registry.MODEL_WORKER].lookup is selectors.model_worker_id_numbers
    assert registry.holders(
        registry.MODEL_WORKER, [worker.id_number.lower(), make_resident_id("620102")]
    ) == {worker.id_number}


def test_list_flags_with_one_lookup_for_the_whole_page(client, county_user):
    union = GrassrootsUnionFactory()
    workers = [ModelWorkerFactory(union=union) for _ in range(5)]
    client.force_login(county_user)
    with _hardship_answers({workers[1].id_number}) as calls:
        resp = client.get(reverse("model_workers:modelworker-list"))
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted(w.id_number for w in workers)
    flagged = [w.name for w in resp.context["object_list"] if w.in_hardship]
    assert flagged == [workers[1].name]
    assert resp.content.decode().count('data-testid="hardship-flag"') == 1


def test_detail_page_and_api_detail_show_the_flag(client, county_user, api_client):
    flagged, plain = ModelWorkerFactory(), ModelWorkerFactory()
    client.force_login(county_user)
    c = api_client(county_user)
    with _hardship_answers({flagged.id_number}):
        html = client.get(reverse("model_workers:modelworker-detail", args=[flagged.pk])).content.decode()
        assert 'data-testid="hardship-flag"' in html
        html = client.get(reverse("model_workers:modelworker-detail", args=[plain.pk])).content.decode()
        assert 'data-testid="hardship-flag"' not in html
        flagged_json = c.get(reverse("api:modelworker-detail", args=[flagged.pk])).json()
        plain_json = c.get(reverse("api:modelworker-detail", args=[plain.pk])).json()
    assert flagged_json["in_hardship_household"] is True
    assert plain_json["in_hardship_household"] is False


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
