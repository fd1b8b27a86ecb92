"""Writes of the worker-services domain through ``apps.services.services``: create, update and
delete of each of the seven registers in and out of the user's scope (county staff of 620102,
prefecture staff of Lanzhou at their own level and in their counties), numbers unique,
identifiers in capitals, the audit trail; the relief threshold, the corrections a payment
allows, the steps of a rights case and of a micro-loan with their refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.choices import AuditAction
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry
from apps.core.tests.factories import make_resident_id, region
from apps.services import services
from apps.services.choices import (
    CaseKind,
    CaseStatus,
    EmploymentKind,
    Programme,
    RecipientKind,
    ReliefStatus,
    SchoolLevel,
    TrainingKind,
    VisitKind,
)
from apps.services.models import (
    ApprovalThreshold,
    EmploymentService,
    JobFair,
    MicroLoan,
    ReliefPayment,
    RightsCase,
    TrainingClass,
    Visit,
)

from .factories import (
    EmploymentServiceFactory,
    JobFairFactory,
    MicroLoanFactory,
    ReliefPaymentFactory,
    RightsCaseFactory,
    TrainingClassFactory,
    VisitFactory,
    make_credit_code,
)

pytestmark = pytest.mark.django_db

D = dt.date
SCOPE = "您无权修改该地区的记录。"


class Register:
    """One register as its services see it: the create/update/delete functions, the keyword
    its update and delete take the record by, a valid record's fields and one change."""

    def __init__(self, model, factory, noun, create, update, delete, key, values, change):
        self.model, self.factory, self.noun = model, factory, noun
        self.create_fn, self.update_fn, self.delete_fn, self.key = create, update, delete, key
        self.values, self.change = values, change

    def create(self, user, region_code, **overrides):
        fields = {**self.values(), "region": region(region_code), **overrides}
        return self.create_fn(user=user, **fields)

    def update(self, record, user, **changes):
        return self.update_fn(user=user, **{self.key: record}, **changes)

    def delete(self, record, user):
        return self.delete_fn(user=user, **{self.key: record})


REGISTERS = {
    "relief": Register(
        ReliefPayment,
        ReliefPaymentFactory,
        "专项帮扶发放",
        services.relief_create,
        services.relief_update,
        services.relief_delete,
        "payment",
        lambda: {
            "number": "RL-1",
            "id_number": make_resident_id(),
            "name": "张三",
            "programme": Programme.WARMTH,
            "recipient_kind": RecipientKind.MIGRANT,
            "amount": Decimal("800.00"),
            "paid_on": D(2024, 1, 20),
        },
        {"name": "张三丰"},
    ),
    "visit": Register(
        Visit,
        VisitFactory,
        "走访慰问",
        services.visit_create,
        services.visit_update,
        services.visit_delete,
        "visit",
        lambda: {
            "number": "ZF-1",
            "visited_on": D(2024, 1, 25),
            "kind": VisitKind.HOUSEHOLD,
            "head_id_number": make_resident_id(),
            "name": "户主",
            "amount": Decimal("300.00"),
        },
        {"amount": Decimal("600.00")},
    ),
    "job_fair": Register(
        JobFair,
        JobFairFactory,
        "春送岗位招聘会",
        services.job_fair_create,
        services.job_fair_update,
        services.job_fair_delete,
        "job_fair",
        lambda: {
            "number": "ZP-1",
            "name": "春风行动",
            "held_on": D(2024, 2, 20),
            "enterprises": 10,
            "positions": 100,
            "attendees": 500,
        },
        {"positions": 999},
    ),
    "employment": Register(
        EmploymentService,
        EmploymentServiceFactory,
        "就业服务",
        services.employment_service_create,
        services.employment_service_update,
        services.employment_service_delete,
        "service",
        lambda: {
            "number": "JY-1",
            "id_number": make_resident_id(),
            "name": "求职者",
            "served_on": D(2024, 3, 5),
            "kind": EmploymentKind.LABOUR_EXPORT,
            "placed": True,
        },
        {"placed": True},
    ),
    "training": Register(
        TrainingClass,
        TrainingClassFactory,
        "培训班",
        services.training_create,
        services.training_update,
        services.training_delete,
        "training",
        lambda: {
            "number": "PX-1",
            "name": "焊工培训班",
            "kind": TrainingKind.SKILLS,
            "start_date": D(2024, 4, 1),
            "end_date": D(2024, 4, 10),
            "trainees": 30,
        },
        {"trainees": 77},
    ),
    "case": Register(
        RightsCase,
        RightsCaseFactory,
        "维权案件",
        services.case_create,
        services.case_update,
        services.case_delete,
        "case",
        lambda: {
            "number": "WQ-1",
            "received_on": D(2024, 5, 10),
            "kind": CaseKind.WAGE_ARREARS,
            "workers": 5,
        },
        {"workers": 30},
    ),
    "loan": Register(
        MicroLoan,
        MicroLoanFactory,
        "小额贷款",
        services.loan_create,
        services.loan_update,
        services.loan_delete,
        "loan",
        lambda: {
            "number": "DK-1",
            "id_number": make_resident_id(),
            "name": "创业者",
            "granted_on": D(2024, 3, 15),
            "amount": Decimal("50000.00"),
            "jobs_created": 2,
        },
        {"jobs_created": 9},
    ),
}

