import io
import random

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Q

from apps.core import audit
from apps.core.choices import AuditAction
from apps.core.validators import resident_id_birth_date, resident_id_is_female, validate_resident_id
from apps.reports.management.commands import generate_demo_data
from apps.reports.models import IndicatorSummary
from apps.unions import demo
from apps.unions.choices import ApplicationStatus, JoinChannel, Sex, UnionKind
from apps.unions.models import (
    CollectiveContract,
    GrassrootsUnion,
    JoinApplication,
    Member,
    MembershipTransfer,
)


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setitem(demo.SCALES, "demo", (30, 8))


def test_unions_demo_writes_valid_consistent_records(db, small):
    counts = demo.generate(rng=random.Random(1), scale="demo", years=[2022, 2023, 2024])
    assert counts == {
        "unions": GrassrootsUnion.objects.count(),
        "members": Member.objects.count(),
        "contracts": CollectiveContract.objects.count(),
        # without the demo users no transfer is made (the system's own would complete at once)
        "transfers": 0,
        "join_applications": JoinApplication.objects.count(),
        # nor the grassroots union account and its change requests (they need the county's user)
        "change_requests": 0,
    }
    assert MembershipTransfer.objects.count() == 0
    assert counts["unions"] == 30
    assert counts["members"] >= 30 * 5
    # the demo counties' pinned shares (20 % and 12 %), of the kinds in turn, with 4+ members each
    pinned = GrassrootsUnion.objects.filter(region__code__in=("620102", "620103"))
    assert pinned.filter(region__code="620102").count() >= 6
    assert pinned.filter(region__code="620103").count() >= 3
    assert set(pinned.filter(region__code="620102").values_list("kind", flat=True)) >= {
        UnionKind.ENTERPRISE,
        UnionKind.INSTITUTION,
        UnionKind.ORGAN,
        UnionKind.COMMUNITY,
        UnionKind.TOWNSHIP,
        UnionKind.JOINT,
    }
    # online applications in each demo county: 4 waiting, one approved (a member), one rejected
    assert sorted(JoinApplication.objects.values_list("union__region__code", "status")) == sorted(
        [(code, ApplicationStatus.SUBMITTED) for code in ("620102", "620103") for _ in range(4)]
        + [
            (code, s)
            for code in ("620102", "620103")
            for s in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
        ]
    )
    approved = JoinApplication.objects.filter(status=ApplicationStatus.APPROVED).select_related("member")
    assert all(
        a.member.id_number == a.id_number and a.member.join_channel == JoinChannel.ONLINE for a in approved
    )
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
    for model in (GrassrootsUnion, Member, CollectiveContract, JoinApplication):
        keys = {str(pk): 1 for pk in model.objects.values_list("pk", flat=True)}
        assert audit.audited_ids(model, action=AuditAction.CREATE) == keys, model.__name__


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
