"""Separation of duties on claims (issue 12): each decision step of a claim — review, approval,
payment, and rejection instead of review or approval — on the service, through the API and
through the pages. County staff submit and pay; the prefecture above the county (or the
province) reviews and approves, never the filer nor the claim's last editor; on a
double-review plan the approver is not the reviewer. Refusals say who may."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.choices import Role
from apps.core.decisions import DecisionRefused, last_editor_id
from apps.core.exceptions import ApplicationError
from apps.core.tests.factories import UserFactory, region
from apps.insurance import decisions, services
from apps.insurance.choices import ClaimStatus, ReviewMode
from apps.insurance.models import Claim

from .factories import ClaimFactory, CoverageFactory, PlanFactory

pytestmark = pytest.mark.django_db
D = Decimal

# What the refusals say (zh-hans, the default language)
REVIEW_ROLES = "只有市州工会、省总工会的人员可以审核该理赔"
REVIEW_REGION = "只有负责该地区的市州工会、省总工会人员可以审核该理赔"
APPROVE_ROLES = "只有市州工会、省总工会的人员可以批准该理赔"
APPROVE_REGION = "只有负责该地区的市州工会、省总工会人员可以批准该理赔"
FOUR_EYES_REVIEW = "四眼原则：.*不能审核该理赔，须由市州工会、省总工会的另一位同事办理"
FOUR_EYES_APPROVE = "四眼原则：.*不能批准该理赔，须由市州工会、省总工会的另一位同事办理"
PAY_ROLES = "只有县区工会的人员可以支付该理赔"
PAY_REGION = "只有负责该地区的县区工会人员可以支付该理赔"


@pytest.fixture
def colleague(db):
    """A second reviewer of the Lanzhou prefecture (620100)."""
    return UserFactory(username="pref_lz_2", role=Role.PREFECTURE, region=region("620100"))


@pytest.fixture
def gannan(db):
    """A reviewer of another prefecture (甘南州): the claim's county is not hers."""
    return UserFactory(username="pref_gn", role=Role.PREFECTURE, region=region("623000"))


def submit(user, *, review_mode=ReviewMode.SINGLE, coverage=None) -> Claim:
    """A claim of a member of a Chengguan (620102) unit, submitted by ``user`` through the service."""
    coverage = coverage or CoverageFactory(plan=PlanFactory(review_mode=review_mode))
    return services.claim_submit(
        plan=coverage.plan,
        member=coverage.member,
        admitted_on=dt.date(2024, 5, 1),
        discharged_on=dt.date(2024, 5, 11),
        total_expense=D("20000"),
        basic_insurance_paid=D("8000"),
        user=user,
    )


def status_of(claim: Claim) -> str:
    return Claim.objects.get(pk=claim.pk).status


# The service: review ------------------------------------------------------------------------


def test_review_is_for_the_prefecture_above_never_the_filer(
    county_user, other_county_user, prefecture_user, gannan
):
    claim = submit(county_user)
    assert claim.submitted_by == county_user
    # the filer, a county clerk: not a role that reviews
    with pytest.raises(DecisionRefused, match=REVIEW_ROLES):
        services.claim_review(claim=claim, user=county_user)
    # a clerk of the next county: the wrong level as well
    with pytest.raises(DecisionRefused, match=REVIEW_ROLES):
        services.claim_review(claim=claim, user=other_county_user)
    # a reviewer of another prefecture: not the one above the claim's county
    with pytest.raises(DecisionRefused, match=REVIEW_REGION):
        services.claim_review(claim=claim, user=gannan)
    assert status_of(claim) == ClaimStatus.SUBMITTED
    # the prefecture above Chengguan reviews it
    claim = services.claim_review(claim=claim, user=prefecture_user)
    assert (claim.status, claim.reviewed_by, claim.decided_by) == (
        ClaimStatus.REVIEWED,
        prefecture_user,
        prefecture_user,
    )


def test_a_provincial_filer_may_not_review_their_own_claim(province_user, prefecture_user):
    # provincial staff may enter claims (historical records); then another reviewer decides
    claim = submit(province_user)
    with pytest.raises(DecisionRefused, match=FOUR_EYES_REVIEW):
        services.claim_review(claim=claim, user=province_user)
    services.claim_review(claim=claim, user=prefecture_user)
    assert status_of(claim) == ClaimStatus.REVIEWED


def test_the_last_editor_of_the_contents_may_not_review(county_user, province_user, prefecture_user):
    claim = submit(county_user)
    services.claim_update(claim=claim, total_expense=D("21000"), user=province_user)
    with pytest.raises(DecisionRefused, match=FOUR_EYES_REVIEW):
        services.claim_review(claim=claim, user=province_user)
    services.claim_review(claim=claim, user=prefecture_user)
    assert status_of(claim) == ClaimStatus.REVIEWED


