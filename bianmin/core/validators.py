"""Validators for identity numbers, credit codes and phones (SECURITY.md, GB 11643, GB 32100).

Each ``validate_*`` returns the normalised value or raises ``django.core.exceptions.ValidationError``
with a Chinese message; ``is_valid_*`` are boolean shortcuts.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# ASCII digits only ([0-9], not \d, which also matches other scripts' digits); full-width input typed through a
# Chinese input method is folded to ASCII first (``_folded``).
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE_RE = re.compile(r"^0[0-9]{2,3}[0-9]{7,8}$")
_PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,17}$")


def _folded(value: str) -> str:
    """Return ``value`` stripped, with full-width letters, digits and signs folded to ASCII (NFKC: "１２ｘ" → "12x")."""
    return unicodedata.normalize("NFKC", value or "").strip()


def id_check_char(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def validate_resident_id(value: str, *, today: dt.date | None = None) -> str:
    """Return the upper-cased 18-character resident ID, or raise ValidationError.

    Covers mainland IDs, HK/Macao/Taiwan residence permits and the 2023 permanent-residence card,
    which share the checksum. Unknown address codes are accepted (abolished counties stay valid).
    """
    raw = _folded(value).upper()
    if not _ID_RE.match(raw):
        raise ValidationError(_("身份证号码应为18位，前17位为数字，末位为数字或X"), code="format")
    try:
        born = dt.date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期不是有效日期"), code="birth_date") from None
    if born.year < 1880 or born > (today or dt.date.today()):  # noqa: DTZ011 - a date bound, not a clock rule
        raise ValidationError(_("身份证号码中的出生日期不在合理范围内"), code="birth_date")
    if id_check_char(raw[:17]) != raw[17]:
        raise ValidationError(_("身份证号码校验位错误，请核对后重新输入"), code="checksum")
    return raw


def credit_check_char(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """Return the upper-cased unified social credit code, or raise ValidationError."""
    raw = validate_credit_code_format(value)
    if credit_check_char(raw[:17]) != raw[17]:
        raise ValidationError(_("统一社会信用代码校验位错误，请核对后重新输入"), code="checksum")
    return raw


def validate_credit_code_format(value: str) -> str:
    """Return the upper-cased code if it has 18 characters of the GB 32100 alphabet (the checksum not checked:
    for the audited override of a 2015 pilot code), or raise ValidationError."""
    raw = _folded(value).upper()
    if len(raw) != 18 or any(c not in CREDIT_ALPHABET for c in raw):
        raise ValidationError(
            _("统一社会信用代码应为18位，由数字和大写字母组成（不含I、O、Z、S、V）"), code="format"
        )
    return raw


def normalise_phone(value: str) -> str:
    """Strip spaces, dashes and a +86/0086 prefix."""
    raw = re.sub(r"[\s\-()]", "", _folded(value))
    for prefix in ("+86", "0086"):
        if raw.startswith(prefix):
            raw = raw[len(prefix):]
    return raw


def validate_mobile(value: str) -> str:
    """Return the 11-digit mobile number, or raise ValidationError."""
    raw = normalise_phone(value)
    if not _MOBILE_RE.match(raw):
        raise ValidationError(_("手机号码应为以1开头的11位数字"), code="mobile")
    return raw


def validate_phone(value: str) -> str:
    """Return a mobile or landline number (0 + area code + 7–8 digits), or raise ValidationError."""
    raw = normalise_phone(value)
    if _MOBILE_RE.match(raw) or _LANDLINE_RE.match(raw):
        return raw
    raise ValidationError(_("电话号码格式不正确：手机为11位数字，座机为区号加7至8位号码"), code="phone")


def validate_passport(value: str) -> str:
    """Return a passport or travel-permit number checked for format only."""
    raw = _folded(value).upper()
    if not _PASSPORT_RE.match(raw):
        raise ValidationError(_("证件号码格式不正确"), code="format")
    return raw


def _is_valid(func, value: str) -> bool:
    try:
        func(value)
    except ValidationError:
        return False
    return True


def is_valid_resident_id(value: str) -> bool:
    """Return whether ``value`` is a valid resident ID."""
    return _is_valid(validate_resident_id, value)


def is_valid_credit_code(value: str) -> bool:
    """Return whether ``value`` is a valid unified social credit code."""
    return _is_valid(validate_credit_code, value)
