import io
import random

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Q

from apps.core.models import AuditEntry
from apps.core.validators import resident_id_birth_date, resident_id_is_female, validate_resident_id
from apps.reports.management.commands import generate_demo_data
from apps.reports.models import IndicatorSummary
from apps.unions import demo
from apps.unions.choices import Sex, UnionKind
from apps.unions.models import CollectiveContract, GrassrootsUnion, Member


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setitem(demo.SCALES, "demo", (30, 8))


def test_unions_demo_writes_valid_consistent_records(db, small):
    counts = demo.generate(rng=random.Random(1), scale="demo", years=[2022, 2023, 2024])
    assert counts == {
        "unions": GrassrootsUnion.objects.count(),
        "members": Member.objects.count(),
        "contracts": CollectiveContract.objects.count(),
    }
    assert counts["unions"] == 30
    assert counts["members"] >= 30 * 5
    for union in GrassrootsUnion.objects.select_related("region"):
        union.full_clean()
    for member in Member.objects.select_related("union"):
        validate_resident_id(member.id_number)
        assert member.birth_date == resident_id_birth_date(member.id_number)
        assert member.sex == (Sex.FEMALE if resident_id_is_female(member.id_number) else Sex.MALE)
        assert member.joined_on >= member.union.founded_on
        member.full_clean()
    assert not Member.objects.filter(left_on__lt=F("joined_on")).exists()
    assert not CollectiveContract.objects.filter(expires_on__lt=F("signed_on")).exists()
    assert not GrassrootsUnion.objects.filter(
        Q(normalized_year__isnull=False) & ~Q(kind=UnionKind.TOWNSHIP)
    ).exists()
    # the audit trail covers what was written
    assert AuditEntry.objects.count() == sum(counts.values())


def test_the_same_seed_gives_the_same_data(db, small):
    def run():
        with transaction.atomic():
            demo.generate(rng=random.Random(7), scale="demo", years=[2024])
            rows = sorted(Member.objects.values_list("union__code", "id_number", "joined_on", "left_on"))
            transaction.set_rollback(True)
        return rows

    first = run()
    assert len(first) >= 150
    assert run() == first


def test_command_runs_the_domains_in_order_and_refreshes_the_dashboards(db, small, monkeypatch):
    monkeypatch.setattr(generate_demo_data, "DOMAINS", ["unions", "not_a_domain"])
    out = io.StringIO()
    call_command("generate_demo_data", "--scale", "demo", "--seed", "3", "--years", "2023,2024", stdout=out)
    text = out.getvalue()
    assert "unions: unions 30" in text
    assert "not_a_domain: skipped" in text
    assert IndicatorSummary.objects.filter(year=2024, region__code="620000").exists()
    assert IndicatorSummary.objects.count() == 2 * 101
    unions = GrassrootsUnion.objects.count()

    out = io.StringIO()
    call_command("generate_demo_data", "--scale", "demo", "--if-empty", stdout=out)
    assert "nothing generated" in out.getvalue()
    assert GrassrootsUnion.objects.count() == unions


def test_command_refuses_bad_years(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--years"):
        call_command("generate_demo_data", "--years", "20x4")
    assert GrassrootsUnion.objects.count() == 0
