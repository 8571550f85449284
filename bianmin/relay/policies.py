"""Who may see and act on a relay request: the units on its route (a stored-path prefix, like cases)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
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


def hand_over_refusal(user: AnyUser, relay: RelayRequest) -> str | None:
    """Return why the user may not send the relay's materials on now, or None when they may."""
    profile = worker_profile(user)
    if profile is None or profile.unit_id != relay.holder_unit_id:
        return "只有当前持件单位的代办员或窗口人员可以移交材料"
    if relay.status in (RelayStatus.OPENED, RelayStatus.CLOSED) or relay.holder_unit_id == relay.deciding_unit_id:
        return "材料已到达决定机关，无需再移交"
    if open_hop(relay) is not None:
        return "上一次移交尚未签收"
    return None


def sign_refusal(user: AnyUser, relay: RelayRequest) -> str | None:
    """Return why the user may not sign for (or refuse) the relay's waiting hop, or None when they may."""
    hop = open_hop(relay)
    if hop is None:
        return "没有等待签收的移交"
    profile = worker_profile(user)
    if profile is None or profile.unit_id != hop.to_unit_id:
        return "只有接收单位的代办员或窗口人员可以签收"
    if hop.to_unit_id == relay.deciding_unit_id and not can(user, Perm.HANDLE_CASES):
        return "决定机关签收即收件，须由窗口受理人员签收"
    return None
