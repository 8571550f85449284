"""A complaint about window_a registered at the county center's 监督投诉台, and a supervisor at the town center."""
from __future__ import annotations

import pytest

from bianmin.accounts.roles import Role
from bianmin.complaints import services as svc
from bianmin.testing.factories import MON, at
from conftest import make_user

NAME, PHONE = "申诉人王小明", "13912345678"


def register(cast, **overrides):
    data = {"channel": "DESK", "kind": "ATTITUDE", "subject_type": "STAFF",
            "staff": cast["window_a"].staff_profile.badge_number, "matter": "窗口工作人员态度生硬，拒绝解释补正理由",
            "name": NAME, "phone": PHONE, "now": at(MON)}
    data.update(overrides)
    actor = data.pop("actor", cast["supervisor"])
    return svc.register_complaint(actor=actor, **data)


@pytest.fixture
def complaint(cast, calendar):
    return register(cast)


@pytest.fixture
def town_supervisor(org, django_user_model):
    return make_user(django_user_model, "town_supervisor", Role.SUPERVISOR, org["town_center"])
