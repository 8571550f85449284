import pytest

from bianmin.core.paging import MAX_PAGE, InvalidParameter, page_of

ROWS = list(range(45))


@pytest.mark.parametrize("raw,number", [(None, 1), ("", 1), ("2", 2), ("3", 3), ("99", 3), (str(MAX_PAGE), 3)])
def test_a_page_number_in_range_gives_that_page_or_the_last(raw, number):
    assert page_of(ROWS, 20, raw).number == number


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", "1e3", str(MAX_PAGE + 1), "9" * 30, "9" * 5000, "٣"])
def test_anything_else_is_a_400_naming_the_field(raw):
    with pytest.raises(InvalidParameter) as exc:
        page_of(ROWS, 20, raw)
    assert exc.value.field == "page" and "页码" in exc.value.message
