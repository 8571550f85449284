"""上墙公示 screens (issue 18 item 1; decision 0025 §5): the system administrator's rules editor (the HTML, a preview
of what the sanitizer keeps, the versions), and a leader's bulletins (list, publish, withdraw with a reason) and the
comments to handle. Thin: each post calls one service of ``hall.board``, which asks the same policy again."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from bianmin.accounts.roles import Perm
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import page_of
from bianmin.core.timeutils import now, today
from bianmin.hall.board import (
    MAX_BODY,
    MAX_COMMENT,
    MAX_HANDLING,
    MAX_NOTE,
    MAX_REASON,
    MAX_RULES_HTML,
    MAX_TITLE,
    board_units_for,
    bulletins_for,
    clean_rich_text,
    comments_to_handle,
    current_rules,
    handle_comment,
    publish_bulletin,
    rules_history,
    save_rules,
    withdraw_bulletin,
)
from bianmin.hall.models import BulletinKind

from .views import StaffView, say_error

PAGE = 30
LIMITS = {"max_title": MAX_TITLE, "max_note": MAX_NOTE, "max_rules": MAX_RULES_HTML, "max_body": MAX_BODY,
          "max_reason": MAX_REASON, "max_handling": MAX_HANDLING, "max_comment": MAX_COMMENT}


class BoardRulesView(StaffView):
    """制度上墙: pick a unit of the scope, edit its rules' HTML, preview what the sanitizer keeps, save a version."""

    permission = Perm.MANAGE_ORG

    def _unit(self, request, code: str):
        units = list(board_units_for(request.user))
        if not code:
            return units, (units[0] if units else None)
        unit = next((u for u in units if u.code == code), None)
        if unit is None:
            raise Http404
        return units, unit

    def _render(self, request, units, unit, *, title="", body="", note="", preview=None, errors=None, status=200):
        current = current_rules(unit) if unit else None
        if current is not None and not (title or body):
            title, body = current.title, current.body_html
        return render(request, "backoffice/board_rules.html", {
            "units": units, "unit": unit, "current": current,
            "history": list(rules_history(unit)[:50]) if unit else [],
            "title": title, "body": body, "note": note, "preview": preview, "errors": errors or {}, **LIMITS},
            status=status)

    def get(self, request):
        units, unit = self._unit(request, request.GET.get("unit", "").strip())
        return self._render(request, units, unit)

    def post(self, request):
        units, unit = self._unit(request, request.POST.get("unit", "").strip())
        if unit is None:
            raise Http404
        title, body, note = (request.POST.get(k, "") for k in ("title", "body_html", "note"))
        if request.POST.get("action") == "preview":
            cleaned = clean_rich_text(body[:MAX_RULES_HTML])
            return self._render(request, units, unit, title=title, body=body, note=note,
                                preview=mark_safe(cleaned))  # noqa: S308 - the sanitizer's output
        try:
            rules = save_rules(actor=request.user, unit_id=unit.pk, title=title, body_html=body, note=note, now=now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            say_error(request, exc)
            return self._render(request, units, unit, title=title, body=body, note=note, errors=exc.fields,
                                status=exc.status)
        messages.success(request, f"已保存第 {rules.version} 版，公示栏即时更新")
        return redirect(f"{reverse('backoffice:board_rules')}?unit={unit.code}")


class BulletinListView(StaffView):
    """公示管理: the bulletins of the scope with their period, state and comments, and the comments to handle."""

    permission = Perm.APPROVE

    def get(self, request):
        page = page_of(bulletins_for(request.user), PAGE, request.GET.get("page"))
        return render(request, "backoffice/bulletin_list.html", {
            "page": page, "today": today(), "to_handle": comments_to_handle(request.user).count(), **LIMITS})


class BulletinNewView(StaffView):
    """发布公示: unit, kind, title, content, period (at least ``BULLETIN_MIN_DAYS`` natural days), comments or not."""

    permission = Perm.APPROVE
    FIELDS = ("unit", "kind", "title", "body", "starts_on", "ends_on")

    def _render(self, request, posted, errors=None, status=200):
        return render(request, "backoffice/bulletin_new.html", {
            "units": board_units_for(request.user), "kinds": BulletinKind.choices, "posted": posted,
            "errors": errors or {}, "min_days": settings.BIANMIN["HALL"]["BULLETIN_MIN_DAYS"], **LIMITS},
            status=status)

    def get(self, request):
        start = today()
        end = start + dt.timedelta(days=int(settings.BIANMIN["HALL"]["BULLETIN_MIN_DAYS"]) - 1)
        return self._render(request, {"starts_on": start.isoformat(), "ends_on": end.isoformat(),
                                      "accepts_comments": True})

    def post(self, request):
        posted = {f: request.POST.get(f, "") for f in self.FIELDS}
        posted["accepts_comments"] = request.POST.get("accepts_comments") == "on"
        unit = board_units_for(request.user).filter(code=posted["unit"].strip()).first()
        if unit is None:
            error = DomainError.for_field("unit", "请选择发布公示的单位")
            say_error(request, error)
            return self._render(request, posted, error.fields, status=400)
        try:
            bulletin = publish_bulletin(actor=request.user, unit_id=unit.pk, kind=posted["kind"],
                                        title=posted["title"], body=posted["body"], starts_on=posted["starts_on"],
                                        ends_on=posted["ends_on"], accepts_comments=posted["accepts_comments"],
                                        now=now())
        except DomainError as exc:
            say_error(request, exc)
            return self._render(request, posted, exc.fields, status=exc.status)
        messages.success(request, f"已发布公示《{bulletin.title}》，公示期 {bulletin.starts_on} 至 {bulletin.ends_on}")
        return redirect("backoffice:bulletins")


class BulletinWithdrawView(StaffView):
    """撤回公示 (POST, with a reason; the page asks for confirmation)."""

    permission = Perm.APPROVE
    http_method_names = ["post"]

    def post(self, request, pk: int):
        try:
            bulletin = withdraw_bulletin(actor=request.user, bulletin_id=pk, reason=request.POST.get("reason", ""),
                                         now=now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            say_error(request, exc)
        else:
            messages.success(request, f"已撤回公示《{bulletin.title}》，保留在往期公示中")
        return redirect("backoffice:bulletins")


class BulletinCommentsView(StaffView):
    """待处理的公示意见: each comment (the commenter's name and masked phone, for a call back) with a handling form."""

    permission = Perm.APPROVE

    def get(self, request):
        page = page_of(comments_to_handle(request.user), PAGE, request.GET.get("page"))
        return render(request, "backoffice/bulletin_comments.html", {"page": page, **LIMITS})


class CommentHandleView(StaffView):
    """处理公示意见 (POST): the handling, shown publicly under the bulletin; once."""

    permission = Perm.APPROVE
    http_method_names = ["post"]

    def post(self, request, pk: int):
        try:
            handle_comment(actor=request.user, comment_id=pk, handling=request.POST.get("handling", ""), now=now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            say_error(request, exc)
        else:
            messages.success(request, "已登记处理情况，已在公示下公开")
        return redirect("backoffice:bulletin_comments")
