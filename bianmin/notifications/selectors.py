"""Reads for the staff inbox."""
from __future__ import annotations

from .models import Channel, Message, MessageStatus


def inbox(user):
    """Return the user's delivered in-app messages, newest first."""
    return Message.objects.filter(recipient=user, channel=Channel.INAPP, status=MessageStatus.SENT)


def unread_count(user) -> int:
    return inbox(user).filter(read_at__isnull=True).count()
