"""Rating pages without a citizen login (decision 0024): the window's rating pad (a tablet bound by its device token)
and the rating by number + query code reached from the QR on notices and receipts or from the SMS link."""
from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bianmin.cases.lookup import TooManyRequests
from bianmin.core.errors import DomainError
from bianmin.core.http import client_ip
from bianmin.core.timeutils import now
from bianmin.org.terms import terms_for
from bianmin.ratings.models import Channel, Level
from bianmin.ratings.pads import activate_pad, current_invite, on_duty, pad_for_token, rate_on_pad
from bianmin.ratings.public import check_rateable, rate_target

PAD_COOKIE = "bianmin_pad"
PAD_COOKIE_DAYS = 5 * 365  # the tablet stays bound until a supervisor revokes it
POLL_SECONDS = 3
# The five levels in the national order (非常满意 … 非常不满意), all drawn alike: nothing is preselected or
# highlighted (no prompting for a score).
LEVELS = [(int(value), label) for value, label in Level.choices]


def _pad(request):
    return pad_for_token(request.COOKIES.get(PAD_COOKIE), now=now())


def _to_activation():
    response = redirect("public:pad_activate")
    response.delete_cookie(PAD_COOKIE)
    return response


def _pad_context(pad, *, error: str = "", done: bool = False) -> dict:
    moment = now()
    invite = None if done else current_invite(pad, now=moment)
    clerks = [invite.staff] if invite is not None else on_duty(pad.window, timezone.localtime(moment).date())
    instance = None
    if invite is not None:
        instance = invite.case or invite.inquiry or invite.relay
    return {"pad": pad, "window": pad.window, "clerks": clerks, "invite": invite, "instance": instance,
            "levels": LEVELS, "error": error, "done": done, "poll_seconds": POLL_SECONDS,
            "duty_key": ",".join(str(c.pk) for c in clerks)}


@never_cache
@require_GET
def pad(request):
    """The pad: the clerk on duty and, after their "请评价", the five levels and an optional comment."""
    pad = _pad(request)
    if pad is None:
        return _to_activation()
    return render(request, "public/pad.html", _pad_context(pad))


@never_cache
@require_GET
def pad_state(request):
    """What the pad shows now, polled by static/js/rating_pad.js: the waiting invite and who is on duty."""
    pad = _pad(request)
    if pad is None:
        return JsonResponse({"active": False}, status=401)
    ctx = _pad_context(pad)
    return JsonResponse({"active": True, "invite": ctx["invite"].pk if ctx["invite"] else None,
                         "duty": ctx["duty_key"]})


@never_cache
@require_POST
def pad_rate(request):
    """The citizen's tap: record the level of the invited service; a second rating answers 409 on the pad."""
    pad = _pad(request)
    if pad is None:
        return _to_activation()
    try:
        rate_on_pad(pad=pad, invite_id=request.POST.get("invite", ""), level=request.POST.get("level", ""),
                    comment=request.POST.get("comment", ""), now=now())
    except DomainError as exc:
        details = "".join(f"（{m}）" for ms in exc.fields.values() for m in ms if m != exc.message)
        return render(request, "public/pad.html", _pad_context(pad, error=exc.message + details),
                      status=exc.status)
    return render(request, "public/pad.html", _pad_context(pad, done=True))


@never_cache
@require_GET
def pad_photo(request, staff_id: int):
    """A clerk's photo for the pad: only one the pad shows now (on duty, or the clerk who invited)."""
    pad = _pad(request)
    if pad is None:
        raise Http404
    staff = next((s for s in _pad_context(pad)["clerks"] if s.pk == staff_id), None)
    if staff is None or not staff.photo:
        raise Http404
    response = FileResponse(staff.photo.open("rb"))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def pad_activate(request):
    """Bind this tablet: the supervisor's one-time code for a long-lived, HttpOnly, SameSite=Strict device cookie."""
    error, status = "", 200
    if request.method == "POST":
        try:
            pad, token = activate_pad(code=request.POST.get("code", ""), ip=client_ip(request), now=now())
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            response = redirect("public:pad")
            response.set_cookie(PAD_COOKIE, token, max_age=PAD_COOKIE_DAYS * 86400, httponly=True,
                                samesite="Strict", secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
                                path="/pad/")
            return response
    return render(request, "public/pad_activate.html", {"error": error}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request):
    """Rate a delivered case or relay by number + query code (channel QR; SMS when arrived from the SMS link).

    GET ``?n=NUMBER`` fills the number in; with the code (posted, never in the URL) the page shows the item,
    the staff member's name and badge and the five levels (and, for a hospital desk's service, its 科室 to choose
    from: 涉及科室); a post with a level records the rating."""
    data = request.POST if request.method == "POST" else request.GET
    number = (data.get("number") or data.get("n") or "").strip()[:32]
    # The query code is taken from a posted form only: never from a URL (server logs, referrers).
    code = (request.POST.get("code") or "").strip()[:32] if request.method == "POST" else ""
    channel = Channel.SMS if (data.get("src") or "") == "sms" else Channel.QR
    level = (request.POST.get("level") or "").strip()
    department = (request.POST.get("department") or "").strip()[:32]
    ctx = {"number": number, "code": code, "src": "sms" if channel == Channel.SMS else "", "levels": LEVELS,
           "target": None, "error": "", "done": None, "comment": request.POST.get("comment", ""),
           "department": department, "unit_terms": terms_for(None)}
    status, retry_after = 200, None
    try:
        if number and code:
            ctx["target"] = check_rateable(number, code, ip=client_ip(request), now=now())
            ctx["unit_terms"] = terms_for(ctx["target"].unit)
        if ctx["target"] is not None and level and request.method == "POST":
            ctx["done"] = rate_target(ctx["target"], level=level, comment=ctx["comment"], channel=channel, now=now(),
                                      department=department)
    except TooManyRequests as exc:
        ctx["error"], status, retry_after = exc.message, exc.status, exc.retry_after
    except DomainError as exc:  # a wrong code (404, the target unknown), or a refused rating (the target shown)
        details = "".join(f"（{m}）" for ms in exc.fields.values() for m in ms if m != exc.message)
        ctx["error"], status = exc.message + details, exc.status
    response = render(request, "public/rate.html", ctx, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
