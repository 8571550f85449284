"""Reads for the staff inbox."""
from __future__ import annotations

from django.db import connection

from .models import Channel, Message, MessageStatus


def inbox(user):
    """Return the user's delivered in-app messages, newest first."""
    return Message.objects.filter(recipient=user, channel=Channel.INAPP, status=MessageStatus.SENT)


def unread_count(user) -> int:
    """Return how many of the user's in-app messages are unread (shown on every staff page).

    One statement written out: building it through the ORM cost more than running it.
    """
    table = connection.ops.quote_name(Message._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE recipient_id = %s AND channel = %s AND status = %s"  # noqa: S608
                       " AND read_at IS NULL", [user.pk, Channel.INAPP.value, MessageStatus.SENT.value])
        return cursor.fetchone()[0]
