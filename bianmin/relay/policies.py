"""Who may see and act on a relay request: the units on its route (a stored-path prefix, like cases)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.cases.policies import can_transition
from bianmin.cases.policies import deliver_refusal as case_deliver_refusal
from bianmin.cases.workflow import Action
from bianmin.core.errors import NotFound
from bianmin.org.models import UnitKind
from bianmin.org.policies import scope_path, staff_profile_of

from .models import HandOver, RelayRequest, RelayStatus

if TYPE_CHECKING:
    from bianmin.org.models import StaffProfile
    from bianmin.users.types import AnyUser

RELAY_READERS = (Perm.HANDLE_CASES, Perm.RELAY_CASES, Perm.APPROVE, Perm.SUPERVISE)
# Who may send or sign for materials: the agents (代办员) and the window staff of a unit on the route.
RELAY_WORKERS = (Perm.RELAY_CASES, Perm.HANDLE_CASES)


def visible_relays(user: AnyUser) -> QuerySet[RelayRequest]:
    """Return the relay requests the user may see: those whose station or deciding unit lies in the user's scope
    (a county center sees its county's, a town its villages', a station its own)."""
    path = scope_path(user)
    if path is None or not any(can(user, p) for p in RELAY_READERS):
        return RelayRequest.objects.none()
    return RelayRequest.objects.filter(Q(origin_path__startswith=path) | Q(deciding_path__startswith=path))


def get_relay_for(user: AnyUser, number: str, *, for_update: bool = False) -> RelayRequest:
    """Return the relay request ``number`` if the user may see it.

    Raises NotFound for a missing relay and for one out of the user's sight alike."""
    if for_update:
        # Lock the bare row first: a locking query joined to the case would drop the row when a concurrent signer
        # links a new case to it (PostgreSQL re-checks the joined rows after the wait).
        pk = visible_relays(user).select_for_update().filter(number=number).values_list("pk", flat=True).first()
        if pk is None:
            raise NotFound("代办件不存在")
    relay = (visible_relays(user).select_related("item_version", "origin_unit__region", "deciding_unit",
                                                 "holder_unit__region", "agent", "responsible", "case")
             .filter(number=number).first())
    if relay is None:
        raise NotFound("代办件不存在")
    return relay


def worker_profile(user: AnyUser) -> StaffProfile | None:
    """Return the user's staff profile when the user may send or sign for relay materials, else None."""
    profile = staff_profile_of(user)
    if profile is None or not any(can(user, p) for p in RELAY_WORKERS):
        return None
    return profile


def may_register(user: AnyUser) -> bool:
    """Return whether the user may take a relay request: an agent (RELAY_CASES) at a village station."""
    profile = staff_profile_of(user)
    return (profile is not None and can(user, Perm.RELAY_CASES)
            and profile.unit.kind == UnitKind.VILLAGE_STATION)


def open_hop(relay: RelayRequest) -> HandOver | None:
    """Return the hop waiting for its receiver, if any."""
    return relay.hand_overs.filter(status="SENT").first()


def needs_review(relay: RelayRequest) -> bool:
    """Return whether the relay's item is one a lower organ reviews first (行政许可法第43条) and its route has a
    town center below the deciding unit to do it."""
    return relay.item_version.lower_review_days > 0 and relay.deciding_unit.kind != UnitKind.TOWN_CENTER


def going_down(relay: RelayRequest) -> bool:
    """Return whether the relay is on its way back (the result goes down the route)."""
    return relay.status in (RelayStatus.RETURNING, RelayStatus.AT_STATION)


def hand_over_refusal(user: AnyUser, relay: RelayRequest) -> str | None:
    """Return why the user may not send the relay's materials (or its result) on now, or None when they may."""
    profile = worker_profile(user)
    if profile is None or profile.unit_id != relay.holder_unit_id:
        return "只有当前持件单位的代办员或窗口人员可以移交材料"
    if relay.status == RelayStatus.REVIEWING:
        return "下级机关初审尚未完成，请先登记初审意见"
    if relay.status == RelayStatus.RETURNING:
        if relay.holder_unit_id == relay.origin_unit_id:
            return "办理结果已到代办站，请送达申请人"
    elif relay.status not in (RelayStatus.REGISTERED, RelayStatus.AT_TOWN) \
            or relay.holder_unit_id == relay.deciding_unit_id:
        return "材料已到达决定机关，无需再移交" if relay.status == RelayStatus.OPENED else "当前状态不能移交"
    if open_hop(relay) is not None:
        return "上一次移交尚未签收"
    return None


