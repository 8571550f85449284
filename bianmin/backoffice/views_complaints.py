"""监督投诉 pages: the 登记簿 (list with search, filters and pages), registering a desk or phone complaint, one
complaint with its steps and the forms its catalogue allows, and the supervisor's audited reveal of who complained.

The complainant's name and phone appear on one response only: the one answering a supervisor's reveal (with its
reason, audited). Every other page shows whether the complaint is named or anonymous, and supervisors the masked
phone."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from bianmin.accounts.roles import Perm
from bianmin.complaints.actions import COMPLAINT_ACTIONS, CREATE_ACTIONS
from bianmin.complaints.models import ComplaintChannel, ComplaintKind, ComplaintStatus
from bianmin.complaints.policies import get_complaint_for, is_supervisor, may_register, may_see_complainant
from bianmin.complaints.selectors import register_of, steps_of
from bianmin.complaints.services import reveal_complainant
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import page_of
from bianmin.core.timeutils import now, today
from bianmin.org.policies import scope_path, staff_profile_of
from bianmin.org.selectors import hospital_departments_under
from bianmin.org.terms import terms_for

from .actions import forms_for, perform_post, refused_page
from .views import StaffView, say_error

READERS = (Perm.SUPERVISE, Perm.APPROVE)
REGISTRARS = (Perm.SUPERVISE, Perm.HANDLE_CASES)
PAGE = 30


class ComplaintListView(StaffView):
    permission = READERS

    def get(self, request):
        g = request.GET
        q, status, kind, channel = (g.get(k, "").strip() for k in ("q", "status", "kind", "channel"))
        overdue = g.get("overdue") == "1"
        department = g.get("department", "").strip()[:16]
        qs = register_of(request.user, q=q, status=status if status in ComplaintStatus.values else "",
                         kind=kind if kind in ComplaintKind.values else "",
                         channel=channel if channel in ComplaintChannel.values else "", overdue=overdue,
                         today=today(), department=department)
        page = page_of(qs, PAGE, g.get("page"))
        departments = list(hospital_departments_under(scope_path(request.user)))
        return render(request, "backoffice/complaints.html", {
            "page": page, "q": q, "status": status, "kind": kind, "channel": channel, "overdue": overdue,
            "statuses": ComplaintStatus.choices, "kinds": ComplaintKind.choices,
            "channels": ComplaintChannel.choices, "may_register": may_register(request.user),
            "department": department, "departments": departments,
            "show_departments": bool(departments) or bool(department),
            "query": urlencode({"q": q, "status": status, "kind": kind, "channel": channel,
                                "overdue": "1" if overdue else "", "department": department})})


class ComplaintNewView(StaffView):
    """登记投诉 at the desk or by phone (the catalogue's register form)."""

    permission = REGISTRARS

    def get(self, request, posted=None, error=None):
        profile = staff_profile_of(request.user)
        unit = profile.unit if profile is not None else None  # the form offers the 科室 of hospital desks in it
        forms = [f for f in forms_for(request, CREATE_ACTIONS, unit, posted, error) if f.name == "register"]
        return render(request, "backoffice/complaint_new.html", {
            "forms": forms, "unit_terms": terms_for(unit), "hospital": unit is not None and unit.is_hospital})

    def post(self, request):
        def done(complaint):
            if is_supervisor(request.user):
                return redirect("backoffice:complaint", number=complaint.number)
            return redirect("backoffice:complaint_new")  # window staff see nothing of it afterwards
        return perform_post(request, CREATE_ACTIONS, None, only="register",
                            refused=lambda exc: refused_page(self, request, exc), done=done)


class ComplaintDetailView(StaffView):
    permission = READERS

    def get(self, request, number: str, posted=None, error=None, identity=None, status=200):
        try:
            complaint = get_complaint_for(request.user, number)
        except NotFound:
            raise Http404 from None
        return render(request, "backoffice/complaint_detail.html", {
            "c": complaint, "steps": steps_of(complaint), "today": today(),
            "forms": forms_for(request, COMPLAINT_ACTIONS, complaint, posted, error),
            "supervisor": is_supervisor(request.user),
            "may_reveal": may_see_complainant(request.user, complaint), "identity": identity,
            "unit_terms": terms_for(complaint.department or complaint.unit)}, status=status)

    def post(self, request, number: str):
        return perform_post(request, COMPLAINT_ACTIONS, number,
                            refused=lambda exc: refused_page(self, request, exc, number),
                            done=lambda result: redirect("backoffice:complaint", number=number))


class ComplaintRevealView(StaffView):
    """查看投诉人身份: a supervisor gives a reason; the answer is this one page (audited), never stored in a link."""

    permission = Perm.SUPERVISE

    def post(self, request, number: str):
        detail = ComplaintDetailView()
        try:
            identity = reveal_complainant(actor=request.user, number=number, reason=request.POST.get("reason", ""),
                                          now=now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            say_error(request, exc)
            return detail.get(request, number, status=exc.status)
        response = detail.get(request, number, identity=identity)
        response["Cache-Control"] = "no-store"
        return response
