"""The worker-services demo data: each year's reach exactly as declared, records that obey the
rules, the same data for the same seed, and today's work waiting in the demo users' counties."""

import datetime as dt
import io
import random

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core import audit, registry
from apps.core.choices import AuditAction, Role
from apps.core.testing import override_flag
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.hardship.choices import Status
from apps.hardship.models import Household
from apps.reports.management.commands import generate_demo_data
from apps.services import decisions, demo, rules, selectors, services
from apps.services.choices import CaseStatus, LoanStatus, Programme, ReliefStatus, VisitKind
from apps.services.models import (
    EmploymentService,
    JobFair,
    MicroLoan,
    ReliefPayment,
    RightsCase,
    TrainingClass,
    Visit,
)

REGISTERS = (ReliefPayment, Visit, JobFair, EmploymentService, TrainingClass, RightsCase, MicroLoan)
# Years far enough back that none of the walk's records (dated from today) falls in them.
PAST = [2019, 2020]


def _generate(seed=1, years=PAST, **kwargs):
    return demo.generate(rng=random.Random(seed), scale="demo", years=years, **kwargs)


def test_every_year_reaches_the_declared_figures_exactly(db):
    # given the demo scale's reach per year
    scale = demo.SCALES["demo"]
    # when the demo is generated for two past years
    counts = _generate()
    # then each year's indicators are the scale's, to the yuan
    assert counts == {m._meta.model_name: m.objects.count() for m in REGISTERS}
    for year in PAST:
        figures = selectors.svc_indicators(year=year, region=region("620000"))
        assert {
            "svc.jinqiu_students": scale.jinqiu,
            "svc.warmth_enterprises": scale.enterprises,
            "svc.warmth_households": scale.households,
            "svc.job_fairs": scale.job_fairs,
            "svc.employment_services": scale.employment,
            "svc.labour_export": scale.labour_export,
            "svc.placements": scale.placed,
            "svc.trainings": scale.trainings,
            "svc.training_attendance": scale.trainees,
            "svc.cadre_training_attendance": scale.cadre_trainees,
            "svc.wage_cases": scale.wage_cases,
            "svc.wage_workers": scale.wage_workers,
            "svc.wage_amount": scale.wage_amount,
            "svc.loans": scale.loans,
            "svc.loan_jobs": scale.loan_jobs,
        }.items() <= figures.items(), year
        assert all(figures.values()), [code for code, value in figures.items() if not value]
    assert ReliefPayment.objects.filter(paid_on__year=2019).count() == (
        scale.jinqiu + scale.warmth_relief + scale.temporary_relief
    )


def test_records_obey_the_rules_and_carry_their_audit_entries(db):
    counts = _generate()
    today = timezone.localdate()
    for model in REGISTERS:
        records = list(model.objects.select_related("region"))
        for record in records:
            record.full_clean()  # valid resident IDs and credit codes, dates in order, the rules
        assert len(records) == counts[model._meta.model_name], model.__name__
        keys = {str(r.pk): 1 for r in records}
        assert audit.audited_ids(model, action=AuditAction.CREATE) == keys, model.__name__
    # statuses agree with the dates (the models' constraints) and nothing is dated after today
    assert not ReliefPayment.objects.exclude(status=ReliefStatus.PAID).filter(paid_on__isnull=False).exists()
    assert not ReliefPayment.objects.filter(paid_on__gt=today).exists()
    assert not RightsCase.objects.filter(closed_on__lt=F("received_on")).exists()
    assert not RightsCase.objects.filter(closed_on__gt=today).exists()
    assert not MicroLoan.objects.filter(repaid_on__lt=F("granted_on")).exists()
    assert not MicroLoan.objects.filter(repaid_on__gt=today).exists()
    assert not TrainingClass.objects.filter(end_date__lt=F("start_date")).exists()
    for loan in MicroLoan.objects.all():
        assert loan.due_on == rules.compute_due_on(loan.granted_on)
    # bulk payments stay within their programme's approval threshold
    for programme in Programme.values:
        above = ReliefPayment.objects.filter(
            programme=programme, amount__gt=services.approval_threshold(programme), paid_on__year__in=PAST
        )
        assert not above.exists(), programme
    # records sit at every level: province, prefectures, counties and Jiayuguan (no counties)
    levels = {level for m in REGISTERS for level in m.objects.values_list("region__level", flat=True)}
    assert levels == {"province", "prefecture", "county"}
    assert any(m.objects.filter(region__code="620200").exists() for m in REGISTERS)


def _rows(model):
    """Every value of the register's records but their ids and the decisions' users and times."""
    skip = {"id", "region", "filed_by", "decided_by", "decided_at"}
    fields = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
    return sorted(model.objects.values_list("region__code", *fields))


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(db):
    def run(seed):
        with transaction.atomic():
            _generate(seed, years=[2020])
            rows = {model.__name__: _rows(model) for model in REGISTERS}
            transaction.set_rollback(True)
        return rows

    first = run(5)
    assert len(first["Visit"]) > 100
    assert run(5) == first
    assert run(6)["ReliefPayment"] != first["ReliefPayment"]


def test_a_township_gets_records_where_townships_exist(db):
    from apps.core.tests.factories import TownshipFactory

    township = TownshipFactory(code="620102001")
    _generate(years=[2020])
    assert EmploymentService.objects.filter(region=township).exists()


