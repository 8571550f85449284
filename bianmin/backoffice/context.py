"""Navigation for the staff side, built from the same permissions the views check."""
from __future__ import annotations

from functools import cache

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.notifications.selectors import unread_count

# (label, url name, permission) — later issues add inquiries, cases, approvals, supervision here.
NAV = [
    ("工作台", "backoffice:home", Perm.USE_WORKBENCH),
    ("我的办件", "backoffice:my_work", Perm.USE_WORKBENCH),
    ("收件", "backoffice:receive", Perm.HANDLE_CASES),
    ("首问登记", "backoffice:inquiry_new", Perm.HANDLE_INQUIRIES),
    ("办件查询", "backoffice:cases", Perm.USE_WORKBENCH),
    ("审批", "backoffice:approvals", Perm.APPROVE),
    ("时限总览", "backoffice:overview", (Perm.APPROVE, Perm.SUPERVISE)),
    ("统计分析", "backoffice:stats", (Perm.APPROVE, Perm.SUPERVISE)),
    ("联席会议", "backoffice:meetings", (Perm.APPROVE, Perm.SUPERVISE)),
    ("过错追究", "backoffice:violations", Perm.USE_WORKBENCH),
    ("消息", "backoffice:messages", Perm.USE_WORKBENCH),
    ("今日AB角", "backoffice:acting", Perm.USE_WORKBENCH),
    ("角色授权", "backoffice:roles", Perm.GRANT_ROLES),
    ("工作日历", "backoffice:calendar", Perm.MANAGE_CALENDAR),
    ("审计记录", "backoffice:audit", Perm.VIEW_AUDIT),
]


@cache
def _urls() -> dict[str, str]:
    """Resolve the navigation URLs once per process (they never change at run time)."""
    return {name: reverse(name) for _label, name, _perm in NAV} | {"admin:index": reverse("admin:index")}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    urls = _urls()
    items = [(label, urls[name]) for label, name, perm in NAV
             if any(can(user, p) for p in (perm if isinstance(perm, tuple) else (perm,)))]
    if user.is_staff:
        items.append(("系统管理", urls["admin:index"]))
    # Counted only when the template shows it (pages without the staff navigation pay nothing).
    unread = SimpleLazyObject(lambda: unread_count(user))
    return {"staff_nav": items, "messages_url": urls["backoffice:messages"], "unread_messages": unread}
