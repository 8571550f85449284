"""The demo history's relay requests (全程代理, issue 13): about thirty 代办件 taken at the village stations and carried
through ``bianmin.relay.services``, in every state.

Each relay follows a fixed script of working days from the day it was taken (hand-over the same day, the town signs
the next, the county the day after, …, decision, the result back down, delivery, 回访, archive) and stops at the
stage its plan names, so that whatever the day the demo is loaded, there are relays just registered, in transit,
refused once and sent again, in the town's 初审 (行政许可法第四十三条, for the items with ``lower_review_days``),
opened at the deciding unit with the case accepted or decided, on the way back, waiting at the station, delivered,
followed up and archived. One hop is signed days after its limit, so the sweep records a ``RELAY_HOP_LATE``
violation. Relays that stop midway start in the last working days, so no other limit (the case's intake, start and
result limits, the other hops') is missed by the way; finished ones are spread over the history.

The relays draw from their own random generator, so the rest of the history is the same with or without them.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bianmin.cases import services as cases
from bianmin.catalog.models import ItemLevel, ItemVersion, MaterialSource
from bianmin.org.models import StaffProfile, Unit, UnitKind
from bianmin.org.selectors import higher_organs
from bianmin.relay import services as relay
from bianmin.relay.models import HandOver, RelayRequest
from bianmin.relay.services import RelayMaterialRow

from .history_cases import DENIALS, handler_of
from .people import person_name, synthetic_id, synthetic_mobile

if TYPE_CHECKING:
    from .history import History, Life

SEED = 2613
# How far a relay goes, in order (a plan stops after its stage).
STAGES = ("registered", "sent", "at_town", "reviewing", "sent_up", "opened", "accepted", "decided", "result_sent",
          "returning", "at_station", "delivered", "followed_up", "closed")
# Working days each stage ends after the relay was taken (without a refusal, a late hop or a 初审): a plan that stops
# midway starts this many working days (plus ``slack``) before the last one, so it stands there today.
ENDS = {"registered": 0, "sent": 0, "at_town": 1, "reviewing": 1, "sent_up": 1, "opened": 2, "accepted": 2,
        "decided": 4, "result_sent": 4, "returning": 5, "at_station": 6, "delivered": 7, "followed_up": 9,
        "closed": 9}
REVIEW_TAKES = 6  # working days the town's 初审 takes (its limit is the item's, 20)
LATE_BY = 2  # working days a late hop is signed after its limit


@dataclass(frozen=True)
class RelayPlan:
    """One demo relay: the station, the item (by kind: COUNTY, TOWN or REVIEW), how far it goes, and its incidents.
    ``ago`` places a finished relay in the history (working days before the last one); a relay that stops midway
    is placed by its stage."""

    station: str
    kind: str
    stage: str
    refused: bool = False  # the town refuses the first hand-over (a count that does not match), the agent re-sends
    late: bool = False  # the town signs for the first hand-over days after its limit (the sweep records it)
    by_post: bool = False  # the result is posted to the applicant instead of coming down the route
    ago: int = 0
    slack: int = 0


PLANS = [
    # just registered (the agent has not handed over yet), and in transit to the town
    RelayPlan("V01", "COUNTY", "registered"), RelayPlan("V03", "TOWN", "registered"),
    RelayPlan("V05", "COUNTY", "registered"),
    RelayPlan("V01", "TOWN", "sent"), RelayPlan("V04", "COUNTY", "sent", slack=1), RelayPlan("V06", "TOWN", "sent"),
    # at the town: signed (one after a refusal and a second hand-over), one on its way up to the county
    RelayPlan("V02", "COUNTY", "at_town", refused=True), RelayPlan("V03", "COUNTY", "at_town"),
    RelayPlan("V01", "COUNTY", "sent_up"),
    # the town's 初审 (行政许可法第四十三条), running
    RelayPlan("V01", "REVIEW", "reviewing", slack=2), RelayPlan("V04", "REVIEW", "reviewing", slack=5),
    # at the deciding unit: the case received, accepted, decided
    RelayPlan("V01", "COUNTY", "opened"), RelayPlan("V02", "TOWN", "accepted"), RelayPlan("V05", "COUNTY", "accepted"),
    RelayPlan("V01", "COUNTY", "decided"),
    # the result on its way back, at the station waiting to be delivered
    RelayPlan("V03", "COUNTY", "result_sent"), RelayPlan("V01", "COUNTY", "returning"),
    # (a town route is shorter: it starts a day later, so its result arrived within the station's delivery limit)
    RelayPlan("V01", "COUNTY", "at_station"), RelayPlan("V06", "TOWN", "at_station", slack=-1),
    # delivered, followed up, archived (over the months of the history)
    RelayPlan("V02", "COUNTY", "delivered"), RelayPlan("V04", "TOWN", "followed_up"),
    RelayPlan("V01", "COUNTY", "closed", ago=52), RelayPlan("V01", "TOWN", "closed", ago=45, refused=True),
    RelayPlan("V03", "COUNTY", "closed", ago=38, late=True),
    RelayPlan("V01", "REVIEW", "closed", ago=33), RelayPlan("V05", "TOWN", "closed", ago=28),
    RelayPlan("V06", "COUNTY", "closed", ago=24, by_post=True),
    RelayPlan("V01", "COUNTY", "closed", ago=15),
]
# What villagers ask their agent to carry (others of the catalogue are taken when these are missing).
RELAYED = {"YX-0002", "YX-0003", "YX-0006", "YX-0010", "YX-0022", "YX-0023", "YX-0024", "YX-0026"}
SAID = ["证件已收到，代办员送上门，很满意", "不用跑县城就办好了，感谢代办员", "办理很快，对服务满意",
        "结果已收到，希望以后也能这样代办", "代办员讲得很清楚，满意"]
REVIEWS = ["经实地踏勘，建房位置符合村庄规划，不占用基本农田，同意上报",
           "经现场核查，四邻无异议，建筑层数和高度符合要求，同意上报"]
REFUSED = ["清点发现申请表只有1份，与移交清单的2份不符", "身份证复印件缺页，与移交清单不符"]


class Relays:
    """The cast and the items of the relays, and the moments their steps happen."""

    def __init__(self, h: History) -> None:
        self.h = h
        self.rng = random.Random(SEED)
        self.agents = {p.unit.code: p for p in h.cast.agents if p.unit.kind == UnitKind.VILLAGE_STATION}
        self.desks = h.cast.desks
        eligible: dict[str, list[ItemVersion]] = {"COUNTY": [], "TOWN": [], "REVIEW": []}
        for code in sorted(h.cast.versions):
            version = h.cast.versions[code]
            if version.level not in (ItemLevel.COUNTY, ItemLevel.TOWN):
                continue
            kind = UnitKind.TOWN_CENTER if version.level == ItemLevel.TOWN else UnitKind.COUNTY_CENTER
            # Long enough to stand accepted for a few days (not a 即办).
            if version.committed_limit_at(kind) < 5 or version.default_class == "IMMEDIATE":
                continue
            key = "TOWN" if version.level == ItemLevel.TOWN else "REVIEW" if version.lower_review_days else "COUNTY"
            eligible[key].append(version)
        self.items = {key: [v for v in versions if v.item.code in RELAYED] or versions
                      for key, versions in eligible.items()}

    # ---- time ----

    def moment(self, day: dt.date, after: dt.datetime | None = None) -> dt.datetime:
        """Return a moment of office hours on ``day`` (working day or the next), later than ``after``."""
        day = self.h.workday(day)
        start = self.h.at(day, dt.time(8, 40) if self.rng.random() < 0.6 else dt.time(14, 40))
        moment = start + dt.timedelta(minutes=self.rng.randrange(0, 150))
        if after is not None and moment <= after:
            moment = after + dt.timedelta(minutes=self.rng.randrange(10, 45))
        return moment

    def next_day(self, days: int = 1) -> dt.datetime:
        """Return a moment ``days`` working days after the current step."""
        return self.moment(self.h.workday(self.h.day_of(self.h.t), days))

    def soon(self) -> dt.datetime:
        return self.h.t + dt.timedelta(minutes=self.rng.randrange(10, 50))

    # ---- people ----

    def clerk_of(self, unit: Unit, version: ItemVersion | None = None) -> StaffProfile:
        """Return the window clerk who works the relay at ``unit``: the stationed department's window for its
        items, else the comprehensive window (A, now and then B)."""
        desks = [d for d in self.desks if d.unit.pk == unit.pk]
        own = [d for d in desks if version is not None and d.department_id == version.implementing_unit_id]
        desk = (own or [d for d in desks if d.department_id is None] or desks)[0]
        return desk.b if desk.b is not None and self.rng.random() < 0.2 else desk.a

    def applicant(self, station: Unit) -> dict[str, Any]:
        village = station.name.removesuffix("便民服务站")
        town = station.parent.name.removesuffix("便民服务中心") if station.parent else ""
        born = self.h.today - dt.timedelta(days=self.rng.randrange(25 * 365, 75 * 365))
        return {"kind": "PERSON", "name": person_name(self.rng), "id_type": "RESIDENT_ID",
                "id_number": synthetic_id(self.rng, born=born), "phone": synthetic_mobile(self.rng),
                "address": f"云溪县{town}{village}{self.rng.randrange(1, 9)}组{self.rng.randrange(1, 60)}号"}


def relays(h: History, workdays: list[dt.date]) -> None:
    """Spawn the demo relays (``PLANS``) on the history's queue; nothing when the history is too short to hold them."""
    past = [d for d in workdays if d < h.today]
    if len(past) < 12:
        return
    world = Relays(h)
    for plan in PLANS:
        if plan.station not in world.agents or not world.items.get(plan.kind):
            continue
        ago = plan.ago if plan.stage == "closed" else ENDS[plan.stage] + plan.slack + (
            1 if plan.refused else 0) + (3 + LATE_BY if plan.late else 0)
        if plan.kind == "REVIEW" and STAGES.index(plan.stage) > STAGES.index("reviewing"):
            ago += REVIEW_TAKES
        day = past[max(0, len(past) - 1 - ago)]
        version = world.rng.choice(world.items[plan.kind])
        h.spawn(world.moment(day), relay_life(world, plan, version))


