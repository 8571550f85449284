"""Server-side masking (SECURITY.md "Display masking")."""
from __future__ import annotations

import pytest

from bianmin.core.masking import mask_id_public, mask_id_staff, mask_name_public, mask_phone


def test_id_for_staff_keeps_first_three_and_last_four():
    assert mask_id_staff("11010519491231002X") == "110***********002X"
    assert mask_id_staff("440524188001010014") == "440***********0014"


def test_id_for_public_keeps_first_and_last():
    assert mask_id_public("11010519491231002X") == "1" + "*" * 16 + "X"


def test_phone():
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(("name", "masked"), [("张三丰", "张*"), ("张三", "张*"), ("欧阳娜娜", "欧*")])
def test_name_for_public(name, masked):
    assert mask_name_public(name) == masked


@pytest.mark.parametrize("func", [mask_id_staff, mask_id_public, mask_phone, mask_name_public])
def test_empty_values_stay_empty(func):
    assert func("") == ""


@pytest.mark.parametrize("func", [mask_id_staff, mask_id_public, mask_phone])
def test_short_values_reveal_nothing(func):
    assert func("12") == "**"
