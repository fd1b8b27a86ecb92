import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.choices import AuditAction
from apps.core.decisions import DecisionRefused
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry
from apps.core.tests.factories import make_resident_id, region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .. import rules, services
from ..choices import AidKind, Category, Relation, Status, Step
from ..models import Disbursement, FilingStep, Household, IdClaim
from .factories import FamilyMemberFactory, FiledHouseholdFactory, HouseholdFactory, standard
from .helpers import end_notice, walk

pytestmark = pytest.mark.django_db


def _state(h: Household) -> tuple:
    h = Household.objects.get(pk=h.pk)
    return (h.status, h.filed_on, h.notice_ends_on, FilingStep.objects.filter(household=h).count())


@pytest.fixture
def household(county_user):
    standard("620000", amount="800.00")
    return services.household_create(
        user=county_user,
        union=GrassrootsUnionFactory(),
        head_name="张明",
        head_id_number=make_resident_id("620102"),
        category=Category.RELATIVE,
        causes=["illness", "education"],
        head_income="1200.00",
        rigid_expenses="300.00",
    )


# Pure functions ---------------------------------------------------------------------------


def test_per_capita_income_subtracts_rigid_expenses_and_rounds_half_up():
    figures = rules.compute_family_figures(
        incomes=[Decimal("1000.00"), Decimal("500.00"), Decimal("0.01")], rigid_expenses=Decimal("0")
    )
    assert figures == rules.FamilyFigures(3, Decimal("1500.01"), Decimal("500.00"))  # 500.0033
    assert rules.compute_per_capita_income(
        family_income=Decimal("1000.00"), rigid_expenses=Decimal("999.99"), family_size=2
    ) == Decimal("0.01")  # 0.005 rounds half up
    assert rules.compute_per_capita_income(
        family_income=Decimal("100"), rigid_expenses=Decimal("300"), family_size=1
    ) == Decimal("0.00")


@pytest.mark.parametrize(
    ("per_capita", "suggested"),
    [
        ("799.99", Category.DEEP),
        ("800.00", Category.RELATIVE),
        ("1600.00", Category.RELATIVE),
        ("1600.01", ""),
    ],
)
def test_suggested_category_boundaries(per_capita, suggested):
    assert (
        services.suggested_category(per_capita=Decimal(per_capita), standard=Decimal("800.00")) == suggested
    )


def test_living_standard_is_taken_from_the_nearest_region_above(db):
    year = 2030
    standard("620000", year=year, amount="700.00")
    standard("620100", year=year, amount="760.00")
    assert services.living_standard_for(region("620102"), year).monthly_amount == Decimal("760.00")
    assert services.living_standard_for(region("623001"), year).monthly_amount == Decimal("700.00")
    assert services.living_standard_for(region("620102"), year + 1) is None


# The seven steps ----------------------------------------------------------------------


def test_full_filing_records_who_when_note_and_files(household, county_user, prefecture_user):
    FamilyMemberFactory(household=household, monthly_income=Decimal("600.00"), relation=Relation.SPOUSE)
    h = walk(household, county_user, until=Step.NOTICE)
    assert h.status == Status.NOTICE
    assert h.notice_ends_on == timezone.localdate() + dt.timedelta(days=6)
    # calculate: (1200 + 600 - 300) / 2
    assert (h.family_size, h.family_income, h.per_capita_income, h.living_standard) == (
        2,
        Decimal("1800.00"),
        Decimal("750.00"),
        Decimal("800.00"),
    )
    h = end_notice(h)
    h = services.household_advance(household=h, user=prefecture_user, step=Step.REVIEW, note="同意建档")
    assert (h.status, h.filed_on) == (Status.FILED, timezone.localdate())
    steps = list(
        FilingStep.objects.filter(household=h).order_by("id").values_list("step", "username", "note")
    )
    assert [s[0] for s in steps] == [
        "visit",
        "inspect",
        "calculate",
        "deliberate",
        "evaluate",
        "notice",
        "review",
    ]
    assert steps[0][1:] == ("county_cg", "进：完成")
    assert steps[-1][1:] == ("pref_lz", "同意建档")
    assert FilingStep.objects.get(household=h, step=Step.VISIT).attachments == "材料.pdf"
    assert FilingStep.objects.get(household=h, step=Step.REVIEW).attachments == ""
    assert set(IdClaim.objects.filter(household=h).values_list("id_number", flat=True)) == set(
        services.household_id_numbers(h)
    )
    assert AuditEntry.objects.filter(object_id=str(h.pk), note="七步法：审核").count() == 1


