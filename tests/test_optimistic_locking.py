"""Optimistic locking (apps.core.locking) on members, hardship households and claims: a save
over a change made since the record was opened is refused, naming who changed it and when —
through the pages, the API and the services, and under real concurrency on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from apps.core import audit
from apps.core.choices import AuditAction
from apps.core.exceptions import ApplicationError, StaleEditError
from apps.core.locking import check_version, version_of
from apps.core.models import AuditEntry
from apps.core.tests.factories import UserFactory, region
from apps.hardship import services as hardship_services
from apps.hardship.tests.factories import FiledHouseholdFactory, HouseholdFactory
from apps.insurance import services as insurance_services
from apps.insurance.tests.factories import ClaimFactory
from apps.unions import services as unions_services
from apps.unions.tests.factories import MemberFactory


@dataclass(frozen=True)
class Case:
    """One versioned model: how to make a record, where its pages and API are, which field
    the tests change, and its update service."""

    name: str
    make: Callable[[], Model]
    page: str
    api: str
    field: str
    values: tuple[str, str, str]  # what the first, the second and a third editor write
    update: Callable[..., Model]

    def read(self, record: Model) -> str:
        return str(getattr(type(record).objects.get(pk=record.pk), self.field))

    def save(self, record: Model, user: Any, value: str, expected_version: int | None) -> Model:
        return self.update(record, user, value, expected_version)


CASES = [
    Case(
        name="member",
        make=lambda: MemberFactory(name="原名"),
        page="unions:member-update",
        api="api:member-detail",
        field="name",
        values=("张三改的名", "李四改的名", "王五改的名"),
        update=lambda r, u, v, e: unions_services.member_update(member=r, user=u, expected_version=e, name=v),
    ),
    Case(
        name="household",
        make=lambda: HouseholdFactory(head_name="原户主"),
        page="hardship:household-update",
        api="api:household-detail",
        field="head_name",
        values=("张三改的户主", "李四改的户主", "王五改的户主"),
        update=lambda r, u, v, e: hardship_services.household_update(
            household=r, user=u, expected_version=e, head_name=v
        ),
    ),
    Case(
        name="claim",
        make=lambda: ClaimFactory(total_expense=Decimal("20000.00")),
        page="insurance:claim-update",
        api="api:insurance-claim-detail",
        field="total_expense",
        values=("25000.00", "26000.00", "27000.00"),
        update=lambda r, u, v, e: insurance_services.claim_update(
            claim=r, user=u, expected_version=e, total_expense=Decimal(v)
        ),
    ),
]


@pytest.fixture(params=CASES, ids=[c.name for c in CASES])
def case(request) -> Case:
    return request.param


@pytest.fixture
def zhang(db):
    return UserFactory(username="zhang_cg", first_name="张三", region=region("620102"))


@pytest.fixture
def li(db):
    return UserFactory(username="li_cg", first_name="李四", region=region("620102"))


def stale_message(entry: AuditEntry, name: str) -> str:
    at = timezone.localtime(entry.at)
    return f"该记录已被 {name} 于 {at:%Y-%m-%d %H:%M} 修改，请刷新后重新编辑。"


def latest_change(record: Model) -> AuditEntry:
    return audit.history_for(record).filter(action=AuditAction.UPDATE).latest("id")


def audit_count(record: Model, action: str | None = None) -> int:
    entries = audit.history_for(record)
    return (entries if action is None else entries.filter(action=action)).count()


# Pages ---------------------------------------------------------------------------------------


def page_data(response, **changes) -> dict[str, Any]:
    """What the browser sends back: every field of the form as shown, with the user's changes."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    data.update(changes)
    return data


