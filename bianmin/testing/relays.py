"""Relay requests for the tests of the public lookup and the 工作台 (issue 13 item 5): one carried up through the
services, and the way back written as rows (the lead's way-back services are built alongside)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from bianmin.catalog.services import create_item
from bianmin.relay import services as rsvc
from bianmin.relay.models import Direction, HandOver, HandOverStatus, RelayRequest, RelayStatus

from .factories import MATERIALS, MON, NOW, applicant, at, item_content

GOOD = [rsvc.RelayMaterialRow(material="申请书", copies=1), rsvc.RelayMaterialRow(material="场所平面图", copies=2)]
SENT = [rsvc.RelayMaterialRow(name="申请书", copies=1), rsvc.RelayMaterialRow(name="场所平面图", copies=2)]
TUE, WED, THU, FRI = (MON + dt.timedelta(days=n) for n in range(1, 5))
# Personal data of the relay's applicant that must never reach a public answer.
APPLICANT = applicant(name="柳青禾", phone="13912345678", address="测试县青石村88号")


def county_item(cast: dict[str, Any]) -> Any:
    """Publish XJ-01, a county item with no implementing department: decided at the county center C1."""
    return create_item(actor=cast["sysadmin"], code="XJ-01", basic_code="XJ", content=item_content(name="县级事项"),
                       materials=MATERIALS, fees=[], faqs=[], now=NOW, publish=True)


def registered(cast: dict[str, Any], *, code: str = "XJ-01", now: dt.datetime | None = None) -> RelayRequest:
    return rsvc.register_relay(actor=cast["agent"], item_code=code, applicant=dict(APPLICANT), materials=GOOD,
                               mandate="SCREEN", now=now or at(MON))


def opened_at_county(cast: dict[str, Any]) -> RelayRequest:
    """Carry a relay V1 → T1 (signed Tue) → C1 (signed Wed, the case opened) through the services."""
    relay = registered(cast)
    rsvc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 10))
    rsvc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE))
    rsvc.hand_over(actor=cast["town_window"], number=relay.number, now=at(TUE, 11))
    rsvc.sign_for(actor=cast["window_a"], number=relay.number, materials=SENT, now=at(WED))
    relay.refresh_from_db()
    return relay


def hop(relay: RelayRequest, *, direction: str, from_unit: Any, to_unit: Any, sender: Any, sent_at: dt.datetime,
        due_on: dt.date, signer: Any = None, signed_at: dt.datetime | None = None) -> HandOver:
    """Write one hop as a row (signed when ``signer`` is given)."""
    seq = relay.hand_overs.count() + 1
    return HandOver.objects.create(
        relay=relay, seq=seq, direction=direction, from_unit=from_unit, from_staff=sender, to_unit=to_unit,
        to_path=to_unit.path, materials=[{"name": "准予许可决定书", "copies": 1}], sent_at=sent_at, due_on=due_on,
        yellow_on=due_on - dt.timedelta(days=1),
        status=HandOverStatus.SIGNED if signer else HandOverStatus.SENT, signed_at=signed_at if signer else None,
        signed_by=signer)


def brought_back(cast: dict[str, Any], org: dict[str, Any], relay: RelayRequest) -> RelayRequest:
    """Write the way back: C1 → T1 (Thu), T1 → V1 (Fri), at the station, delivered, archived."""
    town, agent = cast["town_window"].staff_profile, cast["agent"].staff_profile
    hop(relay, direction=Direction.DOWN, from_unit=org["center"], to_unit=org["town_center"],
        sender=cast["window_a"].staff_profile, sent_at=at(THU), due_on=FRI + dt.timedelta(days=3), signer=town,
        signed_at=at(THU, 15))
    hop(relay, direction=Direction.DOWN, from_unit=org["town_center"], to_unit=org["station"], sender=town,
        sent_at=at(FRI), due_on=FRI + dt.timedelta(days=5), signer=agent, signed_at=at(FRI, 14))
    RelayRequest.objects.filter(pk=relay.pk).update(
        status=RelayStatus.CLOSED, holder_unit=org["station"], delivered_at=at(FRI, 16), delivered_to="柳青禾",
        delivery_method="AGENT", closed_at=at(FRI, 17))
    relay.refresh_from_db()
    return relay
