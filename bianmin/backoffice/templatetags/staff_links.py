"""Turn the staff-page paths written into message texts (digests list one per case) into links."""
from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Paths the system writes into messages: /staff/cases/<number>/, /staff/violations/<id>/ and the like. Only
# these characters can match, so the escaped text stays escaped around the links.
_STAFF_PATH = re.compile(r"/staff/[A-Za-z0-9_\-/]+/")


@register.filter
def staff_links(text: str) -> SafeString:
    """Return ``text`` escaped, with each staff path in it as a link to that page."""
    return mark_safe(_STAFF_PATH.sub(  # noqa: S308 - escaped first; the paths contain no markup characters
        lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', str(escape(text))))
