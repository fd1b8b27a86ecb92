"""The rules of the worker-services domain (``apps.services.rules``) as pure functions: every
case of every ``clean_*`` check, with the field it is reported under and its message, and every
``compute_*`` figure on the dates where it could go wrong (month ends, leap years, the due day
itself). No database: the rules touch none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.core.tests.factories import make_resident_id
from apps.services import rules
from apps.services.choices import LoanStatus, Programme, SchoolLevel, VisitKind

from .factories import make_credit_code, wrong_check

D = dt.date


def errors_of(rule, **kwargs) -> dict[str, list[str]]:
    """The rule's errors by field ({} when it passes)."""
    try:
        rule(**kwargs)
    except ValidationError as exc:
        return exc.message_dict
    return {}


# clean_relief: 金秋助学 names the student and the school level, the others neither ------------


def test_an_education_aid_payment_with_student_and_level_passes():
    assert (
        errors_of(
            rules.clean_relief,
            programme=Programme.JINQIU,
            student_name="李小明",
            school_level=SchoolLevel.SECONDARY_VOCATIONAL,
        )
        == {}
    )


@pytest.mark.parametrize(
    ("student_name", "school_level", "expected"),
    [
        ("", SchoolLevel.UNDERGRADUATE, {"student_name": ["金秋助学发放须填写学生姓名。"]}),
        ("   ", SchoolLevel.UNDERGRADUATE, {"student_name": ["金秋助学发放须填写学生姓名。"]}),
        (None, SchoolLevel.UNDERGRADUATE, {"student_name": ["金秋助学发放须填写学生姓名。"]}),
        ("李小明", "", {"school_level": ["金秋助学发放须填写入学层次。"]}),
        (
            "",
            "",
            {
                "student_name": ["金秋助学发放须填写学生姓名。"],
                "school_level": ["金秋助学发放须填写入学层次。"],
            },
        ),
    ],
)
def test_an_education_aid_payment_without_student_or_level_is_refused(student_name, school_level, expected):
    assert (
        errors_of(
            rules.clean_relief,
            programme=Programme.JINQIU,
            student_name=student_name,
            school_level=school_level,
        )
        == expected
    )


@pytest.mark.parametrize("programme", [Programme.WARMTH, Programme.TEMPORARY])
def test_another_programme_names_neither_student_nor_level(programme):
    assert errors_of(rules.clean_relief, programme=programme, student_name="", school_level="") == {}
    assert errors_of(rules.clean_relief, programme=programme, student_name=" ", school_level="") == {}
    assert errors_of(rules.clean_relief, programme=programme, student_name="李小明", school_level="") == {
        "student_name": ["只有金秋助学发放才填写学生姓名。"]
    }
    assert errors_of(
        rules.clean_relief, programme=programme, student_name="", school_level=SchoolLevel.UNDERGRADUATE
    ) == {"school_level": ["只有金秋助学发放才填写入学层次。"]}
    assert set(
        errors_of(
            rules.clean_relief,
            programme=programme,
            student_name="李小明",
            school_level=SchoolLevel.UNDERGRADUATE,
        )
    ) == {"student_name", "school_level"}


# clean_visit: an enterprise by a valid credit code, a household by a valid resident ID ------------


def test_valid_visits_pass_and_identifiers_are_taken_as_written_around_spaces():
    code, rid = make_credit_code(), make_resident_id()
    assert errors_of(rules.clean_visit, kind=VisitKind.ENTERPRISE, credit_code=code, head_id_number="") == {}
    assert (
        errors_of(rules.clean_visit, kind=VisitKind.ENTERPRISE, credit_code=f" {code} ", head_id_number="  ")
        == {}
    )
    assert errors_of(rules.clean_visit, kind=VisitKind.HOUSEHOLD, credit_code="", head_id_number=rid) == {}
    assert errors_of(rules.clean_visit, kind=VisitKind.HOUSEHOLD, credit_code=None, head_id_number=rid) == {}


def test_a_visit_to_an_enterprise_without_its_credit_code_is_refused():
    assert errors_of(rules.clean_visit, kind=VisitKind.ENTERPRISE, credit_code="", head_id_number="") == {
        "credit_code": ["走访企业须填写单位统一社会信用代码。"]
    }
    assert errors_of(rules.clean_visit, kind=VisitKind.ENTERPRISE, credit_code=None, head_id_number=None) == {
        "credit_code": ["走访企业须填写单位统一社会信用代码。"]
    }


