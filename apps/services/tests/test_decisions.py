"""RELIEF_APPROVAL (``apps.services.decisions``): a relief payment above its programme's
threshold is decided by staff of the level above its region — county staff for a township's,
the prefecture for a county's, the province for a prefecture's and (at the top) a provincial
colleague for the province's — never by whoever filed it or last changed it; then staff of the
region pay it. Every refusal leaves the payment as it was."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.choices import AuditAction, Role
from apps.core.decisions import DecisionRefused
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry, Region
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.services import services
from apps.services.choices import Programme, RecipientKind, ReliefStatus
from apps.services.decisions import RELIEF_APPROVAL, level_above, may_decide
from apps.services.models import ReliefPayment

from .factories import ReliefPaymentFactory, township

pytestmark = pytest.mark.django_db

D = dt.date
FOUR_EYES = "^四眼原则：提交、最后修改该记录或办理了前一步的人不能审批该笔专项帮扶发放"
NOT_RESPONSIBLE = "^只有负责该地区的.*人员可以审批该笔专项帮扶发放。$"


def user(username: str, role: str, code: str):
    return UserFactory(
        username=username, role=role, region=region(code) if len(code) == 6 else township(code)
    )


def file_payment(filer, region_obj, amount="3000.00", number="RL-BIG") -> ReliefPayment:
    """A 送温暖 payment above its threshold (2,000 yuan), filed through the service."""
    payment = services.relief_create(
        user=filer,
        number=number,
        region=region_obj,
        id_number=make_resident_id(),
        name="李四",
        programme=Programme.WARMTH,
        recipient_kind=RecipientKind.WORKER,
        amount=Decimal(amount),
        paid_on=None,
    )
    assert payment.status == ReliefStatus.PENDING
    return ReliefPayment.objects.get(pk=payment.pk)


def state(payment: ReliefPayment) -> tuple:
    p = ReliefPayment.objects.get(pk=payment.pk)
    return (p.status, p.decided_by_id, p.decided_at, p.decision_note, p.paid_on)


PENDING = (ReliefStatus.PENDING, None, None, "", None)


def waiting(region_obj) -> ReliefPayment:
    """A payment waiting for approval, filed by no one in particular."""
    return ReliefPaymentFactory(
        region=region_obj, status=ReliefStatus.PENDING, paid_on=None, amount=Decimal("3000.00")
    )


def test_the_level_above_is_the_parent_region_and_the_province_itself_at_the_top():
    codes = ("620102001", "620102", "620100", "620000")
    payments = {code: waiting(township(code) if len(code) == 9 else region(code)) for code in codes}
    above = {code: Region.objects.get(pk=level_above(p)).code for code, p in payments.items()}
    assert above == {"620102001": "620102", "620102": "620100", "620100": "620000", "620000": "620000"}


def test_the_filer_never_approves_their_own_payment_four_eyes(county_user):
    # given a township's payment filed by the county staff who decide its township's payments
    payment = file_payment(county_user, township("620102001"))
    assert payment.filed_by == county_user
    # when the filer approves or rejects it: four eyes
    with pytest.raises(DecisionRefused, match=FOUR_EYES):
        services.relief_approve(payment=payment, user=county_user)
    with pytest.raises(DecisionRefused, match=FOUR_EYES):
        services.relief_reject(payment=payment, user=county_user, reason="自己退回")
    assert not may_decide(county_user, payment)
    # then nothing changed
    assert state(payment) == PENDING


def test_a_township_payment_is_approved_by_a_county_colleague_not_another_county(
    county_user, other_county_user
):
    payment = file_payment(county_user, township("620102001"))
    colleague = user("county_cg2", Role.COUNTY, "620102")
    with pytest.raises(DecisionRefused, match=NOT_RESPONSIBLE):
        services.relief_approve(payment=payment, user=other_county_user)
    assert state(payment) == PENDING
    services.relief_approve(payment=payment, user=colleague, note=" 同意 ")
    payment.refresh_from_db()
    assert (payment.status, payment.decided_by, payment.decision_note, payment.paid_on) == (
        ReliefStatus.APPROVED,
        colleague,
        "同意",
        None,
    )
    assert payment.decided_at is not None


def test_township_staff_do_not_decide_their_own_township_s_payments():
    # county staff scoped to one township see only the township, not the county above it
    clerk = user("town_clerk", Role.COUNTY, "620102001")
    payment = waiting(township("620102001"))
    with pytest.raises(DecisionRefused, match=NOT_RESPONSIBLE):
        services.relief_approve(payment=payment, user=clerk)
    assert state(payment) == PENDING


def test_a_county_does_not_approve_its_own_county_s_payment(county_user):
    # given a payment of the county filed by one clerk
    payment = file_payment(county_user, region("620102"))
    colleague = user("county_cg2", Role.COUNTY, "620102")
    # when another clerk of the same county approves it: the level above decides
    with pytest.raises(DecisionRefused, match=NOT_RESPONSIBLE):
        services.relief_approve(payment=payment, user=colleague)
    with pytest.raises(DecisionRefused, match=NOT_RESPONSIBLE):
        services.relief_reject(payment=payment, user=colleague, reason="不符合条件")
    assert not may_decide(colleague, payment)
    assert state(payment) == PENDING


def test_the_parent_prefecture_approves_a_county_payment_another_prefecture_does_not(
    county_user, prefecture_user
):
    payment = file_payment(county_user, region("620102"))
    gannan = user("pref_gn", Role.PREFECTURE, "623000")
    jiayuguan = user("pref_jyg", Role.PREFECTURE, "620200")
    for outsider in (gannan, jiayuguan):
        with pytest.raises(DecisionRefused, match=NOT_RESPONSIBLE):
            services.relief_approve(payment=payment, user=outsider)
        assert not may_decide(outsider, payment)
    assert state(payment) == PENDING
    assert may_decide(prefecture_user, payment)
    services.relief_approve(payment=payment, user=prefecture_user)
    assert state(payment)[:2] == (ReliefStatus.APPROVED, prefecture_user.pk)


def test_a_prefecture_s_own_payment_is_decided_by_the_province(prefecture_user, province_user):
    payment = file_payment(prefecture_user, region("620100"))
    colleague = user("pref_lz2", Role.PREFECTURE, "620100")
    with pytest.raises(DecisionRefused, match=NOT_RESPONSIBLE):
        services.relief_approve(payment=payment, user=colleague)
    assert state(payment) == PENDING
    services.relief_approve(payment=payment, user=province_user)
    assert state(payment)[:2] == (ReliefStatus.APPROVED, province_user.pk)


def test_the_province_s_payment_is_approved_by_a_provincial_colleague_not_the_filer(
    province_user, prefecture_user
):
    payment = file_payment(province_user, region("620000"))
    colleague = user("province2", Role.PROVINCE, "620000")
    with pytest.raises(DecisionRefused, match=FOUR_EYES):
        services.relief_approve(payment=payment, user=province_user)
    with pytest.raises(DecisionRefused, match=NOT_RESPONSIBLE):
        services.relief_approve(payment=payment, user=prefecture_user)
    assert state(payment) == PENDING
    services.relief_approve(payment=payment, user=colleague)
    assert state(payment)[:2] == (ReliefStatus.APPROVED, colleague.pk)


def test_whoever_last_changed_the_payment_does_not_decide_it(county_user, prefecture_user):
    # given a county payment corrected by a prefecture clerk while it waits
    payment = file_payment(county_user, region("620102"))
    services.relief_update(payment=payment, user=prefecture_user, amount=Decimal("3500.00"))
    payment = ReliefPayment.objects.get(pk=payment.pk)
    # then that clerk may not decide it, a colleague of the prefecture may
    with pytest.raises(DecisionRefused, match=FOUR_EYES):
        services.relief_approve(payment=payment, user=prefecture_user)
    colleague = user("pref_lz2", Role.PREFECTURE, "620100")
    services.relief_approve(payment=ReliefPayment.objects.get(pk=payment.pk), user=colleague)
    assert state(payment)[:2] == (ReliefStatus.APPROVED, colleague.pk)


def test_approved_then_paid_by_county_staff(county_user, other_county_user, prefecture_user):
    payment = file_payment(county_user, region("620102"))
    # not paid before it is approved
    with pytest.raises(ApplicationError, match="^只有已批准的发放才能登记发放；RL-BIG 当前为待审批。$"):
        services.relief_pay(payment=payment, user=county_user, paid_on=D(2024, 3, 5))
    services.relief_approve(payment=payment, user=prefecture_user)
    # not by another county, nor in the future, nor without a date
    with pytest.raises(ApplicationError, match="^您无权修改该地区的记录。$"):
        services.relief_pay(payment=payment, user=other_county_user, paid_on=D(2024, 3, 5))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ApplicationError, match="^发放日期不能晚于今天。$"):
        services.relief_pay(payment=payment, user=county_user, paid_on=tomorrow)
    with pytest.raises(ApplicationError, match="^请填写发放日期。$"):
        services.relief_pay(payment=payment, user=county_user, paid_on=None)
    assert state(payment)[0] == ReliefStatus.APPROVED
    assert state(payment)[4] is None
    # the filer's county pays it
    services.relief_pay(payment=payment, user=county_user, paid_on=D(2024, 3, 5))
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on, payment.decided_by) == (
        ReliefStatus.PAID,
        D(2024, 3, 5),
        prefecture_user,
    )
    # and once only
    with pytest.raises(ApplicationError, match="^只有已批准的发放才能登记发放；RL-BIG 当前为已发放。$"):
        services.relief_pay(payment=payment, user=county_user, paid_on=D(2024, 3, 6))
    steps = [
        (e.user.username, e.changes["status"])
        for e in AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(payment.pk)).order_by(
            "id"
        )
    ]
    assert steps == [("pref_lz", ["pending", "approved"]), ("county_cg", ["approved", "paid"])]


def test_a_rejection_needs_its_reason(county_user, prefecture_user):
    payment = file_payment(county_user, region("620102"))
    for reason in ("", "   ", None):
        with pytest.raises(ApplicationError, match="^退回理由为必填项。$") as exc:
            services.relief_reject(payment=payment, user=prefecture_user, reason=reason)
        assert list(exc.value.extra["fields"]) == ["reason"]
    assert state(payment) == PENDING
    services.relief_reject(payment=payment, user=prefecture_user, reason=" 不符合条件 ")
    payment.refresh_from_db()
    assert (payment.status, payment.decided_by, payment.decision_note, payment.paid_on) == (
        ReliefStatus.REJECTED,
        prefecture_user,
        "不符合条件",
        None,
    )
    with pytest.raises(ApplicationError, match="当前为已退回"):
        services.relief_pay(payment=payment, user=county_user, paid_on=D(2024, 3, 5))
    assert state(payment)[0] == ReliefStatus.REJECTED


@pytest.mark.parametrize("first", ["approve", "reject"])
def test_a_decided_payment_is_not_decided_again(first, county_user, prefecture_user):
    payment = file_payment(county_user, region("620102"))
    colleague = user("pref_lz2", Role.PREFECTURE, "620100")
    decide = {
        "approve": lambda u: services.relief_approve(payment=payment, user=u),
        "reject": lambda u: services.relief_reject(payment=payment, user=u, reason="不符合条件"),
    }
    decide[first](prefecture_user)
    after = state(payment)
    label = "已批准待发放" if first == "approve" else "已退回"
    for second in ("approve", "reject"):
        with pytest.raises(ApplicationError, match=f"^发放 RL-BIG 不在待审批状态（当前为{label}）。$"):
            decide[second](colleague)
    assert state(payment) == after


def test_a_paid_payment_within_the_threshold_is_not_decided(county_user, prefecture_user):
    payment = services.relief_create(
        user=county_user,
        number="RL-S",
        region=region("620102"),
        id_number=make_resident_id(),
        name="王五",
        programme=Programme.WARMTH,
        recipient_kind=RecipientKind.WORKER,
        amount=Decimal("2000.00"),
        paid_on=D(2024, 1, 5),
    )
    with pytest.raises(ApplicationError, match="^发放 RL-S 不在待审批状态（当前为已发放）。$"):
        services.relief_approve(payment=payment, user=prefecture_user)


def test_the_step_lets_only_its_roles_decide(county_user):
    payment = file_payment(county_user, township("620102001"))
    inactive = user("gone", Role.COUNTY, "620102")
    inactive.is_active = False
    inactive.save()
    assert RELIEF_APPROVAL.refusal(inactive, payment) == "请先登录再审批该笔专项帮扶发放。"
    admin = user("root", Role.ADMIN, "620000")
    assert RELIEF_APPROVAL.refusal(admin, payment) is None
    assert RELIEF_APPROVAL.refusal(None, payment) is None  # the system itself