each_register = pytest.mark.parametrize("reg", list(REGISTERS.values()), ids=list(REGISTERS))


def entries(record, action=None):
    qs = AuditEntry.objects.filter(content_type__model=record._meta.model_name, object_id=str(record.pk))
    return qs.filter(action=action) if action else qs


def snapshot(record) -> dict:
    return {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}


# Create, update, delete of every register ------------------------------------------------------


@each_register
def test_county_staff_create_in_their_county_with_an_audit_entry(reg, county_user):
    record = reg.create(county_user, "620102")
    record = reg.model.objects.get(pk=record.pk)
    assert (record.number, record.region.code) == (reg.values()["number"], "620102")
    entry = entries(record).get()
    assert (entry.action, entry.user, entry.region.code) == (AuditAction.CREATE, county_user, "620102")
    assert entry.changes["number"] == [None, record.number]


@each_register
def test_county_staff_cannot_create_in_another_county_and_nothing_is_written(reg, county_user):
    with pytest.raises(ApplicationError, match=SCOPE):
        reg.create(county_user, "620103")
    assert not reg.model.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model=reg.model._meta.model_name).exists()


@each_register
def test_county_staff_cannot_create_at_the_prefecture_level(reg, county_user):
    with pytest.raises(ApplicationError, match=SCOPE):
        reg.create(county_user, "620100")
    assert not reg.model.objects.exists()


@each_register
def test_prefecture_staff_create_in_a_county_of_theirs_and_at_the_prefecture(reg, prefecture_user):
    in_county = reg.create(prefecture_user, "620102")
    at_prefecture = reg.create(prefecture_user, "620100", number="P-2")
    assert set(reg.model.objects.values_list("number", "region__code")) == {
        (in_county.number, "620102"),
        ("P-2", "620100"),
    }
    assert entries(at_prefecture, AuditAction.CREATE).get().user == prefecture_user


@each_register
def test_prefecture_staff_cannot_create_in_another_prefecture_or_at_the_province(reg, prefecture_user):
    for code in ("623001", "620000"):
        with pytest.raises(ApplicationError, match=SCOPE):
            reg.create(prefecture_user, code)
    assert not reg.model.objects.exists()


@each_register
def test_a_number_is_unique_in_its_register(reg, county_user):
    reg.factory(number="DUP-1")
    with pytest.raises(ApplicationError, match=f"^编号 DUP-1 已被另一条{reg.noun}使用。$") as exc:
        reg.create(county_user, "620102", number=" DUP-1 ")
    assert exc.value.extra["fields"] == {"number": [str(exc.value.message)]}
    assert reg.model.objects.count() == 1
    # nor may another record take it over
    other = reg.factory(number="DUP-2")
    with pytest.raises(ApplicationError, match=f"^编号 DUP-1 已被另一条{reg.noun}使用。$"):
        reg.update(other, county_user, number="DUP-1")
    assert reg.model.objects.get(pk=other.pk).number == "DUP-2"


