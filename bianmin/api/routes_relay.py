"""全程代理 endpoints: what passes through the caller's unit, one relay request with its hops, and the steps
(登记代办, 移交, 签收, 拒收) generated from ``relay.actions``.

No ``from __future__ import annotations`` (as in ``routes_actions``): the schemas' annotations stay objects."""
import datetime as dt
from typing import Any, Literal, Optional

from ninja import Router, Schema

from bianmin.relay.actions import CREATE_ACTIONS, RELAY_ACTIONS
from bianmin.relay.models import Direction, HandOverStatus, HopWarning, RelayRequest, RelayStatus
from bianmin.relay.policies import get_relay_for
from bianmin.relay.selectors import hand_overs_of, passing_through

from .auth import StaffToken
from .routes_actions import register
from .routes_cases import ERRORS

router = Router(tags=["全程代理"], auth=StaffToken())


class PersonOut(Schema):
    name: str
    phone: str


class RelayMaterialOut(Schema):
    name: str
    copies: int
    received_as: Literal["PAPER", "ELECTRONIC", "SHARED", "MISSING"]


class HopMaterialOut(Schema):
    name: str
    copies: int


class HandOverOut(Schema):
    seq: int
    direction: Direction
    from_unit: str
    from_staff: str
    to_unit: str
    materials: list[HopMaterialOut]
    sent_at: dt.datetime
    due_on: dt.date
    status: HandOverStatus
    warning_level: HopWarning
    signed_at: Optional[dt.datetime] = None  # noqa: UP045 - evaluated at runtime by ninja
    signed_by: Optional[str] = None  # noqa: UP045
    refused_at: Optional[dt.datetime] = None  # noqa: UP045
    refusal_reason: str = ""
    opinion: str = ""  # REVIEW: the 初审意见; UP after it: the opinion carried; DOWN: the result sent


class FollowUpOut(Schema):
    method: Literal["CALL", "VISIT"]
    said: str
    at: dt.datetime
    by: str


class RelayOut(Schema):
    number: str
    query_code: str
    status: RelayStatus
    item: str
    item_name: str
    applicant_name: str
    applicant_phone: str  # masked
    origin_unit: str
    deciding_unit: str
    holder_unit: str
    route: list[str]
    agent: PersonOut
    responsible: Optional[PersonOut] = None  # noqa: UP045 - the town's signer, once signed
    mandate: Literal["SCREEN", "MATERIAL"]
    expected_on: Optional[dt.date] = None  # noqa: UP045
    case: Optional[str] = None  # noqa: UP045 - the case number, once the deciding unit signed
    created_at: dt.datetime
    materials: list[RelayMaterialOut]
    hand_overs: list[HandOverOut]
    delivered_at: Optional[dt.datetime] = None  # noqa: UP045
    delivered_to: str = ""
    delivery_method: Literal["", "AGENT", "POST", "WINDOW"] = ""  # WINDOW: taken at the deciding unit
    follow_ups: list[FollowUpOut] = []
    closed_at: Optional[dt.datetime] = None  # noqa: UP045 - 归档上报


class PassingOut(Schema):
    number: str
    item_name: str
    applicant_name: str
    status: RelayStatus
    holder: str
    # SIGN: this unit signs for the waiting hop; SEND: it holds the materials; SENT: sent on by it, not yet signed
    # REVIEW: this town reviews it (初审); RESULT: the case is at this deciding unit until its result is sent back;
    # DELIVER: the result waits at this station; FOLLOW_UP: delivered, to be followed up and archived here
    waiting: Literal["SIGN", "SEND", "SENT", "REVIEW", "RESULT", "DELIVER", "FOLLOW_UP"]
    hop_to: str
    hop_due_on: Optional[dt.date] = None  # noqa: UP045
    hop_warning: HopWarning


def _person(profile: Any) -> dict[str, str]:
    return {"name": profile.name, "phone": profile.phone or profile.unit.phone}


def relay_out(relay: RelayRequest) -> dict[str, Any]:
    return {
        "number": relay.number, "query_code": relay.query_code, "status": relay.status,
        "item": relay.item_version.item.code, "item_name": relay.item_version.name,
        "applicant_name": relay.applicant_name, "applicant_phone": relay.applicant_phone_masked,
        "origin_unit": relay.origin_unit.name, "deciding_unit": relay.deciding_unit.name,
        "holder_unit": relay.holder_unit.name, "route": [stop["name"] for stop in relay.route],
        "agent": _person(relay.agent), "responsible": _person(relay.responsible) if relay.responsible else None,
        "mandate": "SCREEN" if relay.mandate_signed_on_screen else "MATERIAL", "expected_on": relay.expected_on,
        "case": relay.case.number if relay.case else None, "created_at": relay.created_at,
        "materials": [{"name": m.name, "copies": m.copies, "received_as": m.received_as}
                      for m in relay.materials.all()],
        "hand_overs": [{
            "seq": h.seq, "direction": h.direction, "from_unit": h.from_unit.name, "from_staff": h.from_staff.name,
            "to_unit": h.to_unit.name, "materials": h.materials, "sent_at": h.sent_at, "due_on": h.due_on,
            "status": h.status, "warning_level": h.warning_level, "signed_at": h.signed_at,
            "signed_by": h.signed_by.name if h.signed_by else None, "refused_at": h.refused_at,
            "refusal_reason": h.refusal_reason, "opinion": h.opinion} for h in hand_overs_of(relay)],
        "delivered_at": relay.delivered_at, "delivered_to": relay.delivered_to,
        "delivery_method": relay.delivery_method, "closed_at": relay.closed_at,
        "follow_ups": [{"method": f.method, "said": f.said, "at": f.at, "by": f.by.name}
                       for f in relay.follow_ups.select_related("by")],
    }


def _fresh(relay: RelayRequest) -> dict[str, Any]:
    return relay_out(RelayRequest.objects.select_related(
        "item_version__item", "origin_unit", "deciding_unit", "holder_unit", "agent__unit", "responsible__unit",
        "case").get(pk=relay.pk))


@router.get("/relays", response={200: list[PassingOut], **ERRORS}, summary="经过本单位的代办件（含交接期限）")
def list_relays(request):
    return [row.__dict__ for row in passing_through(request.auth)]


@router.get("/relays/{number}", response={200: RelayOut, **ERRORS}, summary="代办件详情（含每次交接）")
def get_relay(request, number: str):
    return _fresh(get_relay_for(request.auth, number))


register(router, CREATE_ACTIONS, {"register": (201, RelayOut, _fresh)})
register(router, RELAY_ACTIONS, {
    **{name: (200, RelayOut, lambda result: _fresh(result.relay))
       for name in ("hand_over", "sign", "refuse", "review", "follow_up")},
    **dict.fromkeys(("send_result", "deliver", "archive"), (200, RelayOut, _fresh))})
