import random

import pytest
from django.db.models import Count, F, Q

from apps.unions.tests.factories import GrassrootsUnionFactory

from ..choices import AidKind, Status
from ..demo import generate
from ..models import Disbursement, FamilyMember, FilingStep, Household, IdClaim
from ..services import per_capita_income

pytestmark = pytest.mark.django_db


def test_demo_generator_writes_consistent_records():
    for _ in range(5):
        GrassrootsUnionFactory()
    counts = generate(rng=random.Random(7), scale="demo", years=[2023, 2024])
    assert counts["household"] == Household.objects.count() == 640
    assert counts["disbursement"] == Disbursement.objects.count() == 1500
    assert counts["familymember"] == FamilyMember.objects.count()
    assert counts["filingstep"] == FilingStep.objects.count()
    # aid only while filed
    assert not Disbursement.objects.filter(
        Q(paid_on__lt=F("household__filed_on")) | Q(paid_on__gte=F("household__exited_on"))
    ).exists()
    assert not Disbursement.objects.filter(kind=AidKind.EDUCATION, student_name="").exists()
    # exits after filing, one comparison key per ID of the filed households, no ID twice
    assert not Household.objects.filter(exited_on__lte=F("filed_on")).exists()
    filed = Household.objects.filter(status=Status.FILED)
    expected_keys = filed.count() + FamilyMember.objects.filter(household__status=Status.FILED).count()
    assert IdClaim.objects.count() == expected_keys
    assert not Household.objects.values("head_id_number").annotate(n=Count("id")).filter(n__gt=1).exists()
    # in-progress households at various steps
    in_progress = set(Household.objects.filter(filed_on__isnull=True).values_list("status", flat=True))
    assert in_progress == {"new", "visited", "inspected", "calculated", "deliberated", "evaluated", "notice"}
    h = Household.objects.filter(status=Status.FILED).prefetch_related("members").first()
    incomes = [h.head_income, *(m.monthly_income for m in h.members.all())]
    assert h.per_capita_income == per_capita_income(
        incomes=incomes, rigid_expenses=h.rigid_expenses, size=h.family_size
    )
