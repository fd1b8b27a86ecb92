import datetime as dt
from decimal import Decimal

import factory

from apps.core.tests.factories import make_resident_id, region
from apps.model_workers.choices import (
    BenefitKind,
    HonourKind,
    HonourLevel,
    StudioLevel,
    VenueKind,
    WorkerLevel,
    WorkerStatus,
    WorkerTitle,
)
from apps.model_workers.models import (
    BenefitPayment,
    Honour,
    InnovationStudio,
    ModelWorker,
    Recuperation,
    Talk,
)
from apps.unions.tests.factories import GrassrootsUnionFactory


class ModelWorkerFactory(factory.django.DjangoModelFactory):
    """A living provincial model worker of a union in 620102, titled in 2015."""

    class Meta:
        model = ModelWorker

    name = factory.Sequence(lambda n: f"劳模{n}")
    union = factory.SubFactory(GrassrootsUnionFactory)
    id_number = factory.LazyAttribute(lambda o: make_resident_id(o.union.region.code))
    level = WorkerLevel.PROVINCIAL
    title = WorkerTitle.MODEL_WORKER
    title_year = 2015
    status = WorkerStatus.ALIVE
    craftsman_year = None


class HonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honour

    number = factory.Sequence(lambda n: f"RY{n:06d}")
    kind = HonourKind.CERTIFICATE
    level = HonourLevel.PROVINCIAL
    recipient_name = factory.Sequence(lambda n: f"获奖单位{n}")
    id_number = ""
    union = factory.SubFactory(GrassrootsUnionFactory)
    year = 2024


class BenefitPaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitPayment

    number = factory.Sequence(lambda n: f"FF{n:06d}")
    model_worker = factory.SubFactory(ModelWorkerFactory)
    kind = BenefitKind.ALLOWANCE
    amount = Decimal("600.00")
    paid_on = dt.date(2024, 6, 1)


class RecuperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recuperation

    model_worker = factory.SubFactory(ModelWorkerFactory)
    year = 2024
    place = "敦煌"


class InnovationStudioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InnovationStudio

    code = factory.Sequence(lambda n: f"GZ{n:06d}")
    name = factory.Sequence(lambda n: f"劳模创新工作室{n}")
    union = factory.SubFactory(GrassrootsUnionFactory)
    leader_id_number = factory.LazyAttribute(lambda o: make_resident_id(o.union.region.code))
    level = StudioLevel.PROVINCIAL
    founded_on = dt.date(2020, 5, 1)
    skill_leaders = 10
    mentor_pairs = 12


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk

    number = factory.Sequence(lambda n: f"XJ{n:06d}")
    held_on = dt.date(2024, 4, 1)
    region = factory.LazyFunction(lambda: region("620102"))
    venue_kind = VenueKind.SCHOOL
    audience = 200
