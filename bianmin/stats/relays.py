"""全程代理 statistics (issue 13 item 8): the on-time rate of each kind of hop, per agent, and the relays per station.

Definitions (a relay counts for a user whose scope, or the unit chosen inside it, prefixes its station's or its
deciding unit's path, as ``relay.policies.visible_relays`` shows it):
- Hops (交接) are those sent in the period, by kind: 代办站 → 镇中心 (up from a village station), 镇中心 → 决定机关
  (every other hop up), 下级机关初审 (``Direction.REVIEW``), 结果回送 (``Direction.DOWN``).
  按时 on_time: signed for or refused on or before its due date (local date); 超时 late: answered after its due date,
  or still waiting after it on the day the report is made; 拒收 refused: refused, on time or not (a refusal is an
  answer: the materials go back to the sender); 待签收 pending: still waiting, not yet due.
  按时率 = on_time ÷ (on_time + late): a hop still within its limit is not judged yet.
- Agents (代办员): everyone who registered a relay in the period (``RelayRequest.agent``) or sent a hop in it
  (``HandOver.from_staff``): relays registered, hops sent with their on-time rate, and of the relays registered,
  those delivered on or before the expected completion date printed on the receipt.
- Stations (各代办站): the relays registered in the period by station: 在途 in transit (not yet delivered nor
  archived), 已送达 delivered (delivery recorded, archived ones included), 归档上报 archived (closed, counted in the
  upper level's statistics); 按期送达 on_time: delivered on or before the expected date; 逾期 late: delivered after
  it, or not delivered and the date passed on the day the report is made; 按期率 = on_time ÷ (on_time + late).
Every figure is an aggregate in SQL (one grouped query per table, plus the labels).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q
from django.utils import timezone

from bianmin.org.models import StaffProfile, Unit, UnitKind
from bianmin.relay.models import Direction, HandOver, HandOverStatus, RelayStatus
from bianmin.relay.policies import visible_relays

from .selectors import check_period, period_bounds, scope_unit

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser

# The kinds of hop, in the order a relay passes them.
HOP_KINDS = {"VILLAGE_UP": "代办站 → 镇中心", "TOWN_UP": "镇中心 → 决定机关", "REVIEW": "下级机关初审",
             "DOWN": "结果回送"}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class HopRow:
    key: str
    label: str
    sent: int = 0
    on_time: int = 0
    late: int = 0
    refused: int = 0
    pending: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.on_time, self.on_time + self.late)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "sent": self.sent, "on_time": self.on_time, "late": self.late,
                "refused": self.refused, "pending": self.pending, "on_time_rate": self.on_time_rate}


@dataclass
class AgentRow:
    key: str
    label: str
    unit: str = ""
    registered: int = 0
    delivered: int = 0
    delivered_on_time: int = 0
    hops_sent: int = 0
    hops_on_time: int = 0
    hops_late: int = 0

    @property
    def hop_on_time_rate(self) -> float | None:
        return _share(self.hops_on_time, self.hops_on_time + self.hops_late)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "unit": self.unit, "registered": self.registered,
                "delivered": self.delivered, "delivered_on_time": self.delivered_on_time,
                "hops_sent": self.hops_sent, "hops_on_time": self.hops_on_time, "hops_late": self.hops_late,
                "hop_on_time_rate": self.hop_on_time_rate}


@dataclass
class StationRow:
    key: str
    label: str
    registered: int = 0
    in_transit: int = 0
    delivered: int = 0
    archived: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.on_time, self.on_time + self.late)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "registered": self.registered, "in_transit": self.in_transit,
                "delivered": self.delivered, "archived": self.archived, "on_time": self.on_time, "late": self.late,
                "on_time_rate": self.on_time_rate}


@dataclass
class RelayReport:
    start: dt.date
    end: dt.date
    unit: Unit | None
    hops: list[HopRow]
    hop_total: HopRow
    agents: list[AgentRow] = field(default_factory=list)
    stations: list[StationRow] = field(default_factory=list)
    station_total: StationRow = field(default_factory=lambda: StationRow(key="", label="合计"))


def _hop_kind(direction: str, from_kind: str) -> str:
    if direction == Direction.UP:
        return "VILLAGE_UP" if from_kind == UnitKind.VILLAGE_STATION else "TOWN_UP"
    return "REVIEW" if direction == Direction.REVIEW else "DOWN"


def _hop_counts(today: dt.date) -> dict[str, Count]:
    answered_on_time = Q(signed_at__date__lte=F("due_on")) | Q(refused_at__date__lte=F("due_on"))
    late = (Q(signed_at__date__gt=F("due_on")) | Q(refused_at__date__gt=F("due_on"))
            | Q(status=HandOverStatus.SENT, due_on__lt=today))
    return {"sent": Count("id"), "on_time": Count("id", filter=answered_on_time), "late": Count("id", filter=late),
            "refused": Count("id", filter=Q(status=HandOverStatus.REFUSED)),
            "pending": Count("id", filter=Q(status=HandOverStatus.SENT, due_on__gte=today))}


def _relay_counts(today: dt.date) -> dict[str, Count]:
    on_time = Q(delivered_at__date__lte=F("expected_on"))
    late = Q(delivered_at__date__gt=F("expected_on")) | Q(delivered_at__isnull=True, expected_on__lt=today)
    return {"registered": Count("id"),
            "in_transit": Count("id", filter=~Q(status__in=[RelayStatus.DELIVERED, RelayStatus.CLOSED])),
            "delivered": Count("id", filter=Q(delivered_at__isnull=False)),
            "archived": Count("id", filter=Q(status=RelayStatus.CLOSED)),
            "on_time": Count("id", filter=on_time), "late": Count("id", filter=late)}


def relay_indicators(user: AnyUser, *, start: dt.date, end: dt.date, unit_code: str = "",
                     today: dt.date | None = None) -> RelayReport:
    """Compute the relay figures for the user's scope (or one unit inside it) over [start, end].

    Raises NotFound for a unit out of sight (or a user without a unit); DomainError naming ``to`` or ``from`` for
    reversed or implausible dates, or a period over a year.
    """
    check_period(start, end)
    path, unit = scope_unit(user, unit_code)
    today = today or timezone.localdate()
    lo, hi = period_bounds(start, end)
    relays = visible_relays(user).filter(Q(origin_path__startswith=path) | Q(deciding_path__startswith=path))
    hops = HandOver.objects.filter(relay__in=relays.values("pk"), sent_at__gte=lo, sent_at__lt=hi)
    registered = relays.filter(created_at__gte=lo, created_at__lt=hi)

    by_kind = {key: HopRow(key=key, label=label) for key, label in HOP_KINDS.items()}
    hop_total = HopRow(key="", label="合计")
    for r in hops.values("direction", "from_unit__kind").annotate(**_hop_counts(today)).order_by():
        row = by_kind[_hop_kind(r["direction"], r["from_unit__kind"])]
        for name in ("sent", "on_time", "late", "refused", "pending"):
            setattr(row, name, getattr(row, name) + r[name])
            setattr(hop_total, name, getattr(hop_total, name) + r[name])

    agents: dict[int, AgentRow] = {}
    for r in hops.values("from_staff_id").annotate(**_hop_counts(today)).order_by():
        agent = agents.setdefault(r["from_staff_id"], AgentRow(key="", label=""))
        agent.hops_sent, agent.hops_on_time, agent.hops_late = r["sent"], r["on_time"], r["late"]
    for r in registered.values("agent_id").annotate(
            n=Count("id"), delivered=Count("id", filter=Q(delivered_at__isnull=False)),
            on_time=Count("id", filter=Q(delivered_at__date__lte=F("expected_on")))).order_by():
        agent = agents.setdefault(r["agent_id"], AgentRow(key="", label=""))
        agent.registered, agent.delivered, agent.delivered_on_time = r["n"], r["delivered"], r["on_time"]
    for pk, name, badge, unit_name in (StaffProfile.objects.filter(pk__in=agents)
                                       .values_list("pk", "name", "badge_number", "unit__name")):
        agents[pk].key, agents[pk].label, agents[pk].unit = badge, name, unit_name

    stations: list[StationRow] = []
    station_total = StationRow(key="", label="合计")
    for r in (registered.values("origin_unit__code", "origin_unit__name").annotate(**_relay_counts(today))
              .order_by("origin_unit__path")):
        station = StationRow(key=r["origin_unit__code"], label=r["origin_unit__name"])
        for name in ("registered", "in_transit", "delivered", "archived", "on_time", "late"):
            setattr(station, name, r[name])
            setattr(station_total, name, getattr(station_total, name) + r[name])
        stations.append(station)

    return RelayReport(start=start, end=end, unit=unit, hops=list(by_kind.values()), hop_total=hop_total,
                       agents=sorted(agents.values(), key=lambda a: (-a.registered, -a.hops_sent, a.label, a.key)),
                       stations=stations, station_total=station_total)
