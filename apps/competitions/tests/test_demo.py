"""The demo generator: realistic, consistent records for the unions already there."""

import random

from django.db.models import F

from apps.competitions import demo
from apps.competitions.choices import CompetitionKind, Grade, InnovationKind
from apps.competitions.models import Competition, InnovationAchievement, Participation
from apps.core import audit
from apps.core.choices import AuditAction
from apps.core.models import AuditEntry
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory


def test_demo_scale_writes_consistent_records_with_audit(db):
    for code in ("620102", "620103", "620402", "623001"):
        for _ in range(15):
            GrassrootsUnionFactory(region=region(code))
    counts = demo.generate(rng=random.Random(5), scale="demo", years=[2023, 2024])

    assert counts == {
        "competition": Competition.objects.count(),
        "participation": Participation.objects.count(),
        "innovationachievement": InnovationAchievement.objects.count(),
    }
    assert counts["competition"] == 66
    assert counts["innovationachievement"] == 190
    assert 500 <= counts["participation"] <= 800
    assert not Competition.objects.filter(end_date__lt=F("start_date")).exists()
    assert set(Competition.objects.values_list("start_date__year", flat=True)) == {2023, 2024}
    assert set(Competition.objects.values_list("kind", flat=True)) == set(CompetitionKind.values)
    assert Competition.objects.filter(kind=CompetitionKind.SKILL).count() == 20
    assert set(InnovationAchievement.objects.values_list("kind", flat=True)) == set(InnovationKind.values)
    assert set(InnovationAchievement.objects.values_list("grade", flat=True)) <= {"", *Grade.values}
    # every participating unit sits under the organizer region
    for part in Participation.objects.select_related("competition__organizer_region", "union__region"):
        assert part.union.region.path.startswith(part.competition.organizer_region.path)
    assert not Participation.objects.filter(promoted_workers__gt=F("participating_workers")).exists()
    # every generated record is in exactly one batch entry of the trail, and batches are few
    for model in (Competition, Participation, InnovationAchievement):
        keys = {str(pk): 1 for pk in model.objects.values_list("pk", flat=True)}
        assert audit.audited_ids(model, action=AuditAction.CREATE) == keys, model.__name__
    entries = AuditEntry.objects.filter(content_type__app_label="competitions")
    assert sum(entries.values_list("object_count", flat=True)) == sum(counts.values())
    assert entries.count() < sum(counts.values()) / 10


def test_demo_without_unions_writes_nothing(db):
    assert demo.generate(rng=random.Random(1), scale="demo", years=[2024]) == {
        "competition": 0,
        "participation": 0,
        "innovationachievement": 0,
    }


def test_demo_can_run_twice_without_code_clashes(db):
    GrassrootsUnionFactory(region=region("620102"))
    first = demo.generate(rng=random.Random(1), scale="demo", years=[2024])
    second = demo.generate(rng=random.Random(1), scale="demo", years=[2024])
    assert Competition.objects.count() == first["competition"] + second["competition"] == 132
    assert InnovationAchievement.objects.count() == 380
