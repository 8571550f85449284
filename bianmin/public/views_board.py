"""上墙公示 pages (issue 18 item 1; decision 0025 §5), no login: a service place's board, its print layout for the
physical wall (A4 or A3), a bulletin with the comment form, the archive of ended and withdrawn bulletins, and the
photos of the staff the board shows. Nothing personal is shown but the staff on the wall (上墙公示): a commenter's
name and phone are never read here."""
from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bianmin.cases.lookup import TooManyRequests
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.http import client_ip
from bianmin.core.paging import InvalidParameter, page_of
from bianmin.core.timeutils import local_date, now
from bianmin.hall.board import (
    board_for,
    board_staff_ids,
    board_unit,
    bulletin_archive,
    clean_rich_text,
    comment_refusal,
    public_bulletin,
    submit_comment,
)
from bianmin.hall.models import BulletinKind, CommentKind
from bianmin.hall.promises import published_outreach
from bianmin.org.models import StaffProfile, Unit
from bianmin.stats.published import month_figures

PAPER_SIZES = ("A4", "A3")
ARCHIVE_PAGE = 20
COMMENT_FIELDS = ("kind", "text", "name", "phone")


def _unit(code: str) -> Unit:
    try:
        return board_unit(code)
    except NotFound:
        raise Http404 from None


def _context(unit: Unit) -> dict:
    moment = now()
    today = local_date(moment)
    board = board_for(unit, today, now=moment)
    rules_html = mark_safe(clean_rich_text(board.rules.body_html)) if board.rules else ""  # noqa: S308 - sanitized
    return {"board": board, "unit": unit, "today": today, "rules_html": rules_html,
            "figures": month_figures(unit, today), "kinds": dict(BulletinKind.choices),
            "outreach_visits": published_outreach(unit, now())}


@require_GET
def board(request, code: str):
    """The board: staff on duty today, the 首席责任人, bulletins open now, the rules, items, figures and phone."""
    return render(request, "public/board.html", _context(_unit(code)))


@require_GET
def board_print(request, code: str):
    """The board laid out for the wall: ``?size=A4`` (default) or ``A3``, portrait."""
    size = (request.GET.get("size") or "A4").strip().upper()
    if size not in PAPER_SIZES:
        raise InvalidParameter("size", "纸张（size）应为 A4 或 A3")
    return render(request, "public/board_print.html", _context(_unit(code)) | {"size": size})


@require_GET
def board_archive(request, code: str):
    """Ended and withdrawn bulletins, newest first, by pages."""
    unit = _unit(code)
    page = page_of(bulletin_archive(unit, local_date(now())), ARCHIVE_PAGE, request.GET.get("page"))
    return render(request, "public/board_archive.html", {"unit": unit, "page": page})


@never_cache
@require_http_methods(["GET", "POST"])
def bulletin(request, code: str, bulletin_id: int):
    """A bulletin with its handled comments and, during its period, the comment form (a post records one)."""
    unit = _unit(code)
    moment = now()
    today = local_date(moment)
    try:
        shown = public_bulletin(unit, bulletin_id, today)
    except NotFound:
        raise Http404 from None
    posted = {f: request.POST.get(f, "") for f in COMMENT_FIELDS} if request.method == "POST" else {}
    ctx = {"unit": unit, "bulletin": shown, "refusal": comment_refusal(shown, today), "posted": posted,
           "errors": {}, "error": "", "comment_kinds": CommentKind.choices}
    status, retry_after = 200, None
    if request.method == "POST":
        try:
            submit_comment(bulletin_id=shown.pk, kind=posted["kind"], text=posted["text"], name=posted["name"],
                           phone=posted["phone"], ip=client_ip(request), now=moment)
        except TooManyRequests as exc:
            ctx["error"], status, retry_after = exc.message, exc.status, exc.retry_after
        except DomainError as exc:
            ctx["error"], ctx["errors"], status = exc.message, exc.fields, exc.status
            ctx["refusal"] = comment_refusal(shown, today) if status != 409 else exc.message
        else:
            messages.success(request, "已收到您的意见，处理后将在本公示下公开处理情况（不公开您的姓名和电话）")
            return redirect(reverse("public:bulletin", args=[unit.code, shown.pk]) + "#comments")
    response = render(request, "public/bulletin.html", ctx, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def board_photo(request, code: str, staff_id: int):
    """A staff member's photo: only of someone the unit's board shows (its posts' A and B, its 首席责任人)."""
    unit = _unit(code)
    if staff_id not in board_staff_ids(unit):
        raise Http404
    staff = StaffProfile.objects.filter(pk=staff_id).only("pk", "photo").first()
    if staff is None or not staff.photo:
        raise Http404
    response = FileResponse(staff.photo.open("rb"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response