@pytest.mark.django_db
def test_page_second_save_is_refused_naming_the_first_editor(case, zhang, li, client):
    # given: both open the edit page of the same record
    record = case.make()
    url = reverse(case.page, args=[record.pk])
    client.force_login(zhang)
    zhang_page = client.get(url)
    client.force_login(li)
    li_page = client.get(url)
    assert zhang_page.status_code == li_page.status_code == 200
    assert zhang_page.context["form"]["version"].value() == li_page.context["form"]["version"].value() == 0
    assert '<input type="hidden" name="version" value="0"' in li_page.content.decode()

    # when: Zhang saves first
    client.force_login(zhang)
    resp = client.post(url, page_data(zhang_page, **{case.field: case.values[0]}))
    assert resp.status_code == 302, resp.content.decode()[:2000]
    entry = latest_change(record)
    changes = audit_count(record)

    # then: Li's save of the page he opened before is refused, and nothing is saved
    client.force_login(li)
    resp = client.post(url, page_data(li_page, **{case.field: case.values[1]}))
    assert resp.status_code == 200
    assert resp.context["form"].non_field_errors() == [stale_message(entry, "张三")]
    assert stale_message(entry, "张三") in resp.content.decode()
    assert case.read(record) == case.values[0]
    assert audit_count(record) == changes

    # and after reloading the page his save goes through
    reloaded = client.get(url)
    assert reloaded.context["form"]["version"].value() == entry.pk
    resp = client.post(url, page_data(reloaded, **{case.field: case.values[1]}))
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert case.read(record) == case.values[1]


@pytest.mark.django_db
def test_page_without_a_version_saves_unchecked(case, zhang, client):
    """A page opened before the feature (no hidden field) saves as before."""
    record = case.make()
    url = reverse(case.page, args=[record.pk])
    client.force_login(zhang)
    page = client.get(url)
    case.save(record, zhang, case.values[0], None)
    data = page_data(page, **{case.field: case.values[1]})
    del data["version"]
    assert client.post(url, data).status_code == 302
    assert case.read(record) == case.values[1]


# API -----------------------------------------------------------------------------------------


def api(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_api_detail_carries_the_version_as_etag(case, zhang):
    record = case.make()
    url = reverse(case.api, args=[record.pk])
    resp = api(zhang).get(url)
    assert (resp.status_code, resp["ETag"], resp.json()["version"]) == (200, '"0"', 0)
    case.save(record, zhang, case.values[0], None)
    version = version_of(record)
    resp = api(zhang).get(url)
    assert version == latest_change(record).pk
    assert (resp["ETag"], resp.json()["version"]) == (f'"{version}"', version)


@pytest.mark.django_db
def test_api_list_carries_each_version(case, zhang):
    changed, untouched = case.make(), case.make()
    case.save(changed, zhang, case.values[0], None)
    url = reverse(case.api.replace("-detail", "-list"))
    versions = {row["id"]: row["version"] for row in api(zhang).get(url).json()["results"]}
    assert versions == {changed.pk: version_of(changed), untouched.pk: 0}


def _list_queries(client: APIClient, url: str) -> tuple[int, dict[int, int]]:
    """Queries that read the audit trail while listing, and the versions listed."""
    with CaptureQueriesContext(connection) as ctx:
        rows = client.get(url).json()["results"]
    audit_reads = [q for q in ctx.captured_queries if "core_auditentry" in q["sql"]]
    return len(audit_reads), {row["id"]: row["version"] for row in rows}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["api:household-list", "api:household-recheck-due"])
def test_api_lists_read_versions_without_a_query_per_row(url_name, zhang):
    """The list and the list actions read every row's version in the page's own query (the
    list actions' other queries are not this test's business)."""
    client, url = api(zhang), reverse(url_name)
    households = [FiledHouseholdFactory()]
    audit.record(households[0], AuditAction.UPDATE, user=zhang, changes={"head_name": ["a", "b"]})
    few, _versions = _list_queries(client, url)
    households += FiledHouseholdFactory.create_batch(4)
    for h in households[1:]:
        audit.record(h, AuditAction.UPDATE, user=zhang, changes={"head_name": ["a", "b"]})
    many, versions = _list_queries(client, url)
    assert many == few
    assert versions == {h.pk: version_of(h) for h in households}
    assert all(v > 0 for v in versions.values())


@pytest.mark.django_db
def test_api_stale_if_match_is_412_and_nothing_changes(case, zhang, li):
    # given: both read the record; Zhang saves with the ETag he read
    record = case.make()
    url = reverse(case.api, args=[record.pk])
    etag = api(li).get(url)["ETag"]
    resp = api(zhang).patch(url, {case.field: case.values[0]}, format="json", HTTP_IF_MATCH=etag)
    assert resp.status_code == 200, resp.json()
    entry = latest_change(record)
    assert (resp["ETag"], resp.json()["version"]) == (f'"{entry.pk}"', entry.pk)

    # when: Li saves with the ETag he read before
    resp = api(li).patch(url, {case.field: case.values[1]}, format="json", HTTP_IF_MATCH=etag)

    # then
    assert resp.status_code == 412
    assert resp.json() == {
        "message": stale_message(entry, "张三"),
        "extra": {
            "changed_by": "张三",
            "changed_at": timezone.localtime(entry.at).isoformat(),
            "version": entry.pk,
        },
    }
    assert resp["ETag"] == f'"{entry.pk}"'
    assert case.read(record) == case.values[0]
    assert latest_change(record) == entry


