"""The worker-services admin: administrators only (the admin contract for every register),
writes through the services (their rules, their audit), relief decisions read-only, import and
export buttons, masked resident IDs, the approval thresholds set by administrators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.core.choices import AuditAction, AuditSource
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAdminContract
from apps.core.tests.factories import make_resident_id, region
from apps.core.validators import mask_resident_id
from apps.services import services
from apps.services.choices import CaseStatus, Programme, ReliefStatus
from apps.services.models import ApprovalThreshold, MicroLoan, ReliefPayment, RightsCase

from .factories import (
    EmploymentServiceFactory,
    JobFairFactory,
    MicroLoanFactory,
    ReliefPaymentFactory,
    RightsCaseFactory,
    TrainingClassFactory,
    VisitFactory,
)

# model name in the admin URLs: (factory, import template)
REGISTERS = {
    "reliefpayment": (ReliefPaymentFactory, "relief"),
    "visit": (VisitFactory, "visits"),
    "jobfair": (JobFairFactory, "job_fairs"),
    "employmentservice": (EmploymentServiceFactory, "employment_services"),
    "trainingclass": (TrainingClassFactory, "trainings"),
    "rightscase": (RightsCaseFactory, "rights_cases"),
    "microloan": (MicroLoanFactory, "loans"),
}


class _RegisterAdminContract(ScopedAdminContract):
    factory = None

    def make_object(self, region):
        return self.factory(region=region)


for _model_name, (_factory, _resource) in REGISTERS.items():
    _name = f"Test{_factory._meta.model.__name__}AdminScope"
    globals()[_name] = type(_name, (_RegisterAdminContract,), {"factory": _factory})


def admin_url(model_name: str, view: str, *args) -> str:
    return reverse(f"admin:services_{model_name}_{view}", args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", list(REGISTERS))
def test_changelists_link_import_and_export(model_name, admin_user, client):
    REGISTERS[model_name][0]()
    client.force_login(admin_user)
    resp = client.get(admin_url(model_name, "changelist"))
    assert resp.status_code == 200
    assert (
        resp.context["import_url"]
        == admin_url(model_name, "import") + f"?resource={REGISTERS[model_name][1]}"
    )
    assert resp.context["export_url"] == admin_url(model_name, "export")


def _relief_form(**changes) -> dict:
    return {
        "number": "RL-ADMIN",
        "region": region("620102").pk,
        "id_number": make_resident_id(),
        "name": "后台录入",
        "programme": "warmth",
        "recipient_kind": "worker",
        "amount": "3000.00",
        "paid_on": "2024-03-01",
        "student_name": "",
        "school_level": "",
        **changes,
    }


@pytest.mark.django_db
def test_a_payment_added_above_the_threshold_waits_for_approval(admin_user, client):
    client.force_login(admin_user)
    form = client.get(admin_url("reliefpayment", "add")).context["adminform"].form
    # the status and the decision are the steps' (pages and API), never typed in here
    assert set(form.fields) == set(services.RELIEF_FIELDS)
    resp = client.post(admin_url("reliefpayment", "add"), _relief_form())
    assert resp.status_code == 302, resp.content.decode()[:2000]
    payment = ReliefPayment.objects.get(number="RL-ADMIN")
    # relief_create's rule, which a generic save lacks
    assert (payment.status, payment.paid_on, payment.filed_by) == (ReliefStatus.PENDING, None, admin_user)
    entry = AuditEntry.objects.get(object_id=str(payment.pk), action=AuditAction.CREATE)
    assert (entry.source, entry.user) == (AuditSource.ADMIN, admin_user)


@pytest.mark.django_db
def test_a_decided_payment_stays_as_it_was_in_the_admin(admin_user, client):
    payment = ReliefPaymentFactory(
        status=ReliefStatus.APPROVED, paid_on=None, amount=Decimal("3000.00"), name="原名"
    )
    client.force_login(admin_user)
    url = admin_url("reliefpayment", "change", payment.pk)
    form = client.get(url).context["adminform"].form
    assert set(form.fields) == set(services.RELIEF_FIELDS)
    data = _relief_form(
        number=payment.number, id_number=payment.id_number, name="新名", paid_on="", amount="3000.00"
    )
    resp = client.post(url, data)
    assert resp.status_code == 200
    messages = [str(m) for m in get_messages(resp.wsgi_request)]
    assert len(messages) == 1 and payment.number in messages[0]
    payment.refresh_from_db()
    assert (payment.name, payment.status) == ("原名", ReliefStatus.APPROVED)
    assert not AuditEntry.objects.filter(object_id=str(payment.pk), action=AuditAction.UPDATE).exists()


@pytest.mark.django_db
def test_admin_change_goes_through_the_service_and_is_audited(admin_user, client):
    fair = JobFairFactory(positions=1200)
    client.force_login(admin_user)
    data = {
        "number": fair.number,
        "region": fair.region_id,
        "name": fair.name,
        "held_on": "2024-02-20",
        "enterprises": "40",
        "positions": "1500",
        "attendees": "3000",
    }
    resp = client.post(admin_url("jobfair", "change", fair.pk), data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_id=str(fair.pk), action=AuditAction.UPDATE)
    assert (entry.changes, entry.source) == ({"positions": [1200, 1500]}, AuditSource.ADMIN)


@pytest.mark.django_db
def test_a_case_added_in_the_admin_is_received_and_its_status_is_read_only(admin_user, client):
    client.force_login(admin_user)
    form = client.get(admin_url("rightscase", "add")).context["adminform"].form
    assert "status" not in form.fields
    data = {
        "number": "WQ-ADMIN",
        "region": region("620102").pk,
        "received_on": "2024-05-10",
        "kind": "wage_arrears",
        "workers": "3",
        "amount_recovered": "0",
        "closed_on": "",
        "summary": "",
    }
    resp = client.post(admin_url("rightscase", "add"), data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert RightsCase.objects.get(number="WQ-ADMIN").status == CaseStatus.RECEIVED


@pytest.mark.django_db
def test_a_refusal_of_the_service_shows_on_the_form_and_writes_nothing(admin_user, client):
    taken = MicroLoanFactory(number="DK-1")
    client.force_login(admin_user)
    data = {
        "number": "DK-1",
        "region": region("620102").pk,
        "id_number": make_resident_id(),
        "name": "创业者",
        "granted_on": "2024-03-15",
        "amount": "50000.00",
        "jobs_created": "2",
        "due_on": "2026-03-15",
        "repaid_on": "",
    }
    resp = client.post(admin_url("microloan", "add"), data)
    assert resp.status_code == 200
    assert "number" in resp.context["adminform"].form.errors
    assert list(MicroLoan.objects.values_list("pk", flat=True)) == [taken.pk]


@pytest.mark.django_db
def test_the_loans_list_filters_by_the_computed_status(admin_user, client):
    overdue = MicroLoanFactory(granted_on=dt.date(2020, 1, 1), due_on=dt.date(2022, 1, 1))
    current = MicroLoanFactory(granted_on=dt.date(2024, 1, 1), due_on=dt.date(2099, 1, 1))
    client.force_login(admin_user)
    url = admin_url("microloan", "changelist")
    assert list(client.get(url, {"status": "overdue"}).context["cl"].queryset) == [overdue]
    assert list(client.get(url, {"status": "current"}).context["cl"].queryset) == [current]
    assert "逾期" in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (ReliefPaymentFactory, "id_number"),
        (VisitFactory, "head_id_number"),
        (EmploymentServiceFactory, "id_number"),
        (MicroLoanFactory, "id_number"),
    ],
)
def test_the_resident_id_column_is_masked_without_the_right(factory, field, county_user, admin_user, rf):
    record = factory()
    model_admin = admin.site._registry[type(record)]
    shown = {}
    for user in (county_user, admin_user):
        request = rf.get("/admin/")
        request.user = user
        column = next(c for c in model_admin.get_list_display(request) if callable(c))
        shown[user.username] = column(record)
    assert shown == {"county_cg": mask_resident_id(getattr(record, field)), "admin": getattr(record, field)}


@pytest.mark.django_db
def test_administrators_set_the_approval_threshold(admin_user, county_user, api_client, client):
    threshold = ApprovalThreshold.objects.get(programme=Programme.WARMTH)
    assert threshold.amount == Decimal("2000.00")
    client.force_login(admin_user)
    url = reverse("admin:services_approvalthreshold_change", args=[threshold.pk])
    resp = client.post(url, {"programme": "warmth", "amount": "5000.00"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_id=str(threshold.pk), action=AuditAction.UPDATE)
    assert (set(entry.changes), entry.user) == ({"amount"}, admin_user)
    # a programme keeps its threshold: it is changed, never deleted
    delete = reverse("admin:services_approvalthreshold_delete", args=[threshold.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ApprovalThreshold.objects.filter(pk=threshold.pk).exists()
    # a payment of 3,000 is now within the threshold: paid at once
    payment = services.relief_create(
        user=county_user,
        number="RL-3000",
        region=region("620102"),
        id_number=make_resident_id(),
        name="王五",
        programme=Programme.WARMTH,
        recipient_kind="worker",
        amount=Decimal("3000.00"),
        paid_on=dt.date(2024, 3, 1),
    )
    assert payment.status == ReliefStatus.PAID


@pytest.mark.django_db
def test_other_roles_cannot_open_the_thresholds(prefecture_user, client):
    prefecture_user.is_staff = True
    prefecture_user.save()
    client.force_login(prefecture_user)
    resp = client.get(reverse("admin:services_approvalthreshold_changelist"))
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("admin:login"))
