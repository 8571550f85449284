"""Reads for the staff inbox."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Func, IntegerField, QuerySet

from bianmin.accounts.sessions import session_figure
from bianmin.core.prepared import Arg, Prepared

from .models import Channel, Message, MessageStatus

if TYPE_CHECKING:
    from bianmin.users.models import User


def inbox(user: User) -> QuerySet[Message]:
    """Return the user's delivered in-app messages, newest first."""
    return Message.objects.filter(recipient=user, channel=Channel.INAPP, status=MessageStatus.SENT)


UNREAD_FIGURE = "unread"  # the name of the count read with the session (accounts.sessions, decision 0039)


def unread_of(me: Any) -> QuerySet[Message, Any]:
    """The count of ``me``'s unread in-app messages as a one-value read (``me``: a user id, an ``Arg`` or an
    ``OuterRef``): the one definition behind the badge, read alone or with the session."""
    return (Message.objects.filter(recipient_id=me, channel=Channel.INAPP, status=MessageStatus.SENT,
                                   read_at__isnull=True)
            .order_by().values_list(Func(template="COUNT(*)", output_field=IntegerField())))


# Read alone: a prepared read (bianmin/core/prepared.py), planned once per connection.
_UNREAD = Prepared(Message, lambda: unread_of(Arg("me")))


def unread_count(user: User, request: Any = None) -> int:
    """Return how many of the user's in-app messages are unread (shown on every staff page). With ``request``, the
    count its session's read carried when that holds for ``user`` and this request (``session_figure``), else read."""
    if request is not None:
        known = session_figure(request, UNREAD_FIGURE, user)
        if known is not None:
            return int(known)
    rows = _UNREAD.rows(me=user.pk)
    return int(rows[0][0]) if rows else 0
