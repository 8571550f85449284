"""Reads of relay requests: what passes through a unit, with each waiting hop's deadline."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bianmin.core.prepared import Arg, Prepared
from bianmin.org.policies import staff_profile_of

from .models import Direction, HandOver, HandOverStatus, RelayRequest, RelayStatus
from .policies import visible_relays

if TYPE_CHECKING:
    from bianmin.cases.models import Case
    from bianmin.users.types import AnyUser


WAITING_LABELS = {"SIGN": _("待本单位签收"), "SEND": _("待本单位移交"), "SENT": _("已移交，待对方签收"),
                  "REVIEW": _("初审中"), "RESULT": _("办理中，办结后回送结果"),
                  "DELIVER": _("结果已到站，待送达申请人"), "FOLLOW_UP": _("已送达，待回访归档")}


@dataclass(frozen=True)
class PassingRelay:
    """One relay request at or on its way to the user's unit: ``hop_due_on`` is the waiting hop's deadline."""

    number: str
    item_name: str
    applicant_name: str
    status: str
    status_label: str
    holder: str
    # SIGN (a hop waits for this unit's signature), SEND (this unit holds it), SENT (sent on by it), REVIEW (初审 here),
    # RESULT (the case is here until its result goes back), DELIVER (the result waits at this station), FOLLOW_UP
    # (delivered: 回访 and archive)
    waiting: str
    hop_to: str
    hop_due_on: dt.date | None
    hop_warning: str

    @property
    def waiting_label(self) -> str:
        """What the unit is waiting for, in words (the list and the workbench panel show it)."""
        return str(WAITING_LABELS.get(self.waiting, ""))


def passing_through(user: AnyUser) -> list[PassingRelay]:
    """Return the relays passing through the user's unit, nearest hop deadline first: those it must sign for, holds
    (to send on, to review, at the deciding unit until the result goes back, at the station to deliver, follow up and
    archive) or has sent on and not yet seen signed. Archived relays drop out."""
    profile = staff_profile_of(user)
    if profile is None:
        return []
    unit_id = profile.unit_id
    relays = list(visible_relays(user).exclude(status=RelayStatus.CLOSED).filter(
        Q(holder_unit_id=unit_id) | Q(hand_overs__status=HandOverStatus.SENT, hand_overs__to_unit_id=unit_id))
        .select_related("item_version", "holder_unit").distinct())
    hops = {h.relay_id: h for h in HandOver.objects.filter(relay__in=relays, status=HandOverStatus.SENT)
            .select_related("to_unit")}
    rows = []
    for relay in relays:
        hop = hops.get(relay.pk)
        if hop is not None and hop.direction == Direction.REVIEW:
            waiting = "REVIEW"
        elif hop is not None:
            waiting = "SIGN" if hop.to_unit_id == unit_id else "SENT"
        else:
            waiting = {RelayStatus.OPENED: "RESULT", RelayStatus.AT_STATION: "DELIVER",
                       RelayStatus.DELIVERED: "FOLLOW_UP"}.get(RelayStatus(relay.status), "SEND")
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


@dataclass(frozen=True)
class CaseRelay:
    """What the deciding unit's case page says of the relay that brought the case: where from, where it stands,
    and the lower organ's 初审意见 carried up with the materials."""

    number: str
    station: str
    status_label: str
    review_opinion: str


def relay_of_case(case: Case) -> CaseRelay | None:
    """Return the relay that brought ``case``, or None: no query for a case not received through 全程代理 (the case
    says so, ``Case.via_relay``), one indexed query otherwise (the caller checked the case's scope, and the relay's
    number and station are no more than the case page shows)."""
    if not case.via_relay:
        return None
    rows = _RELAY_OF_CASE.rows(case=case.pk)
    if not rows:
        return None
    pk, number, status, station = rows[0]
    opinions = _REVIEW_OPINION.rows(relay=pk)
    return CaseRelay(number=number, station=station, status_label=RelayStatus(status).label,
                     review_opinion=(opinions[0][0] if opinions else "") or "")


# The case page asks on every view: prepared reads (bianmin/core/prepared.py).
_RELAY_OF_CASE = Prepared(RelayRequest, lambda: RelayRequest.objects.filter(case_id=Arg("case")).order_by("pk")
                          .values_list("pk", "number", "status", "origin_unit__name")[:1])
_REVIEW_OPINION = Prepared(HandOver, lambda: HandOver.objects.filter(
    relay_id=Arg("relay"), direction=Direction.REVIEW, status=HandOverStatus.SIGNED).order_by("pk")
    .values_list("opinion")[:1])
