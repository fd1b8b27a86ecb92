"""The worker-services pages: the scoping contract and the forms of every register, the relief
approval through the pages, rights cases and loans, masked resident IDs, the flags of the
other domains, and the overview's counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core import registry
from apps.core.choices import AuditAction, AuditSource, Role
from apps.core.models import AuditEntry
from apps.core.testing import ScopedPageContract, override_flag
from apps.core.tests.factories import TownshipFactory, UserFactory, make_resident_id, region
from apps.core.validators import mask_resident_id
from apps.services import services
from apps.services.choices import CaseStatus, ReliefStatus
from apps.services.models import (
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

TODAY = timezone.localdate()


def messages_of(client, resp) -> list[str]:
    """The messages a redirect leaves for the next page, read (and used up) by following it."""
    assert resp.status_code == 302, resp.status_code
    return [str(m) for m in client.get(resp["Location"]).context["messages"]]


# What a form posts for each register (its route name, model, factory) --------------------------


def _relief(code):
    return {
        "number": "FORM-1",
        "region": code,
        "id_number": make_resident_id("620102"),
        "name": "张三",
        "programme": "warmth",
        "recipient_kind": "migrant",
        "amount": "800.00",
        "paid_on": "2024-01-20",
        "student_name": "",
        "school_level": "",
    }


def _visit(code):
    return {
        "number": "FORM-1",
        "region": code,
        "visited_on": "2024-01-25",
        "kind": "enterprise",
        "credit_code": make_credit_code(),
        "head_id_number": "",
        "name": "某某有限公司",
        "amount": "0",
    }


def _job_fair(code):
    return {
        "number": "FORM-1",
        "region": code,
        "name": "春风行动",
        "held_on": "2024-02-20",
        "enterprises": "40",
        "positions": "1200",
        "attendees": "3000",
    }


def _employment(code):
    return {
        "number": "FORM-1",
        "region": code,
        "id_number": make_resident_id("620102"),
        "name": "李四",
        "served_on": "2024-03-05",
        "kind": "labour_export",
        "placed": "on",
    }


def _training(code):
    return {
        "number": "FORM-1",
        "region": code,
        "name": "焊工培训班",
        "kind": "skills",
        "start_date": "2024-04-01",
        "end_date": "2024-04-10",
        "trainees": "50",
    }


def _case(code):
    return {
        "number": "FORM-1",
        "region": code,
        "received_on": "2024-05-10",
        "kind": "wage_arrears",
        "workers": "12",
        "amount_recovered": "0",
        "closed_on": "",
        "summary": "拖欠工资",
    }


def _loan(code):
    return {
        "number": "FORM-1",
        "region": code,
        "id_number": make_resident_id("620102"),
        "name": "王五",
        "granted_on": "2024-03-15",
        "amount": "100000",
        "jobs_created": "4",
        "due_on": "",
        "repaid_on": "",
    }


def _posted(value) -> str:
    if value is None:
        return ""
    return "on" if value is True else str(value)


REGISTERS = {
    "relief": (ReliefPayment, ReliefPaymentFactory, _relief),
    "visit": (Visit, VisitFactory, _visit),
    "jobfair": (JobFair, JobFairFactory, _job_fair),
    "employmentservice": (EmploymentService, EmploymentServiceFactory, _employment),
    "training": (TrainingClass, TrainingClassFactory, _training),
    "rightscase": (RightsCase, RightsCaseFactory, _case),
    "loan": (MicroLoan, MicroLoanFactory, _loan),
}


class _RegisterPages(ScopedPageContract):
    """The scoping contract, and the forms and deletion of one register (``slug``)."""

    slug = ""

    @property
    def parts(self):
        return REGISTERS[self.slug]

    def url(self, action, *args):
        return reverse(f"services:{self.slug}-{action}", args=args)

    def make_object(self, region):
        return self.parts[1](region=region)

    def test_create_in_another_county_is_refused_and_in_own_succeeds(self, scope, client):
        model, _factory, payload = self.parts
        client.force_login(scope["user"])
        before = model.objects.count()
        assert client.get(self.url("create")).status_code == 200
        resp = client.post(self.url("create"), payload("620103"))
        assert resp.status_code == 200
        assert "您的范围内没有代码为 620103 的地区。" in resp.content.decode()
        assert model.objects.count() == before
        resp = client.post(self.url("create"), payload("620102"))
        record = model.objects.get(number="FORM-1")
        assert (resp.status_code, resp["Location"]) == (302, self.url("detail", record.pk))
        assert record.region.code == "620102"
        entry = AuditEntry.objects.get(content_type__model=model._meta.model_name, object_id=str(record.pk))
        assert (entry.action, entry.source, entry.user) == (
            AuditAction.CREATE,
            AuditSource.PAGE,
            scope["user"],
        )
        assert f"已新增{model._meta.verbose_name} FORM-1。" in messages_of(client, resp)

    def test_update_own_record(self, scope, client):
        client.force_login(scope["user"])
        own = scope["own"]
        page = client.get(self.url("update", own.pk))
        assert page.status_code == 200
        # the form as shown, with a new number
        form = page.context["form"]
        data = {name: _posted(form[name].value()) for name in form.fields if form[name].value() is not False}
        resp = client.post(self.url("update", own.pk), {**data, "number": "EDITED-1"})
        assert (resp.status_code, resp["Location"]) == (302, self.url("detail", own.pk))
        own.refresh_from_db()
        assert own.number == "EDITED-1"
        history = client.get(self.url("detail", own.pk)).context["history"]
        assert AuditAction.UPDATE in [e.action for e in history]

    def test_other_county_edit_and_delete_are_404_and_change_nothing(self, scope, client):
        client.force_login(scope["user"])
        other = scope["other"]
        before = self.state(other)
        assert client.get(self.url("update", other.pk)).status_code == 404
        assert client.post(self.url("update", other.pk), self.parts[2]("620102")).status_code == 404
        assert client.post(self.url("delete", other.pk)).status_code == 404
        assert self.state(other) == before

    def test_delete_own_record_is_post_only(self, scope, client):
        model = self.parts[0]
        own = scope["own"]
        client.force_login(scope["user"])
        assert client.get(self.url("delete", own.pk)).status_code == 405
        resp = client.post(self.url("delete", own.pk))
        assert (resp.status_code, resp["Location"]) == (302, self.url("list"))
        assert not model.objects.filter(pk=own.pk).exists()


for _slug in REGISTERS:
    _name = f"Test{_slug.capitalize()}Pages"
    globals()[_name] = type(
        _name,
        (_RegisterPages,),
        {
            "slug": _slug,
            "list_url_name": f"services:{_slug}-list",
            "detail_url_name": f"services:{_slug}-detail",
        },
    )


def test_prefecture_staff_record_in_their_subtree_but_not_in_another_prefecture(prefecture_user, client):
    client.force_login(prefecture_user)
    url = reverse("services:jobfair-create")
    resp = client.post(url, _job_fair("620100"))
    assert resp.status_code == 302
    assert JobFair.objects.get(number="FORM-1").region.code == "620100"
    resp = client.post(url, {**_job_fair("620200"), "number": "FORM-2"})
    assert "您的范围内没有代码为 620200 的地区。" in resp.content.decode()
    assert not JobFair.objects.filter(number="FORM-2").exists()


def test_forms_show_the_services_chinese_messages_and_write_nothing(county_user, client):
    client.force_login(county_user)
    resp = client.post(reverse("services:relief-create"), {**_relief("620102"), "programme": "jinqiu"})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "金秋助学发放须填写学生姓名。" in html and "金秋助学发放须填写入学层次。" in html
    resp = client.post(reverse("services:training-create"), {**_training("620102"), "end_date": "2024-03-01"})
    assert resp.status_code == 200
    assert "结业日期（2024-03-01）不能早于开班日期（2024-04-01）。" in resp.content.decode()
    ReliefPaymentFactory(number="FORM-1")
    resp = client.post(reverse("services:relief-create"), _relief("620102"))
    assert "编号 FORM-1 已被另一条专项帮扶发放使用。" in resp.content.decode()
    assert ReliefPayment.objects.count() == 1
    assert TrainingClass.objects.count() == 0


def test_loan_form_falls_due_after_the_standard_term_when_no_date_is_given(county_user, client):
    client.force_login(county_user)
    resp = client.post(reverse("services:loan-create"), _loan("620102"))
    assert resp.status_code == 302
    assert MicroLoan.objects.get().due_on == dt.date(2026, 3, 15)


def test_list_searches_filters_sorts_paginates_and_says_when_nothing_matches(county_user, client):
    JobFairFactory(number="ZP-A", name="甲招聘会", held_on=dt.date(2024, 2, 1), positions=10)
    JobFairFactory(number="ZP-B", name="乙招聘会", held_on=dt.date(2023, 2, 1), positions=30)
    client.force_login(county_user)
    url = reverse("services:jobfair-list")
    numbers = lambda resp: [f.number for f in resp.context["object_list"]]  # noqa: E731
    assert numbers(client.get(url)) == ["ZP-A", "ZP-B"]
    assert numbers(client.get(url, {"o": "positions"})) == ["ZP-A", "ZP-B"]
    assert numbers(client.get(url, {"o": "-positions"})) == ["ZP-B", "ZP-A"]
    assert numbers(client.get(url, {"q": "乙"})) == ["ZP-B"]
    assert numbers(client.get(url, {"year": "2023"})) == ["ZP-B"]
    resp = client.get(url, {"q": "没有这个"})
    assert "没有符合条件的春送岗位招聘会。" in resp.content.decode()
    html = client.get(url).content.decode()
    assert reverse("export-records", args=["job_fairs"]) in html
    assert reverse("import-start") + "?resource=job_fairs" in html
    for n in range(55):
        JobFairFactory(number=f"ZP-{n:03d}")
    assert len(client.get(url).context["object_list"]) == 50
    assert len(client.get(url, {"page": 2}).context["object_list"]) == 7


@pytest.mark.parametrize("slug", list(REGISTERS))
def test_every_list_reads_a_fixed_number_of_queries(county_user, client, slug):
    factory = REGISTERS[slug][1]
    factory.create_batch(3)
    url = reverse(f"services:{slug}-list")
    client.force_login(county_user)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    factory.create_batch(20)
    with CaptureQueriesContext(connection) as many:
        resp = client.get(url)
    assert len(resp.context["object_list"]) == 23
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("slug", "resource"),
    [
        ("relief", "relief"),
        ("visit", "visits"),
        ("employmentservice", "employment_services"),
        ("training", "trainings"),
        ("rightscase", "rights_cases"),
        ("loan", "loans"),
    ],
)
def test_every_list_links_its_import_template_and_export(county_user, client, slug, resource):
    client.force_login(county_user)
    html = client.get(reverse(f"services:{slug}-list")).content.decode()
    assert reverse("export-records", args=[resource]) in html
    assert reverse("import-start") + f"?resource={resource}" in html


# Relief payments: approval by the level above, then payment -----------------------------------


def _file_pending(user, **kw):
    values = {
        "number": "RL-BIG",
        "region": region("620102"),
        "id_number": make_resident_id("620102"),
        "name": "赵六",
        "programme": "warmth",
        "recipient_kind": "worker",
        "amount": Decimal("3000.00"),
        "paid_on": TODAY,
    }
    values.update(kw)
    return services.relief_create(user=user, **values)


def test_a_payment_above_the_threshold_is_sent_to_the_level_above(county_user, client):
    client.force_login(county_user)
    resp = client.post(reverse("services:relief-create"), {**_relief("620102"), "amount": "3000.00"})
    payment = ReliefPayment.objects.get()
    assert (payment.status, payment.paid_on, payment.filed_by) == (ReliefStatus.PENDING, None, county_user)
    assert messages_of(client, resp) == [
        "发放 FORM-1 超过该项目 2,000.00 元的审批限额，已报送兰州市（620100）由上一级审批。"
    ]


def test_relief_approval_and_payment_through_the_pages(county_user, prefecture_user, client):
    payment = _file_pending(county_user)
    detail = reverse("services:relief-detail", args=[payment.pk])
    approve = reverse("services:relief-approve", args=[payment.pk])

    # the filer sees who decides, no button; pressing it anyway is refused with the reason
    client.force_login(county_user)
    resp = client.get(detail)
    html = resp.content.decode()
    assert resp.context["may_decide"] is False
    assert 'data-testid="approve"' not in html
    assert "等待兰州市（620100）审批" in html
    refusal = "只有负责该地区的县区工会、市州工会、省总工会、系统管理员人员可以审批该笔专项帮扶发放。"
    assert refusal in html
    resp = client.post(approve, {"next": detail})
    assert (resp.status_code, resp["Location"]) == (302, detail)
    assert messages_of(client, resp) == [refusal]
    payment.refresh_from_db()
    assert payment.status == ReliefStatus.PENDING

    # the prefecture above approves it
    client.force_login(prefecture_user)
    resp = client.get(detail)
    assert resp.context["may_decide"] is True
    assert 'data-testid="approve"' in resp.content.decode()
    resp = client.post(approve, {"next": detail})
    assert messages_of(client, resp) == ["发放 RL-BIG 已批准，可以发放。"]
    payment.refresh_from_db()
    assert (payment.status, payment.decided_by) == (ReliefStatus.APPROVED, prefecture_user)

    # the county pays it; the amount shows to the fen
    client.force_login(county_user)
    html = client.get(detail).content.decode()
    assert 'data-testid="pay"' in html
    paid_on = TODAY - dt.timedelta(days=1)
    resp = client.post(reverse("services:relief-pay", args=[payment.pk]), {"paid_on": paid_on.isoformat()})
    assert (resp.status_code, resp["Location"]) == (302, detail)
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on) == (ReliefStatus.PAID, paid_on)
    html = client.get(detail).content.decode()
    assert "3,000.00" in html and "已发放" in html and 'data-testid="pay"' not in html
    list_html = client.get(reverse("services:relief-list")).content.decode()
    assert "3,000.00" in list_html


def test_paying_is_refused_before_approval_and_a_future_date_is_refused(county_user, prefecture_user, client):
    payment = _file_pending(county_user)
    pay = reverse("services:relief-pay", args=[payment.pk])
    client.force_login(county_user)
    resp = client.post(pay, {"paid_on": TODAY.isoformat()})
    assert messages_of(client, resp) == ["只有已批准的发放才能登记发放；RL-BIG 当前为待审批。"]
    services.relief_approve(payment=payment, user=prefecture_user)
    resp = client.post(pay, {"paid_on": (TODAY + dt.timedelta(days=1)).isoformat()})
    assert messages_of(client, resp) == ["发放日期不能晚于今天。"]
    resp = client.post(pay, {"paid_on": "not a date"})
    (problem,) = messages_of(client, resp)
    assert problem.startswith("发放日期：")
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on) == (ReliefStatus.APPROVED, None)


def test_rejection_needs_a_reason(county_user, prefecture_user, client):
    payment = _file_pending(county_user)
    reject = reverse("services:relief-reject", args=[payment.pk])
    client.force_login(prefecture_user)
    resp = client.post(reject, {"reason": "  "})
    assert messages_of(client, resp) == ["退回理由为必填项。"]
    payment.refresh_from_db()
    assert payment.status == ReliefStatus.PENDING
    resp = client.post(reject, {"reason": "材料不全"})
    assert messages_of(client, resp) == ["发放 RL-BIG 已退回。"]
    payment.refresh_from_db()
    assert (payment.status, payment.decision_note, payment.decided_by) == (
        ReliefStatus.REJECTED,
        "材料不全",
        prefecture_user,
    )
    html = client.get(reverse("services:relief-detail", args=[payment.pk])).content.decode()
    assert "已退回" in html and "材料不全" in html


def test_another_county_cannot_decide_or_pay_a_payment_it_cannot_see(county_user, other_county_user, client):
    payment = _file_pending(county_user)
    client.force_login(other_county_user)
    for action in ("approve", "reject", "pay"):
        resp = client.post(reverse(f"services:relief-{action}", args=[payment.pk]), {"reason": "x"})
        assert resp.status_code == 404
    payment.refresh_from_db()
    assert (payment.status, payment.decided_by) == (ReliefStatus.PENDING, None)


def test_approval_queue_offers_the_buttons_only_where_allowed(county_user, prefecture_user, client):
    from_county = _file_pending(county_user)
    own = _file_pending(prefecture_user, number="RL-PREF", region=region("620100"))
    ReliefPaymentFactory(number="RL-PAID")  # not awaiting approval
    client.force_login(prefecture_user)
    url = reverse("services:relief-pending")
    resp = client.get(url)
    rows = {p.number: p for p in resp.context["object_list"]}
    assert list(rows) == ["RL-BIG", "RL-PREF"]
    assert rows["RL-BIG"].decide_refusal is None
    assert "只有负责该地区的" in rows["RL-PREF"].decide_refusal
    html = resp.content.decode()
    assert html.count('data-testid="approve"') == 1
    assert f'action="{reverse("services:relief-approve", args=[from_county.pk])}"' in html
    assert f'action="{reverse("services:relief-approve", args=[own.pk])}"' not in html


def test_the_filer_never_decides_even_where_their_reach_would_allow_it(county_user, client):
    # a township's payment is decided in its county: a colleague there, never its filer
    township = TownshipFactory()
    payment = _file_pending(county_user, region=township)
    colleague = UserFactory(role=Role.COUNTY, region=region("620102"))
    detail = reverse("services:relief-detail", args=[payment.pk])
    client.force_login(county_user)
    resp = client.get(detail)
    assert resp.context["may_decide"] is False
    assert "四眼原则" in resp.context["decide_refusal"]
    resp = client.post(reverse("services:relief-approve", args=[payment.pk]))
    assert "四眼原则" in messages_of(client, resp)[0]
    payment.refresh_from_db()
    assert payment.status == ReliefStatus.PENDING
    client.force_login(colleague)
    assert 'data-testid="approve"' in client.get(detail).content.decode()
    client.post(reverse("services:relief-approve", args=[payment.pk]))
    payment.refresh_from_db()
    assert (payment.status, payment.decided_by) == (ReliefStatus.APPROVED, colleague)


def test_approval_queue_reads_the_audit_trail_once_per_page(county_user, prefecture_user, client):
    for n in range(2):
        _file_pending(county_user, number=f"RL-Q{n}")
    client.force_login(prefecture_user)
    url = reverse("services:relief-pending")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(2, 8):
        _file_pending(county_user, number=f"RL-Q{n}")
    with CaptureQueriesContext(connection) as many:
        resp = client.get(url)
    assert len(resp.context["object_list"]) == 8
    assert len(many.captured_queries) == len(few.captured_queries)


# Rights cases and loans -----------------------------------------------------------------------


def test_case_is_taken_up_then_closed_through_the_pages(county_user, client):
    case = RightsCaseFactory(received_on=TODAY - dt.timedelta(days=20), workers=12)
    detail = reverse("services:rightscase-detail", args=[case.pk])
    client.force_login(county_user)
    assert 'data-testid="start"' in client.get(detail).content.decode()
    resp = client.post(reverse("services:rightscase-start", args=[case.pk]), {"next": detail})
    assert messages_of(client, resp) == [f"案件 {case.number} 已开始办理。"]
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    resp = client.post(reverse("services:rightscase-start", args=[case.pk]))
    assert messages_of(client, resp) == [f"案件 {case.number} 当前为办理中，只有已受理的案件才能开始办理。"]
    resp = client.post(
        reverse("services:rightscase-close", args=[case.pk]),
        {"closed_on": TODAY.isoformat(), "amount_recovered": "86000.50", "workers": ""},
    )
    assert messages_of(client, resp) == [f"案件 {case.number} 已办结。"]
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.amount_recovered, case.workers) == (
        CaseStatus.CLOSED,
        TODAY,
        Decimal("86000.50"),
        12,
    )
    html = client.get(detail).content.decode()
    assert "86,000.50" in html and 'data-testid="close"' not in html


def test_closing_before_receipt_is_refused_and_changes_nothing(county_user, client):
    case = RightsCaseFactory(received_on=TODAY - dt.timedelta(days=5))
    client.force_login(county_user)
    resp = client.post(
        reverse("services:rightscase-close", args=[case.pk]),
        {"closed_on": (TODAY - dt.timedelta(days=6)).isoformat()},
    )
    assert messages_of(client, resp) == [
        f"办结日期（{(TODAY - dt.timedelta(days=6)).isoformat()}）不能早于受理日期（{case.received_on.isoformat()}）。"
    ]
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (CaseStatus.RECEIVED, None)


def test_another_county_cannot_take_up_or_close_a_case(county_user, other_county_user, client):
    case = RightsCaseFactory()
    client.force_login(other_county_user)
    assert client.post(reverse("services:rightscase-start", args=[case.pk])).status_code == 404
    resp = client.post(reverse("services:rightscase-close", args=[case.pk]), {"closed_on": TODAY.isoformat()})
    assert resp.status_code == 404
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (CaseStatus.RECEIVED, None)


def test_open_cases_oldest_first_with_days_open(county_user, client):
    RightsCaseFactory(number="WQ-NEW", received_on=TODAY - dt.timedelta(days=3))
    RightsCaseFactory(
        number="WQ-OLD", received_on=TODAY - dt.timedelta(days=40), status=CaseStatus.IN_PROGRESS
    )
    RightsCaseFactory(number="WQ-DONE", closed=True, received_on=dt.date(2024, 1, 1))
    RightsCaseFactory(number="WQ-NEIGHBOUR", region=region("620103"))
    client.force_login(county_user)
    resp = client.get(reverse("services:rightscase-open"))
    rows = resp.context["object_list"]
    assert [c.number for c in rows] == ["WQ-OLD", "WQ-NEW"]
    days = [next(cell["value"] for cell in c.cells if cell["label"] == "已办理天数") for c in rows]
    assert days == ["40", "3"]
    html = resp.content.decode()
    assert html.count('data-testid="start"') == 1  # only the received case can be taken up


def test_loan_repaid_through_the_overdue_page(county_user, client):
    overdue = MicroLoanFactory(
        number="DK-LATE", granted_on=TODAY - dt.timedelta(days=800), due_on=TODAY - dt.timedelta(days=30)
    )
    MicroLoanFactory(number="DK-CURRENT", granted_on=TODAY - dt.timedelta(days=10))
    MicroLoanFactory(
        number="DK-PAID",
        granted_on=TODAY - dt.timedelta(days=800),
        due_on=TODAY - dt.timedelta(days=60),
        repaid_on=TODAY - dt.timedelta(days=70),
    )
    client.force_login(county_user)
    url = reverse("services:loan-overdue")
    resp = client.get(url)
    assert [loan.number for loan in resp.context["object_list"]] == ["DK-LATE"]
    list_html = client.get(reverse("services:loan-list")).content.decode()
    assert "逾期" in list_html and "正常还款中" in list_html and "已还清" in list_html
    resp = client.post(
        reverse("services:loan-repay", args=[overdue.pk]), {"repaid_on": TODAY.isoformat(), "next": url}
    )
    assert (resp.status_code, resp["Location"]) == (302, url)
    assert messages_of(client, resp) == ["贷款 DK-LATE 已登记为还清。"]
    overdue.refresh_from_db()
    assert overdue.repaid_on == TODAY
    assert list(client.get(url).context["object_list"]) == []
    resp = client.post(reverse("services:loan-repay", args=[overdue.pk]), {"repaid_on": TODAY.isoformat()})
    assert messages_of(client, resp) == [f"贷款 DK-LATE 已于 {TODAY.isoformat()} 还清。"]


def test_another_county_cannot_repay_a_loan(county_user, other_county_user, client):
    loan = MicroLoanFactory()
    client.force_login(other_county_user)
    resp = client.post(reverse("services:loan-repay", args=[loan.pk]), {"repaid_on": TODAY.isoformat()})
    assert resp.status_code == 404
    loan.refresh_from_db()
    assert loan.repaid_on is None


# Personal data and flags ----------------------------------------------------------------------


def test_resident_ids_are_masked_without_the_right(county_user, client):
    payment = ReliefPaymentFactory()
    visit = VisitFactory()
    client.force_login(county_user)
    for url, id_number in (
        (reverse("services:relief-list"), payment.id_number),
        (reverse("services:relief-detail", args=[payment.pk]), payment.id_number),
        (reverse("services:visit-list"), visit.head_id_number),
        (reverse("services:visit-detail", args=[visit.pk]), visit.head_id_number),
    ):
        html = client.get(url).content.decode()
        assert mask_resident_id(id_number) in html, url
        assert id_number not in html, url
    # the edit form leaves the ID out, and a save keeps it
    edit = reverse("services:relief-update", args=[payment.pk])
    assert "id_number" not in client.get(edit).context["form"].fields
    data = {k: v for k, v in _relief("620102").items() if k != "id_number"}
    assert client.post(edit, {**data, "number": payment.number}).status_code == 302
    assert ReliefPayment.objects.get(pk=payment.pk).id_number == payment.id_number


def test_resident_ids_are_shown_in_full_with_the_right_and_the_view_recorded(county_user, client):
    payment = ReliefPaymentFactory()
    county_user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    client.force_login(county_user)
    html = client.get(reverse("services:relief-detail", args=[payment.pk])).content.decode()
    assert payment.id_number in html
    assert AuditEntry.objects.filter(object_id=str(payment.pk), action=AuditAction.VIEW).count() == 1


@pytest.mark.parametrize(
    ("slug", "factory", "id_attr"),
    [
        ("relief", ReliefPaymentFactory, "id_number"),
        ("visit", VisitFactory, "head_id_number"),
        ("employmentservice", EmploymentServiceFactory, "id_number"),
        ("loan", MicroLoanFactory, "id_number"),
    ],
)
def test_flags_of_the_other_domains_one_lookup_per_page(county_user, client, slug, factory, id_attr):
    flagged, plain = factory(), factory()
    marked = getattr(flagged, id_attr)
    client.force_login(county_user)
    with override_flag(registry.MODEL_WORKER, lambda ids, user: {i for i in ids if i == marked}) as calls:
        resp = client.get(reverse(f"services:{slug}-list"))
        rows = {r.pk: r for r in resp.context["object_list"]}
        assert len(calls) == 1 and sorted(calls[0]) == sorted([marked, getattr(plain, id_attr)])
        assert [str(label) for label in rows[flagged.pk].flag_labels] == ["劳模"]
        assert rows[plain.pk].flag_labels == []
        assert resp.content.decode().count('data-testid="flag"') == 1
        detail = client.get(reverse(f"services:{slug}-detail", args=[flagged.pk])).content.decode()
        assert "劳模" in detail


def test_a_flag_added_by_another_domain_shows_without_changing_the_pages(county_user, client, monkeypatch):
    loan = MicroLoanFactory()
    monkeypatch.setitem(registry.FLAGS, "insured_test", "参加职工互助保障")
    client.force_login(county_user)
    with override_flag("insured_test", lambda ids, user: set(ids)):
        html = client.get(reverse("services:loan-detail", args=[loan.pk])).content.decode()
    assert "参加职工互助保障" in html


# The overview ---------------------------------------------------------------------------------


def test_overview_counts_this_year_and_the_work_waiting(county_user, prefecture_user, client):
    this_year = TODAY.replace(month=1, day=1)
    JobFairFactory(held_on=this_year)
    JobFairFactory(held_on=this_year, region=region("620103"))  # not the county's
    JobFairFactory(held_on=this_year.replace(year=TODAY.year - 1))  # last year
    ReliefPaymentFactory(paid_on=this_year)
    _file_pending(county_user, number="RL-WAIT")
    approved = _file_pending(county_user, number="RL-APPROVED")
    services.relief_approve(payment=approved, user=prefecture_user)
    RightsCaseFactory(received_on=this_year)
    MicroLoanFactory(granted_on=TODAY - dt.timedelta(days=800), due_on=TODAY - dt.timedelta(days=1))

    client.force_login(county_user)
    resp = client.get(reverse("services:index"))
    assert resp.status_code == 200
    counts = {str(r["label"]): r["count"] for r in resp.context["registers"]}
    assert counts == {
        "专项帮扶发放": 1,
        "走访慰问": 0,
        "春送岗位招聘会": 1,
        "就业服务": 0,
        "培训班": 0,
        "维权案件": 1,
        "小额贷款": 0,
    }
    work = {w["key"]: w["count"] for w in resp.context["work"]}
    assert work == {"approve": 0, "pay": 1, "cases": 1, "loans": 1}
    html = resp.content.decode()
    assert f"{reverse('services:jobfair-list')}?year={TODAY.year}" in html
    assert reverse("services:relief-pending") in html and reverse("services:loan-overdue") in html

    client.force_login(prefecture_user)
    work = {w["key"]: w["count"] for w in client.get(reverse("services:index")).context["work"]}
    assert work == {"approve": 1, "pay": 1, "cases": 1, "loans": 1}


def test_overview_reads_a_fixed_number_of_queries(county_user, prefecture_user, client):
    _file_pending(county_user, number="RL-W0")
    client.force_login(prefecture_user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("services:index"))
    for n in range(1, 6):
        _file_pending(county_user, number=f"RL-W{n}")
        RightsCaseFactory()
    with CaptureQueriesContext(connection) as many:
        resp = client.get(reverse("services:index"))
    assert {w["key"]: w["count"] for w in resp.context["work"]}["approve"] == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_overview_is_in_the_main_navigation_and_closed_to_anonymous(county_user, client):
    resp = client.get(reverse("services:index"))
    assert resp.status_code == 302 and reverse("login") in resp["Location"]
    client.force_login(county_user)
    html = client.get(reverse("services:index")).content.decode()
    assert f'href="{reverse("services:index")}"' in html
    assert "普惠服务与维权" in html
