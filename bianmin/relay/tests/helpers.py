"""Plain helpers of the relay tests."""
from __future__ import annotations

from typing import Any

from bianmin.relay import services as svc
from bianmin.testing.factories import MON, applicant, at

GOOD = [{"material": "申请书", "copies": 1}, {"material": "场所平面图", "copies": 2}]
SENT = [{"name": "申请书", "copies": 1}, {"name": "场所平面图", "copies": 2}]


def register(cast: dict[str, Any], code: str = "SP-01", **overrides: Any):
    data: dict[str, Any] = {"actor": cast["agent"], "item_code": code, "applicant": applicant(),
                            "materials": GOOD, "mandate": "SCREEN", "now": at(MON)}
    data.update(overrides)
    return svc.register_relay(**data)
