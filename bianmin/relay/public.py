"""The public view of a relay request (代办件): where it is, hop by hop, for whoever holds its number and query code
(issue 13 item 5, decision 0023 §5).

Nothing about the applicant is read here: no name, phone, ID, address, nor the words staff wrote (a refusal's
reason, a review opinion), which may name people. The agent's name and badge are public (上墙公示), as a case
handler's are."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum

from bianmin.cases.models import DeliveryMethod
from bianmin.cases.selectors import PublicStatus, public_lookup
from bianmin.cases.workflow import Status

from .models import Direction, HandOver, HandOverStatus, RelayRequest, RelayStatus


class StepKind(StrEnum):
    """What a step of the public hop chain says (the API's ``kind``; the words are in ``RelayStep.words``)."""

    RECEIVED = "RECEIVED"  # the station took the request
    SENT = "SENT"  # materials sent up to a unit
    SIGNED = "SIGNED"  # a unit signed for materials (up or down)
    REFUSED = "REFUSED"  # a unit refused them; they went back to the sender
    REVIEWING = "REVIEWING"  # the lower organ's 初审 (Art. 43) is running
    REVIEWED = "REVIEWED"  # it is done
    CASE = "CASE"  # the deciding organ's case changed status (accepted, decided, …)
    RESULT_SENT = "RESULT_SENT"  # the result sent down to a unit
    AT_STATION = "AT_STATION"  # the result is at the station
    DELIVERED = "DELIVERED"  # delivered to the applicant
    CLOSED = "CLOSED"  # archived


# The case's status changes that the chain shows in between (its RECEIVED is the deciding unit's signature, and its
# delivery and archive are the relay's own steps).
CASE_STATUSES_SHOWN = (Status.SUPPLEMENT, Status.ACCEPTED, Status.NOT_ACCEPTED, Status.IN_PROGRESS, Status.DECIDED,
                       Status.WITHDRAWN, Status.RETURNED)
DELIVERY_WORDS = {DeliveryMethod.POST.value: "已邮寄送达", "WINDOW": "已送达（决定机关窗口领取）"}
# The relay states in which the result has reached the station (or was delivered past it).
RESULT_ARRIVED = (RelayStatus.AT_STATION, RelayStatus.DELIVERED, RelayStatus.CLOSED)


@dataclass(frozen=True)
class RelayStep:
    """One step of the hop chain: the unit where it happened, what happened in words, when; ``due_on`` is the
    deadline of a step still waiting (a hop not yet signed for, a review running), else None."""

    kind: StepKind
    unit: str
    words: str
    at: dt.datetime | None
    due_on: dt.date | None = None


@dataclass(frozen=True)
class PublicRelay:
    """A relay request as the public lookup shows it."""

    number: str
    item: str
    status: str
    status_label: str
    expected_on: dt.date | None
    route: list[str]
    agent_name: str
    agent_badge: str
    steps: list[RelayStep]
    # The case the deciding organ opened, with its own public status (acceptance, deadlines, pauses, decision).
    case: PublicStatus | None = None
    waiting_on: dt.date | None = None  # the deadline of the step now waiting, if any


def _hop_steps(hop: HandOver) -> list[RelayStep]:
    to = hop.to_unit.name
    waiting = hop.status == HandOverStatus.SENT
    if hop.direction == Direction.REVIEW:
        if waiting:
            return [RelayStep(StepKind.REVIEWING, to, f"{to} 初审中（期限 {hop.due_on:%Y-%m-%d}）", hop.sent_at,
                              hop.due_on)]
        return [RelayStep(StepKind.REVIEWED, to, f"{to} 初审完成", hop.signed_at or hop.refused_at)]
    if hop.direction == Direction.DOWN:
        sent = RelayStep(StepKind.RESULT_SENT, hop.from_unit.name, f"办理结果回送 → {to}", hop.sent_at,
                         hop.due_on if waiting else None)
    else:
        sent = RelayStep(StepKind.SENT, hop.from_unit.name, f"移交 → {to}", hop.sent_at,
                         hop.due_on if waiting else None)
    if hop.status == HandOverStatus.SIGNED:
        return [sent, RelayStep(StepKind.SIGNED, to, f"{to} 已签收", hop.signed_at)]
    if hop.status == HandOverStatus.REFUSED:  # the reason is staff's words: not shown
        return [sent, RelayStep(StepKind.REFUSED, to, f"{to} 拒收（材料退回移交单位）", hop.refused_at)]
    return [sent]


def _case_steps(relay: RelayRequest) -> list[RelayStep]:
    """Return the deciding organ's status changes of the relay's case (accepted, decided, …), one step each."""
    from bianmin.cases.models import CaseEvent

    case = relay.case
    if case is None:
        return []
    unit = case.unit.name
    return [RelayStep(StepKind.CASE, unit, f"{unit} {Status(to_status).label}", at)
            for to_status, at in CaseEvent.objects.filter(case=case, to_status__in=CASE_STATUSES_SHOWN)
            .order_by("at", "id").values_list("to_status", "at")]


def _arrival(relay: RelayRequest, hops: list[HandOver]) -> dt.datetime | None:
    """Return when the result reached the station: the last signed hop down to it."""
    down = [h for h in hops if h.direction == Direction.DOWN and h.status == HandOverStatus.SIGNED
            and h.to_unit_id == relay.origin_unit_id]
    return down[-1].signed_at if down else None


def public_relay(number: str, code: str) -> PublicRelay | None:
    """Return the public hop chain of relay ``number`` when ``code`` is its query code; None otherwise (an unknown
    number and a wrong code alike). Raises nothing."""
    relay = (RelayRequest.objects.select_related("item_version", "origin_unit", "deciding_unit", "holder_unit",
                                                 "agent", "case__unit")
             .filter(number=(number or "").strip().upper()[:32]).first())
    given = (code or "").strip().upper()
    if relay is None or not given or not secrets.compare_digest(relay.query_code.encode(), given.encode()):
        return None
    hops = list(relay.hand_overs.select_related("from_unit", "to_unit").order_by("seq"))
    origin = relay.origin_unit.name
    steps = [RelayStep(StepKind.RECEIVED, origin, f"{origin} 已收件", relay.created_at)]
    for hop in hops:
        steps += _hop_steps(hop)
    steps += _case_steps(relay)
    case_status = public_lookup(relay.case.number, relay.case.query_code) if relay.case is not None else None
    if relay.status in RESULT_ARRIVED:
        words = "结果已到代办站，待领取" if relay.status == RelayStatus.AT_STATION else "结果已到代办站"
        arrived = _arrival(relay, hops)
        if arrived is not None or relay.status == RelayStatus.AT_STATION:
            steps.append(RelayStep(StepKind.AT_STATION, origin, words, arrived))
    if relay.delivered_at is not None:
        # By the station's agent ("AGENT"), by post from the deciding unit, or taken at the deciding unit's window.
        at_deciding = relay.delivery_method in (DeliveryMethod.POST, "WINDOW")
        steps.append(RelayStep(StepKind.DELIVERED, relay.deciding_unit.name if at_deciding else origin,
                               DELIVERY_WORDS.get(relay.delivery_method, "已送达"), relay.delivered_at))
    if relay.status == RelayStatus.CLOSED:
        steps.append(RelayStep(StepKind.CLOSED, relay.holder_unit.name, "已归档", relay.closed_at))
    # In time order (a stable sort: what happened at one moment keeps the order above); a step without a time
    # keeps its place after the one before it.
    timed: list[tuple[dt.datetime, RelayStep]] = []
    for step in steps:
        timed.append((step.at or (timed[-1][0] if timed else relay.created_at), step))
    ordered = [step for _, step in sorted(timed, key=lambda pair: pair[0])]
    waiting = next((s.due_on for s in reversed(ordered) if s.due_on is not None), None)
    return PublicRelay(number=relay.number, item=relay.item_version.name, status=relay.status,
                       status_label=RelayStatus(relay.status).label, expected_on=relay.expected_on,
                       route=[str(stop.get("name", "")) for stop in relay.route],
                       agent_name=relay.agent.name, agent_badge=relay.agent.badge_number,
                       steps=ordered, case=case_status, waiting_on=waiting)
