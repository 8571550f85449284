"""Patients' and families' opinions of a hospital desk (issue 14 item 4): the desk of ``testing.hospital`` with a
supervisor, and a 转院协调 case delivered to the family, ready to be rated or complained about. Imports the case
services: only tests of ``bianmin.ratings``, ``bianmin.complaints`` and the apps above them may use it."""
from __future__ import annotations

from typing import Any

from bianmin.cases import services as svc
from bianmin.cases.models import Case

from .factories import MON, at
from .hospital import hospital_cast, transfer_case, transfer_item


def hospital_opinions(org: dict[str, Any], cast: dict[str, Any], django_user_model: Any,
                      make_user: Any) -> dict[str, Any]:
    """``hospital_cast`` (the desk YY1 with 科室 YY1K1 and YY1K2 under the county center, another hospital YY2 with
    YY2K9) plus ``desk_supervisor`` (a supervisor of the desk) and the published 转院协调 item. Needs the calendar."""
    from bianmin.accounts.roles import Role

    h = hospital_cast(org, django_user_model, make_user)
    h["desk_supervisor"] = make_user(django_user_model, "desk_supervisor", Role.SUPERVISOR, h["desk"])
    h["item"] = transfer_item(cast["sysadmin"], h)
    return h


def delivered_hospital_case(h: dict[str, Any], *, hour: int = 9) -> Case:
    """A 转院协调 case at the desk accepted at ``hour`` on Monday, decided and delivered to the family (李四) two and
    three hours later: it may be rated."""
    case = transfer_case(h, hour=hour)
    svc.decide_case(actor=h["desk_a"], number=case.number, outcome="GRANTED", reasons="已联系接收医院，同意转院",
                    now=at(MON, hour + 1))
    return svc.deliver_case(actor=h["desk_a"], number=case.number, method="PICKUP", received_by="李四",
                            now=at(MON, hour + 2))
