"""Factories of the worker-services domain: records of 620102 (Chengguan) unless told otherwise,
with valid resident IDs and credit codes."""

import datetime as dt
import random
from decimal import Decimal

import factory

from apps.core.models import Region
from apps.core.services import township_create
from apps.core.tests.factories import make_resident_id, region
from apps.core.validators import USCC_ALPHABET, uscc_check_char
from apps.services import rules
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
    EmploymentService,
    JobFair,
    MicroLoan,
    ReliefPayment,
    RightsCase,
    TrainingClass,
    Visit,
)


def wrong_check(code: str) -> str:
    """A resident ID or credit code with a wrong last (check) character, all else kept."""
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def township(code: str = "620102001", name: str = "测试街道") -> Region:
    """A township (9-digit region) under the county its code starts with, made the way an
    administrator adds one (``township_create``); the same one when asked twice."""
    found = Region.objects.filter(code=code).first()
    return found or township_create(parent=region(code[:6]), code=code, name=name)


def make_credit_code(rng: random.Random | None = None, prefix: str = "91620102") -> str:
    """A valid unified social credit code (an enterprise's, 91…, unless told otherwise)."""
    rng = rng or random
    body = prefix + "".join(rng.choice(USCC_ALPHABET[:10]) for _ in range(17 - len(prefix)))
    return body + uscc_check_char(body)


class _Record(factory.django.DjangoModelFactory):
    region = factory.LazyFunction(lambda: region("620102"))


class ReliefPaymentFactory(_Record):
    """A paid 送温暖 payment below the threshold; ``jinqiu=True`` for an education-aid one."""

    class Meta:
        model = ReliefPayment

    class Params:
        jinqiu = factory.Trait(
            programme=Programme.JINQIU, student_name="李小明", school_level=SchoolLevel.UNDERGRADUATE
        )

    number = factory.Sequence(lambda n: f"RL{n:06d}")
    id_number = factory.LazyAttribute(lambda o: make_resident_id(o.region.code[:6]))
    name = factory.Sequence(lambda n: f"职工{n}")
    programme = Programme.WARMTH
    recipient_kind = RecipientKind.WORKER
    amount = Decimal("800.00")
    paid_on = dt.date(2024, 1, 20)
    student_name = ""
    school_level = ""
    status = ReliefStatus.PAID


class VisitFactory(_Record):
    """A visit to a worker's household; ``enterprise=True`` for a visit to an enterprise."""

    class Meta:
        model = Visit

    class Params:
        enterprise = factory.Trait(
            kind=VisitKind.ENTERPRISE,
            credit_code=factory.LazyFunction(make_credit_code),
            head_id_number="",
            name=factory.Sequence(lambda n: f"测试企业{n}有限公司"),
        )

    number = factory.Sequence(lambda n: f"ZF{n:06d}")
    visited_on = dt.date(2024, 1, 25)
    kind = VisitKind.HOUSEHOLD
    credit_code = ""
    head_id_number = factory.LazyAttribute(lambda o: make_resident_id(o.region.code[:6]))
    name = factory.Sequence(lambda n: f"户主{n}")
    amount = Decimal("500.00")


class JobFairFactory(_Record):
    class Meta:
        model = JobFair

    number = factory.Sequence(lambda n: f"ZP{n:06d}")
    name = factory.Sequence(lambda n: f"春风行动专场招聘会{n}")
    held_on = dt.date(2024, 2, 20)
    enterprises = 40
    positions = 1200
    attendees = 3000


class EmploymentServiceFactory(_Record):
    class Meta:
        model = EmploymentService

    number = factory.Sequence(lambda n: f"JY{n:06d}")
    id_number = factory.LazyAttribute(lambda o: make_resident_id(o.region.code[:6]))
    name = factory.Sequence(lambda n: f"求职者{n}")
    served_on = dt.date(2024, 3, 5)
    kind = EmploymentKind.REFERRAL
    placed = False


class TrainingClassFactory(_Record):
    class Meta:
        model = TrainingClass

    number = factory.Sequence(lambda n: f"PX{n:06d}")
    name = factory.Sequence(lambda n: f"职业技能培训班{n}")
    kind = TrainingKind.SKILLS
    start_date = dt.date(2024, 4, 1)
    end_date = dt.date(2024, 4, 10)
    trainees = 50


class RightsCaseFactory(_Record):
    """A received wage-arrears case; ``closed=True`` for one closed with money recovered."""

    class Meta:
        model = RightsCase

    class Params:
        closed = factory.Trait(
            status=CaseStatus.CLOSED, closed_on=dt.date(2024, 6, 30), amount_recovered=Decimal("86000.00")
        )

    number = factory.Sequence(lambda n: f"WQ{n:06d}")
    received_on = dt.date(2024, 5, 10)
    kind = CaseKind.WAGE_ARREARS
    workers = 12
    amount_recovered = Decimal("0.00")
    closed_on = None
    status = CaseStatus.RECEIVED
    summary = "某建筑工地拖欠农民工工资"


class MicroLoanFactory(_Record):
    class Meta:
        model = MicroLoan

    number = factory.Sequence(lambda n: f"DK{n:06d}")
    id_number = factory.LazyAttribute(lambda o: make_resident_id(o.region.code[:6]))
    name = factory.Sequence(lambda n: f"创业者{n}")
    granted_on = dt.date(2024, 3, 15)
    amount = Decimal("100000.00")
    jobs_created = 4
    due_on = factory.LazyAttribute(lambda o: rules.compute_due_on(o.granted_on))
    repaid_on = None
