"""``{% action_form form %}``: one action's form (``backoffice/_action_form.html``), rendered once per process for
each distinct content (issue 16 item 1).

A case page draws several forms of the action catalogue, and each costs a few hundred template nodes to render;
the same form with the same fields, choices and initial values comes back on every page of the same kind. The
template stays the one definition of the markup: it is rendered as before, with a placeholder where the CSRF token
goes, and the text is kept under a key made of everything the template reads (the language, the action, each
field's name, label, widget, bounds, value, choices and selection, and the hidden key). The request's own token is
put in on every render, by Django's own ``{% csrf_token %}`` node, so it is read (and the cookie set) as before.

A form that holds what a user typed (a refused post, ``FormView.typed``), carries error messages, or is pre-filled
with a long text from a record is rendered without keeping it: typed values are never held in memory beyond their
request. What is kept (labels, choices, short initial values drawn from the catalogue or the subject) is only ever
served under the same key, so no page shows another page's values. Kept forms are bounded (an LRU of ``SIZE``
entries per process).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django import template
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

TEMPLATE = "backoffice/_action_form.html"
SIZE = 512
# A form pre-filled from a record (minutes, a note) is drawn for its request only: such a text is one subject's and
# comes back rarely, so keeping it would only hold it in memory.
LONGEST_KEPT = 200
_PLACEHOLDER = "bianmin-csrf-placeholder-7f3a9c"  # letters and dashes only: escaping leaves it as it is
_PLACEHOLDER_INPUT = CsrfTokenNode().render(Context({"csrf_token": _PLACEHOLDER}))
_kept: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_lock = threading.Lock()


def _value_key(value: Any) -> tuple[str, str]:
    return type(value).__name__, str(value)


def form_key(form: Any, key_name: str, key_value: Any, url: str = "", dom_id: str = "") -> tuple[Any, ...] | None:
    """Everything ``_action_form.html`` reads of ``form``, as a hashable key; None when the form must not be kept."""
    if getattr(form, "typed", False) or form.errors:
        return None
    fields = []
    for f in form.fields:
        value = _value_key(f.value)
        if f.errors or len(value[1]) > LONGEST_KEPT:
            return None
        fields.append((f.name, f.label, f.widget, f.required, value,
                       tuple((str(v), str(label)) for v, label in f.choices), tuple(sorted(map(str, f.selected))),
                       f.min, f.max, f.max_length))
    spec = form.spec
    return (get_language(), spec.name, spec.label, spec.help, spec.button_text, spec.confirm, spec.confirm_page,
            spec.accesskey, spec.secondary, spec.upload, tuple(fields), key_name, _value_key(key_value), url, dom_id)


@register.simple_tag(takes_context=True)
def action_form(context: Context, form: Any, key_name: str = "", key_value: Any = "", url: str = "",
                dom_id: str = "") -> SafeString:
    """Render ``form`` as ``{% include "backoffice/_action_form.html" %}`` would, from the kept text when the
    same content was rendered before in this process. ``url``: where it posts when not to its own page (a panel of
    another page); ``dom_id``: the form's ``id``."""
    key = form_key(form, key_name, key_value, url, dom_id)
    html = None
    if key is not None:
        with _lock:
            html = _kept.get(key)
            if html is not None:
                _kept.move_to_end(key)
    if html is None:
        values = {"form": form, "key_name": key_name, "key_value": key_value, "url": url, "dom_id": dom_id}
        if key is None:  # rendered for this request only, with its own token
            return mark_safe(get_template(TEMPLATE).render({**values, "csrf_token": context.get("csrf_token")}))  # noqa: S308
        html = get_template(TEMPLATE).render({**values, "csrf_token": _PLACEHOLDER})
        with _lock:
            _kept[key] = html
            while len(_kept) > SIZE:
                _kept.popitem(last=False)
    token = CsrfTokenNode().render(context)  # exactly what {% csrf_token %} renders for this request
    return mark_safe(html.replace(_PLACEHOLDER_INPUT, token, 1))  # noqa: S308 - the template's own output, escaped
