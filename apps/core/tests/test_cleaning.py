"""The write-path helpers every domain's services share (apps.core.cleaning and the scope
check of apps.core.services), and the import's way of running a domain rule on a row."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.core.choices import RegionLevel
from apps.core.cleaning import (
    check_known_fields,
    check_unique,
    clean_amount,
    clean_choice,
    clean_mobile,
    clean_resident_id,
    field_error,
    required_text,
    rule_errors,
)
from apps.core.exceptions import ApplicationError
from apps.core.importing import Column, ImportResource, Row, choice_column, chunks, filter_in
from apps.core.models import AuditEntry, Region
from apps.core.services import acting_user, check_may_change
from apps.core.tests.factories import make_resident_id, region

VALID_ID = make_resident_id("620102")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _refusal(call, *args, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as exc:
        call(*args, **kwargs)
    return exc.value


def test_field_error_names_the_field_of_its_message():
    error = field_error("code", "Code X already exists.")
    assert (error.message, error.extra) == (
        "Code X already exists.",
        {"fields": {"code": ["Code X already exists."]}},
    )


def test_required_text_is_stripped_and_a_blank_is_refused_with_its_label():
    assert required_text("  张三 ", "name", "Full name") == "张三"
    error = _refusal(required_text, "  ", "name", "Full name")
    assert (error.message, error.extra["fields"]) == (
        "Full name is required.",
        {"name": ["Full name is required."]},
    )


def test_clean_choice_takes_stored_values_and_blank_only_when_allowed():
    assert clean_choice(RegionLevel.COUNTY, RegionLevel, "level") == "county"
    assert clean_choice("", RegionLevel, "level", blank=True) == ""
    error = _refusal(clean_choice, "", RegionLevel, "level")
    assert error.extra["fields"] == {"level": ["“” is not a valid choice."]}
    assert _refusal(clean_choice, "县", RegionLevel, "level").message == "“县” is not a valid choice."


def test_clean_resident_id_normalises_and_refuses_under_the_given_field():
    assert clean_resident_id(f" {VALID_ID.lower()} ", "head_id_number") == VALID_ID
    error = _refusal(clean_resident_id, "12345", "head_id_number")
    assert list(error.extra["fields"]) == ["head_id_number"]
    assert error.message == error.extra["fields"]["head_id_number"][0]


def test_clean_mobile_blank_unless_required():
    assert clean_mobile("  ") == ""
    assert clean_mobile("13812345678") == "13812345678"
    error = _refusal(clean_mobile, "", required=True)
    assert (error.message, list(error.extra["fields"])) == ("A mobile number is required.", ["phone"])
    assert list(_refusal(clean_mobile, "12345").extra["fields"]) == ["phone"]


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("100", {}, Decimal("100.00")),
        (Decimal("0.1"), {}, Decimal("0.10")),
        ("0", {"positive": False}, Decimal("0.00")),
        (None, {"positive": False, "blank_is_zero": True}, Decimal("0.00")),
        ("", {"positive": False, "blank_is_zero": True}, Decimal("0.00")),
    ],
)
def test_clean_amount_accepts_yuan_to_the_fen(value, kwargs, expected):
    assert str(clean_amount(value, **kwargs)) == str(expected)


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("0", {}, "The amount must be greater than zero."),
        ("-5", {}, "The amount must be greater than zero."),
        ("-5", {"positive": False}, "An amount cannot be negative; “-5” is."),
        ("1.234", {}, "An amount has at most two decimals; “1.234” has more."),
        ("一百", {}, "“一百” is not an amount of money."),
        ("NaN", {}, "“NaN” is not an amount of money."),
        (None, {}, "“None” is not an amount of money."),
    ],
)
def test_clean_amount_refuses_with_the_field(value, kwargs, message):
    error = _refusal(clean_amount, value, "income", **kwargs)
    assert (error.message, error.extra["fields"]) == (message, {"income": [message]})


def test_check_known_fields_names_the_unknown_ones_sorted():
    check_known_fields({"name": 1}, ("name", "code"))
    assert (
        _refusal(check_known_fields, {"z": 1, "a": 2, "name": 3}, ("name",)).message == "Unknown fields: a, z"
    )


@pytest.mark.django_db
def test_check_unique_refuses_a_taken_value_but_not_the_record_itself():
    county = region("620102")
    check_unique(Region, "code", "629999", "taken")
    error = _refusal(check_unique, Region, "code", "620102", "Region code 620102 already exists.")
    assert error.extra["fields"] == {"code": ["Region code 620102 already exists."]}
    check_unique(Region, "code", "620102", "taken", exclude_pk=county.pk)


@pytest.mark.django_db
def test_check_may_change_lets_the_system_and_the_region_in_and_refuses_others(county_user):
    # the default rules (AuditEntry has none of its own): a county user changes its own county
    check_may_change(None, region("620103").pk, AuditEntry)
    check_may_change(county_user, region("620102").pk, AuditEntry)
    assert _refusal(check_may_change, county_user, region("620103").pk, AuditEntry).message == (
        "You may not change records of this region."
    )
    custom = _refusal(check_may_change, county_user, region("620103").pk, AuditEntry, "Not your households.")
    assert custom.message == "Not your households."
    # a model's own rules apply: county users change no regions, not even their own
    assert _refusal(check_may_change, county_user, region("620102").pk, Region).message == (
        "You may not change records of this region."
    )


@pytest.mark.django_db
def test_acting_user_is_the_signed_in_user_only(county_user):
    from django.contrib.auth.models import AnonymousUser

    assert (acting_user(county_user), acting_user(AnonymousUser()), acting_user(None)) == (
        county_user,
        None,
        None,
    )


def test_rule_errors_turn_a_rules_validation_error_into_the_services_error():
    with pytest.raises(ApplicationError) as exc, rule_errors():
        raise ValidationError({"paid_on": "Too early.", "amount": "Too small."})
    assert exc.value.message == "Too early."
    assert exc.value.extra["fields"] == {"paid_on": ["Too early."], "amount": ["Too small."]}


# The import's side of a rule ------------------------------------------------------------------


class _Resource(ImportResource):
    name = "test_rules"
    model = Region
    columns = [
        Column("代码", "code", key=True),
        choice_column("级别", "level", RegionLevel),
        choice_column("上级级别", "parent_level", RegionLevel, required=False),
    ]


def _rule(*, level: str, code: str) -> None:
    errors = {}
    if level != RegionLevel.TOWNSHIP:
        errors["level"] = "Only townships."
    if len(code) != 9:
        errors["region_code"] = "Nine digits."
    if errors:
        raise ValidationError(errors)


def test_check_rule_puts_each_message_under_its_fields_column():
    resource, row = _Resource(), Row(number=7, raw={})
    assert resource.check_rule(row, _rule, level="township", code="620102001") is True
    assert row.errors == []
    passed = resource.check_rule(row, _rule, fields={"region_code": "code"}, level="county", code="62")
    assert passed is False
    assert [str(e) for e in row.errors] == [
        "第 7 行【级别】：Only townships.",
        "第 7 行【代码】：Nine digits.",
    ]


def test_a_choice_column_reads_labels_and_writes_them_back():
    level, parent_level = _Resource.columns[1], _Resource.columns[2]
    assert (level.required, parent_level.required) == (True, False)
    assert level.parse("县区") == RegionLevel.COUNTY
    assert parent_level.parse("") == ""
    assert level.export(Region(level=RegionLevel.TOWNSHIP)) == "乡镇(街道)"


def test_chunks_split_in_order():
    assert [list(c) for c in chunks([1, 2, 3, 4, 5], 2)] == [[1, 2], [3, 4], [5]]


@pytest.mark.django_db
def test_filter_in_looks_up_the_values_and_ignores_blanks():
    found = {
        r.code for r in filter_in(Region.objects.all(), "code", ["620102", "", None, "620103", "620102"])
    }
    assert found == {"620102", "620103"}
