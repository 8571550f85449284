"""Rows of the workbench tables, rendered in Python.

The workbench is the page staff reload all day; rendering its ~70 rows cell by cell through template nodes cost
more than all its queries. Every value in a row is escaped (``format_html`` or ``html.escape``); the tables, headers
and empty states stay in ``my_work.html``.
"""
from __future__ import annotations

from html import escape  # the same five characters as django.utils.html.escape, without its lazy wrapper

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from bianmin.cases.workflow import Status
from bianmin.inquiries.models import Outcome

register = template.Library()


def _day(value) -> str:
    return value.isoformat() if value else ""


def _due(row) -> str:
    """The committed deadline: the date, with the time when a limit in hours ends at a moment."""
    if row.committed_due_at is not None:
        return timezone.localtime(row.committed_due_at).strftime("%Y-%m-%d %H:%M")
    return _day(row.committed_deadline)


@register.simple_tag(takes_context=True)
def desk_case_rows(context, cases) -> SafeString:
    """Return the rows of "my cases" (``workbench_rows``): number, item, applicant, status, deadline with badges,
    handler."""
    user_pk = context["user"].pk
    case_url = context["case_url"]
    urgent = format_html(' <span class="badge">{}</span>', gettext("急"))
    provisional = format_html(' <span class="badge">{}</span>', gettext("暂定"))
    changed_label, acting_label = gettext("期限已重新核定"), gettext("外出，由我代办")
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
        number = escape(c.number)
        rows.append(
            f'<tr class="warn-{escape(warning)}"><td><a href="{escape(case_url)}{number}/">{number}</a></td>'
            f"<td>{escape(c.item_name)}</td><td>{escape(c.applicant_name)}</td>"
            f"<td>{escape(c.status_label)}{urgent if c.urgent else ''}</td>"
            f"<td>{_due(c)}{''.join(badges)}</td>"
            f"<td>{escape(c.handler_name)}{escape(f'（{acting_label}）') if c.handler_user_id != user_pk else ''}"
            "</td></tr>\n")
    return mark_safe("".join(rows))  # noqa: S308 - every value in the rows is escaped


@register.simple_tag(takes_context=True)
def desk_class_badges(context, counts) -> SafeString:
    """Return the badges of the user's cases per class (``(value, label, count)``), each a link to the search."""
    url = escape(context["case_url"])
    return mark_safe(" ".join(  # noqa: S308 - every value is escaped
        f'<a class="badge" href="{url}?class={escape(value)}">{escape(str(label))} {int(n)}</a>'
        for value, label, n in counts) + (" " if counts else ""))


# The tuples of cases.selectors.intake_queue_rows (QUEUE_COLUMNS) and inquiries.selectors.open_inquiry_rows
# (INQUIRY_COLUMNS).


@register.simple_tag(takes_context=True)
def desk_queue_rows(context, cases) -> SafeString:
    """Return the rows of the applications awaiting review (value tuples in ``QUEUE_COLUMNS`` order)."""
    url = escape(context["case_url"])
    return mark_safe("\n".join(  # noqa: S308 - every value is escaped
        f'<tr><td><a href="{url}{escape(number)}/">{escape(number)}</a></td><td>{escape(item_name)}</td>'
        f"<td>{escape(applicant)}</td><td>{escape(Status(status).label)}</td><td>{_day(deadline) or '—'}</td></tr>"
        for number, item_name, applicant, status, deadline in cases))


@register.simple_tag(takes_context=True)
def desk_inquiry_rows(context, inquiries) -> SafeString:
    """Return the rows of the open 首问 inquiries (value tuples in ``INQUIRY_COLUMNS`` order)."""
    url = escape(context["inquiry_url"])
    return mark_safe("\n".join(  # noqa: S308 - every value is escaped
        f'<tr><td><a href="{url}{escape(number)}/">{escape(number)}</a></td><td>{escape(Truncator(matter).chars(40))}'
        f"</td><td>{escape(Outcome(outcome).label) if outcome else '—'}</td><td>{_day(reply_date) or '—'}</td></tr>"
        for number, matter, outcome, reply_date in inquiries))
