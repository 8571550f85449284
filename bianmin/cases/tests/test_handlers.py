"""Transfers of the first handler (``cases.services.handlers``)."""

import pytest

from bianmin.cases import services as svc
from bianmin.core.errors import DomainError
from bianmin.testing.cases import receive
from bianmin.testing.factories import MONDAY

pytestmark = pytest.mark.django_db


def test_a_case_is_transferred_only_to_staff_who_can_see_it(cast, item):
    case = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    with pytest.raises(DomainError) as exc:  # a town clerk cannot see a county-center case
        svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-town_window", reason="调岗",
                             now=MONDAY)
    assert "to_badge" in exc.value.fields
    town_case = svc.accept_case(actor=cast["town_window"], number=receive(cast, who="town_window").number,
                                now=MONDAY)
    transfer = svc.request_transfer(actor=cast["town_window"], number=town_case.number, to_badge="B-window_a",
                                    reason="需县中心办理", now=MONDAY)  # the county center sees the town's cases
    assert transfer.to_handler == cast["window_a"].staff_profile
