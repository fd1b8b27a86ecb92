"""The worker-services API: the scoping contract on every register (county staff, and
prefecture staff who record worker services in their own subtree too), writes through the
services, the relief approval above the threshold, the steps of a rights case and a loan,
masked resident IDs, filters, and the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from apps.core.choices import AuditAction, AuditSource, Role
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAPIContract
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.core.validators import mask_resident_id
from apps.services.choices import CaseStatus, ReliefStatus
from apps.services.models import JobFair, MicroLoan, ReliefPayment, RightsCase
from apps.services.selectors import svc_indicators

from .factories import (
    EmploymentServiceFactory,
    JobFairFactory,
    MicroLoanFactory,
    ReliefPaymentFactory,
    RightsCaseFactory,
    TrainingClassFactory,
    VisitFactory,
)

# The scoping contract on every register, for county and for prefecture staff ----------------

# basename: (factory, a new record's fields without its region, a change)
REGISTERS = {
    "services-relief": (
        ReliefPaymentFactory,
        lambda: {
            "number": "API-RL",
            "id_number": make_resident_id(),
            "name": "张三",
            "programme": "warmth",
            "recipient_kind": "migrant",
            "amount": "800.00",
            "paid_on": "2024-01-20",
        },
        {"name": "改名"},
    ),
    "services-visit": (
        VisitFactory,
        lambda: {
            "number": "API-ZF",
            "visited_on": "2024-01-25",
            "kind": "household",
            "head_id_number": make_resident_id(),
            "name": "户主",
            "amount": "300.00",
        },
        {"amount": "600.00"},
    ),
    "services-job-fair": (
        JobFairFactory,
        lambda: {
            "number": "API-ZP",
            "name": "春风行动",
            "held_on": "2024-02-20",
            "enterprises": 10,
            "positions": 100,
            "attendees": 500,
        },
        {"positions": 999},
    ),
    "services-employment": (
        EmploymentServiceFactory,
        lambda: {
            "number": "API-JY",
            "id_number": make_resident_id(),
            "name": "求职者",
            "served_on": "2024-03-05",
            "kind": "labour_export",
            "placed": True,
        },
        {"placed": True},
    ),
    "services-training": (
        TrainingClassFactory,
        lambda: {
            "number": "API-PX",
            "name": "焊工培训班",
            "kind": "skills",
            "start_date": "2024-04-01",
            "end_date": "2024-04-10",
            "trainees": 30,
        },
        {"trainees": 77},
    ),
    "services-case": (
        RightsCaseFactory,
        lambda: {"number": "API-WQ", "received_on": "2024-05-10", "kind": "wage_arrears", "workers": 5},
        {"workers": 30},
    ),
    "services-loan": (
        MicroLoanFactory,
        lambda: {
            "number": "API-DK",
            "id_number": make_resident_id(),
            "name": "创业者",
            "granted_on": "2024-03-15",
            "amount": "50000.00",
            "jobs_created": 2,
        },
        {"jobs_created": 9},
    ),
}


class _RegisterContract(ScopedAPIContract):
    factory = None
    fields = None
    change: dict = {}

    def make_object(self, region):
        return self.factory(region=region)

    def create_payload(self, region):
        return {**self.fields(), "region": region.code}

    def update_payload(self, obj):
        return dict(self.change)


# County staff in 620102 (not 620103); prefecture staff of Lanzhou 620100 (not Gannan 623000),
# who may add and change worker-services records in their prefecture (ALL_LEVELS_APPS).
ROLES = ((Role.COUNTY, "620102", "620103"), (Role.PREFECTURE, "620100", "623000"))

for _basename, (_factory, _fields, _change) in REGISTERS.items():
    for _role, _own, _other in ROLES:
        _name = f"Test{_factory._meta.model.__name__}{_role.title()}APIScope"
        globals()[_name] = type(
            _name,
            (_RegisterContract,),
            {
                "basename": _basename,
                "user_role": _role,
                "own_region_code": _own,
                "other_region_code": _other,
                "factory": _factory,
                "fields": staticmethod(_fields),
                "change": _change,
            },
        )


def url(basename: str, action: str = "list", *args) -> str:
    return reverse(f"api:{basename}-{action}", args=args)


def ids(resp) -> list[int]:
    return [row["id"] for row in resp.json()["results"]]


def test_a_prefecture_records_a_service_of_one_of_its_counties(prefecture_user, api_client):
    fields = REGISTERS["services-job-fair"][1]()
    resp = api_client(prefecture_user).post(
        url("services-job-fair"), {**fields, "region": "620102"}, format="json"
    )
    assert resp.status_code == 201, resp.content
    assert (resp.json()["region"], resp.json()["region_name"]) == ("620102", "城关区")
    entry = AuditEntry.objects.get(object_id=str(resp.json()["id"]), action=AuditAction.CREATE)
    assert (entry.source, entry.user) == (AuditSource.API, prefecture_user)


def test_a_duplicate_number_is_the_service_s_400_and_nothing_is_written(county_user, api_client):
    JobFairFactory(number="ZP-1")
    fields = {**REGISTERS["services-job-fair"][1](), "number": "ZP-1", "region": "620102"}
    resp = api_client(county_user).post(url("services-job-fair"), fields, format="json")
    assert resp.status_code == 400
    assert "number" in resp.json()["extra"]["fields"]
    assert JobFair.objects.count() == 1


def test_a_rule_of_the_register_is_a_400_on_its_field(county_user, api_client):
    fields = {**REGISTERS["services-relief"][1](), "programme": "jinqiu", "region": "620102"}
    resp = api_client(county_user).post(url("services-relief"), fields, format="json")
    assert resp.status_code == 400
    assert resp.json()["extra"]["fields"]["student_name"] == ["金秋助学发放须填写学生姓名。"]
    assert not ReliefPayment.objects.exists()


# Relief payments above the threshold -----------------------------------------------------------

ABOVE_WARMTH = {  # the 送温暖 threshold is 2,000 yuan
    "number": "RL-BIG",
    "name": "李四",
    "programme": "warmth",
    "recipient_kind": "worker",
    "amount": "3000.00",
    "paid_on": "2024-03-01",
    "region": "620102",
}


def _relief_amount() -> Decimal:
    return svc_indicators(year=2024, region=region("620100"))["svc.relief_amount"]


def test_a_payment_above_the_threshold_is_approved_above_paid_by_the_county_and_counted_then(
    county_user, prefecture_user, api_client
):
    # given a payment filed by the county, above its programme's threshold
    resp = api_client(county_user).post(
        url("services-relief"), {**ABOVE_WARMTH, "id_number": make_resident_id()}, format="json"
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["status"], body["status_display"], body["paid_on"], body["filed_by"]) == (
        "pending",
        "待审批",
        None,
        "county_cg",
    )
    pk = body["id"]
    assert _relief_amount() == 0

    # the filer cannot approve it: the level above decides
    resp = api_client(county_user).post(url("services-relief", "approve", pk), {}, format="json")
    assert resp.status_code == 400
    assert resp.json()["message"].startswith("只有负责该地区的")
    assert ReliefPayment.objects.get(pk=pk).status == ReliefStatus.PENDING

    # nor can it be paid before it is approved
    resp = api_client(county_user).post(url("services-relief", "pay", pk), {"paid_on": "2024-03-05"})
    assert resp.status_code == 400
    assert resp.json()["message"] == "只有已批准的发放才能登记发放；RL-BIG 当前为待审批。"

    # the prefecture above approves
    resp = api_client(prefecture_user).post(
        url("services-relief", "approve", pk), {"note": "同意"}, format="json"
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["status"], body["decided_by"], body["decision_note"]) == ("approved", "pref_lz", "同意")
    assert _relief_amount() == 0

    # the county pays; only now is it counted
    resp = api_client(county_user).post(
        url("services-relief", "pay", pk), {"paid_on": "2024-03-05"}, format="json"
    )
    assert resp.status_code == 200, resp.content
    assert (resp.json()["status"], resp.json()["paid_on"]) == ("paid", "2024-03-05")
    assert _relief_amount() == Decimal("3000.00")


def test_the_filer_above_never_approves_their_own_payment(prefecture_user, api_client):
    # given a payment of a county filed by prefecture staff, who may decide that county's payments
    colleague = UserFactory(username="pref_lz2", role=Role.PREFECTURE, region=region("620100"))
    fields = {k: v for k, v in ABOVE_WARMTH.items() if k != "paid_on"}  # no date until it is paid
    resp = api_client(prefecture_user).post(
        url("services-relief"), {**fields, "id_number": make_resident_id()}, format="json"
    )
    assert resp.status_code == 201, resp.content
    assert (resp.json()["status"], resp.json()["filed_by"]) == ("pending", "pref_lz")
    pk = resp.json()["id"]
    # when the filer approves it: four eyes
    resp = api_client(prefecture_user).post(url("services-relief", "approve", pk), {}, format="json")
    assert resp.status_code == 400
    assert resp.json()["message"].startswith("四眼原则：")
    assert ReliefPayment.objects.get(pk=pk).status == ReliefStatus.PENDING
    # a colleague of the same prefecture may
    resp = api_client(colleague).post(url("services-relief", "approve", pk), {}, format="json")
    assert resp.status_code == 200
    assert resp.json()["status"] == "approved"


def test_a_full_update_keeps_the_payment_date_it_leaves_out(county_user, api_client):
    payment = ReliefPaymentFactory(paid_on=dt.date(2024, 1, 20))
    fields = {**REGISTERS["services-relief"][1](), "number": payment.number, "region": "620102"}
    del fields["paid_on"]
    resp = api_client(county_user).put(url("services-relief", "detail", payment.pk), fields, format="json")
    assert resp.status_code == 200, resp.content
    payment.refresh_from_db()
    assert (payment.name, payment.paid_on, payment.status) == (
        "张三",
        dt.date(2024, 1, 20),
        ReliefStatus.PAID,
    )


def test_a_payment_within_the_threshold_needs_its_date(county_user, api_client):
    fields = {**REGISTERS["services-relief"][1](), "region": "620102"}
    del fields["paid_on"]
    resp = api_client(county_user).post(url("services-relief"), fields, format="json")
    assert resp.status_code == 400
    assert resp.json()["extra"]["fields"] == {"paid_on": ["请填写发放日期。"]}
    assert not ReliefPayment.objects.exists()


def test_a_rejection_needs_its_reason_and_is_never_paid(county_user, prefecture_user, api_client):
    payment = ReliefPaymentFactory(
        status=ReliefStatus.PENDING, paid_on=None, amount=Decimal("3000.00"), filed_by=county_user
    )
    reject = url("services-relief", "reject", payment.pk)
    resp = api_client(prefecture_user).post(reject, {"reason": ""}, format="json")
    assert resp.status_code == 400
    assert "reason" in resp.json()["extra"]["fields"]
    resp = api_client(prefecture_user).post(reject, {"reason": "不符合条件"}, format="json")
    assert resp.status_code == 200
    assert (resp.json()["status"], resp.json()["decision_note"]) == ("rejected", "不符合条件")
    resp = api_client(county_user).post(url("services-relief", "pay", payment.pk), {"paid_on": "2024-03-05"})
    assert resp.status_code == 400
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on) == (ReliefStatus.REJECTED, None)


def test_a_decision_outside_the_scope_is_a_404_and_nothing_changes(other_county_user, api_client):
    payment = ReliefPaymentFactory(status=ReliefStatus.PENDING, paid_on=None, amount=Decimal("3000.00"))
    client = api_client(other_county_user)
    for step, body in (("approve", {}), ("reject", {"reason": "x"}), ("pay", {"paid_on": "2024-03-05"})):
        assert client.post(url("services-relief", step, payment.pk), body, format="json").status_code == 404
    payment.refresh_from_db()
    assert (payment.status, payment.decided_by, payment.paid_on) == (ReliefStatus.PENDING, None, None)


def test_the_pending_queue_is_a_status_filter(county_user, api_client):
    pending = ReliefPaymentFactory(status=ReliefStatus.PENDING, paid_on=None, amount=Decimal("3000.00"))
    ReliefPaymentFactory()
    resp = api_client(county_user).get(url("services-relief"), {"status": "pending"})
    assert ids(resp) == [pending.pk]


# Rights cases ----------------------------------------------------------------------------------


def test_a_case_is_started_and_closed(county_user, api_client):
    case = RightsCaseFactory(received_on=dt.date(2024, 5, 10), workers=12)
    client = api_client(county_user)
    resp = client.post(url("services-case", "start", case.pk))
    assert resp.status_code == 200, resp.content
    assert (resp.json()["status"], resp.json()["status_display"]) == ("in_progress", "办理中")
    resp = client.post(url("services-case", "start", case.pk))
    assert resp.status_code == 400
    assert resp.json()["message"] == f"案件 {case.number} 当前为办理中，只有已受理的案件才能开始办理。"

    resp = client.post(
        url("services-case", "close", case.pk),
        {"closed_on": "2024-06-30", "amount_recovered": "86000.00", "workers": 15},
        format="json",
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["status"], body["closed_on"], body["amount_recovered"], body["workers"]) == (
        "closed",
        "2024-06-30",
        "86000.00",
        15,
    )
    assert body["days_open"] == 51
    resp = client.post(url("services-case", "close", case.pk), {"closed_on": "2024-07-01"}, format="json")
    assert resp.status_code == 400
    assert RightsCase.objects.get(pk=case.pk).closed_on == dt.date(2024, 6, 30)


def test_a_case_cannot_close_in_the_future_or_outside_the_scope(county_user, other_county_user, api_client):
    case = RightsCaseFactory()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    close = url("services-case", "close", case.pk)
    resp = api_client(county_user).post(close, {"closed_on": tomorrow}, format="json")
    assert resp.status_code == 400
    assert "closed_on" in resp.json()["extra"]["fields"]
    assert api_client(other_county_user).post(close, {"closed_on": "2024-06-30"}).status_code == 404
    assert api_client(other_county_user).post(url("services-case", "start", case.pk)).status_code == 404
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (CaseStatus.RECEIVED, None)


def test_the_open_cases_oldest_first(county_user, api_client):
    newer = RightsCaseFactory(received_on=dt.date(2024, 5, 10))
    older = RightsCaseFactory(received_on=dt.date(2023, 11, 2), status=CaseStatus.IN_PROGRESS)
    RightsCaseFactory(closed=True, received_on=dt.date(2022, 1, 1))
    RightsCaseFactory(region=region("620103"), received_on=dt.date(2020, 1, 1))
    resp = api_client(county_user).get(url("services-case", "open"))
    assert resp.status_code == 200
    assert ids(resp) == [older.pk, newer.pk]
    rows = resp.json()["results"]
    today = timezone.localdate()
    assert rows[0]["days_open"] == (today - dt.date(2023, 11, 2)).days
    # the list's filters apply
    resp = api_client(county_user).get(url("services-case", "open"), {"status": "received"})
    assert ids(resp) == [newer.pk]


# Micro-loans -------------------------------------------------------------------------------------


def test_a_loan_without_a_due_date_is_due_after_the_standard_term(county_user, api_client):
    fields = {**REGISTERS["services-loan"][1](), "region": "620102"}
    resp = api_client(county_user).post(url("services-loan"), fields, format="json")
    assert resp.status_code == 201, resp.content
    expected = "overdue" if timezone.localdate() > dt.date(2026, 3, 15) else "current"
    assert (resp.json()["due_on"], resp.json()["status"]) == ("2026-03-15", expected)


def test_a_loan_is_repaid_once(county_user, other_county_user, api_client):
    loan = MicroLoanFactory(granted_on=dt.date(2024, 3, 15), due_on=dt.date(2099, 3, 15))
    repay = url("services-loan", "repay", loan.pk)
    assert api_client(other_county_user).post(repay, {"repaid_on": "2025-01-10"}).status_code == 404
    assert MicroLoan.objects.get(pk=loan.pk).repaid_on is None
    resp = api_client(county_user).post(repay, {"repaid_on": "2025-01-10"}, format="json")
    assert resp.status_code == 200, resp.content
    assert (resp.json()["repaid_on"], resp.json()["status"], resp.json()["status_display"]) == (
        "2025-01-10",
        "repaid",
        "已还清",
    )
    resp = api_client(county_user).post(repay, {"repaid_on": "2025-02-10"}, format="json")
    assert resp.status_code == 400
    assert resp.json()["message"] == f"贷款 {loan.number} 已于 2025-01-10 还清。"


def test_the_overdue_loans_longest_overdue_first(county_user, api_client):
    late = MicroLoanFactory(granted_on=dt.date(2020, 1, 1), due_on=dt.date(2022, 1, 1))
    later = MicroLoanFactory(granted_on=dt.date(2019, 1, 1), due_on=dt.date(2021, 1, 1))
    MicroLoanFactory(
        granted_on=dt.date(2020, 1, 1), due_on=dt.date(2021, 6, 1), repaid_on=dt.date(2021, 5, 1)
    )
    MicroLoanFactory(granted_on=dt.date(2024, 1, 1), due_on=dt.date(2099, 1, 1))
    MicroLoanFactory(region=region("620103"), granted_on=dt.date(2018, 1, 1), due_on=dt.date(2019, 1, 1))
    resp = api_client(county_user).get(url("services-loan", "overdue"))
    assert resp.status_code == 200
    assert ids(resp) == [later.pk, late.pk]
    assert {row["status"] for row in resp.json()["results"]} == {"overdue"}


# Resident IDs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basename", "factory", "field"),
    [
        ("services-relief", ReliefPaymentFactory, "id_number"),
        ("services-visit", VisitFactory, "head_id_number"),
        ("services-employment", EmploymentServiceFactory, "id_number"),
        ("services-loan", MicroLoanFactory, "id_number"),
    ],
)
def test_resident_ids_are_masked_without_the_personal_data_right(
    basename, factory, field, county_user, api_client
):
    record = factory()
    full = getattr(record, field)
    resp = api_client(county_user).get(url(basename, "detail", record.pk))
    assert resp.json()[field] == mask_resident_id(full)
    assert re.fullmatch(r"\d{6}\*{8}[\dX]{4}", resp.json()[field])
    listed = api_client(county_user).get(url(basename)).json()["results"]
    assert [row[field] for row in listed] == [mask_resident_id(full)]

    county_user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    county_user = type(county_user).objects.get(pk=county_user.pk)  # no cached permissions
    assert api_client(county_user).get(url(basename, "detail", record.pk)).json()[field] == full
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, object_id=str(record.pk)).count() == 1


# Filters, ordering, pagination -------------------------------------------------------------------


def test_filters_search_and_ordering(county_user, api_client):
    jinqiu = ReliefPaymentFactory(jinqiu=True, amount=Decimal("3000.00"), paid_on=dt.date(2023, 9, 1))
    warmth = ReliefPaymentFactory(amount=Decimal("500.00"), name="王五", paid_on=dt.date(2024, 1, 20))
    client = api_client(county_user)
    assert ids(client.get(url("services-relief"), {"programme": "jinqiu"})) == [jinqiu.pk]
    assert ids(client.get(url("services-relief"), {"year": 2024})) == [warmth.pk]
    assert ids(client.get(url("services-relief"), {"q": jinqiu.id_number})) == [jinqiu.pk]
    assert ids(client.get(url("services-relief"), {"search": "王五"})) == [warmth.pk]
    assert ids(client.get(url("services-relief"), {"ordering": "amount"})) == [warmth.pk, jinqiu.pk]
    assert ids(client.get(url("services-relief"))) == [warmth.pk, jinqiu.pk]  # newest first
    page = client.get(url("services-relief"), {"page_size": 1}).json()
    assert (page["count"], len(page["results"])) == (2, 1)


@pytest.mark.parametrize("basename", list(REGISTERS))
def test_list_query_count_does_not_grow_with_rows(basename, county_user, api_client):
    factory = REGISTERS[basename][0]
    client = api_client(county_user)
    factory()
    client.get(url(basename))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one_row:
        client.get(url(basename))
    for _ in range(4):
        factory()
    with CaptureQueriesContext(connection) as five_rows:
        resp = client.get(url(basename))
    assert resp.json()["count"] == 5
    assert len(five_rows) == len(one_row) <= 8


# The OpenAPI schema ------------------------------------------------------------------------------


def test_the_schema_documents_every_register_and_step():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    base = "/api/v1/services/"
    for prefix in (
        "relief-payments",
        "visits",
        "job-fairs",
        "employment-services",
        "training-classes",
        "rights-cases",
        "micro-loans",
    ):
        assert set(paths[f"{base}{prefix}/"]) == {"get", "post"}
        assert set(paths[f"{base}{prefix}/{{id}}/"]) == {"get", "put", "patch", "delete"}

    def request_of(path):
        content = paths[f"{base}{path}"]["post"].get("requestBody", {}).get("content", {})
        return content.get("application/json", {}).get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]

    assert request_of("relief-payments/{id}/approve/") == "ReliefApproveRequest"
    assert request_of("relief-payments/{id}/reject/") == "ReliefRejectRequest"
    assert request_of("relief-payments/{id}/pay/") == "ReliefPayRequest"
    assert request_of("rights-cases/{id}/start/") == ""
    assert request_of("rights-cases/{id}/close/") == "CaseCloseRequest"
    assert request_of("micro-loans/{id}/repay/") == "LoanRepayRequest"
    components = schema["components"]["schemas"]
    assert components["ReliefRejectRequest"]["required"] == ["reason"]
    assert set(components["CaseCloseRequest"]["required"]) == {"closed_on"}

    for path, component in (
        ("rights-cases/open/", "PaginatedRightsCaseList"),
        ("micro-loans/overdue/", "PaginatedMicroLoanList"),
    ):
        op = paths[f"{base}{path}"]["get"]
        assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(component)
        assert {"page", "region", "year", "ordering"} <= {p["name"] for p in op["parameters"]}

    props = components["ReliefPayment"]["properties"]
    assert props["status"]["readOnly"] and props["status_display"]["readOnly"]
    assert "masked" in props["id_number"]["description"]
    days_open = components["RightsCase"]["properties"]["days_open"]
    assert (days_open["type"], days_open["readOnly"]) == ("integer", True)
    loan = components["MicroLoan"]["properties"]
    assert loan["status"]["readOnly"]
    assert components[loan["status"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]]["enum"] == [
        "current",
        "overdue",
        "repaid",
    ]
    assert "due_on" not in components["MicroLoanRequest"].get("required", [])
