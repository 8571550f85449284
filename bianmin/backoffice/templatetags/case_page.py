"""The case page's lists, rendered in Python: its materials, its notices and its history (issue 16 item 1).

Each row cost a few dozen template nodes (a date filter, a display method, a translation, a URL) on the page staff
open most after the workbench. As in ``desk.py``, every value is escaped (``html.escape``, the five characters of
``django.utils.html.escape``); the tables, their headers and empty states stay in ``case_detail.html``.
"""
from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _minute(value: Any) -> str:
    """``{{ value|date:"Y-m-d H:i" }}``: the local time to the minute ("" for none)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@register.simple_tag
def case_history_rows(events: Iterable[Any]) -> SafeString:
    """The history table's rows: time, step, who, the status it led to, the opinion."""
    return mark_safe("".join(  # noqa: S308 - every value is escaped
        f"<tr><td>{_minute(e.at)}</td><td>{escape(str(e.action_label()))}</td><td>{escape(e.actor_name)}</td>"
        f"<td>{escape(str(e.to_status_label()))}</td><td>{escape(e.opinion)}</td></tr>" for e in events))


@register.simple_tag
def case_material_rows(materials: Iterable[Any]) -> SafeString:
    """The materials table's rows: name (marked when supplied after a 补正 notice), necessity, how received, copies,
    acceptable (✓/✗), the problem found."""
    after = f' <span class="badge">{escape(gettext("补正后提交"))}</span>'
    return mark_safe("".join(  # noqa: S308 - every value is escaped
        f"<tr><td>{escape(m.name)}{after if m.supplied_after_notice else ''}</td>"
        f"<td>{escape(str(m.get_necessity_display()))}</td><td>{escape(str(m.get_received_as_display()))}</td>"
        f"<td>{escape(str(m.copies))}</td><td>{'✓' if m.acceptable else '✗'}</td><td>{escape(m.problem)}</td></tr>"
        for m in materials))


@register.simple_tag
def case_notice_items(notices: Iterable[Any]) -> SafeString:
    """The issued notices as list items (kind, number, time, print and PDF links); "暂无" when the case has none."""
    notices = list(notices)
    if not notices:
        return mark_safe(f'<li class="muted">{escape(gettext("暂无"))}</li>')  # noqa: S308 - escaped
    printing = escape(gettext("打印"))
    return mark_safe("".join(  # noqa: S308 - every value is escaped
        f"<li>{escape(str(n.get_kind_display()))} {escape(n.number)} {_minute(n.issued_at)}\n"
        f' <a href="{escape(reverse("backoffice:notice", args=[n.number]))}" target="_blank">{printing}</a> · '
        f'<a href="{escape(reverse("backoffice:notice_pdf", args=[n.number]))}">PDF</a></li>'
        for n in notices if n.issued_at))