@each_register
def test_a_number_and_a_region_are_required(reg, county_user):
    with pytest.raises(ApplicationError, match="^请选择开展该项工作的工会所属地区。$") as exc:
        reg.create(county_user, "620102", region=None)
    assert list(exc.value.extra["fields"]) == ["region"]
    with pytest.raises(ApplicationError, match="^编号为必填项。$"):
        reg.create(county_user, "620102", number="  ")
    assert not reg.model.objects.exists()


@each_register
def test_county_staff_update_their_record_with_an_audit_entry(reg, county_user):
    record = reg.factory()
    field, value = next(iter(reg.change.items()))
    updated = reg.update(record, county_user, **reg.change)
    assert getattr(reg.model.objects.get(pk=record.pk), field) == value == getattr(updated, field)
    entry = entries(record, AuditAction.UPDATE).get()
    assert (entry.user, entry.changes[field][1]) == (
        county_user,
        value if isinstance(value, int) else str(value),
    )


@each_register
def test_county_staff_cannot_update_another_county_s_record_or_move_theirs_there(reg, county_user):
    other = reg.factory(region=region("620103"))
    before = snapshot(other)
    with pytest.raises(ApplicationError, match=SCOPE):
        reg.update(other, county_user, **reg.change)
    assert snapshot(reg.model.objects.get(pk=other.pk)) == before
    own = reg.factory()
    before = snapshot(own)
    with pytest.raises(ApplicationError, match=SCOPE):
        reg.update(own, county_user, region=region("620103"))
    assert snapshot(reg.model.objects.get(pk=own.pk)) == before
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


@each_register
def test_an_update_names_only_the_register_s_fields(reg, county_user):
    record = reg.factory()
    with pytest.raises(ApplicationError, match="未知字段：colour"):
        reg.update(record, county_user, colour="red")


@each_register
def test_county_staff_delete_their_record_not_another_county_s(reg, county_user):
    own, other = reg.factory(), reg.factory(region=region("620103"))
    own_pk = own.pk
    with pytest.raises(ApplicationError, match=SCOPE):
        reg.delete(other, county_user)
    reg.delete(own, county_user)
    assert list(reg.model.objects.values_list("pk", flat=True)) == [other.pk]
    entry = AuditEntry.objects.get(action=AuditAction.DELETE)
    assert (entry.object_id, entry.user, entry.changes["number"]) == (
        str(own_pk),
        county_user,
        [own.number, None],
    )


@each_register
def test_a_prefecture_changes_and_deletes_a_record_of_its_county(reg, prefecture_user):
    record = reg.factory()
    reg.update(record, prefecture_user, **reg.change)
    assert entries(record, AuditAction.UPDATE).get().user == prefecture_user
    reg.delete(record, prefecture_user)
    assert not reg.model.objects.exists()


@each_register
def test_the_system_caller_is_not_scoped(reg):
    record = reg.create(None, "623001")
    assert entries(record, AuditAction.CREATE).get().user is None


# Identifiers are kept in capitals, text stripped ------------------------------------------------


def resident_id_ending_in_x() -> str:
    while not (rid := make_resident_id()).endswith("X"):
        pass
    return rid


