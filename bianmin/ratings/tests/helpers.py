"""Ratings for the tests of the 差评 follow-up, its screens and its API: a real case delivered through the services,
and a real-name 差评 by a known (fictitious) evaluator whose name and phone the privacy tests look for."""
from __future__ import annotations

from typing import Any

from bianmin.cases import services as svc
from bianmin.cases.models import Case
from bianmin.ratings.models import Channel, Rating, Subject
from bianmin.ratings.services import record_rating
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, at

EVALUATOR_NAME = "蔺评价"
EVALUATOR_PHONE = "13912345678"
RATED_AT = at(MON, 15)  # Monday 2026-03-02 afternoon


def delivered(cast: dict[str, Any], **applicant: Any) -> Case:
    case = receive(cast, **applicant)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON, 9))
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON, 10))
    return svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张三",
                            now=at(MON, 11))


def bad_rating(cast: dict[str, Any], *, level: int = 2, real_name: bool = True) -> Rating:
    """A 不满意 rating by QR code of a delivered case handled by window_a (a real-name one opens its follow-up)."""
    case = delivered(cast)
    who = {"evaluator_name": EVALUATOR_NAME, "evaluator_phone": EVALUATOR_PHONE} if real_name else {}
    return record_rating(subject=Subject.CASE, instance=case, level=level, comment="等候太久", channel=Channel.QR,
                         now=RATED_AT, **who)
