"""The case page's facts and lists, rendered in Python: the facts list at its top, its materials, its notices and
its history (issue 16 item 1).

Each fact or row cost a few dozen template nodes (a date filter, a display method, a translation, a URL) on the page
staff open most after the workbench. As in ``desk.py``, every value is escaped (``html.escape``, the five characters
of ``django.utils.html.escape``; a value that is already safe HTML is kept, as a template does); dates are written as
``|date:"Y-m-d"`` and ``|date:"Y-m-d H:i"`` write them, in the current time zone. The tables, their headers and empty
states stay in ``case_detail.html``.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from html import escape
from typing import Any
from urllib.parse import quote

from django import template
from django.conf import settings
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()


def _local(value: Any, zone: Any = None) -> Any:
    """The value as the date filter sees it (``template_localtime``): an aware datetime in the current time zone
    (``zone`` when the caller read it already)."""
    if isinstance(value, dt.datetime) and value.utcoffset() is not None and settings.USE_TZ \
            and getattr(value, "convert_to_local_time", True):
        return value.astimezone(zone or timezone.get_current_timezone())
    return value


def _day(value: Any, zone: Any = None) -> str:
    """``{{ value|date:"Y-m-d" }}``: the (local) day ("" for none)."""
    if value is None or value == "":
        return ""
    value = _local(value, zone)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _minute(value: Any, zone: Any = None) -> str:
    """``{{ value|date:"Y-m-d H:i" }}``: the local time to the minute ("" for none)."""
    if value is None or value == "":
        return ""
    value = _local(value, zone)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


@functools.cache
def _labels(field: Any) -> dict[Any, Any]:
    """A field's choices as ``get_FOO_display`` reads them (its ``flatchoices``), kept per field: the method builds
    this dict again on every call. The labels are kept as they are (a lazy one is put in the current language when
    shown)."""
    return {make_hashable(value): label for value, label in field.flatchoices}


def _display(instance: Any, name: str) -> Any:
    """``instance.get_<name>_display()``: the label of the field's value, or the value when it has none."""
    value = getattr(instance, name)
    return force_str(_labels(instance._meta.get_field(name)).get(make_hashable(value), value), strings_only=True)


def _v(value: Any) -> str:
    """``{{ value }}``: the value's text, escaped unless it is safe HTML already (``conditional_escape``)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


@register.simple_tag
def case_history_rows(events: Iterable[Any]) -> SafeString:
    """The history table's rows: time, step, who, the status it led to, the opinion."""
    zone = timezone.get_current_timezone()
    return mark_safe("".join(  # noqa: S308 - every value is escaped
        f"<tr><td>{_minute(e.at, zone)}</td><td>{escape(str(e.action_label()))}</td><td>{escape(e.actor_name)}</td>"
        f"<td>{escape(str(e.to_status_label()))}</td><td>{escape(e.opinion)}</td></tr>" for e in events))


@register.simple_tag
def case_material_rows(materials: Iterable[Any]) -> SafeString:
    """The materials table's rows: name (marked when supplied after a 补正 notice), necessity, how received, copies,
    acceptable (✓/✗), the problem found."""
    after = f' <span class="badge">{escape(gettext("补正后提交"))}</span>'
    return mark_safe("".join(  # noqa: S308 - every value is escaped
        f"<tr><td>{escape(m.name)}{after if m.supplied_after_notice else ''}</td>"
        f"<td>{escape(str(_display(m, 'necessity')))}</td><td>{escape(str(_display(m, 'received_as')))}</td>"
        f"<td>{escape(str(m.copies))}</td><td>{'✓' if m.acceptable else '✗'}</td><td>{escape(m.problem)}</td></tr>"
        for m in materials))


@register.simple_tag
def case_notice_items(notices: Iterable[Any]) -> SafeString:
    """The issued notices as list items (kind, number, time, print and PDF links); "暂无" when the case has none."""
    notices = list(notices)
    if not notices:
        return mark_safe(f'<li class="muted">{escape(gettext("暂无"))}</li>')  # noqa: S308 - escaped
    printing, zone = escape(gettext("打印")), timezone.get_current_timezone()
    return mark_safe("".join(  # noqa: S308 - every value is escaped
        f"<li>{escape(str(_display(n, 'kind')))} {escape(n.number)} {_minute(n.issued_at, zone)}\n"
        f' <a href="{escape(_url("backoffice:notice", n.number))}" target="_blank">{printing}</a> · '
        f'<a href="{escape(_url("backoffice:notice_pdf", n.number))}">PDF</a></li>'
        for n in notices if n.issued_at))


_SLOT = "0slot0"  # a path segment no quoting changes


@functools.cache
def _url_pattern(name: str, prefix: str, urlconf: Any, _language: str | None) -> tuple[str, str]:
    """``reverse(name, args=[…])`` split around its one argument, for the script prefix, URL configuration and
    language it was reversed under (a language prefix, were the URLs ever put under ``i18n_patterns``)."""
    before, _slot, after = reverse(name, args=[_SLOT], urlconf=urlconf).partition(_SLOT)
    return before, after