def test_skipping_a_step_is_refused_and_changes_nothing(household, county_user):
    before = _state(household)
    with pytest.raises(ApplicationError, match="“Calculate”.*“Visit”"):
        services.household_advance(household=household, user=county_user, step=Step.CALCULATE, note="x")
    assert _state(household) == before


def test_repeating_a_step_is_refused_and_changes_nothing(household, county_user):
    h = walk(household, county_user, until=Step.INSPECT)
    before = _state(h)
    with pytest.raises(ApplicationError, match="next step is “Calculate”"):
        services.household_advance(household=h, user=county_user, step=Step.VISIT, note="again")
    assert _state(h) == before


def test_unknown_step_is_refused(household, county_user):
    with pytest.raises(ApplicationError, match="is not a step of the filing"):
        services.household_advance(household=household, user=county_user, step="filed", note="")


def test_the_entering_county_user_cannot_review(household, county_user):
    h = end_notice(walk(household, county_user))
    before = _state(h)
    with pytest.raises(
        DecisionRefused,
        match="Only Prefecture union, Provincial federation staff may review the hardship household",
    ):
        services.household_advance(household=h, user=county_user, step=Step.REVIEW)
    assert _state(h) == before


def test_the_entering_user_cannot_review_even_as_prefecture_user(county_user, prefecture_user):
    standard("620000")
    h = services.household_create(
        user=None,
        union=GrassrootsUnionFactory(),
        head_name="李",
        head_id_number=make_resident_id(),
        category=Category.DEEP,
        causes=["illness"],
    )
    Household.objects.filter(pk=h.pk).update(created_by=prefecture_user)
    h.refresh_from_db()
    h = end_notice(walk(h, county_user))
    with pytest.raises(DecisionRefused, match="Four eyes: .* may not review the hardship household"):
        services.household_advance(household=h, user=prefecture_user, step=Step.REVIEW)
    assert Household.objects.get(pk=h.pk).status == Status.NOTICE


def test_a_prefecture_outside_the_household_cannot_review(household, county_user):
    from apps.core.choices import Role
    from apps.core.tests.factories import UserFactory

    other_pref = UserFactory(username="pref_gn", role=Role.PREFECTURE, region=region("623000"))
    h = end_notice(walk(household, county_user))
    with pytest.raises(DecisionRefused, match="staff responsible for this region may review"):
        services.household_advance(household=h, user=other_pref, step=Step.REVIEW)
    assert Household.objects.get(pk=h.pk).status == Status.NOTICE


def test_province_user_reviews(household, county_user, province_user):
    h = end_notice(walk(household, county_user))
    h = services.household_advance(household=h, user=province_user, step=Step.REVIEW)
    assert h.status == Status.FILED


def test_other_county_user_cannot_advance(household, other_county_user):
    with pytest.raises(ApplicationError, match="may not change"):
        services.household_advance(household=household, user=other_county_user, step=Step.VISIT, note="x")
    assert Household.objects.get(pk=household.pk).status == Status.NEW


def test_review_before_the_notice_ends_is_refused(household, county_user, prefecture_user):
    h = walk(household, county_user)
    with pytest.raises(ApplicationError, match=str(h.notice_ends_on)):
        services.household_advance(household=h, user=prefecture_user, step=Step.REVIEW)
    assert _state(h)[0] == Status.NOTICE


def test_notice_days_come_from_the_setting(household, county_user, settings):
    settings.HARDSHIP_NOTICE_DAYS = 10
    h = walk(household, county_user)
    assert h.notice_ends_on == timezone.localdate() + dt.timedelta(days=9)


def test_objection_during_the_notice_sends_the_case_back_to_deliberation(household, county_user):
    h = walk(household, county_user)
    h = services.household_object(household=h, user=county_user, note="邻居反映有经营收入")
    assert (h.status, h.notice_ends_on) == (Status.CALCULATED, None)
    assert services.next_step(h) == Step.DELIBERATE
    assert FilingStep.objects.filter(household=h, step=Step.OBJECTION, note="邻居反映有经营收入").count() == 1
    # the case runs again from deliberation
    for step in (Step.DELIBERATE, Step.EVALUATE, Step.NOTICE):
        h = services.household_advance(household=h, user=county_user, step=step, note="复议")
    assert h.status == Status.NOTICE