def test_resident_ids_and_credit_codes_are_stored_in_capitals(county_user):
    rid = resident_id_ending_in_x()
    code = make_credit_code(prefix="91620102MA")
    payment = services.relief_create(
        user=county_user,
        number=" RL-X ",
        region=region("620102"),
        id_number=f" {rid.lower()} ",
        name=" 张三 ",
        programme=Programme.WARMTH,
        recipient_kind=RecipientKind.WORKER,
        amount=Decimal("100"),
        paid_on=D(2024, 1, 2),
    )
    payment.refresh_from_db()
    assert (payment.number, payment.id_number, payment.name) == ("RL-X", rid, "张三")
    visit = REGISTERS["visit"].create(
        county_user, "620102", head_id_number="", kind=VisitKind.ENTERPRISE, credit_code=f" {code.lower()}"
    )
    assert Visit.objects.get(pk=visit.pk).credit_code == code
    household = VisitFactory()
    services.visit_update(visit=household, user=county_user, head_id_number=rid.lower())
    assert Visit.objects.get(pk=household.pk).head_id_number == rid
    for name in ("employment", "loan"):
        record = REGISTERS[name].create(county_user, "620102", id_number=rid.lower())
        assert REGISTERS[name].model.objects.get(pk=record.pk).id_number == rid


def test_an_invalid_resident_id_is_refused_by_its_field(county_user):
    bad = make_resident_id()[:-1] + "Y"
    with pytest.raises(ApplicationError) as exc:
        REGISTERS["employment"].create(county_user, "620102", id_number=bad)
    assert list(exc.value.extra["fields"]) == ["id_number"]
    assert not EmploymentService.objects.exists()


# Relief payments: the threshold ---------------------------------------------------------------


def relief(user, amount, programme=Programme.WARMTH, region_code="620102", **extra):
    fields = {**REGISTERS["relief"].values(), "amount": Decimal(amount), "programme": programme, **extra}
    if programme == Programme.JINQIU:
        fields.update(student_name="李小明", school_level=SchoolLevel.UNDERGRADUATE)
    return services.relief_create(user=user, **{**fields, "region": region(region_code)})


@pytest.mark.parametrize(
    ("programme", "amount", "status"),
    [
        (Programme.WARMTH, "1999.99", ReliefStatus.PAID),
        (Programme.WARMTH, "2000.00", ReliefStatus.PAID),
        (Programme.WARMTH, "2000.01", ReliefStatus.PENDING),
        (Programme.JINQIU, "5000.00", ReliefStatus.PAID),
        (Programme.JINQIU, "5000.01", ReliefStatus.PENDING),
        (Programme.TEMPORARY, "5000.00", ReliefStatus.PAID),
        (Programme.TEMPORARY, "8000.00", ReliefStatus.PENDING),
    ],
)
def test_a_payment_above_its_programme_s_threshold_waits_for_approval(county_user, programme, amount, status):
    payment = ReliefPayment.objects.get(pk=relief(county_user, amount, programme).pk)
    expected_date = None if status == ReliefStatus.PENDING else D(2024, 1, 20)
    assert (payment.status, payment.paid_on, payment.filed_by) == (status, expected_date, county_user)


def test_the_administrators_threshold_replaces_the_default(county_user):
    ApprovalThreshold.objects.update_or_create(
        programme=Programme.WARMTH, defaults={"amount": Decimal("1000")}
    )
    assert relief(county_user, "1000.01").status == ReliefStatus.PENDING
    assert relief(county_user, "1000.00", number="RL-2").status == ReliefStatus.PAID
    ApprovalThreshold.objects.filter(programme=Programme.WARMTH).delete()  # back to the default 2,000
    assert relief(county_user, "1500.00", number="RL-3").status == ReliefStatus.PAID


def test_a_pending_payment_needs_no_date_a_paid_one_does(county_user):
    assert relief(county_user, "3000.00", paid_on=None).status == ReliefStatus.PENDING
    with pytest.raises(ApplicationError, match="^请填写发放日期。$") as exc:
        relief(county_user, "100.00", number="RL-2", paid_on=None)
    assert list(exc.value.extra["fields"]) == ["paid_on"]
    assert list(ReliefPayment.objects.values_list("number", flat=True)) == ["RL-1"]


def test_a_payment_without_an_amount_is_a_field_error_not_a_crash(county_user):
    with pytest.raises(ApplicationError) as exc:
        REGISTERS["relief"].create(county_user, "620102", amount=None)
    assert list(exc.value.extra["fields"]) == ["amount"]
    assert not ReliefPayment.objects.exists()