def test_a_visit_to_an_enterprise_naming_a_householder_is_refused():
    errors = errors_of(
        rules.clean_visit,
        kind=VisitKind.ENTERPRISE,
        credit_code=make_credit_code(),
        head_id_number=make_resident_id(),
    )
    assert errors == {"head_id_number": ["走访企业不填写户主身份证号。"]}


def test_a_visit_to_an_enterprise_with_a_wrong_check_character_is_refused():
    code = make_credit_code()
    bad = wrong_check(code)
    errors = errors_of(rules.clean_visit, kind=VisitKind.ENTERPRISE, credit_code=bad, head_id_number="")
    assert errors == {"credit_code": [f"统一社会信用代码“{bad}”校验位错误，最后一位应为 {code[-1]}。"]}


def test_a_visit_to_an_enterprise_with_a_malformed_credit_code_is_refused():
    errors = errors_of(
        rules.clean_visit, kind=VisitKind.ENTERPRISE, credit_code="91620102ABC", head_id_number=""
    )
    assert list(errors) == ["credit_code"]
    assert "应为 18 位数字或大写字母" in errors["credit_code"][0]


def test_a_visit_to_a_household_without_the_householder_is_refused():
    assert errors_of(rules.clean_visit, kind=VisitKind.HOUSEHOLD, credit_code="", head_id_number=" ") == {
        "head_id_number": ["走访职工家庭须填写户主身份证号。"]
    }


def test_a_visit_to_a_household_naming_an_enterprise_is_refused():
    errors = errors_of(
        rules.clean_visit,
        kind=VisitKind.HOUSEHOLD,
        credit_code=make_credit_code(),
        head_id_number=make_resident_id(),
    )
    assert errors == {"credit_code": ["走访职工家庭不填写单位统一社会信用代码。"]}


def test_a_visit_to_a_household_with_a_wrong_check_character_is_refused():
    rid = make_resident_id()
    bad = wrong_check(rid)
    errors = errors_of(rules.clean_visit, kind=VisitKind.HOUSEHOLD, credit_code="", head_id_number=bad)
    assert errors == {"head_id_number": [f"身份证号“{bad}”校验位错误，最后一位应为 {rid[-1]}。"]}


def test_each_field_reports_its_own_problem_once():
    # an enterprise visit with a bad code AND a householder: both fields, each one message
    bad_code = wrong_check(make_credit_code())
    errors = errors_of(
        rules.clean_visit, kind=VisitKind.ENTERPRISE, credit_code=bad_code, head_id_number=make_resident_id()
    )
    assert errors["head_id_number"] == ["走访企业不填写户主身份证号。"]
    assert len(errors["credit_code"]) == 1 and "校验位错误" in errors["credit_code"][0]
    # a household visit naming a (bad) credit code: the rule's message, not also the check's
    errors = errors_of(
        rules.clean_visit, kind=VisitKind.HOUSEHOLD, credit_code=bad_code, head_id_number=make_resident_id()
    )
    assert errors == {"credit_code": ["走访职工家庭不填写单位统一社会信用代码。"]}


# clean_order: the later date is not before the earlier one -------------------------------------


def test_an_end_before_its_start_is_refused_under_the_field_with_both_dates():
    errors = errors_of(
        rules.clean_order,
        first=D(2024, 4, 10),
        then=D(2024, 4, 9),
        field="end_date",
        message="结束 %(then)s 早于开始 %(first)s",
    )
    assert errors == {"end_date": ["结束 2024-04-09 早于开始 2024-04-10"]}


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (D(2024, 4, 10), D(2024, 4, 10)),
        (D(2024, 4, 10), D(2025, 1, 1)),
        (None, D(2024, 1, 1)),
        (D(2024, 1, 1), None),
    ],
)
def test_same_day_later_or_missing_dates_pass(first, then):
    assert errors_of(rules.clean_order, first=first, then=then, field="x", message="%(then)s %(first)s") == {}


# needs_approval: strictly above the threshold ----------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "threshold", "expected"),
    [
        (Decimal("1999.99"), Decimal("2000.00"), False),
        (Decimal("2000.00"), Decimal("2000.00"), False),
        (Decimal("2000"), Decimal("2000.00"), False),
        (Decimal("2000.01"), Decimal("2000.00"), True),
        ("5000.01", "5000", True),
        (Decimal("0"), Decimal("0"), False),
        (Decimal("0.01"), Decimal("0"), True),
        (Decimal("999999"), None, False),
    ],
)
def test_needs_approval_only_above_the_threshold(amount, threshold, expected):
    assert rules.needs_approval(amount, threshold) is expected


