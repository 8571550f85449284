"""The clerk's "请评价" button (decision 0024), drawn only when ``ratings.pads.invite_refusal`` allows it."""
from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from bianmin.core.timeutils import today
from bianmin.ratings.pads import may_invite

register = template.Library()


@register.simple_tag(takes_context=True)
def rating_invite(context: Any, subject: str, instance: Any) -> SafeString:
    """Draw the button (``backoffice/_rating_invite.html``) when the user may put ``instance`` (a case or an inquiry)
    on the pad; nothing, without rendering the template, when not (most pages)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not may_invite(user, subject, instance, today=today()):
        return SafeString("")
    return mark_safe(get_template("backoffice/_rating_invite.html").render(  # noqa: S308 - the template's output
        {"show": True, "subject": subject, "number": instance.number, "csrf_token": context.get("csrf_token")}))