def test_the_relief_rule_is_the_service_s_refusal(county_user):
    with pytest.raises(ApplicationError, match="^只有金秋助学发放才填写学生姓名。$") as exc:
        relief(county_user, "100.00", student_name="李小明")
    assert exc.value.extra["fields"] == {"student_name": ["只有金秋助学发放才填写学生姓名。"]}
    with pytest.raises(ApplicationError) as exc:
        services.relief_create(
            user=county_user,
            **{**REGISTERS["relief"].values(), "region": region("620102"), "programme": Programme.JINQIU},
        )
    assert exc.value.extra["fields"] == {
        "student_name": ["金秋助学发放须填写学生姓名。"],
        "school_level": ["金秋助学发放须填写入学层次。"],
    }
    assert not ReliefPayment.objects.exists()


def test_a_decided_payment_cannot_be_changed(county_user):
    for status, label in ((ReliefStatus.APPROVED, "已批准待发放"), (ReliefStatus.REJECTED, "已退回")):
        payment = ReliefPaymentFactory(status=status, paid_on=None, amount=Decimal("3000.00"))
        with pytest.raises(
            ApplicationError, match=f"^发放 {payment.number} 已审批（{label}），不能再修改。$"
        ):
            services.relief_update(payment=payment, user=county_user, name="改名")
        payment.refresh_from_db()
        assert (payment.name != "改名", payment.status) == (True, status)
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


def test_a_paid_payment_cannot_be_raised_above_the_threshold(county_user):
    payment = ReliefPaymentFactory(amount=Decimal("800.00"))
    with pytest.raises(
        ApplicationError, match="^2000.01 元超过审批限额 2000.00 元：请另行录入一笔发放，提交上级审批。$"
    ):
        services.relief_update(payment=payment, user=county_user, amount=Decimal("2000.01"))
    assert ReliefPayment.objects.get(pk=payment.pk).amount == Decimal("800.00")
    # up to the threshold it may be corrected
    services.relief_update(payment=payment, user=county_user, amount=Decimal("2000.00"))
    payment.refresh_from_db()
    assert (payment.amount, payment.status) == (Decimal("2000.00"), ReliefStatus.PAID)


def test_a_paid_payment_cannot_move_to_a_programme_whose_threshold_it_exceeds(county_user):
    # given a 4,500 yuan education aid, within 金秋助学's threshold of 5,000
    payment = ReliefPaymentFactory(jinqiu=True, amount=Decimal("4500.00"))
    # when it is turned into a warmth payment (threshold 2,000) of the same amount
    with pytest.raises(ApplicationError, match="元超过审批限额 2000.00 元") as exc:
        services.relief_update(
            payment=payment, user=county_user, programme=Programme.WARMTH, student_name="", school_level=""
        )
    assert list(exc.value.extra["fields"]) == ["amount"]
    # then it stays as it was: the approval cannot be bypassed by a correction
    assert ReliefPayment.objects.get(pk=payment.pk).programme == Programme.JINQIU


def test_a_paid_payment_keeps_its_date_a_pending_one_gets_none_by_correction(county_user):
    paid = ReliefPaymentFactory()
    with pytest.raises(ApplicationError, match="^已发放的记录必须保留发放日期。$"):
        services.relief_update(payment=paid, user=county_user, paid_on=None)
    services.relief_update(payment=paid, user=county_user, paid_on=D(2024, 2, 1))
    assert ReliefPayment.objects.get(pk=paid.pk).paid_on == D(2024, 2, 1)
    pending = relief(county_user, "3000.00", number="RL-P")
    services.relief_update(payment=pending, user=county_user, paid_on=D(2024, 2, 1), name="李四")
    pending.refresh_from_db()
    assert (pending.status, pending.paid_on, pending.name) == (ReliefStatus.PENDING, None, "李四")


def test_a_payment_s_status_is_not_a_field_to_correct(county_user):
    pending = relief(county_user, "3000.00")
    with pytest.raises(ApplicationError, match="未知字段：status"):
        services.relief_update(payment=pending, user=county_user, status=ReliefStatus.PAID)
    assert ReliefPayment.objects.get(pk=pending.pk).status == ReliefStatus.PENDING


