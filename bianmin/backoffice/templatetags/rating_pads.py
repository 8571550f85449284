"""The clerk's "请评价" button (decision 0024), drawn only when ``ratings.pads.invite_refusal`` allows it."""
from __future__ import annotations

from typing import Any

from django import template

from bianmin.core.timeutils import today
from bianmin.ratings.pads import may_invite

register = template.Library()


@register.inclusion_tag("backoffice/_rating_invite.html", takes_context=True)
def rating_invite(context: Any, subject: str, instance: Any) -> dict[str, Any]:
    """Return what the button needs: shown when the user may put ``instance`` (a case or an inquiry) on the pad."""
    request = context.get("request")
    user = getattr(request, "user", None)
    show = user is not None and may_invite(user, subject, instance, today=today())
    return {"show": show, "subject": subject, "number": instance.number, "csrf_token": context.get("csrf_token")}