def test_objection_after_the_notice_or_outside_it_is_refused(household, county_user):
    with pytest.raises(ApplicationError, match="during the public notice"):
        services.household_object(household=household, user=county_user, note="x")
    h = end_notice(walk(household, county_user))
    with pytest.raises(ApplicationError, match="has ended"):
        services.household_object(household=h, user=county_user, note="x")
    assert Household.objects.get(pk=h.pk).status == Status.NOTICE


def test_calculation_without_a_living_standard_is_refused(county_user):
    h = HouseholdFactory(status=Status.INSPECTED)
    with pytest.raises(ApplicationError, match="minimum living standard"):
        services.household_advance(household=h, user=county_user, step=Step.CALCULATE, note="")
    assert Household.objects.get(pk=h.pk).status == Status.INSPECTED


def test_evaluation_needs_a_note_and_may_set_the_category(household, county_user):
    h = walk(household, county_user, until=Step.DELIBERATE)
    with pytest.raises(ApplicationError, match="Write the conclusion of this step in the note"):
        services.household_advance(household=h, user=county_user, step=Step.EVALUATE, note="")
    h = services.household_advance(
        household=h, user=county_user, step=Step.EVALUATE, note="评定为深度困难", category=Category.DEEP
    )
    assert h.category == Category.DEEP


def test_family_cannot_change_after_the_calculation(household, county_user):
    member = FamilyMemberFactory(household=household)
    h = walk(household, county_user, until=Step.CALCULATE)
    with pytest.raises(ApplicationError, match="before the calculation"):
        services.member_add(
            household=h, user=county_user, name="新", id_number=make_resident_id(), relation="child"
        )
    with pytest.raises(ApplicationError, match="before the calculation"):
        services.member_update(member=member, user=county_user, monthly_income="0")
    with pytest.raises(ApplicationError, match="before the calculation"):
        services.household_update(household=h, user=county_user, head_income="0")


def test_household_update_changes_only_the_filers_inputs(household, county_user):
    """The union, the computed figures and the filing status are not the update's to change."""
    union, status = household.union_id, household.status
    other_union = GrassrootsUnionFactory(region=household.union.region)
    for field, value in (("union", other_union), ("per_capita_income", "1"), ("status", "filed")):
        with pytest.raises(ApplicationError, match=f"Unknown fields: {field}"):
            services.household_update(household=household, user=county_user, **{field: value}, head_name="改")
    household.refresh_from_db()
    assert (household.union_id, household.status) == (union, status)
    assert household.head_name != "改"  # a refused update changes nothing
    h = services.household_update(household=household, user=county_user, head_name="  新户主 ")
    assert h.head_name == "新户主"


def test_member_add_validates_the_resident_id(household, county_user):
    with pytest.raises(ApplicationError, match="has a wrong check character: it should end in 3"):
        services.member_add(
            household=household, user=county_user, name="错", id_number="620102199001011230", relation="child"
        )
    with pytest.raises(ApplicationError, match="This is the head's resident ID"):
        services.member_add(
            household=household,
            user=county_user,
            name="同",
            id_number=household.head_id_number,
            relation="child",
        )
    assert household.members.count() == 0


def test_create_refuses_bad_input_and_other_county(county_user):
    union = GrassrootsUnionFactory()
    with pytest.raises(ApplicationError, match="must have 18 characters, it has 3"):
        services.household_create(
            user=county_user,
            union=union,
            head_name="x",
            head_id_number="123",
            category="deep",
            causes=["illness"],
        )
    with pytest.raises(ApplicationError, match="cause"):
        services.household_create(
            user=county_user,
            union=union,
            head_name="x",
            head_id_number=make_resident_id(),
            category="deep",
            causes=[],
        )
    other = GrassrootsUnionFactory(region=region("620103"))
    with pytest.raises(ApplicationError, match="may not change"):
        services.household_create(
            user=county_user,
            union=other,
            head_name="x",
            head_id_number=make_resident_id(),
            category="deep",
            causes=["illness"],
        )
    assert Household.objects.count() == 0


# Information comparison ------------------------------------------------------------------