def test_the_default_thresholds_cover_every_programme():
    defaults = dict(rules.DEFAULT_THRESHOLDS)
    assert defaults == {
        Programme.JINQIU: Decimal("5000.00"),
        Programme.WARMTH: Decimal("2000.00"),
        Programme.TEMPORARY: Decimal("5000.00"),
    }


# compute_due_on: months later, on the last day of a shorter month -------------------------------


@pytest.mark.parametrize(
    ("granted_on", "months", "due_on"),
    [
        (D(2024, 3, 15), 24, D(2026, 3, 15)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2023, 1, 31), 1, D(2023, 2, 28)),  # common year
        (D(2100, 1, 31), 1, D(2100, 2, 28)),  # a century is not a leap year...
        (D(2000, 1, 31), 1, D(2000, 2, 29)),  # ...unless divisible by 400
        (D(2024, 1, 31), 3, D(2024, 4, 30)),
        (D(2024, 1, 31), 2, D(2024, 3, 31)),
        (D(2024, 1, 31), 12, D(2025, 1, 31)),
        (D(2024, 1, 31), 13, D(2025, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 24, D(2026, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2024, 11, 30), 1, D(2024, 12, 30)),
        (D(2024, 12, 31), 1, D(2025, 1, 31)),
        (D(2024, 12, 31), 2, D(2025, 2, 28)),
        (D(2024, 12, 15), 12, D(2025, 12, 15)),
        (D(2024, 5, 31), 0, D(2024, 5, 31)),
    ],
)
def test_compute_due_on(granted_on, months, due_on):
    assert rules.compute_due_on(granted_on, months) == due_on


def test_the_default_term_is_two_years():
    assert rules.DEFAULT_LOAN_TERM_MONTHS == 24
    assert rules.compute_due_on(D(2024, 2, 29)) == D(2026, 2, 28)
    assert rules.compute_due_on(D(2023, 12, 31)) == D(2025, 12, 31)


# compute_loan_status and compute_days_open ---------------------------------------------------------


@pytest.mark.parametrize(
    ("repaid_on", "due_on", "today", "status"),
    [
        (None, D(2026, 3, 15), D(2026, 3, 14), LoanStatus.CURRENT),
        (None, D(2026, 3, 15), D(2026, 3, 15), LoanStatus.CURRENT),  # due today: not yet overdue
        (None, D(2026, 3, 15), D(2026, 3, 16), LoanStatus.OVERDUE),
        (D(2027, 1, 1), D(2026, 3, 15), D(2027, 6, 1), LoanStatus.REPAID),  # repaid late: repaid
        (D(2025, 1, 1), D(2026, 3, 15), D(2025, 6, 1), LoanStatus.REPAID),
        (None, None, D(2030, 1, 1), LoanStatus.CURRENT),
    ],
)
def test_compute_loan_status(repaid_on, due_on, today, status):
    assert rules.compute_loan_status(repaid_on=repaid_on, due_on=due_on, today=today) == status


@pytest.mark.parametrize(
    ("received_on", "closed_on", "today", "days"),
    [
        (D(2024, 5, 10), D(2024, 6, 30), D(2030, 1, 1), 51),  # closed: to its closing, not today
        (D(2024, 5, 10), D(2024, 5, 10), D(2030, 1, 1), 0),
        (D(2024, 12, 31), D(2025, 1, 1), D(2030, 1, 1), 1),
        (D(2024, 2, 28), D(2024, 3, 1), D(2030, 1, 1), 2),  # across 29 February
        (D(2024, 5, 10), None, D(2024, 5, 20), 10),  # open: to today
        (D(2024, 5, 10), None, D(2024, 5, 10), 0),
        (D(2024, 5, 10), None, D(2024, 5, 1), 0),  # received after "today": never negative
    ],
)
def test_compute_days_open(received_on, closed_on, today, days):
    assert rules.compute_days_open(received_on=received_on, closed_on=closed_on, today=today) == days


def test_a_standard_due_date_moves_with_a_corrected_grant_date_and_an_agreed_one_stays():
    import datetime as dt

    from apps.services.rules import compute_due_on, compute_moved_due_on

    old, new = dt.date(2024, 3, 15), dt.date(2024, 4, 1)
    assert compute_moved_due_on(granted_before=None, granted_on=new, due_on=None) == compute_due_on(new)
    assert compute_moved_due_on(
        granted_before=old, granted_on=new, due_on=compute_due_on(old)
    ) == compute_due_on(new)
    agreed = dt.date(2025, 9, 30)
    assert compute_moved_due_on(granted_before=old, granted_on=new, due_on=agreed) == agreed
