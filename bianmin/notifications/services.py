"""Write messages into the outbox (inside the caller's transaction) and deliver them with retries."""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bianmin.audit.models import AuditAction
from bianmin.audit.services import record
from bianmin.core.errors import NotFound
from bianmin.core.inserts import insert_row
from bianmin.org.models import Region, StaffProfile
from bianmin.workdays.engine import CalendarRangeError
from bianmin.workdays.selectors import get_calendar

from .backends import SmsBackend, get_backend
from .models import Channel, DigestItem, Message, MessageStatus

if TYPE_CHECKING:
    from bianmin.users.models import User

MOBILE = re.compile(r"^1[3-9]\d{9}$")
SMS_HOURS = (dt.time(8, 0), dt.time(21, 0))  # citizens are not texted at night


def _daytime(now: dt.datetime) -> dt.datetime:
    """Return ``now`` if it is daytime, else 08:00 of the next morning (local time)."""
    local = timezone.localtime(now)
    if SMS_HOURS[0] <= local.time() < SMS_HOURS[1]:
        return now
    day = local.date() + (dt.timedelta(days=1) if local.time() >= SMS_HOURS[1] else dt.timedelta())
    return dt.datetime.combine(day, SMS_HOURS[0], tzinfo=local.tzinfo)


def enqueue_sms(*, phone: str, kind: str, text: str, cause: str, now: dt.datetime) -> Message | None:
    """Queue an SMS to an applicant in the current transaction (so it exists exactly when its cause does).

    Only mobile numbers get one (a landline would fail every retry); a message caused at night waits for 08:00.

    Refuses nothing: a number that is not a mobile one is skipped (None is returned), not refused.
    """
    if not MOBILE.match(phone or ""):
        return None
    message = Message(channel=Channel.SMS, kind=kind, phone=phone, body=text, cause=cause[:64], created_at=now,
                      next_attempt_at=_daytime(now))
    insert_row(message)  # Message.objects.create(…), its statement prepared once (bianmin/core/inserts.py)
    return message


def enqueue_inapp(*, recipient: User, kind: str, subject: str, text: str, now: dt.datetime, link: str = "",
                  cause: str = "") -> Message:
    """Queue an in-app message to a staff account.

    Refuses nothing: it queues what the calling service decided to send."""
    return Message.objects.create(channel=Channel.INAPP, kind=kind, recipient=recipient, subject=subject[:128],
                                  body=text, link=link[:255], cause=cause[:64], created_at=now, next_attempt_at=now)


def enqueue_inapp_many(rows: Iterable[tuple[int, str, str, str, str, str]], *, now: dt.datetime) -> int:
    """Queue in-app messages in one insert: (recipient id, kind, subject, text, link, cause) each.

    Refuses nothing: it queues what the calling service decided to send."""
    messages = [Message(channel=Channel.INAPP, kind=kind, recipient_id=uid, subject=subject[:128], body=text,
                        link=link[:255], cause=cause[:64], created_at=now, next_attempt_at=now)
                for uid, kind, subject, text, link, cause in rows]
    Message.objects.bulk_create(messages)
    return len(messages)


def add_digest_items(items: Iterable[tuple[int, str, str, str]], *, now: dt.datetime) -> int:
    """Gather (recipient id, kind, text, link) lines for the recipients' next digest; duplicates collapse.

    Refuses nothing: lines without a recipient are dropped, not refused."""
    rows = {(uid, kind, text, link) for uid, kind, text, link in items if uid}
    DigestItem.objects.bulk_create([DigestItem(recipient_id=uid, kind=kind, text=text[:255], link=link[:255],
                                               created_at=now) for uid, kind, text, link in sorted(rows)])
    return len(rows)


