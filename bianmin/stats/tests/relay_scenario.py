"""March 2026 on the relay routes of county 101, built through the relay services (shared by the stats and API tests).

Stations V1 (town T1, the cast's ``agent``) and V2 (a second town T2, ``agent2``); the item SP-01 is decided by the
department D1. Hops, with their due dates (3 working days each):
- A: V1→T1 sent Mon 3/2, due 3/5, signed 3/3 (on time); T1→D1 sent 3/3, due 3/6, signed 3/9 (late); then a 初审
  hop (T1→T1, signed on time) and a 结果回送 hop (D1→T1, signed late) written as rows; delivered 3/20 (expected
  3/24) and archived.
- B: V1→T1 sent 3/2, refused 3/4 (on time); sent again 3/4, due 3/9, never signed (late from 3/10).
- C: registered 3/2 at V1, never sent (expected 3/24, not delivered).
- D: V2→T2 sent 3/2, signed 3/3 (on time).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from bianmin.accounts.roles import Role
from bianmin.org.models import Region, RegionLevel, Unit, UnitKind
from bianmin.org.services import save_region, save_unit
from bianmin.relay import services as svc
from bianmin.relay.models import Direction, HandOver, HandOverStatus, RelayRequest, RelayStatus
from bianmin.testing.factories import MON, applicant, at
from conftest import make_user

GOOD = [{"material": "申请书", "copies": 1}, {"material": "场所平面图", "copies": 2}]
SENT = [{"name": "申请书", "copies": 1}, {"name": "场所平面图", "copies": 2}]
MAR1, MAR31 = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


def day(n: int) -> dt.date:
    return dt.date(2026, 3, n)


def _register(actor, name: str):
    return svc.register_relay(actor=actor, item_code="SP-01", applicant=applicant(name=name), materials=GOOD,
                              mandate="SCREEN", now=at(MON))


def _row(relay: RelayRequest, seq: int, direction: str, from_unit: Unit, from_staff, to_unit: Unit, sent: dt.date,
         due: dt.date, signed: dt.date) -> HandOver:
    return HandOver.objects.create(
        relay=relay, seq=seq, direction=direction, from_unit=from_unit, from_staff=from_staff, to_unit=to_unit,
        to_path=to_unit.path, materials=SENT, sent_at=at(sent), due_on=due, yellow_on=due - dt.timedelta(days=1),
        status=HandOverStatus.SIGNED, signed_at=at(signed), signed_by=to_unit.staff.first())


def build(cast: dict[str, Any], org: dict[str, Any], django_user_model) -> dict[str, Any]:
    """Build the month above (needs the ``item`` fixture); return the relays and the extra people."""
    agent, town = cast["agent"], cast["town_window"]
    dept_window = make_user(django_user_model, "dept_window", Role.WINDOW, org["dept"])
    town2_region = save_region(Region(code="10102", name="第二镇", level=RegionLevel.TOWN, parent=org["county"]))
    village2 = save_region(Region(code="1010201", name="第二村", level=RegionLevel.VILLAGE, parent=town2_region))
    town2 = save_unit(Unit(code="T2", name="第二镇便民服务中心", kind=UnitKind.TOWN_CENTER, region=town2_region,
                           parent=org["center"]))
    station2 = save_unit(Unit(code="V2", name="第二村便民服务站", kind=UnitKind.VILLAGE_STATION, region=village2,
                              parent=town2))
    agent2 = make_user(django_user_model, "agent2", Role.AGENT, station2)
    town2_window = make_user(django_user_model, "town2_window", Role.WINDOW, town2)

    a = _register(agent, "甲")
    svc.hand_over(actor=agent, number=a.number, now=at(MON, 10))
    svc.sign_for(actor=town, number=a.number, materials=SENT, now=at(day(3)))
    svc.hand_over(actor=town, number=a.number, now=at(day(3), 11))
    svc.sign_for(actor=dept_window, number=a.number, materials=SENT, now=at(day(9)))  # due 3/6: late
    # The 初审 and the way back are built by other services; their rows are what the statistics read.
    tc, dept = org["town_center"], org["dept"]
    _row(a, 3, Direction.REVIEW, tc, town.staff_profile, tc, day(10), day(20), day(12))  # on time
    _row(a, 4, Direction.DOWN, dept, dept_window.staff_profile, tc, day(13), day(18), day(19))  # late
    RelayRequest.objects.filter(pk=a.pk).update(status=RelayStatus.CLOSED, delivered_at=at(day(20)),
                                                closed_at=at(day(23)))

    b = _register(agent, "乙")
    svc.hand_over(actor=agent, number=b.number, now=at(MON, 10))
    svc.refuse_hand_over(actor=town, number=b.number, reason="场所平面图缺1份", now=at(day(4)))
    svc.hand_over(actor=agent, number=b.number, now=at(day(4), 15))  # due 3/9, never signed

    c = _register(agent, "丙")

    d = _register(agent2, "丁")
    svc.hand_over(actor=agent2, number=d.number, now=at(MON, 10))
    svc.sign_for(actor=town2_window, number=d.number, materials=SENT, now=at(day(3)))
    return {"a": a, "b": b, "c": c, "d": d, "dept_window": dept_window, "agent2": agent2,
            "town2_window": town2_window, "station2": station2}
