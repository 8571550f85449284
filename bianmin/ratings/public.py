"""Rating by number and query code (扫码评价 from the QR on notices and receipts, 短信评价 from the SMS link after
delivery; decision 0024): the applicant of a case or a relay request rates it once, under the public lookup's
throttle (``cases.lookup.throttled``): an unknown number and a wrong code answer alike.

What the page shows is public: the item, the status, the staff member's name and badge (上墙公示); nothing about the
applicant. A service of a hospital desk offers the desk's 科室 to choose from (涉及科室, decision 0026)."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from bianmin.cases.lookup import throttled
from bianmin.cases.models import Case
from bianmin.core.errors import DomainError
from bianmin.org.models import Unit
from bianmin.org.selectors import hospital_departments
from bianmin.relay.models import RelayRequest

from .models import Channel, FollowUpStatus, Rating, Subject
from .policies import case_rating_refusal, relay_rating_refusal
from .services import rate_again, record_rating

RELAY_PREFIX = "DB"  # relay numbers (代办编号) start so (relay.services)


@dataclass(frozen=True)
class RateTarget:
    """A service instance found by number and code, as the public rating page shows it."""

    subject: str
    instance: Any
    number: str
    item: str
    status_label: str
    staff_name: str
    staff_badge: str
    refusal: str | None  # why it cannot be rated (yet), or None
    rated: Rating | None  # its rating (not a 追评), if any
    may_rate_again: bool  # a 追评 is open: the 差评's result was told (follow-up TOLD)
    unit: Unit | None = None  # the unit that served (the words of the page: ``org.terms.terms_for``)
    departments: tuple[tuple[str, str], ...] = ()  # (code, name) of the hospital desk's 科室; empty elsewhere


def _matches(stored: str, code: str) -> bool:
    given = (code or "").strip().upper()
    return bool(given) and secrets.compare_digest(stored.encode(), given.encode())


def _target(subject: str, instance: Any) -> RateTarget:
    if subject == Subject.CASE:
        staff, unit = instance.first_handler or instance.received_by, instance.unit
        item, status_label, refusal = instance.item_version.name, instance.get_status_display(), \
            case_rating_refusal(instance)
    else:
        staff, unit = instance.agent, instance.origin_unit
        item, status_label, refusal = instance.item_version.name, instance.get_status_display(), \
            relay_rating_refusal(instance)
    departments = tuple(hospital_departments(unit).values_list("code", "name")) if unit.is_hospital_desk else ()
    rated = (Rating.objects.filter(**{subject.lower(): instance}, parent__isnull=True)
             .select_related("follow_up").first())
    again = False
    if rated is not None:
        follow_up = getattr(rated, "follow_up", None)
        again = (follow_up is not None and follow_up.status == FollowUpStatus.TOLD
                 and not rated.follow_up_ratings.exists())
    return RateTarget(subject=subject, instance=instance, number=instance.number, item=item,
                      status_label=status_label, staff_name=staff.name if staff else "",
                      staff_badge=staff.badge_number if staff else "", refusal=refusal, rated=rated,
                      may_rate_again=again, unit=unit, departments=departments)


def find_rateable(number: str, code: str) -> RateTarget | None:
    """Return the case or relay request ``number`` when ``code`` is its query code; None otherwise (an unknown number
    and a wrong code alike). A number with the relay prefix is tried as a relay first. Raises nothing."""
    number = (number or "").strip().upper()[:32]
    if number.startswith(RELAY_PREFIX):
        relay = (RelayRequest.objects.select_related("item_version", "agent", "origin_unit")
                 .filter(number=number).first())
        if relay is not None and _matches(relay.query_code, code):
            return _target(Subject.RELAY, relay)
    case = (Case.objects.select_related("item_version", "first_handler", "received_by", "unit")
            .filter(number=number).first())
    if case is not None and _matches(case.query_code, code):
        return _target(Subject.CASE, case)
    return None


def check_rateable(number: str, code: str, *, ip: str | None, now: dt.datetime) -> RateTarget:
    """Return the rating target of ``number`` for the right ``code`` under the lookup's throttle.

    Raises NotFound for an unknown number and a wrong code alike; TooManyRequests (429) as the lookup does."""
    return throttled(find_rateable, number, code, ip=ip, now=now)


def rate_by_code(*, number: str, code: str, level: object, comment: str = "", channel: str = Channel.QR,
                 ip: str | None, now: dt.datetime, department: object = None) -> Rating:
    """Record the applicant's rating of case or relay ``number`` (channel QR, or SMS from the SMS link); see
    ``rate_target``.

    Raises NotFound for an unknown number or a wrong code (alike); TooManyRequests (429); and what
    ``rate_target`` raises."""
    if channel not in (Channel.QR, Channel.SMS):
        raise DomainError.for_field("channel", "评价渠道应为扫码评价或短信评价")
    return rate_target(check_rateable(number, code, ip=ip, now=now), level=level, comment=comment, channel=channel,
                       now=now, department=department)


def rate_target(target: RateTarget, *, level: object, comment: str = "", channel: str, now: dt.datetime,
                department: object = None) -> Rating:
    """Record the rating of ``target`` (found by ``check_rateable``), the applicant as the real-name evaluator; when
    its 差评 was handled and the result told, this is the one 追评 (``services.rate_again``). ``department``: the
    科室 of a hospital desk the rating concerns (code or id; ``services.rated_department``).

    Raises DomainError naming ``level``, ``comment``, ``channel`` or ``department``; Conflict ``not_rateable``
    before delivery, ``already_rated`` for a second rating."""
    if channel not in (Channel.QR, Channel.SMS):
        raise DomainError.for_field("channel", "评价渠道应为扫码评价或短信评价")
    instance = target.instance
    name, phone = instance.applicant_name, instance.applicant_phone or ""
    if target.rated is not None:
        follow_up = getattr(target.rated, "follow_up", None)  # a missing one-to-one raises an AttributeError
        if target.may_rate_again or (follow_up is not None and follow_up.status == "CLOSED"):
            # the one 追评, or a second one refused by ``rate_again`` in words ("已经追评过")
            return rate_again(parent=target.rated, level=level, comment=comment, channel=channel, now=now,
                              department=department)
    return record_rating(subject=target.subject, instance=instance, level=level, comment=comment, channel=channel,
                         now=now, evaluator_name=name, evaluator_phone=phone, department=department)