# The service: approval -----------------------------------------------------------------------


def test_approval_single_review_lets_the_reviewer_approve(county_user, prefecture_user, gannan):
    claim = submit(county_user)
    services.claim_review(claim=claim, user=prefecture_user)
    with pytest.raises(DecisionRefused, match=APPROVE_ROLES):
        services.claim_approve(claim=claim, user=county_user)  # the filer
    with pytest.raises(DecisionRefused, match=APPROVE_REGION):
        services.claim_approve(claim=claim, user=gannan)
    assert status_of(claim) == ClaimStatus.REVIEWED
    # single review: the decision fields written by the review make nobody the claim's editor
    claim = services.claim_approve(claim=claim, user=prefecture_user)
    assert (claim.status, claim.reviewed_by, claim.approved_by) == (
        ClaimStatus.APPROVED,
        prefecture_user,
        prefecture_user,
    )


def test_double_review_needs_a_second_person(county_user, prefecture_user, colleague):
    claim = submit(county_user, review_mode=ReviewMode.DOUBLE)
    services.claim_review(claim=claim, user=prefecture_user)
    with pytest.raises(DecisionRefused, match=FOUR_EYES_APPROVE):
        services.claim_approve(claim=claim, user=prefecture_user)
    assert status_of(claim) == ClaimStatus.REVIEWED
    claim = services.claim_approve(claim=claim, user=colleague)
    assert (claim.status, claim.reviewed_by, claim.approved_by) == (
        ClaimStatus.APPROVED,
        prefecture_user,
        colleague,
    )


def test_a_provincial_filer_may_not_approve_their_own_claim(province_user, prefecture_user):
    claim = submit(province_user)
    services.claim_review(claim=claim, user=prefecture_user)
    with pytest.raises(DecisionRefused, match=FOUR_EYES_APPROVE):
        services.claim_approve(claim=claim, user=province_user)
    assert status_of(claim) == ClaimStatus.REVIEWED


# The service: payment ------------------------------------------------------------------------


def test_payment_is_the_countys(county_user, other_county_user, prefecture_user, province_user):
    claim = submit(county_user)
    services.claim_review(claim=claim, user=prefecture_user)
    services.claim_approve(claim=claim, user=prefecture_user)
    for user in (prefecture_user, province_user):
        with pytest.raises(DecisionRefused, match=PAY_ROLES):
            services.claim_pay(claim=claim, user=user, paid_on=dt.date(2024, 6, 1))
    with pytest.raises(DecisionRefused, match=PAY_REGION):
        services.claim_pay(claim=claim, user=other_county_user, paid_on=dt.date(2024, 6, 1))
    assert status_of(claim) == ClaimStatus.APPROVED
    # the county that entered the claim pays it: both are the county's own duty
    claim = services.claim_pay(claim=claim, user=county_user, paid_on=dt.date(2024, 6, 1))
    assert (claim.status, claim.payout, claim.decided_by) == (ClaimStatus.PAID, D("6600.00"), county_user)


# The service: rejection -----------------------------------------------------------------------


def test_rejection_is_a_decision_of_the_step_the_claim_waits_for(county_user, prefecture_user, colleague):
    # at the review: not by the filer, by the reviewer above
    claim = submit(county_user)
    with pytest.raises(DecisionRefused, match=REVIEW_ROLES):
        services.claim_reject(claim=claim, reason="材料不全", user=county_user)
    with pytest.raises(ApplicationError, match="拒绝理赔必须填写原因"):
        services.claim_reject(claim=claim, reason="  ", user=prefecture_user)
    claim = services.claim_reject(claim=claim, reason="材料不全", user=prefecture_user)
    assert (claim.status, claim.reject_reason, claim.decided_by) == (
        ClaimStatus.REJECTED,
        "材料不全",
        prefecture_user,
    )
    # at the approval of a double-review plan: not by the reviewer, by a colleague
    claim = submit(county_user, review_mode=ReviewMode.DOUBLE)
    services.claim_review(claim=claim, user=prefecture_user)
    with pytest.raises(DecisionRefused, match=FOUR_EYES_APPROVE):
        services.claim_reject(claim=claim, reason="重复申报", user=prefecture_user)
    claim = services.claim_reject(claim=claim, reason="重复申报", user=colleague)
    assert (claim.status, claim.reject_reason) == (ClaimStatus.REJECTED, "重复申报")


