"""预约办结, 预约联动 and 组团服务 pages (decision 0025 §6): the 预约办结 panel of the case page and its post, the
joint appointments and outreach visits (lists with search and pages, a new one, one with the forms its catalogue
allows). Thin: the policies and services are in ``hall.promises``, the forms come from ``hall.promise_actions``."""
from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from bianmin.accounts.roles import Perm
from bianmin.core.errors import NotFound
from bianmin.core.paging import page_of
from bianmin.hall.models import JointStatus, OutreachStatus
from bianmin.hall.promise_actions import (
    COMPLETION_ACTIONS,
    JOINT_ACTIONS,
    JOINT_CREATE_ACTIONS,
    OUTREACH_ACTIONS,
    OUTREACH_CREATE_ACTIONS,
    PlanContext,
)
from bianmin.hall.promises import (
    JOINT_PLANNERS,
    JOINT_READERS,
    completion_of,
    completion_refusal,
    get_joint_for,
    get_outreach_for,
    joints_for,
    organising_units,
    outreach_for,
    planning_centers,
)

from .actions import form_view, forms_for, perform_post, refused_page
from .views import StaffView, say_error

PAGE = 30


def completion_panel(request: Any, ctx: Any, posted: Any = None, error: Any = None) -> dict[str, Any]:
    """What the case page shows of 预约办结: the appointment, or the form when the policy allows giving one."""
    appointment = completion_of(ctx.case)
    spec = COMPLETION_ACTIONS.get("give")
    form = None
    if appointment is None and spec is not None and completion_refusal(request.user, ctx.case, ctx.acting_ids,
                                                                       given=False) is None:
        form = form_view(spec, ctx, posted, error)
    if error is not None and (form is None or not error.fields
                              or {k.split(".")[0] for k in error.fields} - {f.name for f in form.fields}):
        say_error(request, error)  # not shown beside a field: the page's message (once)
    return {"appointment": appointment, "form": form}


class CaseCompletionView(StaffView):
    """POST only: give the case a completion appointment (the case page draws the form)."""

    permission = Perm.HANDLE_CASES
    http_method_names = ["post"]

    def post(self, request, number: str):
        from .views_case import CaseDetailView

        def refused(exc):
            response = CaseDetailView().get(request, number, posted=request.POST, error=exc)
            response.status_code = exc.status
            return response

        return perform_post(request, COMPLETION_ACTIONS, number, only="give", refused=refused,
                            done=lambda result: redirect("backoffice:case", number=number))


def _list_query(request) -> tuple[str, str]:
    return request.GET.get("q", "").strip()[:64], request.GET.get("status", "").strip()


class JointListView(StaffView):
    """预约联动: the center's and the gathered departments' joint appointments, searched by number or applicant."""

    permission = JOINT_READERS

    def get(self, request):
        q, status = _list_query(request)
        page = page_of(joints_for(request.user, q=q, status=status), PAGE, request.GET.get("page"))
        return render(request, "backoffice/joint_list.html", {
            "page": page, "q": q, "status": status, "statuses": JointStatus.choices,
            "may_plan": planning_centers(request.user).exists(), "query": urlencode({"q": q, "status": status})})


class JointNewView(StaffView):
    permission = JOINT_PLANNERS

    def get(self, request, posted=None, error=None):
        forms = forms_for(request, JOINT_CREATE_ACTIONS, PlanContext(request.user), posted, error)
        return render(request, "backoffice/joint_new.html", {"forms": forms})

    def post(self, request):
        return perform_post(request, JOINT_CREATE_ACTIONS, None, only="plan",
                            refused=lambda exc: refused_page(self, request, exc),
                            done=lambda joint: redirect("backoffice:joint", pk=joint.pk))


class JointDetailView(StaffView):
    permission = JOINT_READERS

    def get(self, request, pk: int, posted=None, error=None):
        try:
            joint = get_joint_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        return render(request, "backoffice/joint_detail.html", {
            "joint": joint, "departments": list(joint.departments.select_related("department", "confirmed_by")),
            "forms": forms_for(request, JOINT_ACTIONS, joint, posted, error)})

    def post(self, request, pk: int):
        return perform_post(request, JOINT_ACTIONS, pk, refused=lambda exc: refused_page(self, request, exc, pk),
                            done=lambda result: redirect("backoffice:joint", pk=pk))


class OutreachListView(StaffView):
    """组团服务: the visits organised in the user's scope and those they are on the team of."""

    permission = Perm.USE_WORKBENCH

    def get(self, request):
        q, status = _list_query(request)
        page = page_of(outreach_for(request.user, q=q, status=status), PAGE, request.GET.get("page"))
        return render(request, "backoffice/outreach_list.html", {
            "page": page, "q": q, "status": status, "statuses": OutreachStatus.choices,
            "may_plan": organising_units(request.user).exists(), "query": urlencode({"q": q, "status": status})})


class OutreachNewView(StaffView):
    permission = Perm.APPROVE

    def get(self, request, posted=None, error=None):
        forms = forms_for(request, OUTREACH_CREATE_ACTIONS, PlanContext(request.user), posted, error)
        return render(request, "backoffice/outreach_new.html", {"forms": forms})

    def post(self, request):
        return perform_post(request, OUTREACH_CREATE_ACTIONS, None, only="plan",
                            refused=lambda exc: refused_page(self, request, exc),
                            done=lambda visit: redirect("backoffice:outreach", pk=visit.pk))


class OutreachDetailView(StaffView):
    permission = Perm.USE_WORKBENCH

    def get(self, request, pk: int, posted=None, error=None):
        try:
            visit = get_outreach_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        return render(request, "backoffice/outreach_detail.html", {
            "visit": visit, "team": list(visit.team.select_related("unit").order_by("badge_number")),
            "intakes": list(visit.intakes.select_related("case__item_version", "case__received_by")
                            .order_by("recorded_at", "id")),
            "forms": forms_for(request, OUTREACH_ACTIONS, visit, posted, error)})

    def post(self, request, pk: int):
        return perform_post(request, OUTREACH_ACTIONS, pk, refused=lambda exc: refused_page(self, request, exc, pk),
                            done=lambda result: redirect("backoffice:outreach", pk=pk))