@pytest.mark.django_db
def test_api_current_if_match_and_no_if_match_both_save(case, zhang, li):
    record = case.make()
    url = reverse(case.api, args=[record.pk])
    etag = api(li).get(url)["ETag"]
    resp = api(li).patch(url, {case.field: case.values[0]}, format="json", HTTP_IF_MATCH=etag)
    assert resp.status_code == 200, resp.json()
    assert case.read(record) == case.values[0]
    # without If-Match (existing clients) the update proceeds as before, over any change
    resp = api(zhang).patch(url, {case.field: case.values[1]}, format="json")
    assert resp.status_code == 200, resp.json()
    assert case.read(record) == case.values[1]
    assert resp["ETag"] == f'"{version_of(record)}"'
    # If-Match: * asks only that the record exists
    resp = api(zhang).patch(url, {case.field: case.values[2]}, format="json", HTTP_IF_MATCH="*")
    assert resp.status_code == 200, resp.json()
    assert case.read(record) == case.values[2]


@pytest.mark.django_db
def test_api_stale_version_in_the_body_is_409(case, zhang, li):
    record = case.make()
    url = reverse(case.api, args=[record.pk])
    case.save(record, zhang, case.values[0], None)
    resp = api(li).patch(url, {case.field: case.values[1], "version": 0}, format="json")
    assert resp.status_code == 409
    assert resp.json()["message"] == stale_message(latest_change(record), "张三")
    assert case.read(record) == case.values[0]
    version = version_of(record)
    resp = api(li).patch(url, {case.field: case.values[1], "version": version}, format="json")
    assert resp.status_code == 200, resp.json()
    assert case.read(record) == case.values[1]


@pytest.mark.django_db
def test_api_malformed_if_match_is_400_and_nothing_changes(case, zhang):
    record = case.make()
    url = reverse(case.api, args=[record.pk])
    resp = api(zhang).patch(url, {case.field: case.values[0]}, format="json", HTTP_IF_MATCH='"abc"')
    assert (resp.status_code, resp.json()["message"]) == (
        400,
        'If-Match 须为该记录的一个版本（ETag），例如 "42"。',
    )
    resp = api(zhang).patch(url, {case.field: case.values[0], "version": "x"}, format="json")
    assert (resp.status_code, resp.json()["message"]) == (400, "版本号须为读取记录时得到的整数。")
    assert case.read(record) != case.values[0]


@pytest.mark.parametrize(
    "path, component",
    [
        ("/api/v1/unions/members/{id}/", "Member"),
        ("/api/v1/hardship/households/{id}/", "Household"),
        ("/api/v1/insurance/claims/{id}/", "Claim"),
    ],
)
def test_api_schema_documents_etag_if_match_and_412(admin_user, path, component):
    schema = api(admin_user).get(reverse("schema"), {"format": "json"}).json()
    assert schema["components"]["schemas"][component]["properties"]["version"]["readOnly"] is True
    item = schema["paths"][path]
    assert "ETag" in item["get"]["responses"]["200"]["headers"]
    for method in ("put", "patch"):
        op = item[method]
        assert "If-Match" in [p["name"] for p in op["parameters"] if p["in"] == "header"]
        assert "ETag" in op["responses"]["200"]["headers"]
        for code in ("409", "412"):
            assert op["responses"][code]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }
            assert "ETag" in op["responses"][code]["headers"]


# Services ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_service_refuses_a_stale_version_and_saves_a_current_one(case, zhang, li):
    record = case.make()
    assert version_of(record) == 0
    case.save(record, zhang, case.values[0], 0)
    entry = latest_change(record)
    assert version_of(record) == entry.pk
    with pytest.raises(StaleEditError) as exc:
        case.save(record, li, case.values[1], 0)
    assert exc.value.message == stale_message(entry, "张三")
    assert exc.value.extra == {
        "changed_by": "张三",
        "changed_at": timezone.localtime(entry.at).isoformat(),
        "version": entry.pk,
    }
    assert isinstance(exc.value, ApplicationError)  # every door shows it like any refusal
    assert case.read(record) == case.values[0]
    case.save(record, li, case.values[1], entry.pk)
    assert case.read(record) == case.values[1]
    assert version_of(record) > entry.pk


