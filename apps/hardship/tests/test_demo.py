import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from apps.core.models import Attachment
from apps.core.tests.attachment_storage import isolated_storage, stored_keys
from apps.unions.tests.factories import GrassrootsUnionFactory

from .. import demo
from ..choices import SEQUENCE, AidKind, Status, Step
from ..demo import generate
from ..models import Disbursement, FamilyMember, FilingStep, Household, IdClaim

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    """The demo's visit photos go to the test's own storage."""
    yield from isolated_storage(settings, tmp_path)


def test_demo_generator_writes_consistent_records():
    for _ in range(5):
        GrassrootsUnionFactory()  # in 620102, a demo county: its walk is written too
    counts = generate(rng=random.Random(7), scale="demo", years=[2023, 2024])
    assert counts["household"] == Household.objects.count() == 640 + 13
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
    net = max(sum(incomes) - h.rigid_expenses, Decimal(0))
    assert (h.family_size, h.family_income) == (len(incomes), sum(incomes))
    assert h.per_capita_income == (net / len(incomes)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_demo_walk_of_a_demo_county(monkeypatch):
    # given open unions in 620102 only, no demo users (the steps are the system's), and only the walk
    monkeypatch.setitem(demo.SCALES, "demo", {"filed": 0, "in_progress": 0, "disbursements": 10})
    for _ in range(3):
        GrassrootsUnionFactory()
    today = timezone.localdate()
    # when
    demo.generate(rng=random.Random(2), scale="demo", years=[2024])
    # then 620102 holds one household after each step before the notice, three whose notice
    # has ended, one still in notice, one sent back by an objection and two filed ones
    assert sorted(Household.objects.values_list("status", flat=True)) == sorted(
        [
            Status.NEW,
            Status.VISITED,
            Status.INSPECTED,
            Status.CALCULATED,
            Status.DELIBERATED,
            Status.EVALUATED,
        ]
        + [Status.NOTICE] * 4
        + [Status.CALCULATED]  # the objection sent it back to the deliberation
        + [Status.FILED] * 2
    )
    assert Household.objects.filter(status=Status.NOTICE, notice_ends_on__lt=today).count() == 3
    assert Household.objects.filter(status=Status.NOTICE, notice_ends_on__gt=today).count() == 1
    objection = FilingStep.objects.select_related("household").get(step=Step.OBJECTION)
    assert (objection.household.status, objection.household.notice_ends_on) == (Status.CALCULATED, None)
    # every timeline follows the seven steps in order, one entry per step done, in the past
    order = [step for step, _before, _after in SEQUENCE]
    done = {Status.NOTICE: 6, Status.FILED: 7, Status.EVALUATED: 5, Status.NEW: 0}
    for h in Household.objects.filter(status__in=list(done)).prefetch_related("steps"):
        steps = [s.step for s in sorted(h.steps.all(), key=lambda s: (s.at, s.id))]
        assert steps == order[: done[h.status]]
        assert all(s.at.date() <= today for s in h.steps.all())
    for h in Household.objects.filter(status=Status.FILED):
        assert h.notice_ends_on < h.filed_on < today
        assert IdClaim.objects.filter(household=h, id_number=h.head_id_number).exists()
    # every household past the home visit has its visit photo on file, so that the review
    # passes the evidence rule; the new one has none
    photos = Attachment.objects.filter(content_type__model="household", kind="visit_photo")
    past_visit = Household.objects.exclude(status=Status.NEW)
    assert sorted(photos.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in past_visit.values_list("pk", flat=True)
    )
    assert len(stored_keys()) == 2 * photos.count()  # each photo and its thumbnail
    # the figures after the calculation are the service's
    for h in Household.objects.exclude(status__in=[Status.NEW, Status.VISITED, Status.INSPECTED]):
        assert h.per_capita_income is not None and h.living_standard is not None
