"""Reads for the staff inbox."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Func, IntegerField, QuerySet

from bianmin.core.prepared import Arg, Prepared

from .models import Channel, Message, MessageStatus

if TYPE_CHECKING:
    from bianmin.users.models import User


def inbox(user: User) -> QuerySet[Message]:
    """Return the user's delivered in-app messages, newest first."""
    return Message.objects.filter(recipient=user, channel=Channel.INAPP, status=MessageStatus.SENT)


# Shown on every staff page: a prepared read (bianmin/core/prepared.py), planned once per connection.
_UNREAD = Prepared(Message, lambda: Message.objects.filter(
    recipient_id=Arg("me"), channel=Channel.INAPP, status=MessageStatus.SENT, read_at__isnull=True)
    .order_by().values_list(Func(template="COUNT(*)", output_field=IntegerField())))


def unread_count(user: User) -> int:
    """Return how many of the user's in-app messages are unread (shown on every staff page)."""
    rows = _UNREAD.rows(me=user.pk)
    return int(rows[0][0]) if rows else 0
