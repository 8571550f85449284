"""评价器管理 (decision 0024): a supervisor issues a rating pad for a window (the one-time activation code is shown on
this response only) and revokes it; and the clerk's "请评价" button on the case and inquiry pages."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from bianmin.accounts.roles import Perm
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.timeutils import now
from bianmin.ratings.models import Subject
from bianmin.ratings.pads import (
    ACTIVATION_HOURS,
    INVITE_MINUTES,
    invite_rating,
    issue_pad,
    manageable_windows,
    pads_of,
    revoke_pad,
)

from .views import StaffView, say_error


class PadsView(StaffView):
    """The pads of the windows in the supervisor's scope, by window, with 发放 and 吊销."""

    permission = Perm.SUPERVISE

    def get(self, request, issued=None, code: str = "", error: DomainError | None = None, status: int = 200):
        windows = manageable_windows(request.user)
        pads = pads_of(request.user)
        rows = [(w, [p for p in pads if p.window_id == w.pk]) for w in windows]
        response = render(request, "backoffice/pads.html", {
            "rows": rows, "windows": windows, "issued": issued, "code": code, "hours": ACTIVATION_HOURS,
            "error": error, "posted": request.POST if error else {}}, status=status)
        if code:  # the code is shown once: never cached, never stored in the session or a message
            response["Cache-Control"] = "no-store"
        return response

    def post(self, request):
        action = request.POST.get("action", "")
        try:
            if action == "issue":
                pad, code = issue_pad(actor=request.user, window_id=request.POST.get("window", ""),
                                      label=request.POST.get("label", ""), now=now())
                return self.get(request, issued=pad, code=code)
            if action == "revoke":
                pad = revoke_pad(actor=request.user, pad_id=request.POST.get("pad", ""), now=now())
                messages.success(request, f"已吊销评价器：{pad.window}（{pad.label}）")
                return redirect("backoffice:pads")
        except NotFound as exc:
            if action == "revoke":
                raise Http404 from None
            return self.get(request, error=exc, status=404)
        except DomainError as exc:
            return self.get(request, error=exc, status=exc.status)
        raise Http404


class RatingInviteView(StaffView):
    """请评价: put a delivered case or a closed inquiry on the pad of the clerk's window, then back to its page."""

    permission = (Perm.HANDLE_CASES, Perm.HANDLE_INQUIRIES)

    def post(self, request):
        subject = request.POST.get("subject", "")
        number = request.POST.get("number", "")
        if subject not in (Subject.CASE, Subject.INQUIRY):
            raise Http404
        back = reverse("backoffice:case" if subject == Subject.CASE else "backoffice:inquiry", args=[number])
        try:
            invite_rating(actor=request.user, subject=subject, number=number, now=now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            say_error(request, exc)
        else:
            messages.success(request, f"已请群众在评价器上评价（{INVITE_MINUTES}分钟内有效）")
        return redirect(back)