def test_an_approved_claim_is_paid_not_rejected(county_user, prefecture_user):
    claim = ClaimFactory(status=ClaimStatus.APPROVED)
    for user in (county_user, prefecture_user):
        with pytest.raises(ApplicationError, match="只有待审核或待批准的理赔才能拒绝"):
            services.claim_reject(claim=claim, reason="x", user=user)
    assert status_of(claim) == ClaimStatus.APPROVED


def test_the_queue_reads_last_editors_as_the_core_rule_does(county_user, province_user, prefecture_user):
    a = submit(county_user)
    b = submit(county_user)
    services.claim_update(claim=b, total_expense=D("22000"), user=province_user)
    services.claim_review(claim=b, user=prefecture_user)  # a decision: not an edit
    c = ClaimFactory()  # no audit trail
    fresh = list(Claim.objects.filter(pk__in=[a.pk, b.pk, c.pk]).order_by("pk"))
    decisions.prefetch_last_editors(fresh)
    assert [getattr(x, decisions.LAST_EDITOR_ATTR) for x in fresh] == [
        last_editor_id(x, ignore_fields=decisions.DECISION_FIELDS) for x in fresh
    ]
    assert [getattr(x, decisions.LAST_EDITOR_ATTR) for x in fresh] == [
        county_user.pk,
        province_user.pk,
        None,
    ]


# The API ------------------------------------------------------------------------------------


def _post(client, claim, step, data=None):
    return client.post(reverse(f"api:insurance-claim-{step}", args=[claim.pk]), data or {}, format="json")


def test_review_through_the_api(api_client, county_user, prefecture_user, gannan):
    claim = submit(county_user)
    resp = _post(api_client(county_user), claim, "review")
    assert (resp.status_code, resp.json()) == (400, {"message": f"{REVIEW_ROLES}。", "extra": {}})
    assert _post(api_client(gannan), claim, "review").status_code == 404  # outside her scope
    assert status_of(claim) == ClaimStatus.SUBMITTED
    resp = _post(api_client(prefecture_user), claim, "review")
    assert resp.status_code == 200
    assert (resp.json()["status"], resp.json()["submitted_by"], resp.json()["reviewed_by"]) == (
        "reviewed",
        "county_cg",
        "pref_lz",
    )


def test_a_filer_above_the_county_is_refused_through_the_api(api_client, province_user):
    claim = submit(province_user)
    resp = _post(api_client(province_user), claim, "review")
    assert resp.status_code == 400
    assert resp.json()["message"].startswith("四眼原则：")
    assert status_of(claim) == ClaimStatus.SUBMITTED


def test_double_review_through_the_api(api_client, county_user, prefecture_user, colleague):
    claim = submit(county_user, review_mode=ReviewMode.DOUBLE)
    assert _post(api_client(prefecture_user), claim, "review").status_code == 200
    assert _post(api_client(county_user), claim, "approve").json()["message"] == f"{APPROVE_ROLES}。"
    resp = _post(api_client(prefecture_user), claim, "approve")
    assert resp.status_code == 400 and "四眼原则" in resp.json()["message"]
    assert status_of(claim) == ClaimStatus.REVIEWED
    resp = _post(api_client(colleague), claim, "approve")
    assert resp.status_code == 200
    assert (resp.json()["reviewed_by"], resp.json()["approved_by"]) == ("pref_lz", "pref_lz_2")


def test_payment_through_the_api(api_client, county_user, other_county_user, prefecture_user):
    claim = ClaimFactory(status=ClaimStatus.APPROVED)
    resp = _post(api_client(prefecture_user), claim, "pay", {"paid_on": "2024-04-01"})
    assert (resp.status_code, resp.json()["message"]) == (400, f"{PAY_ROLES}。")
    assert _post(api_client(other_county_user), claim, "pay").status_code == 404
    resp = _post(api_client(county_user), claim, "pay", {"paid_on": "2024-04-01"})
    assert (resp.status_code, resp.json()["status"], resp.json()["payout"]) == (200, "paid", "6600.00")


def test_rejection_through_the_api(api_client, county_user, prefecture_user):
    claim = submit(county_user)
    resp = _post(api_client(county_user), claim, "reject", {"reason": "材料不全"})
    assert (resp.status_code, resp.json()["message"]) == (400, f"{REVIEW_ROLES}。")
    resp = _post(api_client(prefecture_user), claim, "reject", {"reason": "材料不全"})
    assert resp.status_code == 200
    assert (resp.json()["status"], resp.json()["reject_reason"], resp.json()["decided_by"]) == (
        "rejected",
        "材料不全",
        "pref_lz",
    )