def _url(name: str, arg: str) -> str:
    """``reverse(name, args=[arg])`` for a URL with one path-segment argument, without resolving the pattern again
    for every row: the argument is quoted as ``reverse`` quotes it. An argument that is not one plain segment goes
    through ``reverse`` itself (which refuses a "/")."""
    if "/" in arg or not arg:
        return reverse(name, args=[arg])
    before, after = _url_pattern(name, get_script_prefix(), get_urlconf(), get_language())
    return f"{before}{quote(arg, safe=RFC3986_SUBDELIMS + '/~:@')}{after}"


def _words() -> dict[str, str]:
    """The facts list's labels and fixed sentences in the current language, escaped (kept per language, as
    ``{% constant %}`` keeps its text)."""
    language = get_language()
    words = _WORDS.get(language)
    if words is None:
        words = {key: escape(text) for key, text in (
            ("status", gettext("状态")), ("urgent", gettext("急办")), ("reveal_summary", gettext("查看完整号码")),
            ("content", gettext("内容")), ("phone", gettext("联系电话")), ("id_number", gettext("证件号码")),
            ("reason", gettext("理由（将记入审计）")), ("reason_hint", gettext("如：电话通知申请人补正")),
            ("view", gettext("查看")), ("relay", gettext("全程代理")),
            ("relay_back", gettext("办结后请在代办件页面回送办理结果（按原路线或邮寄）")),
            ("review_opinion", gettext("下级机关初审意见")), ("agent", gettext("代理人")),
            ("item_version", gettext("事项版本")), ("nth", gettext("第")), ("version", gettext("版")),
            ("received", gettext("收件")), ("query_code", gettext("查询码")),
            ("intake_deadline", gettext("补正告知截止")), ("accepted", gettext("受理")),
            ("first_handler", gettext("首办负责人")), ("acting", gettext("今日外出，由B角代办：")),
            ("due_at", gettext("承诺办结时间")), ("due_on", gettext("承诺办结日期")),
            ("provisional", gettext("按暂定日历计算")), ("legal", gettext("法定办结日期")),
            ("changed", gettext("期限重新核定")), ("reported", gettext("上报件")),
            ("reported_note", gettext("须由上级机关作出决定，本级不能自行决定")), ("deferred", gettext("补办材料")),
            ("supplied_on", gettext("已于")), ("supplied", gettext("补齐")), ("deferred_due", gettext("补交期限")),
            ("overdue", gettext("已逾期")), ("exception", gettext("经批准先行送达：")),
            ("after_supply", gettext("补交后即可领取办理结果")), ("outcome", gettext("办理结果")),
            ("delivery", gettext("送达")), ("receiver", gettext("签收人")), ("intake_reason", gettext("不予受理理由")),
            ("return", gettext("退件申请")), ("awaiting_leader", gettext("待领导审批")))}
        _WORDS[language] = words
    return words


_WORDS: dict[str | None, dict[str, str]] = {}