# Rights cases: received → in progress → closed ----------------------------------------------


def new_case(user, **extra):
    return REGISTERS["case"].create(user, "620102", **extra)


def test_a_new_case_is_received_or_closed_when_filed_after_the_fact(county_user):
    received = new_case(county_user)
    assert (received.status, received.closed_on) == (CaseStatus.RECEIVED, None)
    closed = new_case(county_user, number="WQ-2", closed_on=D(2024, 6, 30), amount_recovered=Decimal("5000"))
    closed.refresh_from_db()
    assert (closed.status, closed.closed_on, closed.amount_recovered) == (
        CaseStatus.CLOSED,
        D(2024, 6, 30),
        Decimal("5000.00"),
    )


def test_a_case_cannot_be_closed_before_it_was_received(county_user):
    msg = "^办结日期（2024-05-09）不能早于受理日期（2024-05-10）。$"
    with pytest.raises(ApplicationError, match=msg) as exc:
        new_case(county_user, closed_on=D(2024, 5, 9))
    assert list(exc.value.extra["fields"]) == ["closed_on"]
    assert not RightsCase.objects.exists()
    case = new_case(county_user)
    with pytest.raises(ApplicationError, match=msg):
        services.case_close(case=case, user=county_user, closed_on=D(2024, 5, 9))
    closed = RightsCaseFactory(closed=True, number="WQ-C")  # received 2024-05-10, closed 2024-06-30
    with pytest.raises(ApplicationError, match=msg):
        services.case_update(case=closed, user=county_user, closed_on=D(2024, 5, 9))
    assert RightsCase.objects.get(pk=case.pk).status == CaseStatus.RECEIVED
    assert RightsCase.objects.get(pk=closed.pk).closed_on == D(2024, 6, 30)


def test_a_case_goes_received_in_progress_closed(county_user):
    case = new_case(county_user)
    case = services.case_start(case=case, user=county_user)
    assert RightsCase.objects.get(pk=case.pk).status == CaseStatus.IN_PROGRESS
    with pytest.raises(ApplicationError, match="^案件 WQ-1 当前为办理中，只有已受理的案件才能开始办理。$"):
        services.case_start(case=case, user=county_user)
    services.case_close(
        case=case, user=county_user, closed_on=D(2024, 6, 30), amount_recovered=Decimal("86000"), workers=15
    )
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.amount_recovered, case.workers) == (
        CaseStatus.CLOSED,
        D(2024, 6, 30),
        Decimal("86000.00"),
        15,
    )
    assert case.days_open == 51
    with pytest.raises(ApplicationError, match="^案件 WQ-1 已办结。$"):
        services.case_close(case=case, user=county_user, closed_on=D(2024, 7, 1))
    with pytest.raises(ApplicationError, match="只有已受理的案件才能开始办理"):
        services.case_start(case=case, user=county_user)
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (CaseStatus.CLOSED, D(2024, 6, 30))
    steps = [e.changes.get("status") for e in entries(case, AuditAction.UPDATE).order_by("id")]
    assert steps == [["received", "in_progress"], ["in_progress", "closed"]]


def test_closing_keeps_what_it_is_not_told(county_user):
    case = new_case(county_user, amount_recovered=Decimal("100"))
    services.case_close(case=case, user=county_user, closed_on=D(2024, 6, 30))
    case.refresh_from_db()
    assert (case.workers, case.amount_recovered) == (5, Decimal("100.00"))


def test_a_case_cannot_be_closed_without_a_date_or_in_the_future(county_user):
    case = new_case(county_user)
    with pytest.raises(ApplicationError, match="^请填写办结日期。$"):
        services.case_close(case=case, user=county_user, closed_on=None)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ApplicationError, match="^办结日期不能晚于今天。$") as exc:
        services.case_close(case=case, user=county_user, closed_on=tomorrow)
    assert list(exc.value.extra["fields"]) == ["closed_on"]
    services.case_close(case=case, user=county_user, closed_on=timezone.localdate())
    assert RightsCase.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_another_county_neither_starts_nor_closes_a_case(county_user, other_county_user):
    case = new_case(county_user)
    with pytest.raises(ApplicationError, match=SCOPE):
        services.case_start(case=case, user=other_county_user)
    with pytest.raises(ApplicationError, match=SCOPE):
        services.case_close(case=case, user=other_county_user, closed_on=D(2024, 6, 30))
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (CaseStatus.RECEIVED, None)


