"""好差评 pages (decision 0024): 评价管理 for leaders and supervisors (filters, pages), one rating with its 差评
follow-up and the forms its catalogue allows, 我的评价 for the rated staff (with the 申诉 form), and a supervisor's
查看评价人 — the only place a page shows who rated, after an audited reason. Everywhere else the evaluator is shown as
已实名 / 匿名, never by name or phone."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import InvalidParameter, page_of
from bianmin.core.timeutils import now
from bianmin.org.policies import scope_path, staff_profile_of
from bianmin.org.selectors import hospital_departments_under
from bianmin.org.terms import terms_for
from bianmin.ratings.actions import RATING_ACTIONS
from bianmin.ratings.models import FollowUpStatus
from bianmin.ratings.policies import get_rating_for, may_see_instance, reveal_refusal
from bianmin.ratings.selectors import my_ratings, ratings_for
from bianmin.ratings.services import reveal_evaluator
from bianmin.stats.hospital import department_breakdown

from .actions import forms_for, perform_post, refused_page
from .views import StaffView

PAGE = 30
FOLLOW_UP_CHOICES = [*FollowUpStatus.choices, ("LATE", "回访或整改超时")]


def _date(request, name: str) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidParameter(name, f"日期（{name}）格式应为 YYYY-MM-DD") from None


def _number_context(user: Any) -> dict[str, Any]:
    """Which rows may show their service's number: a supervisor's, except ratings of themselves (the number would
    name the applicant who rated: decision 0024 §2)."""
    profile = staff_profile_of(user)
    return {"show_numbers": can(user, Perm.SUPERVISE), "my_profile_id": profile.pk if profile else None}


class RatingListView(StaffView):
    """评价管理: the ratings of the scope, filtered by 差评, follow-up status, period and hospital 科室 (涉及科室),
    with the 按科室 figures when the scope holds hospital desks."""

    permission = (Perm.APPROVE, Perm.SUPERVISE)

    def get(self, request):
        bad = request.GET.get("bad") == "1"
        follow_up = request.GET.get("follow_up", "")
        if follow_up not in {v for v, _ in FOLLOW_UP_CHOICES}:
            follow_up = ""
        start, end = _date(request, "from"), _date(request, "to")
        department = request.GET.get("department", "").strip()[:16]
        page = page_of(ratings_for(request.user, bad=bad, follow_up=follow_up, start=start, end=end,
                                   department=department), PAGE, request.GET.get("page"))
        query = urlencode({k: v for k, v in (("bad", "1" if bad else ""), ("follow_up", follow_up),
                                             ("from", start.isoformat() if start else ""),
                                             ("to", end.isoformat() if end else ""),
                                             ("department", department)) if v})
        departments = list(hospital_departments_under(scope_path(request.user)))
        return render(request, "backoffice/ratings.html", {
            "page": page, "bad": bad, "follow_up": follow_up, "start": start, "end": end, "query": query,
            "follow_up_choices": FOLLOW_UP_CHOICES, "department": department, "departments": departments,
            "show_departments": bool(departments) or bool(department),
            "by_department": department_breakdown(request.user, start=start, end=end) if departments else [],
            **_number_context(request.user)})


class MyRatingsView(StaffView):
    """我的评价: the ratings of the signed-in staff member, each with its page (where the 申诉 form is)."""

    permission = Perm.USE_WORKBENCH

    def get(self, request):
        page = page_of(my_ratings(request.user), PAGE, request.GET.get("page"))
        profile = staff_profile_of(request.user)
        return render(request, "backoffice/my_ratings.html", {
            "page": page, "query": "", "show_numbers": False,
            "show_departments": profile is not None and profile.unit.is_hospital})


class RatingDetailView(StaffView):
    """One rating: its follow-up, its appeals, the catalogue's forms and (supervisors) the 查看评价人 form."""

    permission = Perm.USE_WORKBENCH

    def _rating(self, request, rating_id: int):
        try:
            return get_rating_for(request.user, rating_id)
        except NotFound:
            raise Http404 from None

    def get(self, request, rating_id: int, posted=None, error=None, evaluator=None, reveal_error=None):
        rating = self._rating(request, rating_id)
        follow_up = getattr(rating, "follow_up", None)  # a missing one-to-one raises an AttributeError
        return render(request, "backoffice/rating_detail.html", {
            "rating": rating, "follow_up": follow_up, "appeals": list(rating.appeals.select_related("by")),
            "again": rating.follow_up_ratings.first(),
            "forms": forms_for(request, RATING_ACTIONS, rating, posted, error),
            "may_reveal": reveal_refusal(request.user, rating) is None, "evaluator": evaluator,
            "reveal_error": reveal_error, "show_number": may_see_instance(request.user, rating),
            "unit_terms": terms_for(rating.unit)})

    def post(self, request, rating_id: int):
        return perform_post(request, RATING_ACTIONS, rating_id,
                            refused=lambda exc: refused_page(self, request, exc, rating_id),
                            done=lambda result: redirect("backoffice:rating", rating_id=rating_id))


class RatingRevealView(RatingDetailView):
    """查看评价人 (POST only): a supervisor gives a reason; the page is drawn again with the name and phone, never
    redirected (nothing of the identity goes into a message cookie or a URL)."""

    permission = Perm.SUPERVISE
    http_method_names = ["post"]

    def post(self, request, rating_id: int):
        try:
            evaluator = reveal_evaluator(actor=request.user, rating_id=rating_id,
                                         reason=request.POST.get("reason", ""), now=now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            response = self.get(request, rating_id, reveal_error=exc)
            response.status_code = exc.status
            return response
        response = self.get(request, rating_id, evaluator=evaluator)
        response["Cache-Control"] = "no-store"
        return response