@register.simple_tag(takes_context=True)
def case_facts(context: Context, case: Any, terms: Any, id_masked: Any, phone_masked: Any, can_reveal: Any,
               revealed: Any, relay: Any, acting_names: Any, pending_return: Any) -> SafeString:
    """The facts list's entries (``<dt>``/``<dd>``, one line each): status, applicant (with the form that reveals the
    full number to whoever may see it), relay, agent, item version, receipt, query code, intake deadline,
    acceptance, first handler, deadlines and their badges, deadline change, reported, deferred materials, outcome,
    delivery, intake reason, pending return. The reveal form carries the request's CSRF token, as
    ``{% csrf_token %}`` writes it."""
    w = _words()
    zone = timezone.get_current_timezone()
    out = [f"<dt>{w['status']}</dt><dd><strong>{_v(_display(case, 'status'))}</strong>"
           f"（{_v(_display(case, 'case_class'))}）"]
    if case.urgent:
        out.append(f' <span class="badge">{w["urgent"]}</span>')
    applicant = getattr(terms, "applicant", "") or "申请人"
    out.append(f"</dd>\n<dt>{_v(applicant)}</dt><dd>{_v(case.applicant_name)} {_v(id_masked)} "
               f"{_v(case.applicant_credit_code)} {_v(phone_masked)}\n")
    if can_reveal and not revealed and (case.applicant_phone_masked or case.applicant_id_masked):
        out.append(f'<details class="inline"><summary>{w["reveal_summary"]}</summary><form method="post">'
                   f'{CsrfTokenNode().render(context)}<input type="hidden" name="action" value="reveal">\n'
                   f'<label>{w["content"]}<select name="field"><option value="phone">{w["phone"]}</option>')
        if case.applicant_id_masked:
            out.append(f'<option value="id_number">{w["id_number"]}</option>')
        out.append(f'</select></label>\n<label>{w["reason"]}<input name="reason" required minlength="2" '
                   f'placeholder="{w["reason_hint"]}"></label><button type="submit" class="secondary">{w["view"]}'
                   f'</button></form></details>')
    out.append("</dd>\n")
    if relay:
        out.append(f'<dt>{w["relay"]}</dt><dd><a href="{escape(reverse("backoffice:relay", args=[relay.number]))}">'
                   f'{_v(relay.number)}</a>（{_v(relay.station)} · {_v(relay.status_label)}）<br>'
                   f'<span class="muted">{w["relay_back"]}</span>')
        if relay.review_opinion:
            out.append(f'<br>{w["review_opinion"]}：{_v(relay.review_opinion)}')
        out.append("</dd>")
    out.append("\n")
    if case.agent_name:
        out.append(f'<dt>{w["agent"]}</dt><dd>{_v(case.agent_name)}（{_v(case.agent_authorization)}）</dd>')
    version = case.item_version
    out.append(f'\n<dt>{w["item_version"]}</dt><dd>{_v(version.item.code)} {w["nth"]}{_v(version.number)}'
               f'{w["version"]}</dd>\n<dt>{w["received"]}</dt><dd>{_minute(case.received_at, zone)} '
               f'{_v(case.received_by.name)}（{_v(case.unit.name)}）</dd>\n'
               f'<dt>{w["query_code"]}</dt><dd>{_v(case.query_code)}</dd>\n')
    if case.intake_deadline:
        out.append(f'<dt>{w["intake_deadline"]}</dt><dd>{_day(case.intake_deadline, zone)}</dd>')
    out.append("\n")
    if case.accepted_at:
        handler = case.first_handler
        out.append(f'<dt>{w["accepted"]}</dt><dd>{_minute(case.accepted_at, zone)}</dd>\n<dt>{w["first_handler"]}</dt>'
                   f'<dd>{"" if handler is None else _v(handler.name)}'
                   f'（{"" if handler is None else _v(handler.badge_number)}）')
        if acting_names:
            out.append(f' <span class="badge">{w["acting"]}{"、".join(_v(n) for n in acting_names)}</span>')
        if case.committed_due_at:
            out.append(f'</dd>\n<dt>{w["due_at"]}</dt><dd>{_minute(case.committed_due_at, zone)}')
        else:
            out.append(f'</dd>\n<dt>{w["due_on"]}</dt><dd>{_day(case.committed_deadline, zone)}')
        if case.deadline_provisional:
            out.append(f' <span class="badge">{w["provisional"]}</span>')
        warning = getattr(case, "warning", None)
        if warning:
            out.append(f' <span class="badge warn-{_v(str(warning).lower())}">{_v(warning.label)}</span>')
        out.append(f'</dd>\n<dt>{w["legal"]}</dt><dd>{_day(case.legal_deadline, zone)}')
        if case.legal_deadline_provisional:
            out.append(f' <span class="badge">{w["provisional"]}</span>')
        out.append("</dd>")
    out.append("\n")
    if case.deadline_changed_at:
        out.append(f'<dt>{w["changed"]}</dt><dd>{_day(case.deadline_changed_at, zone)} '
                   f'{_v(case.deadline_change_reason)}</dd>')
    out.append("\n")
    if case.reported:
        out.append(f'<dt>{w["reported"]}</dt><dd>{w["reported_note"]}')
        if case.decided_by_organ:
            out.append(f'：{_v(case.decided_by_organ)} {_v(case.decision_document)}')
        out.append("</dd>")
    out.append("\n")
    if case.deferred_materials:
        out.append(f'<dt>{w["deferred"]}</dt><dd>')
        if case.deferred_supplied_at:
            out.append(f'{w["supplied_on"]}{_day(case.deferred_supplied_at, zone)}{w["supplied"]}')
        else:
            out.append(f'{w["deferred_due"]} {_day(case.deferred_due_date, zone)}')
            if case.deferred_overdue:
                out.append(f' <span class="badge warn-red">{w["overdue"]}</span>')
            if case.deferred_exception_at:
                out.append(f'；{w["exception"]}{_v(case.deferred_exception_reason)}')
            else:
                out.append(f'；{w["after_supply"]}')
        out.append("</dd>")
    out.append("\n")
    if case.outcome:
        out.append(f'<dt>{w["outcome"]}</dt><dd>{_v(_display(case, "outcome"))} {_v(case.certificate_name)} '
                   f'{_v(case.certificate_number)} {_v(case.decision_reasons)}</dd>')
    out.append("\n")
    if case.delivered_at:
        out.append(f'<dt>{w["delivery"]}</dt><dd data-delivery>{_minute(case.delivered_at, zone)} '
                   f'{_v(_display(case, "delivery_method"))}，{w["receiver"]}：{_v(case.delivered_to)}</dd>')
    out.append("\n")
    if case.intake_reason:
        out.append(f'<dt>{w["intake_reason"]}</dt><dd>{_v(case.intake_reason)} {_v(case.competent_organ)} '
                   f'{_v(case.competent_organ_contact)}</dd>')
    out.append("\n")
    if pending_return:
        out.append(f'<dt>{w["return"]}</dt><dd><span class="badge">{w["awaiting_leader"]}</span> '
                   f'{_v(pending_return.reason)}</dd>')
    out.append("\n")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped, the token is Django's own tag's output
