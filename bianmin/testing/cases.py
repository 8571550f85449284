"""Case helpers shared by the tests of ``bianmin.cases`` and the apps above it (it imports the case services, so the
tests of lower apps must not import it: import-linter would see a chain up to ``bianmin.cases``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from typing import cast as typed  # ``cast`` is the fixture of users here

from bianmin.cases import services as svc
from bianmin.cases.models import Case

from .factories import ALL_GOOD, MON, applicant, at

# What a grant needs besides its outcome (decision 0022): the reasons, and the certificate's number (the test items
# issue a 证照): ``svc.decide_case(..., outcome="GRANTED", **GRANT)``.
GRANT: dict[str, str] = {"reasons": "申请材料齐全，符合法定条件、标准", "certificate_number": "ZS-2026-0001"}


def receive(cast: dict[str, Any], *, who: str = "window_a", code: str = "SP-01",
            materials: Sequence[dict[str, Any]] = ALL_GOOD, day: dt.date = MON, now: dt.datetime | None = None,
            **applicant_overrides: Any) -> Case:
    """Receive an application for ``code`` at ``who``'s window at 09:00 on ``day`` (or at ``now``)."""
    # The plain dicts of ``factories`` (below the cases app, so untyped) are the services' typed dicts.
    return svc.receive_case(actor=cast[who], item_code=code,
                            applicant=typed(svc.ApplicantData, applicant(**applicant_overrides)),
                            materials=typed(Sequence[svc.MaterialRow], materials), now=now or at(day))


def receive_and_serve_supplement(cast: dict[str, Any], day: dt.date = MON) -> Case:
    """Receive an SP-01 application and serve a 补正 notice on it (申请书 未签字) the same day."""
    case = receive(cast, day=day)
    svc.add_supplement_line(actor=cast["window_a"], number=case.number, material="申请书", problem="未签字",
                            now=at(day))
    svc.serve_supplement_notice(actor=cast["window_a"], number=case.number, now=at(day))
    return case


def paused_and_extended(cast: dict[str, Any], day: dt.date, **applicant_overrides: Any) -> Case:
    """An SP-01 case accepted on ``day`` (2026-09-25 in the tests) whose date moved: a finished 检测 (3 working
    days), an extension approved by the head of the organ, then a 检验 still running."""
    from bianmin.org.models import HeadOf, StaffProfile

    profile = StaffProfile.objects.get(user=cast["leader"])  # the head of the organ decides an extension
    profile.head_of = HeadOf.ORGAN
    profile.save()  # saving clears the identity caches
    leader = type(cast["leader"]).objects.get(pk=cast["leader"].pk)
    clerk = cast["window_a"]
    case = receive(cast, day=day, **applicant_overrides)
    svc.accept_case(actor=clerk, number=case.number, now=at(day))
    svc.start_pause(actor=clerk, number=case.number, kind="TESTING", basis="送检样品至省食品检验所",
                    expected_days=3, now=at(dt.date(2026, 10, 12)))
    svc.end_pause(actor=clerk, number=case.number, result="检测合格", now=at(dt.date(2026, 10, 15)))
    extension = svc.request_extension(actor=clerk, number=case.number, reason="需补充现场核查",
                                      now=at(dt.date(2026, 10, 16)))
    svc.approve_extension(actor=leader, extension_id=extension.pk, now=at(dt.date(2026, 10, 16)))
    svc.start_pause(actor=clerk, number=case.number, kind="INSPECTION", basis="现场设施须经第三方检验",
                    expected_days=5, now=at(dt.date(2026, 10, 19)))
    case.refresh_from_db()
    return case