def test_plan_duties_through_the_api(api_client, province_user):
    payload = {
        "code": "P2025D",
        "year": 2025,
        "product": "inpatient",
        "fee": "50.00",
        "coverage_start": "2025-01-01",
        "coverage_end": "2025-12-31",
        "deductible": "500.00",
        "ratio": "0.6",
        "cap_per_claim": "5000.00",
        "cap_per_year": "10000.00",
        "review_mode": "double",
        "waiting_days": 30,
    }
    resp = api_client(province_user).post(reverse("api:insurance-plan-list"), payload, format="json")
    assert resp.status_code == 201, resp.json()
    assert (resp.json()["review_mode"], resp.json()["review_mode_display"], resp.json()["waiting_days"]) == (
        "double",
        "双人审核",
        30,
    )
    resp = api_client(province_user).post(
        reverse("api:insurance-plan-list"), {**payload, "code": "P2025E", "waiting_days": 400}, format="json"
    )
    assert resp.status_code == 400 and "waiting_days" in resp.json()["extra"]["fields"]


# The pages ----------------------------------------------------------------------------------


def _detail(client, claim):
    return client.get(reverse("insurance:claim-detail", args=[claim.pk]))


def _messages(resp) -> list[str]:
    return [str(m) for m in get_messages(resp.wsgi_request)]


def test_the_filer_sees_no_decision_and_on_whom_the_claim_waits(client, county_user):
    claim = submit(county_user)
    client.force_login(county_user)
    page = _detail(client, claim)
    assert page.context["may"] == {"review": False, "approve": False, "pay": False, "reject": False}
    assert page.context["can_correct"] is True
    body = page.content.decode()
    assert 'data-testid="review"' not in body and 'data-testid="reject"' not in body
    assert page.context["waiting"] == {
        "who": "下一步：由负责城关区的市州工会、省总工会人员审核该理赔。",
        "why": f"{REVIEW_ROLES}。",
    }
    assert "下一步：由负责城关区的市州工会、省总工会人员审核该理赔。" in body
    # pressing it anyway (a crafted POST) changes nothing and says why
    resp = client.post(reverse("insurance:claim-review", args=[claim.pk]), follow=True)
    assert f"{REVIEW_ROLES}。" in _messages(resp)
    assert status_of(claim) == ClaimStatus.SUBMITTED
    # the reject form is not offered either: back to the claim with the reason
    resp = client.get(reverse("insurance:claim-reject", args=[claim.pk]))
    assert resp.status_code == 302 and resp["Location"] == reverse("insurance:claim-detail", args=[claim.pk])
    assert _messages(resp) == [f"{REVIEW_ROLES}。"]


def test_the_prefecture_reviews_and_approves_on_the_page(client, county_user, prefecture_user, gannan):
    claim = submit(county_user)
    client.force_login(gannan)
    assert _detail(client, claim).status_code == 404  # another prefecture does not see it
    assert client.post(reverse("insurance:claim-review", args=[claim.pk])).status_code == 404
    client.force_login(prefecture_user)
    page = _detail(client, claim)
    assert page.context["may"] == {"review": True, "approve": False, "pay": False, "reject": True}
    assert "waiting" not in page.context and page.context["can_correct"] is False
    client.post(reverse("insurance:claim-review", args=[claim.pk]))
    page = _detail(client, claim)
    assert page.context["may"] == {"review": False, "approve": True, "pay": False, "reject": True}
    client.post(reverse("insurance:claim-approve", args=[claim.pk]))
    page = _detail(client, claim)
    assert status_of(claim) == ClaimStatus.APPROVED
    assert page.context["may"] == {"review": False, "approve": False, "pay": False, "reject": False}
    assert page.context["waiting"] == {
        "who": "下一步：由负责城关区的县区工会人员支付该理赔。",
        "why": f"{PAY_ROLES}。",
    }
    # the pay form is not the prefecture's: back to the claim with the reason
    resp = client.get(reverse("insurance:claim-pay", args=[claim.pk]))
    assert resp.status_code == 302 and _messages(resp) == [f"{PAY_ROLES}。"]
    # the county pays
    client.force_login(county_user)
    assert _detail(client, claim).context["may"]["pay"] is True
    assert client.get(reverse("insurance:claim-pay", args=[claim.pk])).status_code == 200
    resp = client.post(reverse("insurance:claim-pay", args=[claim.pk]), {"paid_on": "2024-06-01"})
    assert resp.status_code == 302
    assert status_of(claim) == ClaimStatus.PAID