def _reached(plan: RelayPlan, stage: str) -> bool:
    return STAGES.index(plan.stage) >= STAGES.index(stage)


def relay_life(w: Relays, plan: RelayPlan, version: ItemVersion) -> Life:
    """One relay from the station to its plan's stage."""
    h, rng = w.h, w.rng
    agent = w.agents[plan.station]
    station = agent.unit
    town = station.parent
    assert town is not None
    materials = [RelayMaterialRow(material=m.pk, copies=m.copies or 1, received_as="PAPER")
                 for m in version.materials.all() if m.source != MaterialSource.GOVERNMENT]
    mandate = "MATERIAL" if rng.random() < 0.3 else "SCREEN"
    item = relay.register_relay(actor=agent.user, item_code=version.item.code, applicant=w.applicant(station),
                                materials=materials, mandate=mandate, now=h.t)
    number, deciding = item.number, item.deciding_unit
    if not _reached(plan, "sent"):
        return
    yield w.soon()
    hop = relay.hand_over(actor=agent.user, number=number, now=h.t)
    if not _reached(plan, "at_town"):
        return
    town_clerk = w.clerk_of(town)
    if plan.refused:
        yield w.next_day()
        relay.refuse_hand_over(actor=town_clerk.user, number=number, reason=rng.choice(REFUSED), now=h.t)
        yield w.soon()
        hop = relay.hand_over(actor=agent.user, number=number, now=h.t)
    yield w.next_day(3 + LATE_BY if plan.late else 1)
    relay.sign_for(actor=town_clerk.user, number=number, materials=hop.materials, now=h.t)
    receiver = town_clerk
    if deciding.pk == town.pk:
        h.stats.cases += 1  # the town signed: the case is opened there
    elif plan.kind == "REVIEW":
        if not _reached(plan, "sent_up"):
            return
        yield w.next_day(REVIEW_TAKES)
        relay.review_relay(actor=town_clerk.user, number=number, opinion=rng.choice(REVIEWS), now=h.t)
    if deciding.pk != town.pk:
        if not _reached(plan, "sent_up"):
            return
        yield w.soon()
        hop = relay.hand_over(actor=town_clerk.user, number=number, now=h.t)
        if not _reached(plan, "opened"):
            return
        yield w.next_day()
        receiver = w.clerk_of(deciding, version)
        relay.sign_for(actor=receiver.user, number=number, materials=hop.materials, now=h.t)
        h.stats.cases += 1
    case_number = _case_number(number)
    if not _reached(plan, "accepted"):
        return
    yield from _decide(w, plan, case_number, receiver, version)
    if not _reached(plan, "result_sent"):
        return
    _case, handler = handler_of(h, case_number)
    yield w.soon()
    if plan.by_post:
        relay.send_result(actor=handler, number=number, method="POST", now=h.t)
    else:
        relay.send_result(actor=handler, number=number, method="ROUTE", now=h.t)
        carried = _open_hop(number)
        if deciding.pk != town.pk:
            if not _reached(plan, "returning"):
                return
            yield w.next_day()
            relay.sign_for(actor=town_clerk.user, number=number, materials=carried, now=h.t)
            yield w.soon()
            relay.hand_over(actor=town_clerk.user, number=number, now=h.t)
        if not _reached(plan, "at_station"):
            return
        yield w.next_day()
        relay.sign_for(actor=agent.user, number=number, materials=carried, now=h.t)
        if not _reached(plan, "delivered"):
            return
        yield w.next_day()
        received_by = _applicant_name(number)
        relay.deliver_relay(actor=agent.user, number=number, received_by=received_by, now=h.t)
    if not _reached(plan, "followed_up"):
        return
    yield w.next_day(2)
    relay.follow_up(actor=agent.user, number=number, method="CALL" if rng.random() < 0.7 else "VISIT",
                    said=rng.choice(SAID), now=h.t)
    if not _reached(plan, "closed"):
        return
    yield w.soon()
    relay.archive_relay(actor=agent.user, number=number, now=h.t)


