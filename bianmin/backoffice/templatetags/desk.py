"""Rows of the workbench tables, rendered in Python.

The workbench is the page staff reload all day; rendering its ~70 rows cell by cell through template nodes cost
more than all its queries. Each row is still built with ``format_html`` (every value escaped); the tables, headers
and empty states stay in ``my_work.html``.
"""
from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

register = template.Library()


def _day(value) -> str:
    return value.isoformat() if value else ""


@register.simple_tag(takes_context=True)
def desk_case_rows(context, cases) -> SafeString:
    """Return the rows of "my cases": number, item, applicant, status, deadline with badges, handler."""
    user_pk = context["user"].pk
    case_url = context["case_url"]
    urgent = format_html(' <span class="badge">{}</span>', gettext("急"))
    provisional = format_html(' <span class="badge">{}</span>', gettext("暂定"))
    changed_label, acting_label = gettext("期限已重新核定"), gettext("B角代办")
    rows = []
    for c in cases:
        warning = str(c.warning).lower()
        badges = [provisional] if c.deadline_provisional else []
        if c.warning:
            badges.append(format_html(' <span class="badge warn-{}">{}</span>', warning, c.warning.label))
        if c.deadline_changed_at:
            badges.append(format_html(' <span class="badge" title="{}">{}</span>',
                                      timezone.localtime(c.deadline_changed_at).strftime("%Y-%m-%d %H:%M"),
                                      changed_label))
        handler = c.first_handler
        rows.append(format_html(
            '<tr class="warn-{}"><td><a href="{}{}/">{}</a></td><td>{}</td><td>{}</td><td>{}{}</td><td>{}{}</td>'
            "<td>{}{}</td></tr>\n",
            warning, case_url, c.number, c.number, c.item_version.name, c.applicant_name, c.get_status_display(),
            urgent if c.urgent else "", _day(c.committed_deadline), mark_safe("".join(badges)),  # noqa: S308
            handler.name if handler else "",
            f"（{acting_label}）" if handler is None or handler.user_id != user_pk else ""))
    return mark_safe("".join(rows))  # noqa: S308 - every row is format_html output


@register.simple_tag(takes_context=True)
def desk_queue_rows(context, cases) -> SafeString:
    """Return the rows of the applications awaiting review."""
    return format_html_join(
        "\n", '<tr><td><a href="{}{}/">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        ((context["case_url"], c.number, c.number, c.item_version.name, c.applicant_name, c.get_status_display(),
          _day(c.intake_deadline) or "—") for c in cases))


@register.simple_tag(takes_context=True)
def desk_inquiry_rows(context, inquiries) -> SafeString:
    """Return the rows of the open 首问 inquiries."""
    return format_html_join(
        "\n", '<tr><td><a href="{}{}/">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
        ((context["inquiry_url"], i.number, i.number, Truncator(i.matter).chars(40),
          i.get_outcome_display() or "—", _day(i.promised_reply_date) or "—") for i in inquiries))