def test_double_review_on_the_page(client, county_user, prefecture_user, colleague):
    claim = submit(county_user, review_mode=ReviewMode.DOUBLE)
    client.force_login(prefecture_user)
    client.post(reverse("insurance:claim-review", args=[claim.pk]))
    page = _detail(client, claim)
    assert page.context["may"] == {"review": False, "approve": False, "pay": False, "reject": False}
    assert page.context["waiting"]["who"] == (
        "下一步：由负责城关区的市州工会、省总工会人员批准该理赔。 "
        "双人审核：批准人须是审核人（pref_lz）以外的另一位同事。"
    )
    assert page.context["waiting"]["why"].startswith("四眼原则：")
    resp = client.post(reverse("insurance:claim-approve", args=[claim.pk]), follow=True)
    assert _messages(resp)[0].startswith("四眼原则：")
    assert status_of(claim) == ClaimStatus.REVIEWED
    client.force_login(colleague)
    assert _detail(client, claim).context["may"]["approve"] is True
    client.post(reverse("insurance:claim-approve", args=[claim.pk]))
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (ClaimStatus.APPROVED, colleague)


def test_rejection_with_a_reason_on_the_page(client, county_user, prefecture_user):
    claim = submit(county_user)
    client.force_login(prefecture_user)
    url = reverse("insurance:claim-reject", args=[claim.pk])
    assert client.get(url).status_code == 200
    resp = client.post(url, {"reason": ""})
    assert resp.status_code == 200 and status_of(claim) == ClaimStatus.SUBMITTED
    resp = client.post(url, {"reason": "发票与病历不符"})
    assert resp.status_code == 302
    # the reason is shown on the claim, to the county too
    client.force_login(county_user)
    page = _detail(client, claim)
    body = page.content.decode()
    assert '<strong data-testid="reject-reason">发票与病历不符</strong>' in body
    assert "由 pref_lz 于" in body
    assert "waiting" not in page.context


def test_the_review_queue_offers_the_prefecture_working_buttons(client, county_user, prefecture_user):
    mine = submit(county_user)
    other = ClaimFactory()
    client.force_login(prefecture_user)
    page = client.get(reverse("insurance:claim-queue"))
    rows = {c.number: c for c in page.context["object_list"]}
    assert set(rows) == {mine.number, other.number}
    assert all(c.may["review"] and c.may["reject"] and c.refusal is None for c in rows.values())
    body = page.content.decode()
    for claim in (mine, other):
        assert body.count(f'action="{reverse("insurance:claim-review", args=[claim.pk])}"') == 1
        assert body.count(f'href="{reverse("insurance:claim-reject", args=[claim.pk])}"') == 1
    # the button works and leads back to the queue
    queue_url = reverse("insurance:claim-queue") + "?queue=submitted"
    resp = client.post(reverse("insurance:claim-review", args=[mine.pk]), {"next": queue_url})
    assert resp["Location"] == queue_url and status_of(mine) == ClaimStatus.REVIEWED
    page = client.get(reverse("insurance:claim-queue"), {"queue": "reviewed"})
    assert [(c.number, c.may["approve"]) for c in page.context["object_list"]] == [(mine.number, True)]
    # the county sees the same claim waiting, with why it is not theirs
    client.force_login(county_user)
    page = client.get(reverse("insurance:claim-queue"))
    row = next(c for c in page.context["object_list"] if c.number == other.number)
    assert row.may == {"review": False, "approve": False, "pay": False, "reject": False}
    assert row.refusal == f"{REVIEW_ROLES}。"
    assert f"{REVIEW_ROLES}。" in page.content.decode()


def test_the_queue_reads_a_constant_number_of_queries(client, county_user, prefecture_user):
    submit(county_user)
    client.force_login(prefecture_user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("insurance:claim-queue")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(4):
        submit(county_user)
    assert count() == few


def test_plan_pages_show_and_set_the_duties(client, province_user, county_user):
    client.force_login(province_user)
    resp = client.post(
        reverse("insurance:plan-create"),
        {
            "code": "P2025R",
            "year": "2025",
            "product": "inpatient",
            "fee": "80",
            "coverage_start": "2025-01-01",
            "coverage_end": "2025-12-31",
            "deductible": "0",
            "ratio": "0.5",
            "cap_per_claim": "20000",
            "cap_per_year": "30000",
            "review_mode": "double",
            "waiting_days": "90",
        },
    )
    assert resp.status_code == 302
    client.force_login(county_user)
    body = client.get(resp["Location"]).content.decode()
    assert '<dd data-testid="review-mode">双人审核' in body
    assert '<dd data-testid="waiting-days">90 天</dd>' in body
    client.force_login(province_user)
    form = client.get(reverse("insurance:plan-create")).content.decode()
    assert 'name="review_mode"' in form and 'name="waiting_days"' in form
