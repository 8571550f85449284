"""Reads for the staff inbox."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet

from .models import Channel, Message, MessageStatus

if TYPE_CHECKING:
    from bianmin.users.models import User


def inbox(user: User) -> QuerySet[Message]:
    """Return the user's delivered in-app messages, newest first."""
    return Message.objects.filter(recipient=user, channel=Channel.INAPP, status=MessageStatus.SENT)


def unread_count(user: User) -> int:
    """Return how many of the user's in-app messages are unread (shown on every staff page).

    One statement written out: building it through the ORM cost more than running it.
    """
    table = connection.ops.quote_name(Message._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE recipient_id = %s AND channel = %s AND status = %s"  # noqa: S608
                       " AND read_at IS NULL", [user.pk, Channel.INAPP.value, MessageStatus.SENT.value])
        row = cursor.fetchone()
    return int(row[0]) if row else 0