def test_an_id_filed_elsewhere_in_the_province_blocks_filing(household, county_user, prefecture_user):
    far_union = GrassrootsUnionFactory(region=region("623001"))
    other = FiledHouseholdFactory(union=far_union, head_name="不应显示的姓名")
    FamilyMemberFactory(household=household, id_number=other.head_id_number)
    h = end_notice(walk(household, county_user))
    before = _state(h)
    with pytest.raises(ApplicationError) as exc:
        services.household_advance(household=h, user=prefecture_user, step=Step.REVIEW)
    assert exc.value.extra["conflicts"] == [
        {
            "id_number": other.head_id_number[:6] + "********" + other.head_id_number[-4:],
            "county": "合作市",
            "status": "Filed",  # in the language of the request (these tests run in English)
        }
    ]
    assert "不应显示的姓名" not in exc.value.message
    assert "合作市" in exc.value.message
    assert _state(h) == before
    assert not IdClaim.objects.filter(household=h).exists()


def test_an_id_in_another_in_progress_household_blocks_filing(household, county_user, province_user):
    other = HouseholdFactory(union=GrassrootsUnionFactory(region=region("620103")), status=Status.VISITED)
    FamilyMemberFactory(household=other, id_number=household.head_id_number)
    h = end_notice(walk(household, county_user))
    with pytest.raises(
        ApplicationError, match="Information comparison found resident IDs in other households.* 七里河区"
    ):
        services.household_advance(household=h, user=province_user, step=Step.REVIEW)
    # withdrawing the other filing lifts the block
    services.household_withdraw(household=other, user=None, reason="重复登记")
    h = services.household_advance(household=h, user=province_user, step=Step.REVIEW)
    assert h.status == Status.FILED


def test_exited_households_do_not_conflict(household, county_user, province_user):
    old = FiledHouseholdFactory(head_id_number=household.head_id_number)
    services.household_exit(household=old, user=None, exited_on=dt.date(2024, 1, 1), reason="收入提高")
    h = end_notice(walk(household, county_user))
    h = services.household_advance(household=h, user=province_user, step=Step.REVIEW)
    assert h.status == Status.FILED


def test_hardship_id_numbers_returns_ids_of_filed_not_exited_households(db):
    filed = FiledHouseholdFactory()
    member = FamilyMemberFactory(household=filed)
    IdClaim.objects.create(id_number=member.id_number, household=filed)
    exited = FiledHouseholdFactory()
    services.household_exit(household=exited, user=None, exited_on=dt.date(2024, 1, 1), reason="r")
    progress = HouseholdFactory()
    from ..selectors import hardship_id_numbers

    asked = [filed.head_id_number, member.id_number, exited.head_id_number, progress.head_id_number, "x"]
    assert hardship_id_numbers(asked) == {filed.head_id_number, member.id_number}
    assert hardship_id_numbers([]) == set()


# Dynamic management ---------------------------------------------------------------------


def test_exit_and_reentry_keep_the_history(county_user):
    h = FiledHouseholdFactory()
    FamilyMemberFactory(household=h)
    h = services.household_exit(
        household=h, user=county_user, exited_on=dt.date(2024, 6, 30), reason="再就业"
    )
    assert (h.status, h.exited_on, h.exit_reason) == (Status.EXITED, dt.date(2024, 6, 30), "再就业")
    assert not IdClaim.objects.filter(household=h).exists()
    new = services.household_reenter(household=h, user=county_user, note="再次致困")
    assert (new.status, new.previous_id, new.head_id_number, new.members.count()) == (
        Status.NEW,
        h.pk,
        h.head_id_number,
        1,
    )
    old = Household.objects.get(pk=h.pk)
    assert (old.status, old.filed_on, old.exited_on) == (
        Status.EXITED,
        dt.date(2023, 5, 1),
        dt.date(2024, 6, 30),
    )
    with pytest.raises(ApplicationError, match="already exists"):
        services.household_reenter(household=old, user=county_user)


def test_exit_rules(county_user):
    h = FiledHouseholdFactory()
    with pytest.raises(ApplicationError, match="after the filing"):
        services.household_exit(household=h, user=county_user, exited_on=dt.date(2023, 5, 1), reason="r")
    with pytest.raises(ApplicationError, match="reason"):
        services.household_exit(household=h, user=county_user, exited_on=dt.date(2024, 5, 1), reason=" ")
    with pytest.raises(ApplicationError, match="future"):
        services.household_exit(
            household=h, user=county_user, exited_on=timezone.localdate() + dt.timedelta(days=1), reason="r"
        )
    assert Household.objects.get(pk=h.pk).status == Status.FILED
    with pytest.raises(ApplicationError, match="Only a filed"):
        services.household_exit(
            household=HouseholdFactory(), user=county_user, exited_on=dt.date(2024, 5, 1), reason="r"
        )