def test_a_case_update_leaves_the_closing_to_the_closing_step(county_user):
    case = new_case(county_user)
    with pytest.raises(ApplicationError, match="^请通过“办结”操作填写办结日期。$"):
        services.case_update(case=case, user=county_user, closed_on=D(2024, 6, 30))
    # an empty closing date on an open case is no change (a form sends the field empty)
    services.case_update(case=case, user=county_user, closed_on=None, workers=8)
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.workers) == (CaseStatus.RECEIVED, None, 8)
    closed = RightsCaseFactory(closed=True, number="WQ-C")
    with pytest.raises(ApplicationError, match="^已办结的案件不能清空办结日期。$"):
        services.case_update(case=closed, user=county_user, closed_on=None)
    services.case_update(case=closed, user=county_user, closed_on=D(2024, 7, 1))
    closed.refresh_from_db()
    assert (closed.status, closed.closed_on) == (CaseStatus.CLOSED, D(2024, 7, 1))
    with pytest.raises(ApplicationError, match="未知字段：status"):
        services.case_update(case=closed, user=county_user, status=CaseStatus.RECEIVED)


# Micro-loans -----------------------------------------------------------------------------------


def new_loan(user, **extra):
    return REGISTERS["loan"].create(user, "620102", **extra)


def test_a_loan_is_due_after_the_standard_term_unless_agreed(county_user):
    assert new_loan(county_user, granted_on=D(2024, 2, 29)).due_on == D(2026, 2, 28)
    assert MicroLoan.objects.get(number="DK-1").due_on == D(2026, 2, 28)
    agreed = new_loan(county_user, number="DK-2", due_on=D(2025, 3, 15))
    assert MicroLoan.objects.get(pk=agreed.pk).due_on == D(2025, 3, 15)
    with pytest.raises(ApplicationError, match="^到期日期（2024-03-14）不能早于发放日期（2024-03-15）。$"):
        new_loan(county_user, number="DK-3", due_on=D(2024, 3, 14))
    with pytest.raises(ApplicationError, match="^请填写贷款发放日期。$"):
        new_loan(county_user, number="DK-4", granted_on=None)
    assert MicroLoan.objects.count() == 2


def test_an_emptied_due_date_falls_back_to_the_standard_term(county_user):
    loan = new_loan(county_user, due_on=D(2025, 1, 1))
    services.loan_update(loan=loan, user=county_user, due_on=None)
    assert MicroLoan.objects.get(pk=loan.pk).due_on == D(2026, 3, 15)
    services.loan_update(loan=loan, user=county_user, granted_on=D(2024, 1, 31), due_on=None)
    assert MicroLoan.objects.get(pk=loan.pk).due_on == D(2026, 1, 31)


def test_a_loan_is_repaid_once_not_before_it_was_granted_nor_in_the_future(county_user):
    loan = new_loan(county_user)  # granted 2024-03-15
    with pytest.raises(
        ApplicationError, match="^还清日期（2024-03-14）不能早于发放日期（2024-03-15）。$"
    ) as exc:
        services.loan_repay(loan=loan, user=county_user, repaid_on=D(2024, 3, 14))
    assert list(exc.value.extra["fields"]) == ["repaid_on"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ApplicationError, match="^还清日期不能晚于今天。$"):
        services.loan_repay(loan=loan, user=county_user, repaid_on=tomorrow)
    with pytest.raises(ApplicationError, match="^请填写还清日期。$"):
        services.loan_repay(loan=loan, user=county_user, repaid_on=None)
    assert MicroLoan.objects.get(pk=loan.pk).repaid_on is None

    services.loan_repay(loan=loan, user=county_user, repaid_on=D(2024, 3, 15))
    loan.refresh_from_db()
    assert (loan.repaid_on, loan.status) == (D(2024, 3, 15), "repaid")
    assert entries(loan, AuditAction.UPDATE).get().changes["repaid_on"] == [None, "2024-03-15"]
    with pytest.raises(ApplicationError, match="^贷款 DK-1 已于 2024-03-15 还清。$"):
        services.loan_repay(loan=loan, user=county_user, repaid_on=D(2024, 4, 1))
    assert MicroLoan.objects.get(pk=loan.pk).repaid_on == D(2024, 3, 15)