def sign_refusal(user: AnyUser, relay: RelayRequest) -> str | None:
    """Return why the user may not sign for (or refuse) the relay's waiting hop, or None when they may."""
    hop = open_hop(relay)
    if hop is None:
        return "没有等待签收的移交"
    if hop.direction == "REVIEW":
        return "下级机关初审中：初审完成后登记初审意见，不需签收"
    profile = worker_profile(user)
    if profile is None or profile.unit_id != hop.to_unit_id:
        return "只有接收单位的代办员或窗口人员可以签收"
    if hop.direction == "UP" and hop.to_unit_id == relay.deciding_unit_id and not can(user, Perm.HANDLE_CASES):
        return "决定机关签收即收件，须由窗口受理人员签收"
    if (hop.direction == "UP" and needs_review(relay) and not can(user, Perm.HANDLE_CASES)
            and not relay.hand_overs.filter(direction="REVIEW").exists()):
        return "该事项须经本中心初审，签收即开始初审，须由窗口受理人员签收"
    return None


def review_refusal(user: AnyUser, relay: RelayRequest) -> str | None:
    """Return why the user may not record the lower organ's 初审意见 now, or None when they may: window staff
    (HANDLE_CASES) of the reviewing town while the review waits."""
    hop = open_hop(relay)
    if relay.status != RelayStatus.REVIEWING or hop is None or hop.direction != "REVIEW":
        return "该代办件不在初审阶段"
    profile = worker_profile(user)
    if profile is None or profile.unit_id != hop.to_unit_id or not can(user, Perm.HANDLE_CASES):
        return "只有初审机关（镇便民服务中心）的窗口受理人员可以登记初审意见"
    return None


# The case's statuses in which its result (or its notice) can go back; DELIVERED/ARCHIVED: the applicant took it at
# the deciding unit's window, and the relay only records that.
RESULT_READY = ("DECIDED", "NOT_ACCEPTED", "RETURNED", "WITHDRAWN", "DELIVERED", "ARCHIVED")


def send_result_refusal(user: AnyUser, relay: RelayRequest) -> str | None:
    """Return why the user may not send the relay's result back now, or None when they may: window staff of the
    deciding unit once its case has a result for the applicant (decided, or ended without a decision)."""
    profile = worker_profile(user)
    if profile is None or profile.unit_id != relay.deciding_unit_id or not can(user, Perm.HANDLE_CASES):
        return "只有决定机关的窗口人员可以回送办理结果"
    if relay.status != RelayStatus.OPENED or relay.case is None:
        return "办理结果已回送" if relay.status in (RelayStatus.RETURNING, RelayStatus.AT_STATION,
                                                 RelayStatus.DELIVERED, RelayStatus.CLOSED) else "材料尚未到达决定机关"
    case = relay.case
    if case.status not in RESULT_READY:
        return f"办件{case.number}尚未办结（{case.get_status_display()}），办结后回送结果"
    if case.status == "DECIDED":
        if (held := case_deliver_refusal(case)) is not None:  # a 补办件's result waits for the missing material
            return held.message
        if not can_transition(user, case, Action.DELIVER):
            return "只有该办件首办负责人一方的窗口人员可以回送办理结果"
    return None


def station_worker_refusal(user: AnyUser, relay: RelayRequest, *, responsible_too: bool = False) -> str | None:
    """Return why the user may not act for the relay at its station (deliver, 回访, archive), or None: the station's
    agents and window staff, and (``responsible_too``) the 代理责任人 himself."""
    profile = worker_profile(user)
    if profile is None:
        return "只有代办站的代办员或代理责任人可以办理"
    if profile.unit_id == relay.origin_unit_id or (responsible_too and profile.pk == relay.responsible_id):
        return None
    return "只有代办站的代办员或代理责任人可以办理"


def deliver_refusal(user: AnyUser, relay: RelayRequest) -> str | None:
    """Return why the user may not deliver the result to the applicant now, or None when they may."""
    if relay.status != RelayStatus.AT_STATION:
        return "办理结果尚未到达代办站" if relay.status in (RelayStatus.OPENED, RelayStatus.RETURNING) else \
            "当前状态不能送达"
    return station_worker_refusal(user, relay)


def follow_up_refusal(user: AnyUser, relay: RelayRequest) -> str | None:
    """Return why the user may not record a 回访 now, or None: after delivery and before archiving, by the station or
    the 代理责任人 (an archived file is closed)."""
    if relay.status == RelayStatus.CLOSED:
        return "代办件已归档，不能再登记回访"
    if relay.status != RelayStatus.DELIVERED:
        return "送达后才能回访"
    return station_worker_refusal(user, relay, responsible_too=True)


def archive_refusal(user: AnyUser, relay: RelayRequest) -> str | None:
    """Return why the user may not archive (归档上报) the relay now, or None: delivered and followed up."""
    if relay.status != RelayStatus.DELIVERED:
        return "已归档" if relay.status == RelayStatus.CLOSED else "送达后才能归档"
    if not relay.follow_ups.exists():
        return "请先回访申请人并登记回访情况，再归档"
    return station_worker_refusal(user, relay, responsible_too=True)
