"""A county center with one of everything the 工作台 counts (issue 12 item 7), for the tests of the counts, the
page and the API. Imports the case, inquiry and accountability services: only tests of apps at or above
``bianmin.accountability`` may use it."""
from __future__ import annotations

import datetime as dt
from typing import Any

from bianmin.accountability import services as acc
from bianmin.accountability.models import Severity, ViolationKind
from bianmin.cases import services as svc
from bianmin.cases.models import Case
from bianmin.inquiries import services as inq

from .cases import GRANT, receive
from .factories import MON, at

# On this day window_a's two running cases (committed deadline 2026-03-16) are past due.
LATE_DAY = dt.date(2026, 3, 17)


def busy_center(cast: dict[str, Any], org: dict[str, Any]) -> dict[str, Any]:
    """Build, at the county center on Monday 2026-03-02 (needs the ``item`` fixture, SP-01):

    - window_a: an application awaiting review, two running cases (one with a transfer to window_b pending, one
      with an extension pending), a third with a 退件 request pending, one open inquiry;
    - a 补办件 (RQ-01) decided without its 容缺 material;
    - a violation about window_b awaiting the supervisor, another about window_a with a sanction proposed.
    """
    from .factories import make_item

    clerk = cast["window_a"]
    waiting = receive(cast)
    running = [svc.accept_case(actor=clerk, number=receive(cast).number, now=at(MON)) for _ in range(3)]
    transfer = svc.request_transfer(actor=clerk, number=running[0].number, to_badge="B-window_b", reason="调岗",
                                    now=at(MON, 10))
    extension = svc.request_extension(actor=clerk, number=running[1].number, reason="需现场核查", now=at(MON, 10))
    returned = svc.request_return(actor=clerk, number=running[2].number, reason="经核实不符合条件", now=at(MON, 10))
    make_item(cast, org, "RQ-01", name="容缺事项", deferred_due_days=3)
    deferred = svc.accept_case(actor=clerk, number=receive(cast, code="RQ-01", materials=[
        {"material": "申请书", "received_as": "PAPER", "copies": 1}]).number, now=at(MON))
    deferred = svc.decide_case(actor=clerk, number=deferred.number, outcome="GRANTED", **GRANT, now=at(MON, 11))
    inquiry = inq.register_inquiry(actor=clerk, channel="WINDOW", matter="个体户怎么办", now=at(MON))
    now = at(MON, 10)
    open_record = acc.record_violation(actor=cast["supervisor"], staff=cast["window_b"].staff_profile.badge_number,
                                       kind=ViolationKind.ATTITUDE, occurred_on=MON, description="态度生硬", now=now)
    proposed = acc.record_violation(actor=cast["supervisor"], staff=cast["window_a"].staff_profile.badge_number,
                                    kind=ViolationKind.ATTITUDE, occurred_on=MON, description="推诿答复", now=now)
    proposed = acc.propose_sanction(actor=cast["supervisor"], pk=proposed.pk, severity=Severity.MINOR,
                                    sanction="书面告诫", reason="情节较轻", now=now)
    return {"waiting": waiting, "running": [Case.objects.get(pk=c.pk) for c in running], "transfer": transfer,
            "extension": extension, "return": returned, "deferred": deferred, "inquiry": inquiry,
            "open_record": open_record, "proposed": proposed}


def make_head(user: Any) -> None:
    """Make ``user`` the head of their organ (who decides an extension); saving clears the identity caches."""
    from bianmin.org.models import HeadOf, StaffProfile

    profile = StaffProfile.objects.get(user=user)
    profile.head_of = HeadOf.ORGAN
    profile.save()
