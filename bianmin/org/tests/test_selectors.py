"""Read-only look-ups of the org tree (``org.selectors``)."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_higher_organs_of_a_town_are_its_county_center_and_the_county_departments(cast, org):
    from bianmin.org.selectors import higher_organs

    assert {u.code for u in higher_organs(org["town_center"])} == {"C1", "D1"}
    assert {u.code for u in higher_organs(org["station"])} == {"C1", "D1", "T1"}
    assert {u.code for u in higher_organs(org["center"])} == set()
    assert {u.code for u in higher_organs(org["center"], also=org["dept"].pk)} == {"D1"}
