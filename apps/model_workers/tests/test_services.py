"""Writes of the model workers domain: validation with clear messages, scope, audit."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.core.choices import AuditAction
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry
from apps.core.tests.factories import make_resident_id, region
from apps.model_workers import services
from apps.model_workers.choices import BenefitKind, HonourKind, WorkerLevel, WorkerStatus
from apps.model_workers.models import (
    BenefitPayment,
    Honour,
    InnovationStudio,
    ModelWorker,
    Recuperation,
    Talk,
)
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import (
    BenefitPaymentFactory,
    HonourFactory,
    InnovationStudioFactory,
    ModelWorkerFactory,
    RecuperationFactory,
    TalkFactory,
)

pytestmark = pytest.mark.django_db


def _entries(obj):
    return list(
        AuditEntry.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
        .order_by("id")
        .values_list("action", flat=True)
    )


# Pure functions ----------------------------------------------------------------------------


def test_allowance_amount_is_exact_per_level():
    assert services.allowance_amount(level=WorkerLevel.NATIONAL, months=12) == Decimal("18000.00")
    assert services.allowance_amount(level=WorkerLevel.PREFECTURE, months=3) == Decimal("900.00")
    with pytest.raises(ApplicationError, match="津贴至少按一个月计算"):
        services.allowance_amount(level=WorkerLevel.NATIONAL, months=0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("100", Decimal("100.00")), ("0.1", Decimal("0.10")), (Decimal("1234.56"), Decimal("1234.56"))],
)
def test_clean_amount_accepts_exact_amounts(value, expected):
    assert services.clean_amount(value) == expected
    assert str(services.clean_amount(value)) == str(expected)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "大于零"),
        ("-5", "大于零"),
        ("1.234", "两位小数"),
        ("abc", "不是有效金额"),
        ("NaN", "不是有效金额"),
    ],
)
def test_clean_amount_refuses_bad_amounts_in_chinese(value, message):
    with pytest.raises(ApplicationError) as exc:
        services.clean_amount(value)
    assert message in exc.value.message


# Model workers -----------------------------------------------------------------------------


def test_model_worker_create_is_validated_and_audited(county_user):
    union = GrassrootsUnionFactory()
    rid = make_resident_id("620102")
    worker = services.model_worker_create(
        name=" 王劳模 ",
        id_number=rid.lower(),
        union=union,
        level=WorkerLevel.NATIONAL,
        title="model_worker",
        title_year=2020,
        craftsman_year=2022,
        user=county_user,
    )
    worker.refresh_from_db()
    assert (worker.name, worker.id_number, worker.status, worker.craftsman_year) == (
        "王劳模",
        rid,
        WorkerStatus.ALIVE,
        2022,
    )
    assert _entries(worker) == [AuditAction.CREATE]
    entry = AuditEntry.objects.get(object_id=str(worker.pk), content_type__model="modelworker")
    assert entry.user == county_user
    assert rid not in str(entry.changes)  # the resident ID is masked in the audit trail


def test_model_worker_duplicate_id_is_refused_naming_where(county_user):
    existing = ModelWorkerFactory()
    with pytest.raises(ApplicationError) as exc:
        services.model_worker_create(
            name="重复",
            id_number=existing.id_number,
            union=GrassrootsUnionFactory(),
            level=WorkerLevel.PROVINCIAL,
            title="model_worker",
            title_year=2020,
            user=county_user,
        )
    assert existing.union.name in exc.value.message
    assert exc.value.extra["fields"]["id_number"]
    assert ModelWorker.objects.count() == 1


def test_model_worker_bad_id_is_refused_with_chinese_message(county_user):
    rid = make_resident_id("620102")
    bad = rid[:-1] + ("0" if rid[-1] != "0" else "1")
    with pytest.raises(ApplicationError) as exc:
        services.model_worker_create(
            name="错号",
            id_number=bad,
            union=GrassrootsUnionFactory(),
            level=WorkerLevel.PROVINCIAL,
            title="model_worker",
            title_year=2020,
            user=county_user,
        )
    assert "校验位" in exc.value.message
    assert ModelWorker.objects.count() == 0


def test_model_worker_in_other_county_is_refused(county_user):
    union = GrassrootsUnionFactory(region=region("620103"))
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.model_worker_create(
            name="外县",
            id_number=make_resident_id("620103"),
            union=union,
            level=WorkerLevel.PROVINCIAL,
            title="model_worker",
            title_year=2020,
            user=county_user,
        )
    assert ModelWorker.objects.count() == 0


def test_model_worker_update_records_the_diff_and_refuses_moving_out_of_scope(county_user):
    worker = ModelWorkerFactory()
    services.model_worker_update(model_worker=worker, user=county_user, status=WorkerStatus.DECEASED)
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE).get()
    assert entry.changes == {"status": ["alive", "deceased"]}
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.model_worker_update(
            model_worker=worker, user=county_user, union=GrassrootsUnionFactory(region=region("620103"))
        )
    with pytest.raises(ApplicationError) as exc:
        services.model_worker_update(model_worker=worker, user=county_user, color="red")
    assert "color" in exc.value.message
    worker.refresh_from_db()
    assert worker.union.region.code == "620102"


def test_model_worker_with_payments_cannot_be_deleted(county_user):
    payment = BenefitPaymentFactory()
    with pytest.raises(ApplicationError, match="已有待遇发放或疗休养记录，不能删除"):
        services.model_worker_delete(model_worker=payment.model_worker, user=county_user)
    assert ModelWorker.objects.filter(pk=payment.model_worker_id).exists()
    lone = ModelWorkerFactory()
    pk = lone.pk
    services.model_worker_delete(model_worker=lone, user=county_user)
    assert not ModelWorker.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(object_id=str(pk), action=AuditAction.DELETE).count() == 1


# Honours -----------------------------------------------------------------------------------


def test_medal_takes_a_resident_id_and_a_certificate_refuses_one(county_user):
    union = GrassrootsUnionFactory()
    rid = make_resident_id("620102")
    medal = services.honour_create(
        number="RY-1",
        kind=HonourKind.MEDAL,
        level="provincial",
        recipient_name="张奖章",
        id_number=rid,
        union=union,
        year=2024,
        user=county_user,
    )
    assert medal.id_number == rid
    with pytest.raises(ApplicationError) as exc:
        services.honour_create(
            number="RY-2",
            kind=HonourKind.CERTIFICATE,
            level="provincial",
            recipient_name="某厂",
            id_number=make_resident_id("620102"),
            union=union,
            year=2024,
            user=county_user,
        )
    assert "奖章" in exc.value.message
    assert list(Honour.objects.values_list("number", flat=True)) == ["RY-1"]
    # changing a medal into a certificate must drop the ID too
    with pytest.raises(ApplicationError, match="只有五一劳动奖章授予个人"):
        services.honour_update(honour=medal, user=county_user, kind=HonourKind.PIONEER)
    medal.refresh_from_db()
    assert medal.kind == HonourKind.MEDAL


def test_honour_number_is_unique_with_a_clear_message(county_user):
    HonourFactory(number="RY-9")
    with pytest.raises(ApplicationError) as exc:
        services.honour_create(
            number="RY-9",
            kind=HonourKind.PIONEER,
            level="national",
            recipient_name="班组",
            union=GrassrootsUnionFactory(),
            year=2024,
            user=county_user,
        )
    assert "RY-9" in exc.value.message
    assert Honour.objects.count() == 1


# Benefit payments --------------------------------------------------------------------------


def test_benefit_pay_keeps_the_exact_decimal(county_user):
    worker = ModelWorkerFactory()
    payment = services.benefit_pay(
        model_worker=worker,
        number="FF-1",
        kind=BenefitKind.HARDSHIP,
        amount="1234.56",
        paid_on=dt.date(2024, 12, 31),
        user=county_user,
    )
    payment.refresh_from_db()
    assert payment.amount == Decimal("1234.56")
    assert str(payment.amount) == "1234.56"
    assert _entries(payment) == [AuditAction.CREATE]


@pytest.mark.parametrize(
    ("amount", "paid_on", "field"),
    [
        ("0", dt.date(2024, 1, 1), "amount"),
        ("-1", dt.date(2024, 1, 1), "amount"),
        ("10.005", dt.date(2024, 1, 1), "amount"),
        ("100", dt.date(2014, 12, 31), "paid_on"),  # before the title year 2015
    ],
)
def test_benefit_pay_refuses_bad_input_and_writes_nothing(county_user, amount, paid_on, field):
    worker = ModelWorkerFactory()
    with pytest.raises(ApplicationError) as exc:
        services.benefit_pay(
            model_worker=worker,
            number="FF-X",
            kind="allowance",
            amount=amount,
            paid_on=paid_on,
            user=county_user,
        )
    assert field in exc.value.extra["fields"]
    assert BenefitPayment.objects.count() == 0


def test_benefit_to_other_county_worker_is_refused(county_user):
    worker = ModelWorkerFactory(union=GrassrootsUnionFactory(region=region("620103")))
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.benefit_pay(
            model_worker=worker,
            number="FF-2",
            kind="allowance",
            amount="100",
            paid_on=dt.date(2024, 1, 1),
            user=county_user,
        )
    assert BenefitPayment.objects.count() == 0


def test_benefit_update_and_delete_are_audited(county_user):
    payment = BenefitPaymentFactory()
    services.benefit_update(payment=payment, user=county_user, amount=Decimal("700.10"))
    payment.refresh_from_db()
    assert payment.amount == Decimal("700.10")
    pk = payment.pk
    services.benefit_delete(payment=payment, user=county_user)
    payment.pk = pk
    assert _entries(payment) == [AuditAction.UPDATE, AuditAction.DELETE]
    assert not BenefitPayment.objects.filter(pk=pk).exists()


# Recuperation ------------------------------------------------------------------------------


def test_recuperation_once_per_year_and_not_before_the_title(county_user):
    worker = ModelWorkerFactory(title_year=2020)
    services.recuperation_create(model_worker=worker, year=2024, place="敦煌", user=county_user)
    with pytest.raises(ApplicationError) as exc:
        services.recuperation_create(model_worker=worker, year=2024, place="天水", user=county_user)
    assert "2024" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        services.recuperation_create(model_worker=worker, year=2019, place="天水", user=county_user)
    assert "2020" in exc.value.message
    with pytest.raises(ApplicationError, match="地点为必填项"):
        services.recuperation_create(model_worker=worker, year=2025, place=" ", user=county_user)
    assert list(Recuperation.objects.values_list("year", "place")) == [(2024, "敦煌")]


def test_recuperation_update_checks_the_year_again(county_user):
    first = RecuperationFactory(year=2023)
    RecuperationFactory(model_worker=first.model_worker, year=2024)
    with pytest.raises(ApplicationError, match="在 2024 年已有疗休养记录"):
        services.recuperation_update(recuperation=first, user=county_user, year=2024)
    services.recuperation_update(recuperation=first, user=county_user, place="张掖")
    first.refresh_from_db()
    assert (first.year, first.place) == (2023, "张掖")


# Studios and talks -------------------------------------------------------------------------


def test_studio_create_validates_leader_id_and_code(county_user):
    union = GrassrootsUnionFactory()
    leader = make_resident_id("620102")
    studio = services.studio_create(
        code="gz-1",
        name="李劳模创新工作室",
        leader_id_number=leader,
        union=union,
        level="demonstration",
        founded_on=dt.date(2021, 1, 1),
        skill_leaders=5,
        mentor_pairs=8,
        user=county_user,
    )
    assert (studio.code, studio.leader_id_number) == ("GZ-1", leader)
    with pytest.raises(ApplicationError) as exc:
        services.studio_create(
            code="GZ-2",
            name="x",
            leader_id_number="123",
            union=union,
            level="provincial",
            founded_on=dt.date(2021, 1, 1),
            user=county_user,
        )
    assert "leader_id_number" in exc.value.extra["fields"]
    with pytest.raises(ApplicationError, match="工作室编码 GZ-1 已存在"):
        services.studio_update(studio=InnovationStudioFactory(), user=county_user, code="GZ-1")
    assert InnovationStudio.objects.filter(code="GZ-1").count() == 1


def test_talk_in_own_region_and_refused_elsewhere(county_user):
    talk = services.talk_create(
        number="XJ-1",
        held_on=dt.date(2024, 5, 4),
        region=region("620102"),
        venue_kind="school",
        audience=300,
        user=county_user,
    )
    assert talk.region.code == "620102"
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.talk_create(
            number="XJ-2",
            held_on=dt.date(2024, 5, 4),
            region=region("620103"),
            venue_kind="school",
            user=county_user,
        )
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.talk_update(talk=TalkFactory(region=region("620103")), user=county_user, audience=1)
    with pytest.raises(ApplicationError) as exc:
        services.talk_create(
            number="XJ-3",
            held_on=dt.date(2024, 5, 4),
            region=region("620102"),
            venue_kind="公园",
            user=county_user,
        )
    assert "公园" in exc.value.message
    assert list(Talk.objects.filter(number__startswith="XJ-").values_list("number", flat=True)) == ["XJ-1"]
