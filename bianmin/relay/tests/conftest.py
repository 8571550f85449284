"""Relay fixtures: a town item, a county item implemented by the department D1, and staff at D1."""
from __future__ import annotations

import pytest

from bianmin.accounts.roles import Role
from bianmin.catalog.services import create_item
from bianmin.testing.factories import MATERIALS, NOW, item_content
from conftest import make_user


@pytest.fixture
def town_item(cast, calendar, org):
    """ZJ-01 宅基地审批初审, a town item (5 committed working days, none at the county)."""
    return create_item(actor=cast["sysadmin"], code="ZJ-01", basic_code="ZJ", content=item_content(
        name="农村宅基地申请", level="TOWN", committed_limit=5, legal_limit=20,
        implementing_organ="测试镇人民政府"), materials=MATERIALS, fees=[], faqs=[], now=NOW, publish=True)


@pytest.fixture
def village_item(cast, calendar, org):
    return create_item(actor=cast["sysadmin"], code="CJ-01", basic_code="CJ", content=item_content(
        name="村级证明", level="VILLAGE", implementing_organ="测试村委会"), materials=MATERIALS, fees=[], faqs=[],
        now=NOW, publish=True)


@pytest.fixture
def dept_window(org, django_user_model):
    """A window clerk of the department D1 (the deciding unit of SP-01)."""
    return make_user(django_user_model, "dept_window", Role.WINDOW, org["dept"])


@pytest.fixture
def town_agent(org, django_user_model):
    """An agent (代办员) at the town center: may sign for, not open cases."""
    return make_user(django_user_model, "town_agent", Role.AGENT, org["town_center"])
