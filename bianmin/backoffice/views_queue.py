"""叫号台 (issue 18 item 4, decision 0025 §3): the window clerk's queue console.

The clerk chooses the window (remembered in the session), opens it for calling (开窗) or pauses it, and calls:
下一位, 重呼, 开始办理, 跳过, 过号, 办结, 重新排队 (today's skipped and dropped tickets), 人工取号 for a business type.
The ticket at the window leads on to 受理办件 and 登记咨询 with ``?ticket=<id>``: the case or inquiry created
there is linked to the ticket in the same transaction (``views_receive``, ``views_inquiries``). Every button posts
to one service of ``hall.queue``; a window or ticket out of the clerk's scope answers 404.
static/js/queue_console.js reloads the page when the center's queue changes (``queue/state/``), unless the clerk is
typing."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bianmin.accounts.roles import Perm
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.timeutils import now
from bianmin.hall import queue
from bianmin.hall.booking import hall_setting
from bianmin.hall.models import Counter, ServiceType, Ticket, TicketStatus
from bianmin.hall.state import version_of
from bianmin.org.models import Window
from bianmin.org.policies import scope_path

from .views import StaffView, say_error

WINDOW_KEY = "bianmin_queue_window"  # session: the window the clerk calls at
SET_ASIDE_SHOWN = 50
# The buttons on the ticket at the window: (action, label, access key, the statuses the service accepts it in).
TICKET_ACTIONS = [
    ("recall", "重呼", "r", (TicketStatus.CALLED,)),
    ("start", "开始办理", "s", (TicketStatus.CALLED,)),
    ("skip", "跳过", "j", (TicketStatus.CALLED,)),
    ("drop", "过号", "g", (TicketStatus.CALLED,)),
    ("finish", "办结", "e", (TicketStatus.CALLED, TicketStatus.SERVING)),
]
SERVICES = {"recall": queue.recall, "start": queue.start, "skip": queue.skip, "drop": queue.drop,
            "finish": queue.finish, "requeue": queue.requeue}
DONE_TEXT = {"recall": "已重呼", "start": "开始办理", "skip": "已跳过", "drop": "已过号", "finish": "已办结",
             "requeue": "已重新排队"}


def _chosen(request, windows: list[Window], raw: str | None) -> Window | None:
    """The window asked for (404 when it is not one the clerk may call at), else the one remembered, else the only
    one."""
    if raw:
        window = next((w for w in windows if str(w.pk) == raw.strip()), None)
        if window is None:
            raise Http404
        request.session[WINDOW_KEY] = window.pk
        return window
    remembered = request.session.get(WINDOW_KEY)
    window = next((w for w in windows if w.pk == remembered), None)
    if window is None and len(windows) == 1:
        window = windows[0]
    return window


def ticket_param(request) -> str:
    """The queue ticket a receipt or an inquiry form was opened from (``?ticket=`` or the posted hidden field), digits
    only; the service checks it (``hall.queue.link``)."""
    raw = (request.POST.get("ticket") if request.method == "POST" else request.GET.get("ticket")) or ""
    raw = raw.strip()
    return raw if raw.isascii() and raw.isdigit() and len(raw) <= 12 else ""


def ticket_number(user: Any, ticket_id: str) -> str:
    """The number of a ticket of today in ``user``'s scope (shown on the form it leads to), or ""."""
    path = scope_path(user)
    if not ticket_id or path is None:
        return ""
    return (Ticket.objects.filter(pk=int(ticket_id), unit__path__startswith=path,
                                  day=timezone.localtime(now()).date())
            .values_list("number", flat=True).first() or "")


def ticket_links(ticket: Ticket) -> dict[str, str]:
    """The receipt and inquiry forms opened from a ticket at the window."""
    return {"receive": f"{reverse('backoffice:receive')}?{urlencode({'ticket': ticket.pk})}",
            "inquiry": f"{reverse('backoffice:inquiry_new')}?{urlencode({'ticket': ticket.pk})}"}


class QueueView(StaffView):
    """The console of the chosen window: its state, the ticket at it with its buttons, the waiting counts."""

    permission = (Perm.HANDLE_CASES, Perm.HANDLE_INQUIRIES)

    def get(self, request):
        moment = now()
        windows = list(queue.callable_windows(request.user))
        window = _chosen(request, windows, request.GET.get("window"))
        context = {"windows": windows, "window": window}
        if window is not None:
            current = queue.current_ticket(window, moment)
            day = timezone.localtime(moment).date()
            context |= {
                "counter": (Counter.objects.filter(window=window, closed_at__isnull=True)
                            .select_related("staff").first()),
                "current": current, "links": ticket_links(current) if current else None,
                "actions": [(a, label, key, current is not None and current.status in allowed)
                            for a, label, key, allowed in TICKET_ACTIONS],
                "max_calls": int(hall_setting("MAX_CALLS")),
                "types": queue.waiting_by_type(window.unit, moment),
                "mine": set(ServiceType.objects.filter(windows=window, is_active=True).values_list("pk", flat=True)),
                "set_aside": list(Ticket.objects.filter(
                    unit_id=window.unit_id, day=day, status__in=(TicketStatus.SKIPPED, TicketStatus.NO_SHOW))
                    .select_related("service_type", "window").order_by("-finished_at")[:SET_ASIDE_SHOWN]),
                "version": version_of(window.unit_id)}
        return render(request, "backoffice/queue.html", context)

    def post(self, request):
        moment, user = now(), request.user
        action = request.POST.get("action", "")
        window_id = request.POST.get("window", "")
        ticket_id = request.POST.get("ticket", "")
        try:
            if action == "open":
                queue.open_counter(actor=user, window_id=window_id, now=moment)
                messages.success(request, "已开窗，可以叫号")
            elif action == "close":
                queue.close_counter(actor=user, window_id=window_id, now=moment)
                messages.success(request, "已暂停叫号")
            elif action == "next":
                called = queue.call_next(actor=user, window_id=window_id, now=moment)
                if called is None:
                    messages.info(request, "当前没有等候的号")
                else:
                    messages.success(request, f"请{called.number}号到{called.window.number if called.window else ''}"
                                              f"号窗口办理")
            elif action in SERVICES:
                ticket = SERVICES[action](actor=user, ticket_id=ticket_id, now=moment)
                messages.success(request, f"{ticket.number}：{DONE_TEXT[action]}")
            elif action == "take":
                window = queue.callable_windows(user).filter(pk=_int(window_id)).first()
                if window is None:
                    raise Http404
                ticket = queue.take_ticket(unit_id=window.unit_id, service_type_id=request.POST.get("service_type", ""),
                                           now=moment, actor=user)
                ahead = queue.position(ticket, moment)
                messages.success(request, f"已人工取号 {ticket.number}（{ticket.service_type.name}），"
                                          f"前面{ahead.ahead}人，预计等候约{ahead.wait_minutes}分钟")
            else:
                raise Http404
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            say_error(request, exc)
        target = reverse("backoffice:queue")
        if _int(window_id) is not None:
            target += f"?{urlencode({'window': window_id})}"
        return redirect(target)


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


class QueueStateView(StaffView):
    """The version of the chosen window's center (static/js/queue_console.js reloads the console when it changes)."""

    permission = (Perm.HANDLE_CASES, Perm.HANDLE_INQUIRIES)

    def get(self, request):
        wanted = _int(request.GET.get("window", ""))
        window = queue.callable_windows(request.user).filter(pk=wanted).first() if wanted is not None else None
        return JsonResponse({"version": version_of(window.unit_id) if window is not None else 0})