@pytest.mark.django_db
def test_service_without_expected_version_does_not_check(case, zhang):
    """Imports, the admin and tasks pass nothing: no check, as before."""
    record = case.make()
    case.save(record, zhang, case.values[0], None)
    case.save(record, zhang, case.values[1], None)
    assert case.read(record) == case.values[1]


@pytest.mark.django_db
def test_views_of_personal_data_do_not_change_the_version(case, zhang, li):
    record = case.make()
    case.save(record, zhang, case.values[0], None)
    version = version_of(record)
    audit.record(record, AuditAction.VIEW, user=li, changes={"viewed": ["id_number"]})
    assert version_of(record) == version
    case.save(record, zhang, case.values[1], version)
    assert case.read(record) == case.values[1]


@pytest.mark.django_db
def test_stale_message_names_the_system_and_speaks_english(zhang):
    member = MemberFactory()
    unions_services.member_update(member=member, user=None, name="导入改的")  # e.g. an import
    entry = latest_change(member)
    at = f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M}"
    with pytest.raises(StaleEditError) as exc:
        check_version(member, 0)
    assert exc.value.message == f"该记录已被 系统 于 {at} 修改，请刷新后重新编辑。"
    with translation.override("en"), pytest.raises(StaleEditError) as exc:
        check_version(member, entry.pk + 1)
    assert exc.value.message == (
        f"This record was changed by the system at {at}; reload the page and edit it again."
    )


@pytest.mark.django_db
def test_a_version_without_any_change_is_refused_plainly():
    member = MemberFactory()  # written without an audit entry: version 0
    with pytest.raises(StaleEditError) as exc:
        check_version(member, 7)
    assert exc.value.message == "该记录在您打开后已被修改，请刷新后重新编辑。"
    assert exc.value.extra == {"changed_by": None, "changed_at": None, "version": 0}
    check_version(member, 0)
    check_version(member, None)


# Concurrency (PostgreSQL) ----------------------------------------------------------------------

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions")


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_save_waiting_for_the_row_lock_sees_the_first_save(case):
    """The second save starts while the first one's transaction is still open: it waits for
    the row lock and then sees the first save's audit entry, so it is refused (a check before
    the lock, or without it, would read the old version and overwrite)."""
    zhang = UserFactory(username="zhang_pg", first_name="张三", region=region("620102"))
    li = UserFactory(username="li_pg", first_name="李四", region=region("620102"))
    record = case.make()
    first_saved = threading.Event()
    outcomes: dict[str, Any] = {}

    def first():
        try:
            with transaction.atomic():
                case.save(record, zhang, case.values[0], 0)
                first_saved.set()
                time.sleep(1.0)  # the second save is now waiting for the row lock
            outcomes["first"] = "saved"
        except Exception as exc:  # pragma: no cover - reported by the assertions
            outcomes["first"] = exc
        finally:
            first_saved.set()
            connections.close_all()

    def second():
        try:
            assert first_saved.wait(timeout=10)
            started = time.monotonic()
            try:
                case.save(record, li, case.values[1], 0)
                outcomes["second"] = "saved"
            except ApplicationError as exc:
                outcomes["second"] = exc
            outcomes["waited"] = time.monotonic() - started
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert outcomes["first"] == "saved"
    assert isinstance(outcomes["second"], StaleEditError)
    assert outcomes["waited"] > 0.5  # it did wait for the first transaction
    entry = latest_change(record)
    assert outcomes["second"].message == stale_message(entry, "张三")
    assert case.read(record) == case.values[0]
    assert audit_count(record, AuditAction.UPDATE) == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_version_at_the_same_moment_one_wins(case):
    users = [UserFactory(username=f"editor_pg{i}", region=region("620102")) for i in range(2)]
    record = case.make()
    barrier = threading.Barrier(2)
    outcomes: list[Any] = [None, None]

    def runner(i):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = case.save(record, users[i], case.values[i], 0)
        except ApplicationError as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    saved = [i for i, o in enumerate(outcomes) if isinstance(o, Model)]
    refused = [o for o in outcomes if isinstance(o, StaleEditError)]
    assert len(saved) == 1 and len(refused) == 1
    assert case.read(record) == case.values[saved[0]]
    assert audit_count(record, AuditAction.UPDATE) == 1
