"""Validators for identity numbers, credit codes and phones (SECURITY.md, GB 11643, GB 32100).

Each ``validate_*`` returns the normalised value or raises ``django.core.exceptions.ValidationError``
with a Chinese message; ``is_valid_*`` are boolean shortcuts.

The check characters come from ``python-stdnum`` (``stdnum.cn.ric``, ``stdnum.cn.uscc``) and international phone
prefixes are read by ``phonenumbers``; what is accepted stays our rule, which is broader than either library in
places (decision 0020): stdnum's ``validate`` refuses address codes missing from its list (abolished counties, the
HK/Macao/Taiwan residence permits, the permanent-residence card) and credit codes with letters among their first
eight characters, and phonenumbers refuses 1xx mobile ranges its data does not list yet.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: the digits and capitals without I, O, Z, S, V
# ASCII digits only ([0-9], not \d, which also matches other scripts' digits); full-width input typed through a
# Chinese input method is folded to ASCII first (``_folded``).
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_DIGITS_RE = re.compile(r"^[0-9]+$")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE_RE = re.compile(r"^0[0-9]{2,3}[0-9]{7,8}$")
_PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,17}$")
# How a number can carry China's country code: "+86…" or "0086…" (a bare "86…" is not read as one).
_INTERNATIONAL = {phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN,
                  phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_IDD}


def _folded(value: str) -> str:
    """Return ``value`` stripped, with full-width letters, digits and signs folded to ASCII (NFKC: "１２ｘ" → "12x")."""
    return unicodedata.normalize("NFKC", value or "").strip()


def id_check_char(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits; raise ValueError for anything else."""
    if len(first17) != 17 or not _DIGITS_RE.match(first17):
        raise ValueError("GB 11643 check characters are computed over 17 ASCII digits")
    return ric.calc_check_digit(first17 + "0")  # stdnum takes a whole number and ignores its last character


def validate_resident_id(value: str, *, today: dt.date | None = None) -> str:
    """Return the upper-cased 18-character resident ID, or raise ValidationError.

    Covers mainland IDs, HK/Macao/Taiwan residence permits and the 2023 permanent-residence card,
    which share the checksum. Unknown address codes are accepted (abolished counties stay valid), which is
    why stdnum's ``ric.validate`` (it looks the address code up) is not used: only its date and checksum.
    """
    raw = _folded(value).upper()
    if not _ID_RE.match(raw):
        raise ValidationError(_("身份证号码应为18位，前17位为数字，末位为数字或X"), code="format")
    try:
        born = ric.get_birth_date(raw)
    except StdnumError:
        raise ValidationError(_("身份证号码中的出生日期不是有效日期"), code="birth_date") from None
    # stdnum only checks that the date exists; the range is ours (SECURITY.md: from 1880, not in the future).
    if born.year < 1880 or born > (today or dt.date.today()):  # noqa: DTZ011 - a date bound, not a clock rule
        raise ValidationError(_("身份证号码中的出生日期不在合理范围内"), code="birth_date")
    if ric.calc_check_digit(raw) != raw[17]:
        raise ValidationError(_("身份证号码校验位错误，请核对后重新输入"), code="checksum")
    return raw


def credit_check_char(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters; raise ValueError for anything else."""
    if len(first17) != 17 or any(c not in CREDIT_ALPHABET for c in first17):
        raise ValueError("GB 32100 check characters are computed over 17 characters of its alphabet")
    return uscc.calc_check_digit(first17)


def validate_credit_code(value: str) -> str:
    """Return the upper-cased unified social credit code, or raise ValidationError.

    stdnum's ``uscc.validate`` is not used: it wants the first eight characters to be digits, while GB 32100
    lets the registration authority and the kind be letters (for example N for rural collectives).
    """
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
    """Return the number as dialled inside China: spaces, dashes and brackets stripped, and a +86/0086 prefix
    replaced by what it stands for (the trunk 0 before a landline's area code: "+86 10 1234 5678" → "01012345678").

    phonenumbers reads the international forms; a number written the national way is returned as typed, since
    phonenumbers would also take a landline without its 0. Anything else comes back stripped, for the validators
    to refuse.
    """
    raw = re.sub(r"[\s\-()]", "", _folded(value))
    if not (raw.startswith(("+", "00")) and _DIGITS_RE.match(raw.removeprefix("+"))):
        return raw
    try:
        number = phonenumbers.parse(raw, "CN", keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return raw
    if number.country_code != 86 or number.country_code_source not in _INTERNATIONAL:
        return raw
    national = phonenumbers.national_significant_number(number)
    return national if _MOBILE_RE.match(national) else "0" + national  # Beijing's area code 10 starts with 1 too


def format_phone(value: str) -> str:
    """Return a phone as people write it: a landline with a dash after its area code ("0799-6667788"; Beijing,
    Shanghai, Tianjin, Chongqing and the 02x cities have 3-digit codes), a mobile or anything else unchanged."""
    raw = normalise_phone(value)
    if not _LANDLINE_RE.match(raw):
        return value
    area = 3 if raw[1] in "12" else 4
    return f"{raw[:area]}-{raw[area:]}"


def validate_mobile(value: str) -> str:
    """Return the 11-digit mobile number, or raise ValidationError.

    Any 1[3-9] range is accepted (SECURITY.md), not only the ranges phonenumbers' data lists: a new range
    must not lock citizens out until the library is updated.
    """
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