def test_recheck_list_holds_households_not_rechecked_in_12_months(county_user):
    from ..selectors import recheck_due

    today = dt.date(2025, 6, 15)
    due = FiledHouseholdFactory(last_checked_on=dt.date(2024, 6, 15))
    fresh = FiledHouseholdFactory(last_checked_on=dt.date(2024, 6, 16))
    assert set(recheck_due(user=county_user, today=today)) == {due}
    services.household_recheck(
        household=due, user=county_user, checked_on=timezone.localdate(), note="复核通过"
    )
    assert set(recheck_due(user=county_user, today=today)) == set()
    assert due.rechecks.get().note == "复核通过"
    assert fresh.pk


# Aid ----------------------------------------------------------------------------------


def test_disbursement_to_a_filed_household(county_user):
    h = FiledHouseholdFactory()
    d = services.disbursement_create(
        household=h,
        user=county_user,
        kind=AidKind.EDUCATION,
        amount="1500.00",
        paid_on=dt.date(2024, 9, 1),
        fund_source="金秋助学金",
        student_name="张小明",
    )
    assert (d.amount, d.student_name, d.number.startswith("BF20240901")) == (
        Decimal("1500.00"),
        "张小明",
        True,
    )
    assert AuditEntry.objects.filter(object_id=str(d.pk), action=AuditAction.CREATE).count() == 1


def test_disbursement_to_an_exited_household_is_refused(county_user):
    h = FiledHouseholdFactory()
    services.household_exit(household=h, user=None, exited_on=dt.date(2024, 1, 1), reason="r")
    with pytest.raises(ApplicationError, match="exited on 2024-01-01"):
        services.disbursement_create(
            household=h, user=county_user, kind=AidKind.LIVING, amount="100", paid_on=dt.date(2024, 2, 1)
        )
    assert Disbursement.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": "一百元"}, "amount"),
        ({"amount": "0"}, "greater than zero"),
        ({"amount": "1.234"}, "at most two decimals"),
        ({"paid_on": dt.date(2023, 4, 30)}, "before the filing date"),
        ({"kind": AidKind.EDUCATION}, "student"),
        ({"kind": "cash"}, "not a valid choice"),
    ],
)
def test_disbursement_bad_input_is_refused(county_user, kwargs, message):
    h = FiledHouseholdFactory()
    data = {"kind": AidKind.LIVING, "amount": "100.00", "paid_on": dt.date(2024, 2, 1), **kwargs}
    with pytest.raises(ApplicationError, match=message):
        services.disbursement_create(household=h, user=county_user, **data)
    assert Disbursement.objects.count() == 0


def test_disbursement_to_an_unfiled_household_is_refused(county_user):
    with pytest.raises(ApplicationError, match="filed household"):
        services.disbursement_create(
            household=HouseholdFactory(),
            user=county_user,
            kind=AidKind.LIVING,
            amount="1",
            paid_on=dt.date(2024, 1, 1),
        )


def test_yearly_totals(db):
    from ..selectors import household_yearly_totals

    h = FiledHouseholdFactory()
    from .factories import DisbursementFactory

    DisbursementFactory(household=h, amount=Decimal("100.10"), paid_on=dt.date(2024, 1, 1))
    DisbursementFactory(household=h, amount=Decimal("200.20"), paid_on=dt.date(2024, 12, 31))
    DisbursementFactory(household=h, amount=Decimal("50.00"), paid_on=dt.date(2025, 1, 1))
    assert household_yearly_totals(h) == [
        {"year": 2025, "total": Decimal("50.00"), "count": 1},
        {"year": 2024, "total": Decimal("300.30"), "count": 2},
    ]


def test_living_standard_set_is_for_administrators(county_user, admin_user):
    with pytest.raises(ApplicationError, match="administrators"):
        services.living_standard_set(
            region=region("620100"), year=2031, monthly_amount="700", user=county_user
        )
    s = services.living_standard_set(
        region=region("620100"), year=2031, monthly_amount="700", user=admin_user
    )
    s2 = services.living_standard_set(
        region=region("620100"), year=2031, monthly_amount="720.50", user=admin_user
    )
    assert (s.pk, s2.monthly_amount) == (s2.pk, Decimal("720.50"))
