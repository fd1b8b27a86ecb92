import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from apps.core.validators import (
    ID_CHECK,
    USCC_ALPHABET,
    mask_resident_id,
    resident_id_birth_date,
    resident_id_check_char,
    resident_id_is_female,
    uscc_check_char,
    validate_credit_code,
    validate_mobile,
    validate_resident_id,
    validate_union_credit_code,
)

# The GB 11643 sample number and real-world-shaped Gansu numbers.
VALID_IDS = ["11010519491231002X", "620102199003071234"[:17] + resident_id_check_char("62010219900307123")]


@pytest.mark.parametrize("value", VALID_IDS)
def test_valid_resident_ids_pass_and_are_normalised(value):
    assert validate_resident_id(f" {value.lower()} ") == value


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("11010519491231002", "id_length", "18"),
        ("1101051949123100AX", "id_chars", "1101051949123100AX"),
        ("99010519491231002X", "id_province", "99"),
        ("110105194902300028", "id_birth", "19490230"),
        ("110105209901010011", "id_birth", "20990101"),
        ("110105194912310021", "id_check", "X"),
    ],
)
def test_invalid_resident_ids_are_refused_with_a_chinese_message(value, code, fragment):
    with pytest.raises(ValidationError) as info:
        validate_resident_id(value)
    err = info.value
    assert err.code == code
    message = err.messages[0]
    assert "身份证号" in message
    assert fragment in message


def test_birth_date_and_sex_derive_from_the_id():
    assert resident_id_birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert resident_id_is_female("11010519491231002X") is True  # 17th digit 2: even
    assert resident_id_is_female("11010519491231001" + resident_id_check_char("11010519491231001")) is False


def test_mask_keeps_region_and_last_four():
    assert mask_resident_id("620102199003071234") == "620102********1234"
    assert mask_resident_id("") == ""
    assert mask_resident_id("12345") == "*****"


ids17 = st.builds(
    lambda prefix, birth, seq: f"{prefix}{birth:%Y%m%d}{seq:03d}",
    st.sampled_from(["110105", "620102", "623001", "440305"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


@given(ids17)
def test_every_id_with_its_check_character_is_valid(first17):
    value = first17 + resident_id_check_char(first17)
    assert validate_resident_id(value) == value


@given(ids17, st.sampled_from(list(ID_CHECK)))
def test_any_other_check_character_is_refused(first17, char):
    if char == resident_id_check_char(first17):
        return
    with pytest.raises(ValidationError, match="校验位错误，最后一位应为"):
        validate_resident_id(first17 + char)


@given(ids17, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_a_single_digit_typo_is_caught(first17, pos, delta):
    value = first17 + resident_id_check_char(first17)
    typo = value[:pos] + str((int(value[pos]) + delta) % 10) + value[pos + 1 :]
    with pytest.raises(
        ValidationError,
        match=r"身份证号“\w{18}”(的省级代码 \d\d 不存在|中的出生日期 \d{8} 不合理|校验位错误)",
    ):
        validate_resident_id(typo)


@pytest.mark.parametrize("value", ["91350100M000100Y43", "91110000802100433B"])
def test_known_credit_codes_pass(value):
    assert validate_credit_code(value.lower()) == value


@pytest.mark.parametrize(
    ("value", "code"),
    [("91350100M000100Y44", "uscc_check"), ("91350100M00010OY43", "uscc_format"), ("9135", "uscc_format")],
)
def test_bad_credit_codes_are_refused(value, code):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(value)
    assert info.value.code == code
    assert "统一社会信用代码" in info.value.messages[0]


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_credit_code_with_its_check_character_is_valid(first17):
    assert validate_credit_code(first17 + uscc_check_char(first17)) == first17 + uscc_check_char(first17)


def test_union_credit_code_must_start_with_81():
    union = "81620000MC000000" + "1"
    union += uscc_check_char(union)
    assert validate_union_credit_code(union) == union
    with pytest.raises(ValidationError) as info:
        validate_union_credit_code("91350100M000100Y43")
    assert "81" in info.value.messages[0]


@pytest.mark.parametrize("value", ["13800138000", "+86 139-3100-0000", "19912345678"])
def test_mobile_numbers_pass(value):
    assert len(validate_mobile(value)) == 11


@pytest.mark.parametrize("value", ["1380013800", "23800138000", "12800138000", "1380013800a"])
def test_bad_mobile_numbers_are_refused(value):
    with pytest.raises(ValidationError) as info:
        validate_mobile(value)
    assert "手机号" in info.value.messages[0]
