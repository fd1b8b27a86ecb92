"""The demo a newcomer walks: after ``load_demo`` every demo login finds work of its own waiting,
and the next step of each workflow goes through as the person who takes it."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from apps.competitions.models import Competition, InnovationAchievement, Participation
from apps.core.choices import Role
from apps.core.management.commands.load_demo import DEMO_COUNTIES, DEMO_USERS
from apps.core.models import User
from apps.core.scoping import CHANGE
from apps.hardship import selectors as hardship_selectors
from apps.hardship import services as hardship_services
from apps.hardship.choices import IN_PROGRESS, Status, Step
from apps.hardship.models import FilingStep, Household
from apps.insurance import selectors as insurance_selectors
from apps.insurance import services as insurance_services
from apps.insurance.choices import ClaimStatus, Product
from apps.insurance.models import Claim, Enrollment, Plan
from apps.model_workers.models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation
from apps.services.models import (
    EmploymentService,
    JobFair,
    MicroLoan,
    ReliefPayment,
    RightsCase,
    TrainingClass,
    Visit,
)
from apps.unions.choices import ApplicationStatus, MemberStatus, TransferStatus, UnionKind
from apps.unions.models import (
    CollectiveContract,
    GrassrootsUnion,
    JoinApplication,
    Member,
    MembershipTransfer,
)

PASSWORD = "Gonghui-2026!"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (rolled back at its end): the demo users by name."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--password", PASSWORD, stdout=io.StringIO())
        yield {u.username: u for u in User.objects.select_related("region")}
        transaction.set_rollback(True)


def _fresh(user: User) -> User:
    """The user re-read (a module-wide instance caches its scope)."""
    return User.objects.select_related("region").get(pk=user.pk)


def test_the_demo_users_keep_their_roles_and_a_second_prefecture_user_joins(demo, db):
    assert {(u, demo[u].role, demo[u].region.code) for u, *_rest in DEMO_USERS} == {
        ("admin", Role.ADMIN, "620000"),
        ("province", Role.PROVINCE, "620000"),
        ("pref_lz", Role.PREFECTURE, "620100"),
        ("pref_lz2", Role.PREFECTURE, "620100"),
        ("county_cg", Role.COUNTY, "620102"),
        ("county_qlh", Role.COUNTY, "620103"),
    }
    assert all(demo[u].check_password(PASSWORD) for u, *_rest in DEMO_USERS)
    assert DEMO_COUNTIES == ("620102", "620103")


def test_loading_again_adds_nothing(demo, db):
    # given the demo is loaded
    counts = (User.objects.count(), GrassrootsUnion.objects.count(), Claim.objects.count())
    # when it is loaded again
    out = io.StringIO()
    call_command("load_demo", "--password", PASSWORD, stdout=out)
    # then
    assert "nothing generated" in out.getvalue()
    assert (User.objects.count(), GrassrootsUnion.objects.count(), Claim.objects.count()) == counts


def test_county_user_sees_unions_of_every_kind_and_hundreds_of_members(demo, db):
    cg = _fresh(demo["county_cg"])
    unions = GrassrootsUnion.objects.restrict(cg)
    # 20 % of the 150 unions are pinned to Chengguan (random ones may land there too)
    assert unions.count() >= 30
    assert set(unions.values_list("region__code", flat=True)) == {"620102"}
    assert set(unions.values_list("kind", flat=True)) == set(UnionKind.values)
    # every pinned union has at least 10 members
    assert Member.objects.restrict(cg).count() >= 300
    assert Member.objects.restrict(cg).filter(status=MemberStatus.ACTIVE).count() >= 250
    assert CollectiveContract.objects.restrict(cg).count() >= 1


def test_transfers_and_online_applications_wait_for_each_county(demo, db):
    for username, own, other in (("county_cg", "620102", "620103"), ("county_qlh", "620103", "620102")):
        user = _fresh(demo[username])
        incoming = MembershipTransfer.objects.restrict(user, CHANGE)
        assert incoming.filter(status=TransferStatus.PENDING).count() == 3
        assert set(
            incoming.filter(status=TransferStatus.PENDING).values_list("from_union__region__code", flat=True)
        ) == {other}
        assert incoming.filter(status=TransferStatus.COMPLETED, from_union__region__code=other).count() == 1
        applications = JoinApplication.objects.restrict(user)
        assert sorted(applications.values_list("status", flat=True)) == sorted(
            [ApplicationStatus.SUBMITTED] * 4 + [ApplicationStatus.APPROVED, ApplicationStatus.REJECTED]
        )
        assert set(applications.values_list("union__region__code", flat=True)) == {own}


def test_every_domain_has_records_in_chengguan(demo, db):
    cg = _fresh(demo["county_cg"])
    assert Competition.objects.filter(organizer_region__code="620102").count() >= 3
    for model in (
        Participation,
        InnovationAchievement,
        ModelWorker,
        Honour,
        BenefitPayment,
        Recuperation,
        InnovationStudio,
        ReliefPayment,
        Visit,
        JobFair,
        EmploymentService,
        TrainingClass,
        RightsCase,
        MicroLoan,
    ):
        assert model.objects.restrict(cg).exists(), model.__name__
    statuses = set(Household.objects.restrict(cg).values_list("status", flat=True))
    assert statuses >= {*IN_PROGRESS, Status.FILED, Status.EXITED}


def test_county_user_can_enroll_a_unit_in_this_years_plan(demo, db):
    cg = _fresh(demo["county_cg"])
    today = timezone.localdate()
    open_plans = [
        p for p in insurance_selectors.plan_list(user=cg) if insurance_services.enrollment_is_open(p)
    ]
    assert sorted(p.year for p in open_plans) == [today.year] * 3
    assert not any(insurance_services.enrollment_is_open(p) for p in Plan.objects.filter(year=today.year - 1))
    # given a unit of Chengguan not yet in the inpatient plan
    plan = Plan.objects.get(year=today.year, product=Product.INPATIENT)
    enrolled = Enrollment.objects.filter(plan=plan).values("union_id")
    union = (
        GrassrootsUnion.objects.restrict(cg, CHANGE)
        .filter(dissolved_on__isnull=True)
        .exclude(pk__in=enrolled)
        .order_by("code")
        .first()
    )
    members = list(Member.objects.filter(union=union, status=MemberStatus.ACTIVE)[:3])
    # when the county user enrolls it
    enrollment = insurance_services.enrollment_create(plan=plan, union=union, members=members, user=cg)
    # then
    assert enrollment.coverages.count() == len(members) >= 1


def test_claims_stand_at_every_status_in_both_counties(demo, db):
    for username, code in (("county_cg", "620102"), ("county_qlh", "620103")):
        claims = Claim.objects.restrict(_fresh(demo[username])).filter(coverage__union__region__code=code)
        assert set(claims.values_list("status", flat=True)) == set(ClaimStatus.values)
    # the decisions in the demo counties were taken by the right people: paid by the county,
    # reviewed by pref_lz, approved by pref_lz2, rejected by whoever took the step
    for code, county in (("620102", "county_cg"), ("620103", "county_qlh")):
        decided = Claim.objects.filter(coverage__union__region__code=code, decided_by__isnull=False)
        assert set(decided.values_list("status", "decided_by__username")) == {
            (ClaimStatus.REVIEWED, "pref_lz"),
            (ClaimStatus.APPROVED, "pref_lz2"),
            (ClaimStatus.PAID, county),
            (ClaimStatus.REJECTED, "pref_lz"),
            (ClaimStatus.REJECTED, "pref_lz2"),
        }


def test_a_submitted_claim_walks_to_payment_through_the_demo_users(demo, db):
    lz, lz2, cg = (_fresh(demo[u]) for u in ("pref_lz", "pref_lz2", "county_cg"))
    queue = insurance_selectors.claim_review_queue(user=lz, status=ClaimStatus.SUBMITTED)
    waiting = queue.filter(
        coverage__union__region__code__in=DEMO_COUNTIES, coverage__plan__year=timezone.localdate().year
    )
    assert waiting.count() >= 6  # 3 per demo county, through the services
    claim = waiting.filter(coverage__union__region__code="620102").order_by("number").first()

    claim = insurance_services.claim_review(claim=claim, user=lz)
    claim = insurance_services.claim_approve(claim=claim, user=lz2)
    claim = insurance_services.claim_pay(claim=claim, user=cg)

    claim.refresh_from_db()
    assert (claim.status, claim.decided_by_id) == (ClaimStatus.PAID, cg.pk)
    assert claim.payout is not None


def test_prefecture_user_finds_households_whose_notice_has_ended(demo, db):
    lz = _fresh(demo["pref_lz"])
    today = timezone.localdate()
    queue = hardship_selectors.review_queue(user=lz)
    assert set(queue.values_list("union__region__parent__code", flat=True)) == {"620100"}
    ended = queue.filter(notice_ends_on__lt=today)
    for code in DEMO_COUNTIES:
        assert ended.filter(union__region__code=code).count() >= 3
    # one objection in each demo county sent its household back to the deliberation
    objections = FilingStep.objects.filter(
        step=Step.OBJECTION, household__union__region__code__in=DEMO_COUNTIES
    )
    assert sorted(objections.values_list("household__union__region__code", flat=True)) == list(DEMO_COUNTIES)
    assert {s.household.status for s in objections.select_related("household")} <= set(IN_PROGRESS)
    # households filed through all seven steps, reviewed by the prefecture
    reviewed = Household.objects.filter(
        union__region__code__in=DEMO_COUNTIES, status=Status.FILED, steps__step=Step.REVIEW
    )
    who = set(FilingStep.objects.filter(household__in=reviewed).values_list("step", "username"))
    assert {(Step.VISIT, "county_cg"), (Step.NOTICE, "county_qlh"), (Step.REVIEW, "pref_lz")} <= who
    assert {username for step, username in who if step == Step.REVIEW} == {"pref_lz"}

    # when pref_lz reviews a household entered by county_cg, it is filed
    household = ended.filter(created_by__username="county_cg").order_by("notice_ends_on", "id").first()
    hardship_services.household_advance(household=household, user=lz, step=Step.REVIEW, note="同意建档")
    household.refresh_from_db()
    assert (household.status, household.filed_on) == (Status.FILED, today)
