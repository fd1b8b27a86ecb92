"""Issue 12 (hardship): who decides on a filing, and who sees what they decide on.

Each decision step of ``apps.hardship.decisions`` (the review, the annual re-check, the exit)
goes through three doors — the service, the API, the page — and every door gives the same
answer: the filer cannot decide, a user of the wrong level cannot, the right user can, and a
refusal says who may. The reviewer above sees the incomes and resident IDs of the household
they must review (on record), the clerk sees the figures of their own filing in progress; the
review can be approved or sent back to deliberation with a reason, and is offered only when
it can be taken (the public notice has ended, no objection is open)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from apps.core import audit
from apps.core.choices import AuditAction, Role
from apps.core.decisions import DecisionRefused
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .. import services
from ..choices import Category, Relation, Status, Step
from ..models import FilingStep, Household, Recheck
from .factories import FiledHouseholdFactory, standard
from .helpers import end_notice, walk

pytestmark = pytest.mark.django_db

HEAD_INCOME = Decimal("1234.56")
MEMBER_INCOME = Decimal("777.77")


@pytest.fixture
def clerk(county_user):
    """The county clerk who enters the households (county_cg, 城关区)."""
    return county_user


@pytest.fixture
def colleague(db):
    """Another clerk of the same county, without the personal-data right."""
    return UserFactory(username="county_cg2", role=Role.COUNTY, region=region("620102"))


@pytest.fixture
def reviewer(prefecture_user):
    """The prefecture above the county (兰州市), without the personal-data right."""
    return prefecture_user


@pytest.fixture
def far_prefecture(db):
    return UserFactory(username="pref_gn", role=Role.PREFECTURE, region=region("623000"))


def _entered(clerk) -> Household:
    """A household entered by the clerk, with one family member, at the start of the filing."""
    standard("620000", amount="800.00")
    h = services.household_create(
        user=clerk,
        union=GrassrootsUnionFactory(region=region("620102")),
        head_name="张明",
        head_id_number=make_resident_id("620102"),
        category=Category.RELATIVE,
        causes=["illness"],
        head_income=str(HEAD_INCOME),
        rigid_expenses="0",
    )
    services.member_add(
        household=h,
        user=clerk,
        name="李芳",
        id_number=make_resident_id("620102"),
        relation=Relation.SPOUSE,
        monthly_income=str(MEMBER_INCOME),
    )
    return h


@pytest.fixture
def in_notice(clerk) -> Household:
    """Walked by the clerk through the six county steps: in public notice (7 days)."""
    return walk(_entered(clerk), clerk)


@pytest.fixture
def reviewable(in_notice) -> Household:
    """In the review stage with the notice ended: the review can be taken now."""
    return end_notice(in_notice)


@pytest.fixture
def filed_by_clerk(clerk) -> Household:
    return FiledHouseholdFactory(union=GrassrootsUnionFactory(region=region("620102")), created_by=clerk)


def _api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def _page_error(resp) -> str:
    """The refusal a form page shows (its non-field or field errors), as text."""
    body = resp.content.decode()
    found = re.findall(r'class="error"[^>]*>(.*?)</(?:div|span)>', body, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", f).strip() for f in found)


# The three doors of each decision ---------------------------------------------------------


def _decide(door: str, decision: str, household: Household, user) -> tuple[bool, str]:
    """Take ``decision`` on the household through ``door``: (taken, the refusal's message)."""
    today = timezone.localdate()
    if door == "service":
        try:
            if decision == "review":
                services.household_review(household=household, user=user, approve=True, note="同意建档")
            elif decision == "recheck":
                services.household_recheck(household=household, user=user, note="仍符合条件")
            else:
                services.household_exit(household=household, user=user, exited_on=today, reason="已就业")
        except DecisionRefused as exc:
            return False, exc.message
        return True, ""
    if door == "api":
        name, payload = {
            "review": ("api:household-review", {"decision": "approve", "note": "同意建档"}),
            "recheck": ("api:household-recheck", {"note": "仍符合条件"}),
            "exit": ("api:household-exit", {"exited_on": today.isoformat(), "reason": "已就业"}),
        }[decision]
        resp = _api(user).post(reverse(name, args=[household.pk]), payload, format="json")
        if resp.status_code == 200:
            return True, ""
        assert resp.status_code == 400, resp.content
        return False, resp.json()["message"]
    from django.test import Client

    client = Client()
    client.force_login(user)
    name, payload = {
        "review": ("hardship:household-advance", {"step": "review", "decision": "approve", "note": "同意"}),
        "recheck": ("hardship:household-recheck", {"checked_on": today.isoformat(), "note": "仍符合条件"}),
        "exit": ("hardship:household-exit", {"exited_on": today.isoformat(), "reason": "已就业"}),
    }[decision]
    resp = client.post(reverse(name, args=[household.pk]), payload)
    if resp.status_code == 302:
        return True, ""
    assert resp.status_code == 200, resp.status_code
    return False, _page_error(resp)


def _state(h: Household) -> tuple:
    h = Household.objects.get(pk=h.pk)
    return (
        h.status,
        h.filed_on,
        h.exited_on,
        h.last_checked_on,
        FilingStep.objects.filter(household=h).count(),
        Recheck.objects.filter(household=h).count(),
    )


# (door, expected refusal) per decision and case: the service speaks English msgids (this
# app's conftest), the API and the pages Chinese.
REFUSALS = {
    ("review", "filer"): (
        "Only Prefecture union, Provincial federation staff may review the hardship household.",
        "只有市州工会、省总工会的人员可以审核该困难职工家庭。",
    ),
    ("review", "last editor"): (
        "Four eyes: whoever filed this record, changed it last or decided an earlier step may not "
        "review the hardship household; another Prefecture union, Provincial federation colleague must.",
        "四眼原则：提交、最后修改该记录或办理了前一步的人不能审核该困难职工家庭，须由市州工会、省总工会的另一位同事办理。",
    ),
    ("review", "wrong level"): (
        "Only Prefecture union, Provincial federation staff may review the hardship household.",
        "只有市州工会、省总工会的人员可以审核该困难职工家庭。",
    ),
    ("review", "wrong region"): (
        "Only Prefecture union, Provincial federation staff responsible for this region may review the hardship household.",
        None,  # the API and the pages do not even find the household (404)
    ),
    ("recheck", "filer"): (
        "Four eyes: whoever filed this record, changed it last or decided an earlier step may not "
        "re-check the hardship household; another County union colleague must.",
        "四眼原则：提交、最后修改该记录或办理了前一步的人不能复核该困难职工家庭，须由县区工会的另一位同事办理。",
    ),
    ("recheck", "wrong level"): (
        "Only County union staff may re-check the hardship household.",
        "只有县区工会的人员可以复核该困难职工家庭。",
    ),
    ("exit", "filer"): (
        "Four eyes: whoever filed this record, changed it last or decided an earlier step may not "
        "decide the household's exit from hardship; another County union colleague must.",
        "四眼原则：提交、最后修改该记录或办理了前一步的人不能办理该困难职工家庭的解困脱困，须由县区工会的另一位同事办理。",
    ),
    ("exit", "wrong level"): (
        "Only County union staff may decide the household's exit from hardship.",
        "只有县区工会的人员可以办理该困难职工家庭的解困脱困。",
    ),
}


@pytest.fixture
def cast(clerk, colleague, reviewer, province_user, far_prefecture):
    """Who plays which part for each decision: (the household, {case: user}, the right user)."""

    def make(decision: str):
        if decision == "review":
            h = end_notice(walk(_entered(clerk), clerk))
            # a provincial reviewer who changed the household's contents (as an administrator
            # correcting a figure would): four eyes
            editor = UserFactory(username="province_editor", role=Role.PROVINCE, region=region("620000"))
            audit.record(h, AuditAction.UPDATE, changes={"head_name": ["张明", "张明明"]}, user=editor)
            cases = {
                "filer": clerk,
                "last editor": editor,
                "wrong level": colleague,
                "wrong region": far_prefecture,
            }
            return h, cases, reviewer
        h = FiledHouseholdFactory(union=GrassrootsUnionFactory(region=region("620102")), created_by=clerk)
        return h, {"filer": clerk, "wrong level": reviewer}, colleague

    return make


@pytest.mark.parametrize("door", ["service", "api", "page"])
@pytest.mark.parametrize("decision", ["review", "recheck", "exit"])
def test_each_decision_refuses_the_filer_and_the_wrong_level_and_lets_the_right_user(cast, door, decision):
    # given
    household, cases, right = cast(decision)
    for case, user in cases.items():
        english, chinese = REFUSALS[(decision, case)]
        before = _state(household)
        if chinese is None and door != "service":
            # outside the user's region: the record is not found, nothing changes
            url = reverse(
                "api:household-review" if door == "api" else "hardship:household-advance", args=[household.pk]
            )
            client = _api(user) if door == "api" else _logged_in(user)
            assert client.post(url, {"step": "review", "decision": "approve"}).status_code == 404
            assert _state(household) == before
            continue
        # when
        taken, message = _decide(door, decision, household, user)
        # then: refused, with the message that says who may, and nothing changed
        assert (taken, case) == (False, case)
        assert message == (english if door == "service" else chinese), (case, message)
        assert _state(household) == before
    taken, message = _decide(door, decision, household, right)
    assert (taken, message) == (True, "")
    household.refresh_from_db()
    expected = {"review": Status.FILED, "recheck": Status.FILED, "exit": Status.EXITED}[decision]
    assert household.status == expected
    if decision == "recheck":
        assert Recheck.objects.get(household=household).user == right


def _logged_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_service_refusals_raise_decision_refused_that_names_who_may(reviewable, clerk, filed_by_clerk):
    with pytest.raises(
        DecisionRefused,
        match=r"^Only Prefecture union, Provincial federation staff may review the hardship household\.$",
    ):
        services.household_review(household=reviewable, user=clerk, approve=True)
    with pytest.raises(DecisionRefused, match=r"another County union colleague must"):
        services.household_recheck(household=filed_by_clerk, user=clerk)
    with pytest.raises(DecisionRefused, match=r"may not decide the household's exit from hardship"):
        services.household_exit(
            household=filed_by_clerk, user=clerk, exited_on=timezone.localdate(), reason="已就业"
        )


def test_the_steps_own_writes_do_not_make_a_last_editor(reviewable, reviewer, province_user):
    # the status and dates that steps write are decisions, not contents
    audit.record(reviewable, AuditAction.UPDATE, changes={"status": ["evaluated", "notice"]}, user=reviewer)
    h = services.household_review(household=reviewable, user=reviewer, approve=True, note="同意")
    assert h.status == Status.FILED


def test_the_system_itself_may_decide(reviewable):
    assert services.household_review(household=reviewable, user=None, approve=True).status == Status.FILED


# Personal data: who must decide sees it ----------------------------------------------------


def _page(client, h) -> str:
    return client.get(reverse("hardship:household-detail", args=[h.pk])).content.decode()


def _figures(client, h) -> tuple:
    """The head's income, the income per capita and the family's incomes as the page shows them."""
    ctx = client.get(reverse("hardship:household-detail", args=[h.pk])).context
    return (
        str(ctx["head_income_display"]),
        str(ctx["per_capita_display"]),
        [str(m.income_display) for m in ctx["members"]],
    )


def _views(user) -> list[tuple[str, str]]:
    return sorted(
        AuditEntry.objects.filter(action=AuditAction.VIEW, user=user).values_list(
            "content_type__model", "object_id"
        )
    )


def test_the_reviewer_sees_incomes_and_ids_while_reviewing_on_record(client, in_notice, reviewer):
    h = in_notice
    member = h.members.get()
    client.force_login(reviewer)
    # in public notice: the review stage has begun
    body = _page(client, h)
    assert h.head_id_number in body and member.id_number in body
    assert _views(reviewer) == [("familymember", str(member.pk)), ("household", str(h.pk))]
    # (1234.56 + 777.77) / 2
    assert _figures(client, h) == ("1234.56", "1006.17", ["777.77"])
    # the API shows them in full too, and records it
    data = _api(reviewer).get(reverse("api:household-detail", args=[h.pk])).json()
    assert (data["head_id_number"], data["head_income"]) == (h.head_id_number, "1234.56")
    assert (data["members"][0]["id_number"], data["members"][0]["monthly_income"]) == (
        member.id_number,
        "777.77",
    )
    assert len(_views(reviewer)) == 6  # two page views, one API view


def test_the_reviewer_no_longer_sees_them_once_the_filing_is_closed(client, reviewable, reviewer):
    h = services.household_review(household=reviewable, user=reviewer, approve=True, note="同意")
    client.force_login(reviewer)
    body = _page(client, h)
    assert h.head_id_number not in body and h.members.get().id_number not in body
    assert _figures(client, h) == ("***", "***", ["***"])
    data = _api(reviewer).get(reverse("api:household-detail", args=[h.pk])).json()
    assert (data["head_income"], data["members"][0]["monthly_income"]) == (None, None)
    assert data["head_id_number"] == h.head_id_number[:6] + "********" + h.head_id_number[-4:]
    assert _views(reviewer) == []


def test_a_reviewer_barred_by_four_eyes_does_not_see_them(client, in_notice, reviewer):
    # the reviewer changed the household's contents: another colleague must review it
    audit.record(in_notice, AuditAction.UPDATE, changes={"head_name": ["张明", "张明明"]}, user=reviewer)
    client.force_login(reviewer)
    body = _page(client, in_notice)
    assert in_notice.head_id_number not in body
    assert _figures(client, in_notice) == ("***", "***", ["***"])
    assert _views(reviewer) == []


def test_the_clerk_sees_the_figures_of_their_own_filing_while_in_progress(client, clerk, colleague):
    h = _entered(clerk)
    client.force_login(clerk)
    body = _page(client, h)
    assert h.head_id_number in body and h.members.get().id_number in body
    assert _views(clerk) == [("familymember", str(h.members.get().pk)), ("household", str(h.pk))]
    assert _figures(client, h) == ("1234.56", "—", ["777.77"])
    data = _api(clerk).get(reverse("api:household-detail", args=[h.pk])).json()
    assert data["head_income"] == "1234.56"
    # the edit form shows the head's ID in full to them, and keeps it when saved unchanged
    form = client.get(reverse("hardship:household-update", args=[h.pk]))
    assert form.context["form"]["head_id_number"].value() == h.head_id_number
    # a colleague of the same county without the right: masked, nothing recorded
    client.force_login(colleague)
    body = _page(client, h)
    assert h.head_id_number not in body and h.members.get().id_number not in body
    assert _figures(client, h) == ("***", "—", ["***"])
    data = _api(colleague).get(reverse("api:household-detail", args=[h.pk])).json()
    assert (data["head_income"], data["members"][0]["monthly_income"]) == (None, None)
    assert _views(colleague) == []


def test_the_clerk_no_longer_sees_them_once_filed(client, reviewable, clerk, reviewer):
    h = services.household_review(household=reviewable, user=reviewer, approve=True, note="同意")
    client.force_login(clerk)
    body = _page(client, h)
    assert h.head_id_number not in body
    assert _figures(client, h) == ("***", "***", ["***"])


def test_a_clerk_of_another_county_does_not_even_find_it(in_notice, other_county_user):
    resp = _api(other_county_user).get(reverse("api:household-detail", args=[in_notice.pk]))
    assert resp.status_code == 404


# Approve or send back ----------------------------------------------------------------------


def test_send_back_with_a_reason_returns_the_filing_to_deliberation(reviewable, reviewer, clerk):
    # when
    h = services.household_review(
        household=reviewable, user=reviewer, approve=False, note="家庭成员收入未核实，请重新评议"
    )
    # then
    assert (h.status, h.notice_ends_on, services.next_step(h)) == (Status.CALCULATED, None, Step.DELIBERATE)
    entry = FilingStep.objects.filter(household=h).order_by("-id").first()
    assert (entry.step, entry.user, entry.note) == (
        Step.SEND_BACK,
        reviewer,
        "家庭成员收入未核实，请重新评议",
    )
    audit_entry = AuditEntry.objects.filter(object_id=str(h.pk), action=AuditAction.UPDATE).order_by("-id")[0]
    assert (audit_entry.user, audit_entry.note) == (reviewer, "审核退回评议：家庭成员收入未核实，请重新评议")
    assert audit_entry.changes["status"] == ["notice", "calculated"]
    # the county deliberates, evaluates and posts a new notice; the same reviewer then files it
    for step in (Step.DELIBERATE, Step.EVALUATE, Step.NOTICE):
        h = services.household_advance(household=h, user=clerk, step=step, note="重新评议：收入已核实")
    h = end_notice(h)
    h = services.household_review(household=h, user=reviewer, approve=True, note="同意建档")
    assert h.status == Status.FILED


def test_send_back_without_a_reason_is_refused_and_changes_nothing(reviewable, reviewer):
    before = _state(reviewable)
    with pytest.raises(ApplicationError, match="Give the reason for sending the filing back") as exc:
        services.household_review(household=reviewable, user=reviewer, approve=False, note="  ")
    assert exc.value.extra == {"fields": {"note": [exc.value.message]}}
    assert _state(reviewable) == before


def test_send_back_through_the_api(reviewable, reviewer):
    url = reverse("api:household-review", args=[reviewable.pk])
    resp = _api(reviewer).post(url, {"decision": "send_back", "note": ""}, format="json")
    assert resp.status_code == 400
    assert resp.json()["message"] == "退回评议必须填写理由，请写明需要重新评议的原因。"
    assert Household.objects.get(pk=reviewable.pk).status == Status.NOTICE
    resp = _api(reviewer).post(url, {"decision": "send_back", "note": "收入证明缺失"}, format="json")
    assert resp.status_code == 200, resp.json()
    assert (resp.json()["status"], resp.json()["next_step"]) == ("calculated", "deliberate")


def test_send_back_through_the_page(client, reviewable, reviewer, clerk):
    client.force_login(reviewer)
    url = reverse("hardship:household-advance", args=[reviewable.pk])
    form = client.get(url + "?step=review")
    body = form.content.decode()
    assert 'data-testid="review-approve"' in body and 'data-testid="review-send-back"' in body
    # beside the decision, the figures to check, in full for the reviewer (and on record)
    figures = [str(value) for _label, value in form.context["figures"]]
    # family size, family income, rigid expenses, per capita, standard, category
    assert figures[:5] == ["2", "2012.33", "0.00", "1006.17", "800.00"]
    assert ("household", str(reviewable.pk)) in _views(reviewer)
    resp = client.post(url, {"step": "review", "decision": "send_back", "note": ""})
    assert resp.status_code == 200
    assert "退回评议必须填写理由，请写明需要重新评议的原因。" in _page_error(resp)
    resp = client.post(url, {"step": "review", "note": "同意"})  # no button pressed
    assert 'data-testid="decision-errors"' in resp.content.decode()
    assert Household.objects.get(pk=reviewable.pk).status == Status.NOTICE
    resp = client.post(url, {"step": "review", "decision": "send_back", "note": "收入证明缺失"})
    assert resp.status_code == 302
    # the county sees why the filing is back
    client.force_login(clerk)
    detail = client.get(reverse("hardship:household-detail", args=[reviewable.pk]))
    sent_back = re.search(r'data-testid="sent-back">(.*?)</p>', detail.content.decode(), re.S).group(1)
    assert "审核退回评议" in sent_back and "收入证明缺失" in sent_back and "pref_lz" in sent_back
    assert detail.context["next_step"] == Step.DELIBERATE


# The review is offered only when it can be taken -------------------------------------------


def _review_link(body: str, h: Household) -> bool:
    return f'href="/hardship/{h.pk}/advance/?step=review"' in body


def test_no_review_action_during_the_notice(client, in_notice, reviewer):
    h = in_notice
    ends = h.notice_ends_on.isoformat()
    client.force_login(reviewer)
    body = _page(client, h)
    assert not _review_link(body, h)
    assert f'data-testid="review-waits">公示期至 {ends} 结束后可审核。<' in body
    queue = client.get(reverse("hardship:review-queue")).content.decode()
    assert not _review_link(queue, h) and f"公示期至 {ends} 结束后可审核。" in queue
    data = _api(reviewer).get(reverse("api:household-detail", args=[h.pk])).json()
    assert (data["next_step"], data["waiting_reason"]) == (None, f"公示期至 {ends} 结束后可审核。")
    # the form is not offered either: back to the household, with the reason
    resp = client.get(reverse("hardship:household-advance", args=[h.pk]) + "?step=review")
    assert resp.status_code == 302
    # and the service refuses it (the pages above left Chinese active: back to the msgids)
    with (
        translation.override("en"),
        pytest.raises(ApplicationError, match=f"after the public notice ends on {ends}"),
    ):
        services.household_review(household=h, user=reviewer, approve=True)


def test_the_review_action_appears_once_the_notice_has_ended(client, reviewable, reviewer):
    h = reviewable
    client.force_login(reviewer)
    body = _page(client, h)
    assert _review_link(body, h) and 'data-testid="review-waits"' not in body
    assert _review_link(client.get(reverse("hardship:review-queue")).content.decode(), h)
    data = _api(reviewer).get(reverse("api:household-detail", args=[h.pk])).json()
    assert (data["next_step"], data["waiting_reason"]) == ("review", None)
    assert client.get(reverse("hardship:household-advance", args=[h.pk]) + "?step=review").status_code == 200


def test_the_county_sees_who_reviews_instead_of_a_button(client, reviewable, clerk):
    client.force_login(clerk)
    body = _page(client, reviewable)
    assert not _review_link(body, reviewable)
    assert 'data-testid="review-refusal">只有市州工会、省总工会的人员可以审核该困难职工家庭。<' in body
    resp = client.get(reverse("hardship:household-advance", args=[reviewable.pk]) + "?step=review")
    assert resp.status_code == 302
    follow = client.get(resp["Location"]).content.decode()
    assert "只有市州工会、省总工会的人员可以审核该困难职工家庭。" in follow


def test_an_objection_takes_the_review_away(client, in_notice, reviewer, clerk):
    services.household_object(household=in_notice, user=clerk, note="群众反映有经营收入未申报")
    end_notice(in_notice)
    client.force_login(reviewer)
    body = _page(client, in_notice)
    assert not _review_link(body, in_notice)
    assert "公示异议" in body and "群众反映有经营收入未申报" in body
    assert list(client.get(reverse("hardship:review-queue")).context["object_list"]) == []
    data = _api(reviewer).get(reverse("api:household-detail", args=[in_notice.pk])).json()
    assert data["next_step"] == "deliberate"


def test_an_open_objection_in_the_review_stage_blocks_the_review(client, reviewable, reviewer, clerk):
    # an objection recorded after the notice was posted, the household still in notice (as a
    # correction of the timeline or an import could leave it)
    FilingStep.objects.create(
        household=reviewable, step=Step.OBJECTION, user=clerk, at=timezone.now(), note="异议待核实"
    )
    message = "公示期内有异议尚未处理，处理后方可审核。"
    client.force_login(reviewer)
    body = _page(client, reviewable)
    assert not _review_link(body, reviewable) and message in body
    queue = client.get(reverse("hardship:review-queue")).content.decode()
    assert not _review_link(queue, reviewable) and message in queue
    data = _api(reviewer).get(reverse("api:household-detail", args=[reviewable.pk])).json()
    assert (data["next_step"], data["waiting_reason"]) == (None, message)
    with (
        translation.override("en"),
        pytest.raises(ApplicationError, match="An objection to the public notice is open"),
    ):
        services.household_review(household=reviewable, user=reviewer, approve=True)
    # a new notice after it closes the objection
    assert services.objection_open(reviewable)
    FilingStep.objects.create(household=reviewable, step=Step.NOTICE, user=clerk, at=timezone.now())
    assert not services.objection_open(reviewable)


def test_recheck_and_exit_buttons_only_for_who_may(client, filed_by_clerk, clerk, colleague):
    h = filed_by_clerk
    Household.objects.filter(pk=h.pk).update(last_checked_on=dt.date(2020, 1, 1))
    client.force_login(clerk)
    body = _page(client, h)
    assert 'data-testid="recheck"' not in body and 'data-testid="exit"' not in body
    assert "不能复核该困难职工家庭" in body and "不能办理该困难职工家庭的解困脱困" in body
    due = client.get(reverse("hardship:recheck-due")).content.decode()
    assert 'data-testid="recheck"' not in due and "不能复核该困难职工家庭" in due
    assert client.get(reverse("hardship:household-recheck", args=[h.pk])).status_code == 302
    client.force_login(colleague)
    body = _page(client, h)
    assert 'data-testid="recheck"' in body and 'data-testid="exit"' in body
    assert 'data-testid="recheck-refusal"' not in body
    assert 'data-testid="recheck"' in client.get(reverse("hardship:recheck-due")).content.decode()
    assert client.get(reverse("hardship:household-recheck", args=[h.pk])).status_code == 200


def _queue_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    ("url_name", "per_reviewable_row"), [("hardship:review-queue", 1), ("api:household-review-queue", 0)]
)
def test_review_queue_queries(client, reviewer, url_name, per_reviewable_row):
    """A row still in notice costs nothing (no button to decide, and the API reads its page's
    last editors at once); on the page a reviewable row costs one look-up of its last editor in
    the audit trail (the four-eyes rule, ``last_editor_id``), in the API none: the page's
    editors are read in one query (``prefetch_review_editors``)."""
    from .factories import HouseholdFactory

    url = reverse(url_name)
    client.force_login(reviewer)
    running = timezone.localdate() + dt.timedelta(days=3)
    HouseholdFactory(status=Status.NOTICE, notice_ends_on=running)
    HouseholdFactory(status=Status.NOTICE, notice_ends_on=dt.date(2024, 1, 1))
    _queue_queries(client, url)  # warm: content types, the reviewer's cached grants
    base = _queue_queries(client, url)
    for _ in range(4):
        HouseholdFactory(status=Status.NOTICE, notice_ends_on=running)
    assert _queue_queries(client, url) == base
    for _ in range(3):
        HouseholdFactory(status=Status.NOTICE, notice_ends_on=dt.date(2024, 1, 1))
    assert _queue_queries(client, url) == base + 3 * per_reviewable_row
