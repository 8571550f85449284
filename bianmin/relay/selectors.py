"""Reads of relay requests: what passes through a unit, with each waiting hop's deadline."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from bianmin.org.policies import staff_profile_of

from .models import HandOver, HandOverStatus, RelayRequest, RelayStatus
from .policies import visible_relays

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser


@dataclass(frozen=True)
class PassingRelay:
    """One relay request at or on its way to the user's unit: ``hop_due_on`` is the waiting hop's deadline."""

    number: str
    item_name: str
    applicant_name: str
    status: str
    status_label: str
    holder: str
    waiting: str  # SIGN (a hop waits for this unit's signature), SEND (this unit holds it), SENT (sent on by it)
    hop_to: str
    hop_due_on: dt.date | None
    hop_warning: str


def passing_through(user: AnyUser) -> list[PassingRelay]:
    """Return the relays the user's unit must sign for, holds, or has sent on and not yet seen signed, nearest
    hop deadline first (relays whose case is opened or that are closed drop out)."""
    profile = staff_profile_of(user)
    if profile is None:
        return []
    unit_id = profile.unit_id
    open_states = [RelayStatus.REGISTERED, RelayStatus.IN_TRANSIT, RelayStatus.AT_TOWN]
    relays = list(visible_relays(user).filter(status__in=open_states).filter(
        Q(holder_unit_id=unit_id) | Q(hand_overs__status=HandOverStatus.SENT, hand_overs__to_unit_id=unit_id))
        .select_related("item_version", "holder_unit").distinct())
    hops = {h.relay_id: h for h in HandOver.objects.filter(relay__in=relays, status=HandOverStatus.SENT)
            .select_related("to_unit")}
    rows = []
    for relay in relays:
        hop = hops.get(relay.pk)
        waiting = "SEND" if hop is None else "SIGN" if hop.to_unit_id == unit_id else "SENT"
        rows.append(PassingRelay(
            number=relay.number, item_name=relay.item_version.name, applicant_name=relay.applicant_name,
            status=relay.status, status_label=RelayStatus(relay.status).label, holder=relay.holder_unit.name,
            waiting=waiting, hop_to=hop.to_unit.name if hop else "", hop_due_on=hop.due_on if hop else None,
            hop_warning=hop.warning_level if hop else ""))
    return sorted(rows, key=lambda r: (r.hop_due_on is None, r.hop_due_on or dt.date.max, r.number))


def hand_overs_of(relay: RelayRequest) -> list[HandOver]:
    """Return the relay's hops in order, with their units and people."""
    return list(relay.hand_overs.select_related("from_unit", "to_unit", "from_staff", "signed_by", "refused_by")
                .order_by("seq"))
