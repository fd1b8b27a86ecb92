"""The demo generator writes consistent records in bulk, with their audit trail."""

import random
from decimal import Decimal

import pytest
from django.db.models import Count

from apps.core import audit
from apps.core.choices import AuditAction
from apps.core.models import AuditEntry
from apps.core.tests.factories import region
from apps.core.validators import validate_resident_id
from apps.model_workers import demo
from apps.model_workers.choices import BenefitKind, StudioLevel, WorkerStatus
from apps.model_workers.models import (
    BenefitPayment,
    Honour,
    InnovationStudio,
    ModelWorker,
    Recuperation,
    Talk,
)
from apps.model_workers.selectors import mw_indicators
from apps.model_workers.services import allowance_amount
from apps.unions.tests.factories import GrassrootsUnionFactory

pytestmark = pytest.mark.django_db


def test_generate_demo_scale_is_consistent():
    for code in ("620102", "620103", "623001"):
        for _ in range(3):
            GrassrootsUnionFactory(region=region(code))
    counts = demo.generate(rng=random.Random(5), scale="demo", years=[2023, 2024])
    assert counts == {
        "model_worker": ModelWorker.objects.count(),
        "honour": Honour.objects.count(),
        "benefit_payment": BenefitPayment.objects.count(),
        "recuperation": Recuperation.objects.count(),
        "studio": InnovationStudio.objects.count(),
        "talk": Talk.objects.count(),
    }
    assert counts["model_worker"] == 300 and counts["studio"] == 60 and counts["talk"] == 80
    assert counts["benefit_payment"] > counts["model_worker"] // 2
    # every resident ID valid and unique
    ids = list(ModelWorker.objects.values_list("id_number", flat=True))
    assert len(set(ids)) == len(ids)
    assert all(validate_resident_id(i) == i for i in ids)
    # payments and recuperation never before the title; allowances from the service's function
    for p in BenefitPayment.objects.select_related("model_worker"):
        assert p.paid_on.year >= p.model_worker.title_year
        assert p.amount > 0 and p.amount == p.amount.quantize(Decimal("0.01"))
        if p.kind == BenefitKind.ALLOWANCE:
            assert p.amount == allowance_amount(level=p.model_worker.level)
            assert p.model_worker.status == WorkerStatus.ALIVE
    assert not Recuperation.objects.values("model_worker", "year").annotate(n=Count("id")).filter(n__gt=1)
    assert all(
        r.year >= r.model_worker.title_year for r in Recuperation.objects.select_related("model_worker")
    )
    assert not Honour.objects.exclude(kind="medal").exclude(id_number="").exists()
    assert InnovationStudio.objects.filter(level=StudioLevel.DEMONSTRATION).count() == 3
    payments = {str(pk): 1 for pk in BenefitPayment.objects.values_list("pk", flat=True)}
    assert len(payments) == counts["benefit_payment"]
    assert audit.audited_ids(BenefitPayment, action=AuditAction.CREATE) == payments
    entries = AuditEntry.objects.filter(content_type__model="benefitpayment")
    assert sum(entries.values_list("object_count", flat=True)) == counts["benefit_payment"]
    # the indicators see the data
    province = mw_indicators(year=2024, region=region("620000"))
    assert province["mw.studios"] == InnovationStudio.objects.filter(founded_on__year__lte=2024).count()
    assert province["mw.benefits_amount"] == sum(
        BenefitPayment.objects.filter(paid_on__year=2024).values_list("amount", flat=True), Decimal("0.00")
    )


def test_generate_twice_adds_without_collisions():
    GrassrootsUnionFactory()
    first = demo.generate(rng=random.Random(1), scale="demo", years=[2024])
    second = demo.generate(rng=random.Random(1), scale="demo", years=[2024])
    assert ModelWorker.objects.count() == first["model_worker"] + second["model_worker"]


def test_generate_without_unions_writes_nothing():
    counts = demo.generate(rng=random.Random(1), scale="demo", years=[2024])
    assert set(counts.values()) == {0}
    assert ModelWorker.objects.count() == 0
