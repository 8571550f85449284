"""Identity numbers, credit codes and phones (SECURITY.md "Validation", GB 11643, GB 32100)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bianmin.core.validators import (
    CREDIT_ALPHABET,
    credit_check_char,
    id_check_char,
    is_valid_credit_code,
    is_valid_resident_id,
    validate_credit_code,
    validate_mobile,
    validate_phone,
    validate_resident_id,
)

TODAY = dt.date(2026, 3, 2)


def make_id(first17: str) -> str:
    return first17 + id_check_char(first17)


def message(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# -- resident IDs -------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["440524188001010014", "11010519491231002X"])
def test_standard_examples_are_valid(value):
    assert validate_resident_id(value, today=TODAY) == value
    assert is_valid_resident_id(value)


def test_check_character_matches_the_examples():
    assert id_check_char("44052418800101001") == "4"
    assert id_check_char("11010519491231002") == "X"


def test_lower_case_x_is_accepted_and_upper_cased():
    assert validate_resident_id("11010519491231002x", today=TODAY) == "11010519491231002X"


def test_wrong_check_character():
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id("110105194912310021", today=TODAY)
    assert "校验位" in message(excinfo)
    assert not is_valid_resident_id("110105194912310021")


@pytest.mark.parametrize("birth", ["19491331", "19490230", "19000229", "19490100"])
def test_birth_date_must_be_a_real_date(birth):
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(make_id("110105" + birth + "002"), today=TODAY)
    assert "出生日期" in message(excinfo)


def test_leap_day_is_a_real_date():
    value = make_id("11010520000229002")
    assert validate_resident_id(value, today=TODAY) == value


def test_birth_date_must_not_be_in_the_future():
    value = make_id("11010520260303002")
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(value, today=TODAY)
    assert "出生日期" in message(excinfo)
    assert validate_resident_id(value, today=dt.date(2026, 3, 3)) == value  # born today


@pytest.mark.parametrize("value", ["", "1101051949123100", "11010519491231002", "11010519491231002X1",
                                   "1101051949123100XX", "11010519491231002Y", "ABCDEF19491231002X"])
def test_wrong_format(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(value, today=TODAY)
    assert "18位" in message(excinfo)


def test_unknown_address_code_is_accepted():
    value = make_id("99999919800101001")
    assert validate_resident_id(value, today=TODAY) == value


@pytest.mark.parametrize("first17", [
    "81000019900101001",  # Hong Kong residence permit
    "82000019851231002",  # Macao
    "83000020000229003",  # Taiwan
    "93115619850612001",  # 2023 foreigner permanent-residence card (first digit 9)
])
def test_permits_share_the_checksum(first17):
    value = make_id(first17)
    assert validate_resident_id(value, today=TODAY) == value
    wrong = first17 + ("0" if value[-1] != "0" else "1")
    assert not is_valid_resident_id(wrong)


def test_any_single_digit_change_is_caught():
    valid = "11010519491231002X"
    for i in range(17):
        for digit in "0123456789":
            if digit != valid[i]:
                changed = valid[:i] + digit + valid[i + 1:]
                assert not is_valid_resident_id(changed), changed


# -- unified social credit codes ----------------------------------------------------------------------
@pytest.mark.parametrize("value", ["91350100M000100Y43", "91110000600037341L"])
def test_credit_code_examples(value):
    assert validate_credit_code(value) == value
    assert validate_credit_code(value.lower()) == value
    assert credit_check_char(value[:17]) == value[17]
    assert is_valid_credit_code(value)


def test_credit_code_single_change_is_caught():
    valid = "91350100M000100Y43"
    for i in range(18):
        for c in CREDIT_ALPHABET:
            if c != valid[i]:
                assert not is_valid_credit_code(valid[:i] + c + valid[i + 1:])
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code("91350100M000100Y44")
    assert "校验位" in message(excinfo)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_credit_code_rejects_excluded_letters(letter):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code("91350100" + letter + "000100Y43")
    assert "不含I、O、Z、S、V" in message(excinfo)


@pytest.mark.parametrize("value", ["", "91350100M000100Y4", "91350100M000100Y431", "91350100M000100Y4-"])
def test_credit_code_wrong_length_or_characters(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(value)
    assert "18位" in message(excinfo)


# -- phones ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
                                   "+86-13812345678", "0086 13812345678", "008613812345678", " 13812345678 "])
def test_mobile_is_normalised(value):
    assert validate_mobile(value) == "13812345678"
    assert validate_phone(value) == "13812345678"


@pytest.mark.parametrize("value", ["12345678901", "1381234567", "138123456789", "23812345678", "1381234567a", ""])
def test_mobile_invalid(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_mobile(value)
    assert "手机号码" in message(excinfo)


@pytest.mark.parametrize(("value", "normalised"), [("0799-6123456", "07996123456"),
                                                   ("010-12345678", "01012345678"),
                                                   ("0755 8765 4321", "075587654321")])
def test_landline_is_a_valid_phone(value, normalised):
    assert validate_phone(value) == normalised


def test_landline_is_not_a_mobile():
    with pytest.raises(ValidationError):
        validate_mobile("0799-6123456")


@pytest.mark.parametrize("value", ["12345678901", "799-6123456", "0799-12345", "0799-123456789"])
def test_phone_invalid(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_phone(value)
    assert "电话号码格式不正确" in message(excinfo)


def test_full_width_input_is_folded_to_ascii():
    assert validate_resident_id("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert validate_phone("１３８－０００１－１１１１") == "13800011111"
    assert validate_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize("value", [
    "٤٤٠٥٢٤١٨٨٠٠١٠١٠٠١٤",  # Arabic-Indic digits: "digits" to \\d, not to GB 11643
    "४४०५२४१८८००१०१००१४",  # Devanagari
])
def test_digits_of_other_scripts_are_refused(value):
    with pytest.raises(ValidationError):
        validate_resident_id(value)
    with pytest.raises(ValidationError):
        validate_phone(value[:11])


# -- our rules on top of python-stdnum and phonenumbers (decision 0020) ----------------------------------------------
def test_our_range_of_birth_years_is_kept_on_top_of_the_library():
    value = make_id("11010518791231002")  # a real date, so stdnum alone would accept it
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(value, today=TODAY)
    assert excinfo.value.code == "birth_date"


def test_address_codes_stdnum_does_not_list_are_accepted():
    from stdnum.cn import ric

    for value in ("440524188001010014", make_id("81000019900101001"), make_id("99999919800101001")):
        assert not ric.is_valid(value)  # stdnum looks the address code up; SECURITY.md says not to
        assert validate_resident_id(value, today=TODAY) == value


def test_credit_codes_with_letters_for_the_authority_and_kind_are_accepted():
    from stdnum.cn import uscc

    value = "N2350100MA0000000" + credit_check_char("N2350100MA0000000")  # GB 32100: N = agriculture
    assert not uscc.is_valid(value)  # stdnum wants eight leading digits
    assert validate_credit_code(value) == value


def test_check_characters_need_seventeen_characters():
    for bad in ("1101051949123100", "110105194912310021", "11010519491231００２"):
        with pytest.raises(ValueError):
            id_check_char(bad)
    with pytest.raises(ValueError):
        credit_check_char("91350100M000100Y")


@pytest.mark.parametrize("value", ["14012345678", "+86 179 1234 5678", "0086 194 1234 5678"])
def test_mobile_ranges_the_library_does_not_list_are_accepted(value):
    import phonenumbers

    assert not phonenumbers.is_valid_number(phonenumbers.parse(value, "CN"))
    assert validate_mobile(value) == value.replace(" ", "")[-11:]


@pytest.mark.parametrize(("value", "normalised"), [("+86 10 1234 5678", "01012345678"),
                                                   ("+86 (0)799 612 3456", "07996123456"),
                                                   ("0086 755 8765 4321", "075587654321")])
def test_an_international_landline_gets_its_trunk_zero(value, normalised):
    assert validate_phone(value) == normalised
    with pytest.raises(ValidationError):
        validate_mobile(value)


@pytest.mark.parametrize("value", ["8613812345678", "+1 415 555 2671", "+86 138 1234 5678 ext 9", "tel:13812345678"])
def test_only_plus_86_and_0086_are_read_as_the_country_code(value):
    with pytest.raises(ValidationError):
        validate_phone(value)


def test_a_mobile_written_with_plus_86_and_a_superfluous_zero_is_the_mobile():
    assert validate_mobile("+86 0138 1234 5678") == "13812345678"