def _decide(w: Relays, plan: RelayPlan, case_number: str, receiver: StaffProfile, version: ItemVersion) -> Life:
    """The clerk who signed for the materials at the deciding unit accepts the case at once and starts it; if the
    plan goes so far, it is decided two working days later (before its committed deadline)."""
    h, rng = w.h, w.rng
    yield w.soon()
    cases.accept_case(actor=receiver.user, number=case_number, now=h.t)
    case, handler = handler_of(h, case_number)
    if case["start_due_on"] is not None:
        yield w.soon()
        cases.start_case(actor=handler, number=case_number, now=h.t)
    if not _reached(plan, "decided"):
        return
    deadline = case["committed_deadline"]
    day = h.workday(h.day_of(h.t), 2)
    yield w.moment(min(day, deadline) if deadline is not None else day, after=h.t)
    case, handler = handler_of(h, case_number)
    denied = rng.random() < 0.1
    organ = document = ""
    if case["reported"]:  # a 上报件: the higher organ's decision is recorded
        above = higher_organs(Unit.objects.get(pk=case["unit_id"]), also=version.implementing_unit_id)
        chosen = next((u for u in above if u.pk == version.implementing_unit_id), None) or (above[0] if above else None)
        organ = chosen.name if chosen else ""
        document = f"云民审〔{h.day_of(h.t).year}〕{rng.randrange(10, 400)}号"
    certificate = (f"{version.item.code[3:]}{h.day_of(h.t):%Y%m%d}{rng.randrange(1000, 9999)}"
                   if version.issues_certificate and not denied else "")
    cases.decide_case(actor=handler, number=case_number, now=h.t, outcome="DENIED" if denied else "GRANTED",
                      reasons=rng.choice(DENIALS) if denied else "申请材料齐全，符合法定条件",
                      certificate_number=certificate, decided_by_organ=organ, decision_document=document)


def _case_number(number: str) -> str:
    return RelayRequest.objects.values_list("case__number", flat=True).get(number=number)


def _open_hop(number: str) -> list[RelayMaterialRow]:
    """Return what the relay's waiting hop carries, as the receiver counts it."""
    sent = HandOver.objects.values_list("materials", flat=True).get(relay__number=number, status="SENT")
    return [RelayMaterialRow(name=row["name"], copies=row["copies"]) for row in sent]


def _applicant_name(number: str) -> str:
    return RelayRequest.objects.values_list("applicant_name", flat=True).get(number=number)