def test_only_the_heads_the_registry_confirms_as_filed_are_visited(db):
    # given two heads handed for Chengguan, of which the hardship domain files one
    filed, stranger = make_resident_id("620102"), make_resident_id("620102")
    heads = {"620102": [(filed, "王建国"), (stranger, "李四")]}
    with override_flag(registry.HARDSHIP_HOUSEHOLD, lambda ids, user=None: {filed} & set(ids)) as asked:
        # when the demo is generated
        _generate(years=[2020], household_heads=heads)
    # then only the filed one is visited, under the name given, in Chengguan
    assert sorted(asked[0]) == sorted([filed, stranger])
    assert list(
        Visit.objects.filter(head_id_number__in=[filed, stranger]).values_list(
            "head_id_number", "name", "region__code"
        )
    ) == [(filed, "王建国", "620102")]


@pytest.fixture
def demo_users(db):
    """The demo users of the counties and of Lanzhou, as load_demo makes them."""
    return {
        "county_cg": UserFactory(username="county_cg", role=Role.COUNTY, region=region("620102")),
        "county_qlh": UserFactory(username="county_qlh", role=Role.COUNTY, region=region("620103")),
        "pref_lz": UserFactory(username="pref_lz", role=Role.PREFECTURE, region=region("620100")),
        "pref_lz2": UserFactory(username="pref_lz2", role=Role.PREFECTURE, region=region("620100")),
    }


@pytest.fixture
def walked(demo_users, monkeypatch):
    """The demo of the unions, hardship and worker services, through the reports' command."""
    monkeypatch.setattr(generate_demo_data, "DOMAINS", ["unions", "hardship", "services"])
    out = io.StringIO()
    call_command(
        "generate_demo_data", "--scale", "demo", "--years", "2024,2025", "--no-summaries", stdout=out
    )
    assert "services: reliefpayment" in out.getvalue()
    return demo_users


@pytest.mark.parametrize("county, clerk", [("620102", "county_cg"), ("620103", "county_qlh")])
def test_each_demo_county_has_payments_waiting_for_the_prefecture(walked, county, clerk):
    here = ReliefPayment.objects.filter(region__code=county)
    for programme in Programme.values:
        assert here.filter(programme=programme, status=ReliefStatus.PAID).exists(), programme
    # one above its threshold, filed by the county user, waits for Lanzhou
    pending = here.get(status=ReliefStatus.PENDING)
    assert pending.filed_by == walked[clerk]
    assert pending.amount > services.approval_threshold(pending.programme)
    assert pending.paid_on is None
    assert decisions.may_decide(walked["pref_lz"], pending)
    assert not decisions.may_decide(walked[clerk], pending)
    # one approved by Lanzhou waits to be paid by the county; one was rejected
    approved = here.get(status=ReliefStatus.APPROVED)
    assert (approved.decided_by, approved.paid_on) == (walked["pref_lz"], None)
    assert here.get(status=ReliefStatus.REJECTED).decision_note == "申请材料不全，请补充后重新申报"
    # and the next steps go through as the demo users
    services.relief_approve(payment=pending, user=walked["pref_lz"])
    paid = services.relief_pay(payment=approved, user=walked[clerk], paid_on=timezone.localdate())
    assert paid.status == ReliefStatus.PAID


def test_the_walk_visits_filed_hardship_households_of_the_county(walked):
    visits = Visit.objects.filter(region__code="620102")
    assert visits.filter(kind=VisitKind.ENTERPRISE).exists()
    heads = set(visits.filter(kind=VisitKind.HOUSEHOLD).values_list("head_id_number", flat=True))
    filed = registry.holders(registry.HARDSHIP_HOUSEHOLD, heads)
    assert len(filed) == demo.HOUSEHOLDS_OF_THE_WALK
    # the same heads, and names, as the hardship households filed in Chengguan
    households = Household.objects.filter(head_id_number__in=filed, status=Status.FILED)
    assert set(households.values_list("union__region__code", flat=True)) == {"620102"}
    assert set(households.values_list("head_id_number", "head_name")) == set(
        visits.filter(head_id_number__in=filed).values_list("head_id_number", "name")
    )


def test_the_walk_leaves_open_cases_oldest_first_and_loans_of_every_status(walked):
    cg = walked["county_cg"]
    today = timezone.localdate()
    open_cases = list(selectors.open_case_list(user=cg))
    assert open_cases[0].received_on == today - dt.timedelta(days=820)
    assert [c.received_on for c in open_cases] == sorted(c.received_on for c in open_cases)
    statuses = set(RightsCase.objects.filter(region__code="620102").values_list("status", flat=True))
    assert statuses == {CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}
    loans = MicroLoan.objects.filter(region__code="620102")
    assert {loan.status for loan in loans} == {LoanStatus.CURRENT, LoanStatus.OVERDUE, LoanStatus.REPAID}
    assert selectors.overdue_loan_list(user=cg, today=today).exists()
    # the county user sees none of Qilihe's
    assert not selectors.loan_list(user=cg).filter(region__code="620103").exists()


def test_the_demo_years_have_every_svc_indicator(walked):
    for year in (2024, 2025):
        figures = selectors.svc_indicators(year=year, region=region("620000"))
        assert len(figures) == 23
        assert all(figures.values()), [code for code, value in figures.items() if not value]
        lanzhou = selectors.svc_indicators(year=year, region=region("620100"))
        assert lanzhou["svc.employment_services"] >= 15  # the demo counties' pinned share