def _parse_hm(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def is_working_time(moment: dt.datetime, region: Region | None = None) -> bool:
    """Return whether ``moment`` falls in working hours on a working day of ``region``'s calendar.

    Refuses nothing: a date outside the calendar's years counts as outside working time."""
    local = timezone.localtime(moment)
    start, end = (_parse_hm(v) for v in settings.BIANMIN["WORKING_HOURS"])
    if not start <= local.time() < end:
        return False
    try:
        return get_calendar(region).is_workday(local.date())
    except CalendarRangeError:
        return False


def build_digests(*, now: dt.datetime) -> int:
    """Turn waiting digest items into one in-app message per recipient, only in the recipient's working hours.

    Safe to run on two nodes at once: items are claimed with row locks that skip what the other node holds.

    Refuses nothing: a system step run by the scheduler and ``manage.py send_outbox``.
    """
    made = 0
    with transaction.atomic():
        pending = list(DigestItem.objects.select_for_update(skip_locked=True).filter(message__isnull=True)
                       .order_by("recipient_id", "created_at", "id"))
        if not pending:
            return 0
        by_user: dict[int, list[DigestItem]] = defaultdict(list)
        for item in pending:
            by_user[item.recipient_id].append(item)
        regions = {p.user_id: p.unit.region
                   for p in StaffProfile.objects.select_related("unit__region").filter(user_id__in=by_user)}
        ready = [(uid, items) for uid, items in by_user.items() if is_working_time(now, regions.get(uid))]
        messages = Message.objects.bulk_create([Message(
            channel=Channel.INAPP, kind="DIGEST", recipient_id=uid, subject=f"办件提醒（{len(items)}条）",
            body="\n".join(f"{i + 1}. {item.text}（{item.link}）" if item.link and len(items) > 1
                           else f"{i + 1}. {item.text}" for i, item in enumerate(items)),
            link=items[0].link if len(items) == 1 else "",
            created_at=now, next_attempt_at=now, cause="digest") for uid, items in ready])
        claimed = []
        for message, (_uid, items) in zip(messages, ready, strict=True):
            for item in items:
                item.message = message
                claimed.append(item)
        DigestItem.objects.bulk_update(claimed, ["message"])
        made = len(messages)
        if made:
            record(action=AuditAction.NOTIFICATION, summary=f"汇总提醒 {made} 份", actor_username="system", now=now,
                   data={"digests": made})
    return made


def _backoff(attempts: int) -> dt.timedelta:
    base = settings.BIANMIN["OUTBOX_BACKOFF_SECONDS"]
    return dt.timedelta(seconds=min(base * 2 ** (attempts - 1), 3600))


LEASE = dt.timedelta(minutes=5)
STOP_AFTER_FAILURES = 5


def deliver_due(*, now: dt.datetime, batch: int = 100, backend: SmsBackend | None = None) -> dict[str, int]:
    """Send what is due. Each batch is claimed in a short transaction (rows locked with SKIP LOCKED and leased for
    five minutes), sent outside any transaction, then marked in one transaction with its audit row. A failure
    schedules a retry with exponential backoff; after ``OUTBOX_MAX_ATTEMPTS`` the message is marked failed.
    A crash after claiming leaves the rows pending: they are sent when the lease runs out (at least once, never
    lost). After several failures in a row the round stops (the gateway is down) and releases what it holds.

    Refuses nothing: a system step run by the scheduler and ``manage.py send_outbox``; a failed send is retried or
    marked failed, not raised."""
    backend = backend or get_backend()
    max_attempts = settings.BIANMIN["OUTBOX_MAX_ATTEMPTS"]
    totals = {"sent": 0, "retry": 0, "failed": 0}
    failures_in_a_row = 0
    while failures_in_a_row < STOP_AFTER_FAILURES:
        with transaction.atomic():
            due = list(Message.objects.select_for_update(skip_locked=True)
                       .filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
                       .order_by("next_attempt_at", "id")[:batch])
            Message.objects.filter(pk__in=[m.pk for m in due]).update(next_attempt_at=now + LEASE)
        if not due:
            break
        counts = {"sent": 0, "retry": 0, "failed": 0}
        done: list[Message] = []
        for message in due:
            if failures_in_a_row >= STOP_AFTER_FAILURES:
                message.next_attempt_at = now + _backoff(1)  # released untried: the gateway looks down
                done.append(message)
                continue
            message.attempts += 1
            try:
                if message.channel == Channel.SMS:
                    backend.send(phone=message.phone, text=message.body, reference=f"BM{message.pk}")
            except Exception as exc:
                failures_in_a_row += 1
                message.last_error = str(exc)[:255] or exc.__class__.__name__
                if message.attempts >= max_attempts:
                    message.status = MessageStatus.FAILED
                    counts["failed"] += 1
                else:
                    message.next_attempt_at = now + _backoff(message.attempts)
                    counts["retry"] += 1
            else:
                failures_in_a_row = 0
                message.status, message.sent_at, message.last_error = MessageStatus.SENT, now, ""
                counts["sent"] += 1
            done.append(message)
        with transaction.atomic():
            Message.objects.bulk_update(done, ["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
            record(action=AuditAction.NOTIFICATION,
                   summary=f"发送消息：成功{counts['sent']}，待重试{counts['retry']}，失败{counts['failed']}",
                   actor_username="system", now=now, data=counts)
        for key, value in counts.items():
            totals[key] += value
        if len(due) < batch:
            break
    return totals


def mark_read(*, actor: User, message_id: int, now: dt.datetime) -> Message:
    """Mark one of the actor's own in-app messages read (reading it again changes nothing).

    Raises NotFound for a message that does not exist or is not the actor's own in-app message (the two are
    never told apart)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id, recipient=actor,
                                                             channel=Channel.INAPP).first()
        if message is None:
            raise NotFound("消息不存在")
        if message.read_at is None:
            message.read_at = now
            message.save(update_fields=["read_at"])
            record(action=AuditAction.NOTIFICATION, summary=f"阅读消息 {message.pk}", actor=actor, now=now,
                   obj=message)
    return message
