"""Issue 12 (unions): who decides a membership transfer and an online joining.

Each decision step of ``apps.unions.decisions`` goes through three doors — the service, the
API, the page — and every door gives the same answer: the filer (the requester of a transfer,
the staff member who last changed an application) cannot decide, a user of the wrong level or
region cannot, the right county user can, and a refusal says who may.

The refusals are asserted in zh-hans with the step's own label, so the assertions hold
whether or not the label's translation has been compiled yet."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.choices import Role
from apps.core.decisions import DecisionRefused
from apps.core.models import User
from apps.core.services import model_update
from apps.core.tests.factories import UserFactory, region
from apps.unions import decisions, services
from apps.unions.choices import ApplicationStatus, MemberStatus, TransferStatus
from apps.unions.models import JoinApplication, Member, MembershipTransfer

from .factories import GrassrootsUnionFactory, JoinApplicationFactory, MemberFactory

pytestmark = pytest.mark.django_db

TRANSFER = str(decisions.TRANSFER_DECISION.label)
JOIN = str(decisions.JOIN_DECISION.label)


def only_counties(step: str) -> str:
    return f"只有县区工会的人员可以{step}。"


def only_responsible(step: str) -> str:
    return f"只有负责该地区的县区工会人员可以{step}。"


def four_eyes(step: str) -> str:
    return rf"^四眼原则：.*不能{re.escape(step)}，须由县区工会的另一位同事办理。$"


@pytest.fixture
def qilihe_colleague(db):
    """A second clerk of the receiving county (七里河区)."""
    return UserFactory(username="county_qlh_2", role=Role.COUNTY, region=region("620103"))


@pytest.fixture
def chengguan_colleague(db):
    """A second clerk of 城关区."""
    return UserFactory(username="county_cg_2", role=Role.COUNTY, region=region("620102"))


def pending_transfer(requester) -> MembershipTransfer:
    """A member of a 城关区 union moved by ``requester`` into a 七里河区 union: it waits."""
    transfer = services.member_transfer(
        member=MemberFactory(),
        to_union=GrassrootsUnionFactory(region=region("620103")),
        transferred_on=dt.date(2024, 6, 1),
        reason="工作调动",
        user=requester,
    )
    assert transfer.status == TransferStatus.PENDING
    return transfer


def moved_to_qilihe(user) -> User:
    """The clerk now works in the receiving county (the transfer they requested is still pending)."""
    user.region = region("620103")
    user.save(update_fields=["region"])
    return User.objects.get(pk=user.pk)


def edited_by(user, application: JoinApplication) -> JoinApplication:
    """Staff corrected the application (an audited change of its contents)."""
    application, _changed = model_update(application, user=user, phone="13900001111")
    return application


def status_of(record):
    return type(record).objects.get(pk=record.pk).status


# The service: transfers ---------------------------------------------------------------------


def test_a_transfer_is_decided_by_the_receiving_county(
    county_user, other_county_user, prefecture_user, province_user, admin_user
):
    transfer = pending_transfer(county_user)
    # the requester's county does not decide on its own request
    with pytest.raises(DecisionRefused) as exc:
        services.transfer_accept(transfer=transfer, user=county_user)
    assert exc.value.message == only_responsible(TRANSFER)
    # the levels above and the administrators are not the receiving county
    for user in (prefecture_user, province_user, admin_user):
        with pytest.raises(DecisionRefused) as exc:
            services.transfer_accept(transfer=transfer, user=user)
        assert exc.value.message == only_counties(TRANSFER)
        with pytest.raises(DecisionRefused, match="只有县区工会的人员可以"):
            services.transfer_reject(transfer=transfer, reason="查无此人", user=user)
    assert status_of(transfer) == TransferStatus.PENDING
    assert Member.objects.get(pk=transfer.member_id).status == MemberStatus.TRANSFERRED
    # the receiving county accepts it
    transfer = services.transfer_accept(transfer=transfer, user=other_county_user)
    assert (transfer.status, transfer.decided_by) == (TransferStatus.COMPLETED, other_county_user)


def test_the_requester_may_not_decide_their_own_transfer(county_user, qilihe_colleague):
    transfer = pending_transfer(county_user)
    requester = moved_to_qilihe(county_user)
    for decide in (
        lambda: services.transfer_accept(transfer=transfer, user=requester),
        lambda: services.transfer_reject(transfer=transfer, reason="不接收", user=requester),
    ):
        with pytest.raises(DecisionRefused, match=four_eyes(TRANSFER)):
            decide()
    assert status_of(transfer) == TransferStatus.PENDING
    transfer = services.transfer_reject(transfer=transfer, reason="无此岗位", user=qilihe_colleague)
    assert (transfer.status, transfer.decided_by) == (TransferStatus.REJECTED, qilihe_colleague)
    assert Member.objects.get(pk=transfer.member_id).status == MemberStatus.ACTIVE


# The service: online joining ----------------------------------------------------------------


def test_an_application_is_decided_by_the_union_s_county(
    county_user, other_county_user, prefecture_user, admin_user
):
    application = JoinApplicationFactory()  # a 城关区 union
    with pytest.raises(DecisionRefused) as exc:
        services.join_application_approve(application=application, user=other_county_user)
    assert exc.value.message == only_responsible(JOIN)
    for user in (prefecture_user, admin_user):
        with pytest.raises(DecisionRefused) as exc:
            services.join_application_reject(application=application, reason="信息不实", user=user)
        assert exc.value.message == only_counties(JOIN)
    assert (status_of(application), Member.objects.count()) == (ApplicationStatus.SUBMITTED, 0)
    application = services.join_application_approve(application=application, user=county_user)
    assert (application.status, application.decided_by) == (ApplicationStatus.APPROVED, county_user)
    assert Member.objects.get().id_number == application.id_number


def test_staff_who_changed_an_application_leave_the_decision_to_a_colleague(county_user, chengguan_colleague):
    application = edited_by(county_user, JoinApplicationFactory())
    for decide in (
        lambda: services.join_application_approve(application=application, user=county_user),
        lambda: services.join_application_reject(application=application, reason="x", user=county_user),
    ):
        with pytest.raises(DecisionRefused, match=four_eyes(JOIN)):
            decide()
    assert (status_of(application), Member.objects.count()) == (ApplicationStatus.SUBMITTED, 0)
    application = services.join_application_reject(
        application=application, reason="非本单位职工", user=chengguan_colleague
    )
    assert (application.status, application.decided_by) == (ApplicationStatus.REJECTED, chengguan_colleague)


def test_an_application_submitted_online_has_no_editor(county_user):
    application = services.join_application_submit(
        union_code=GrassrootsUnionFactory().code,
        name="网上申请人",
        id_number=JoinApplicationFactory.build().id_number,
        phone="13912345678",
        household_type="urban",
    )
    assert decisions.application_last_editor_id(application) is None
    assert decisions.JOIN_DECISION.allows(county_user, application)


def test_the_list_reads_last_editors_as_the_core_rule_does(county_user, chengguan_colleague):
    plain = JoinApplicationFactory()
    edited = edited_by(chengguan_colleague, JoinApplicationFactory())
    fresh = list(JoinApplication.objects.filter(pk__in=[plain.pk, edited.pk]).order_by("pk"))
    decisions.prefetch_last_editors(fresh)
    assert [getattr(a, decisions.LAST_EDITOR_ATTR) for a in fresh] == [None, chengguan_colleague.pk]
    assert [decisions.JOIN_DECISION.allows(chengguan_colleague, a) for a in fresh] == [True, False]


# The API ------------------------------------------------------------------------------------


def _post(client, name, record, data=None):
    return client.post(reverse(f"api:{name}", args=[record.pk]), data or {}, format="json")


def test_transfer_decisions_through_the_api(
    api_client, county_user, other_county_user, prefecture_user, qilihe_colleague
):
    transfer = pending_transfer(county_user)
    # the prefecture above sees the transfer but does not decide it: the refusal says who may
    resp = _post(api_client(prefecture_user), "transfer-accept", transfer)
    assert (resp.status_code, resp.json()) == (400, {"message": only_counties(TRANSFER), "extra": {}})
    resp = _post(api_client(prefecture_user), "transfer-reject", transfer, {"reason": "不接收"})
    assert (resp.status_code, resp.json()["message"]) == (400, only_counties(TRANSFER))
    # the requester, now a clerk of the receiving county
    resp = _post(api_client(moved_to_qilihe(county_user)), "transfer-accept", transfer)
    assert resp.status_code == 400 and re.match(four_eyes(TRANSFER), resp.json()["message"])
    assert status_of(transfer) == TransferStatus.PENDING
    resp = _post(api_client(qilihe_colleague), "transfer-accept", transfer)
    assert (resp.status_code, resp.json()["status"]) == (200, TransferStatus.COMPLETED)


def test_the_sending_county_does_not_see_the_incoming_side(api_client, county_user):
    transfer = pending_transfer(county_user)
    assert _post(api_client(county_user), "transfer-accept", transfer).status_code == 404
    assert status_of(transfer) == TransferStatus.PENDING


def test_join_decisions_through_the_api(
    api_client, county_user, other_county_user, prefecture_user, chengguan_colleague
):
    application = edited_by(county_user, JoinApplicationFactory())
    resp = _post(api_client(prefecture_user), "joinapplication-approve", application)
    assert (resp.status_code, resp.json()["message"]) == (400, only_counties(JOIN))
    assert _post(api_client(other_county_user), "joinapplication-approve", application).status_code == 404
    resp = _post(api_client(county_user), "joinapplication-reject", application, {"reason": "信息不实"})
    assert resp.status_code == 400 and re.match(four_eyes(JOIN), resp.json()["message"])
    assert (status_of(application), Member.objects.count()) == (ApplicationStatus.SUBMITTED, 0)
    resp = _post(api_client(chengguan_colleague), "joinapplication-approve", application)
    assert (resp.status_code, resp.json()["status"]) == (200, ApplicationStatus.APPROVED)
    assert Member.objects.get().id_number == application.id_number


# The pages ----------------------------------------------------------------------------------


def _messages(resp) -> list[str]:
    return [str(m) for m in get_messages(resp.wsgi_request)]


def test_the_transfer_pages_offer_the_decision_to_the_receiving_county_only(
    client, county_user, prefecture_user, qilihe_colleague
):
    transfer = pending_transfer(county_user)
    accept = reverse("unions:transfer-accept", args=[transfer.pk])
    detail = reverse("unions:transfer-detail", args=[transfer.pk])

    # the prefecture: no buttons, on whom it waits and why
    client.force_login(prefecture_user)
    page = client.get(detail)
    assert page.context["decision"] == {
        "may": False,
        "waiting": {
            "who": f"下一步：由负责七里河区的县区工会人员{TRANSFER}。",
            "why": only_counties(TRANSFER),
        },
    }
    body = page.content.decode()
    assert f'action="{accept}"' not in body and only_counties(TRANSFER) in body
    queue = client.get(reverse("unions:transfer-list"))
    (row,) = queue.context["object_list"]
    assert (row.decision["may"], row.decision["waiting"]["why"]) == (False, only_counties(TRANSFER))
    assert f'action="{accept}"' not in queue.content.decode()
    # pressing it anyway (a crafted POST) changes nothing and says why
    resp = client.post(accept, {"next": detail})
    assert (resp["Location"], _messages(resp)) == (detail, [only_counties(TRANSFER)])
    assert status_of(transfer) == TransferStatus.PENDING

    # the requester, now in the receiving county: four eyes
    client.force_login(moved_to_qilihe(county_user))
    page = client.get(detail)
    assert page.context["decision"]["may"] is False
    assert re.match(four_eyes(TRANSFER), page.context["decision"]["waiting"]["why"])
    assert f'action="{accept}"' not in page.content.decode()
    resp = client.post(reverse("unions:transfer-reject", args=[transfer.pk]), {"reason": "x"})
    assert re.match(four_eyes(TRANSFER), _messages(resp)[0])
    assert status_of(transfer) == TransferStatus.PENDING

    # a colleague of the receiving county: the buttons, and they work
    client.force_login(qilihe_colleague)
    page = client.get(detail)
    assert page.context["decision"] == {"may": True, "waiting": None}
    assert page.content.decode().count(f'action="{accept}"') == 1
    queue = client.get(reverse("unions:transfer-list"))
    assert [t.decision["may"] for t in queue.context["object_list"]] == [True]
    client.post(accept)
    assert status_of(transfer) == TransferStatus.COMPLETED
    assert client.get(detail).context["decision"] == {"may": False, "waiting": None}


def test_the_application_pages_offer_the_decision_to_the_right_county_user(
    client, county_user, prefecture_user, chengguan_colleague
):
    application = edited_by(county_user, JoinApplicationFactory())
    approve = reverse("unions:joinapplication-approve", args=[application.pk])
    detail = reverse("unions:joinapplication-detail", args=[application.pk])

    client.force_login(prefecture_user)
    page = client.get(detail)
    assert page.context["decision"]["may"] is False
    assert page.context["decision"]["waiting"] == {
        "who": f"下一步：由负责城关区的县区工会人员{JOIN}。",
        "why": only_counties(JOIN),
    }
    assert f'action="{approve}"' not in page.content.decode()
    resp = client.post(approve)
    assert _messages(resp) == [only_counties(JOIN)]

    # the clerk who changed it
    client.force_login(county_user)
    queue = client.get(reverse("unions:joinapplication-list"))
    (row,) = queue.context["object_list"]
    assert row.decision["may"] is False and re.match(four_eyes(JOIN), row.decision["waiting"]["why"])
    assert f'action="{approve}"' not in queue.content.decode()
    client.post(approve)
    assert (status_of(application), Member.objects.count()) == (ApplicationStatus.SUBMITTED, 0)

    # a colleague decides
    client.force_login(chengguan_colleague)
    queue = client.get(reverse("unions:joinapplication-list"))
    assert [a.decision for a in queue.context["object_list"]] == [{"may": True, "waiting": None}]
    assert queue.content.decode().count(f'action="{approve}"') == 1
    client.post(approve)
    assert status_of(application) == ApplicationStatus.APPROVED
    assert Member.objects.get().id_number == application.id_number


def test_the_application_queue_reads_a_constant_number_of_queries(client, county_user, chengguan_colleague):
    edited_by(chengguan_colleague, JoinApplicationFactory())
    client.force_login(county_user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("unions:joinapplication-list")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(3):
        edited_by(chengguan_colleague, JoinApplicationFactory())
    JoinApplicationFactory.create_batch(2)
    assert count() == few
