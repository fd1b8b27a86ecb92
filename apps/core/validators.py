"""One validator per identifier, with messages a county clerk can act on.

Each ``validate_*`` raises ``django.core.exceptions.ValidationError`` and returns the
normalised value, so forms, serializers, imports and services share the same rules.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# GB/T 2260 province-level prefixes (incl. Hong Kong 81, Macao 82, Taiwan 71/83 on permits).
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def _recent_cutoff() -> dt.date:
    return dt.date.today() - dt.timedelta(days=2)


def resident_id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalize_resident_id(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def validate_resident_id(value: str) -> str:
    """GB 11643: 18 characters, known province, real birth date, correct check character."""
    v = normalize_resident_id(value)
    if len(v) != 18:
        raise ValidationError(
            _("Resident ID “%(value)s” must have 18 characters, it has %(n)s."),
            code="id_length",
            params={"value": value, "n": len(v)},
        )
    if not _ID_RE.match(v):
        raise ValidationError(
            _("Resident ID “%(value)s” may contain only digits, with 0-9 or X as the last character."),
            code="id_chars",
            params={"value": value},
        )
    if v[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(
            _("Resident ID “%(value)s” starts with an unknown province code %(prefix)s."),
            code="id_province",
            params={"value": value, "prefix": v[:2]},
        )
    birth = resident_id_birth_date(v)
    # localdate() is costly (thread-local time zone) and only matters for births of the last days
    if (
        birth is None
        or birth < dt.date(1900, 1, 1)
        or (birth >= _recent_cutoff() and birth > timezone.localdate())
    ):
        raise ValidationError(
            _("Resident ID “%(value)s” holds an impossible birth date %(birth)s."),
            code="id_birth",
            params={"value": value, "birth": v[6:14]},
        )
    expected = resident_id_check_char(v[:17])
    if v[17] != expected:
        raise ValidationError(
            _("Resident ID “%(value)s” has a wrong check character: it should end in %(expected)s."),
            code="id_check",
            params={"value": value, "expected": expected},
        )
    return v


def resident_id_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def resident_id_is_female(value: str) -> bool:
    """The 17th digit is odd for men, even for women."""
    return int(value[16]) % 2 == 0


def mask_resident_id(value: str) -> str:
    """``620102199001011234`` → ``620102********1234``; anything shorter is hidden whole."""
    if not value:
        return value
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


# GB 32100: 18 characters from this alphabet (no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """Unified social credit code (GB 32100) with its check character."""
    v = (value or "").strip().upper()
    if len(v) != 18 or not _USCC_RE.match(v):
        raise ValidationError(
            _(
                "Unified social credit code “%(value)s” must be 18 characters of digits and capital "
                "letters (without I, O, Z, S, V)."
            ),
            code="uscc_format",
            params={"value": value},
        )
    expected = uscc_check_char(v[:17])
    if v[17] != expected:
        raise ValidationError(
            _(
                "Unified social credit code “%(value)s” has a wrong check character: it should end in %(expected)s."
            ),
            code="uscc_check",
            params={"value": value, "expected": expected},
        )
    return v


def validate_union_credit_code(value: str) -> str:
    """A union's own credit code: registered by mass organisations (8), as a union (1)."""
    v = validate_credit_code(value)
    if not v.startswith("81"):
        raise ValidationError(
            _("A union's credit code must start with 81; “%(value)s” does not."),
            code="uscc_union",
            params={"value": value},
        )
    return v


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str) -> str:
    v = (value or "").strip().replace(" ", "").replace("-", "")
    if v.startswith("+86"):
        v = v[3:]
    if not _MOBILE_RE.match(v):
        raise ValidationError(
            _("Mobile number “%(value)s” must be 11 digits starting with 1."),
            code="mobile",
            params={"value": value},
        )
    return v


def is_digits(value: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts "³" and other characters that int()
    refuses (a 500 in a filter)."""
    return value.isascii() and value.isdigit()