def test_another_county_cannot_repay_a_loan(county_user, other_county_user):
    loan = new_loan(county_user)
    with pytest.raises(ApplicationError, match=SCOPE):
        services.loan_repay(loan=loan, user=other_county_user, repaid_on=D(2024, 4, 1))
    assert MicroLoan.objects.get(pk=loan.pk).repaid_on is None


def test_a_loan_s_status_follows_its_dates():
    loan = MicroLoanFactory(granted_on=D(2020, 1, 1), due_on=D(2022, 1, 1))
    assert (loan.status_on(D(2022, 1, 1)), loan.status_on(D(2022, 1, 2))) == ("current", "overdue")
    assert loan.get_status_display() == "逾期"
    loan.repaid_on = D(2023, 1, 1)
    assert (loan.status, loan.get_status_display()) == ("repaid", "已还清")


# One rule, one place: a training's dates ---------------------------------------------------------


def test_a_training_cannot_end_before_it_starts(county_user):
    with pytest.raises(
        ApplicationError, match="^结业日期（2024-03-31）不能早于开班日期（2024-04-01）。$"
    ) as exc:
        REGISTERS["training"].create(county_user, "620102", end_date=D(2024, 3, 31))
    assert list(exc.value.extra["fields"]) == ["end_date"]
    training = REGISTERS["training"].create(county_user, "620102", end_date=D(2024, 4, 1))
    with pytest.raises(ApplicationError, match="不能早于开班日期"):
        services.training_update(training=training, user=county_user, start_date=D(2024, 4, 2))
    assert TrainingClass.objects.get(pk=training.pk).start_date == D(2024, 4, 1)


def test_a_visit_s_rule_is_the_service_s_refusal(county_user):
    with pytest.raises(ApplicationError, match="^走访企业不填写户主身份证号。$"):
        REGISTERS["visit"].create(
            county_user, "620102", kind=VisitKind.ENTERPRISE, credit_code=make_credit_code()
        )
    assert not Visit.objects.exists()


def test_negative_counts_and_amounts_are_refused(county_user):
    with pytest.raises(ApplicationError) as exc:
        REGISTERS["job_fair"].create(county_user, "620102", positions=-1)
    assert list(exc.value.extra["fields"]) == ["positions"]
    with pytest.raises(ApplicationError) as exc:
        REGISTERS["visit"].create(county_user, "620102", amount=Decimal("-0.01"))
    assert list(exc.value.extra["fields"]) == ["amount"]
    assert not JobFair.objects.exists() and not Visit.objects.exists()


def test_loan_update_moves_a_standard_due_date_like_the_import(county_user):
    import datetime as dt

    from apps.services import rules
    from apps.services.services import loan_update

    from .factories import MicroLoanFactory

    loan = MicroLoanFactory(granted_on=dt.date(2024, 3, 15))
    loan = loan_update(loan=loan, user=county_user, granted_on=dt.date(2024, 5, 1))
    assert loan.due_on == rules.compute_due_on(dt.date(2024, 5, 1))
    agreed = MicroLoanFactory(granted_on=dt.date(2024, 3, 15), due_on=dt.date(2025, 1, 31))
    agreed = loan_update(loan=agreed, user=county_user, granted_on=dt.date(2024, 4, 1))
    assert agreed.due_on == dt.date(2025, 1, 31)
