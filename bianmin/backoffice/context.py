"""Navigation for the staff side, built from the same permissions the views check."""
from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bianmin.accounts.policies import can, permission_key
from bianmin.accounts.roles import Perm
from bianmin.notifications.selectors import unread_count
from bianmin.org.policies import staff_profile_of
from bianmin.org.terms import terms_for

if TYPE_CHECKING:
    from bianmin.users.types import User

# (label, url name, permission) — later issues add inquiries, cases, approvals, supervision here.
NAV = [
    (_l("工作台"), "backoffice:home", (Perm.USE_WORKBENCH, Perm.VIEW_AUDIT)),
    (_l("我的办件"), "backoffice:my_work", Perm.USE_WORKBENCH),
    (_l("收件"), "backoffice:receive", Perm.HANDLE_CASES),
    (_l("首问登记"), "backoffice:inquiry_new", Perm.HANDLE_INQUIRIES),
    (_l("首问记录"), "backoffice:inquiries", (Perm.HANDLE_INQUIRIES, Perm.SUPERVISE)),
    (_l("办件查询"), "backoffice:cases", Perm.USE_WORKBENCH),
    (_l("叫号台"), "backoffice:queue", (Perm.HANDLE_CASES, Perm.HANDLE_INQUIRIES)),
    (_l("预约"), "backoffice:appointments", (Perm.HANDLE_INQUIRIES, Perm.HANDLE_CASES)),
    (_l("预约时段"), "backoffice:appointment_slots", Perm.MANAGE_ORG),
    (_l("全程代理"), "backoffice:relays", (Perm.RELAY_CASES, Perm.HANDLE_CASES)),
    (_l("审批"), "backoffice:approvals", Perm.APPROVE),
    (_l("时限总览"), "backoffice:overview", (Perm.APPROVE, Perm.SUPERVISE)),
    (_l("统计分析"), "backoffice:stats", (Perm.APPROVE, Perm.SUPERVISE)),
    (_l("联席会议"), "backoffice:meetings", (Perm.APPROVE, Perm.SUPERVISE)),
    (_l("评价器"), "backoffice:pads", Perm.SUPERVISE),
    (_l("大厅设备"), "backoffice:devices", Perm.SUPERVISE),
    (_l("评价管理"), "backoffice:ratings", (Perm.APPROVE, Perm.SUPERVISE)),
    (_l("监督投诉"), "backoffice:complaints", (Perm.SUPERVISE, Perm.APPROVE)),
    (_l("上墙公示"), "backoffice:bulletins", Perm.APPROVE),
    (_l("上墙制度"), "backoffice:board_rules", Perm.MANAGE_ORG),
    (_l("预约联动"), "backoffice:joints", (Perm.HANDLE_CASES, Perm.APPROVE, Perm.SUPERVISE)),
    (_l("组团服务"), "backoffice:outreach_list", Perm.USE_WORKBENCH),
    (_l("过错追究"), "backoffice:violations", Perm.USE_WORKBENCH),
    (_l("消息"), "backoffice:messages", Perm.USE_WORKBENCH),
    (_l("今日AB角"), "backoffice:acting", Perm.USE_WORKBENCH),
    (_l("角色授权"), "backoffice:roles", Perm.GRANT_ROLES),
    (_l("凭据重置"), "backoffice:resets", Perm.RESET_CREDENTIALS),
    (_l("工作日历"), "backoffice:calendar", Perm.MANAGE_CALENDAR),
    (_l("审计记录"), "backoffice:audit", Perm.VIEW_AUDIT),
]


# Shown besides NAV to the staff of a hospital's desk and its 科室 (decision 0026): (label, url name, permission).
HOSPITAL_NAV: list[tuple[object, str, Perm | tuple[Perm, ...]]] = [
    (_l("科室协调"), "backoffice:hospital_requests", Perm.USE_WORKBENCH),
    (_l("便民活动"), "backoffice:hospital_events", Perm.USE_WORKBENCH),
]


@cache
def _urls() -> dict[str, str]:
    """Resolve the navigation URLs once per process (they never change at run time)."""
    return ({name: reverse(name) for _label, name, _perm in [*NAV, *HOSPITAL_NAV]}
            | {"admin:index": reverse("admin:index")})


# The bar's markup per (items, messages URL), in two halves around the unread badge: the same for every request of
# users with the same permissions and language.
_kept_bars: dict[tuple[tuple[tuple[str, str], ...], str], tuple[str, str]] = {}
# The bar's links per (``permission_key``, hospital unit, is_staff, language): ``can`` asked once per key.
_kept_items: dict[tuple[object, ...], list[tuple[str, str]]] = {}


def _bar(items: list[tuple[str, str]], messages_url: str) -> tuple[str, str]:
    """Return the links of ``items`` (the first with accesskey h), split after the messages link's label ("" after
    when there is none)."""
    parts = []
    for i, (label, url) in enumerate(items):
        key = ' accesskey="h"' if i == 0 else ""
        parts.append(f'<a href="{escape(url)}"{key}>{escape(label)}' + ("\0" if url == messages_url else "") + "</a>")
    before, _mark, after = "".join(parts).partition("\0")
    return before, after


class _NavHtml:
    """The navigation bar's HTML, built on first use (pages that do not show it pay nothing, not even the unread
    count's query) and then kept for the request."""

    def __init__(self, request: Any, user: User, items: list[tuple[str, str]], messages_url: str) -> None:
        self._request, self._user, self._items, self._messages_url = request, user, items, messages_url
        self._html: SafeString | None = None

    def __html__(self) -> SafeString:
        if self._html is None:
            key = (tuple(self._items), self._messages_url)  # the labels are in the request's language
            halves = _kept_bars.get(key)
            if halves is None:
                halves = _kept_bars[key] = _bar(self._items, self._messages_url)
                if len(_kept_bars) > 256:  # one entry per set of permissions and language: a handful
                    _kept_bars.clear()
            before, after = halves
            badge = ""
            if after:  # the bar has the messages link: its unread count goes after the label
                unread = unread_count(self._user, self._request)  # read with the session on a GET
                if unread:
                    badge = f' <span class="badge warn-red" title="{escape(_("未读消息"))}">{unread}</span>'
            self._html = mark_safe(before + badge + after)  # noqa: S308 - labels and URLs are escaped in _bar
        return self._html

    __str__ = __html__


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    user = getattr(user, "_wrapped", user)  # the signed-in user itself, not the lazy proxy (checked 15 times)
    urls = _urls()
    profile = staff_profile_of(user)
    unit = profile.unit if profile is not None else None
    hospital = unit is not None and unit.is_hospital
    key = (permission_key(user), hospital, user.is_staff, get_language())
    items = _kept_items.get(key)
    if items is None:  # the links the user's permissions allow, the same for every user with the same key
        entries = [*NAV, *HOSPITAL_NAV] if hospital else NAV
        items = [(str(label), urls[name]) for label, name, perm in entries
                 if any(can(user, p) for p in (perm if isinstance(perm, tuple) else (perm,)))]
        if user.is_staff:
            items.append((_("系统管理"), urls["admin:index"]))
        if len(_kept_items) > 256:  # one entry per set of permissions and language: a handful
            _kept_items.clear()
        _kept_items[key] = items
    return {"staff_nav": list(items), "staff_nav_html": _NavHtml(request, user, items, urls["backoffice:messages"]),
            "terms": terms_for(unit)}
