"""The hospital desk's staff pages (decision 0026): the patient and coordination panel of a hospital case's page, the
audited read of the patient's diagnosis and ward, the 科室协调 list and one request with the forms of its side, and
the 便民活动 list, plan form and detail.

Thin: each page asks ``hospital.policies`` / ``hospital.selectors`` what to show. The forms of 发起科室协调, the
coordination request's steps and 便民活动 are drawn from ``hospital.actions`` and their posts go through
``backoffice.actions.perform_post`` (the API generates its endpoints from the same catalogues); the patient form is
drawn by hand and posted to ``hospital.services.record_patient``. A refusal comes back on the page as typed, each
message beside the field it names (``say_error`` for what names no field of the form). The diagnosis and ward
appear on one response only: the one answering "查看诊断和病区" (audited, ``Cache-Control: no-store``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from bianmin.accounts.roles import Perm
from bianmin.core.actions import ActionSpec
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import page_of
from bianmin.core.timeutils import now
from bianmin.hospital import policies, selectors, services
from bianmin.hospital.actions import (
    EVENT_ACTIONS,
    EVENT_CREATE_ACTIONS,
    REQUEST_ACTIONS,
    SEND_ACTIONS,
    event_plan_context,
)
from bianmin.hospital.models import CoordinationRequest, EventStatus, Relation, RequestStatus
from bianmin.org.models import Unit
from bianmin.org.policies import scope_path
from bianmin.org.selectors import hospital_departments_under

from .actions import form_view, forms_for, perform_post, refused_page
from .views import StaffView, say_error

PAGE = 30
PATIENT_FIELDS = ("patient_name", "relation", "diagnosis", "ward")
NO_STORE = "no-store"


# --- the patient form, drawn by hand (its endpoint is a PUT of the whole record, not a catalogued action) ----------

def form_state(request: Any, name: str, fields: Iterable[str], *, posted: Mapping[str, Any] | None = None,
               error: DomainError | None = None, initial: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return one form's state for the template: ``values`` (as typed when this form was the one refused, else
    ``initial``), ``errors`` (field -> messages) and ``message`` (the refusal's headline).

    A refusal naming no field of this form, or a field it does not draw, is said once as the page's message (as
    ``backoffice.actions.forms_for`` does)."""
    shown = set(fields)
    refused = posted is not None and error is not None and posted.get("action", "") == name
    if not refused:
        return {"values": dict(initial or {}), "errors": {}, "message": ""}
    assert posted is not None and error is not None
    named: dict[str, list[str]] = {}
    for key, msgs in error.fields.items():
        named.setdefault(key.split(".")[0], []).extend(msgs)
    if not named or set(named) - shown:
        say_error(request, error)
        named = {}
    values = {f: posted.get(f, "") for f in shown}
    return {"values": values, "errors": named, "message": error.message if named else ""}


def _overdue(requests: Iterable[CoordinationRequest], moment: dt.datetime) -> list[CoordinationRequest]:
    """Mark each open request whose reply time has passed (``overdue``) for the list's badge; the sweep records it."""
    rows = list(requests)
    for r in rows:
        r.overdue = policies.is_overdue(r, moment)  # type: ignore[attr-defined]
    return rows


# --- the case page's panel ----------------------------------------------------------------------------------------

def case_panel(request: Any, case: Any, *, posted: QueryDict | None = None,
               error: DomainError | None = None) -> dict[str, Any]:
    """What a hospital case's page shows of the patient and the coordination requests (never the health fields),
    with the forms the desk's side may use (发起科室协调 drawn from ``hospital.actions.SEND_ACTIONS``)."""
    user = request.user
    desk_side = policies.is_desk_side(user, case.unit_id)
    patient = services.patient_summary(user, case)
    send = SEND_ACTIONS.get("send")
    send_form = (form_view(send, case, posted, error) if send is not None and send.allowed(user, case) else None)
    return {
        "patient": patient, "desk_side": desk_side,
        "may_record": desk_side and (patient is None or (posted is not None and posted.get("action") == "patient")),
        "may_read_health": patient is not None and policies.may_read_health(user, case),
        "requests": _overdue(selectors.requests_of_case(case), now()),
        "relations": Relation.choices,
        "patient_form": form_state(request, "patient", PATIENT_FIELDS, posted=posted, error=error,
                                   initial={"relation": Relation.SELF}),
        "send_form": send_form,
    }


def _case_page_refused(request: Any, number: str, exc: DomainError, fields: Iterable[str]) -> HttpResponse:
    """The case page again with the refused panel form as typed (the refusal's status; never stored). A refusal
    naming no field of the form (a government case, a closed one) is the page's message."""
    from .views_case import CaseDetailView

    named = {key.split(".")[0] for key in exc.fields}
    if not named or named - set(fields):
        say_error(request, exc)
        hospital = None
    else:
        hospital = {"posted": request.POST, "error": exc}
    response: HttpResponse = CaseDetailView().get(request, number, hospital=hospital)
    response.status_code = exc.status
    response["Cache-Control"] = NO_STORE  # a refused patient form carries back what was typed
    return response


class PatientRecordView(StaffView):
    """POST only: record or correct the patient of a hospital case (services.record_patient)."""

    permission = Perm.HANDLE_CASES
    http_method_names = ["post"]

    def post(self, request, number: str):
        p = request.POST
        try:
            services.record_patient(actor=request.user, number=number, patient_name=p.get("patient_name", ""),
                                    relation=p.get("relation", ""), diagnosis=p.get("diagnosis", ""),
                                    ward=p.get("ward", ""), now=now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            return _case_page_refused(request, number, exc, PATIENT_FIELDS)
        messages.success(request, _("患者信息已保存"))
        return redirect("backoffice:case", number=number)


class SendRequestView(StaffView):
    """POST only: 发起科室协调 from a hospital case (``hospital.actions.SEND_ACTIONS``; the case page draws the
    form)."""

    permission = Perm.HANDLE_CASES
    http_method_names = ["post"]

    def post(self, request, number: str):
        send = SEND_ACTIONS.get("send")
        assert send is not None
        fields = tuple(send.schema.model_fields)
        return perform_post(request, SEND_ACTIONS, number, only="send",
                            refused=lambda exc: _case_page_refused(request, number, exc, fields),
                            done=lambda sent: redirect("backoffice:case", number=number))


class PatientHealthView(StaffView):
    """POST only: 查看诊断和病区 — the audited read (one PERSONAL_DATA_VIEW row each time), shown on this response
    only. The desk's staff and the 科室 holding a request on the case; 404 for anyone else."""

    permission = Perm.USE_WORKBENCH
    http_method_names = ["post"]

    def post(self, request, number: str):
        try:
            case = services.patient_case_for(request.user, number)
            view = services.read_patient_health(actor=request.user, case=case, now=now(),
                                                purpose=request.POST.get("purpose", "")[:40])
        except NotFound:
            raise Http404 from None
        back_request = None
        raw = request.POST.get("request", "")
        if raw.isdigit():
            try:
                back_request = selectors.request_for(request.user, int(raw))
            except NotFound:
                back_request = None
        desk_side = policies.is_desk_side(request.user, case.unit_id)
        response = render(request, "backoffice/hospital/patient_health.html", {
            "case": case, "patient": view, "back_request": back_request, "desk_side": desk_side,
            "relations": Relation.choices,
            # The correction form starts from what was just read (this response only: no-store).
            "patient_form": {"values": {"patient_name": view.patient_name, "diagnosis": view.diagnosis,
                                        "ward": view.ward,
                                        "relation": view.relation},
                             "errors": {}, "message": ""}})
        response["Cache-Control"] = NO_STORE
        response["Pragma"] = "no-cache"
        return response


# --- 科室协调 ------------------------------------------------------------------------------------------------------

class RequestListView(StaffView):
    """科室协调: a 科室's staff see their inbox (open first by due time); the desk's side and the leaders above it the
    desk's requests, filtered by status, 科室 and a number."""

    permission = Perm.USE_WORKBENCH

    def get(self, request):
        g = request.GET
        status = g.get("status", "").strip()
        status = status if status in RequestStatus.values else ""
        q = g.get("q", "").strip()[:64]
        raw_dept = g.get("department", "").strip()
        department_id = int(raw_dept) if raw_dept.isdigit() and len(raw_dept) < 10 else None
        inbox = policies.department_profile(request.user) is not None
        if inbox:
            qs = selectors.department_inbox(request.user, status=status)
            departments: list[Unit] = []
        else:
            qs = selectors.desk_requests(request.user, status=status, department_id=department_id, q=q)
            departments = list(hospital_departments_under(scope_path(request.user)))
        page = page_of(qs, PAGE, g.get("page"))
        page.object_list = _overdue(page.object_list, now())
        return render(request, "backoffice/hospital/requests.html", {
            "page": page, "inbox": inbox, "status": status, "q": q, "department": department_id,
            "statuses": RequestStatus.choices, "departments": departments,
            "query": urlencode({"status": status, "q": q, "department": department_id or ""})})


def _refused(view: Any, request: Any, exc: DomainError, *args: Any) -> HttpResponse:
    """The page again with the refused form as typed, answered with the refusal's status (409 for a request or an
    event no longer in that state) and never stored."""
    response = refused_page(view, request, exc, *args)
    response.status_code = exc.status
    response["Cache-Control"] = NO_STORE
    return response


def _confirm_page(request: Any, spec: ActionSpec[Any], *, title: str, back: str, button: str) -> HttpResponse:
    """The confirmation step of an action asked on a page of its own (``confirm_page``): the spec's question, its one
    input (still editable, as typed) and the final button, posted back with ``confirmed=1``."""
    name, info = next(iter(spec.schema.model_fields.items()))
    return render(request, "backoffice/hospital/confirm.html", {
        "title": title, "question": spec.confirm, "action": spec.name, "field": name,
        "field_label": info.title or name, "value": request.POST.get(name, ""), "button": button, "back": back})


class RequestDetailView(StaffView):
    """One coordination request: its steps, due time and late mark, and the forms ``hospital.actions.REQUEST_ACTIONS``
    allows the user (the 科室: 答复 / 不能办理 / 上报或转其他科室; the desk: 告知患者/家属 / 撤回 with a confirmation
    step). Printable on A4."""

    permission = Perm.USE_WORKBENCH

    def get(self, request, pk: int, posted=None, error=None):
        try:
            req = selectors.request_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        user = request.user
        moment = now()
        response = render(request, "backoffice/hospital/request_detail.html", {
            "r": _overdue([req], moment)[0], "steps": selectors.steps_of(req), "now": moment,
            "patient": services.patient_summary(user, req.case),
            "may_read_health": policies.may_read_health(user, req.case),
            "desk_side": policies.is_desk_side(user, req.desk_id),
            "department_side": policies.is_department_side(user, req.department_id),
            "forms": forms_for(request, REQUEST_ACTIONS, req, posted, error)})
        response["Cache-Control"] = NO_STORE  # what was asked and answered is clinical (decision 0026 §6)
        return response

    def post(self, request, pk: int):
        def confirming(spec: ActionSpec[Any]) -> HttpResponse:
            try:
                req = selectors.request_for(request.user, pk)
            except NotFound:
                raise Http404 from None
            if not policies.is_desk_side(request.user, req.desk_id):
                raise Http404
            return _confirm_page(request, spec, title=_("确认撤回协调单 %(number)s（%(dept)s）") % {
                "number": req.number, "dept": req.department.name}, button=_("确认撤回"),
                back=reverse("backoffice:hospital_request", kwargs={"pk": req.pk}))

        return perform_post(request, REQUEST_ACTIONS, pk, confirming=confirming,
                            refused=lambda exc: _refused(self, request, exc, pk),
                            done=lambda result: redirect("backoffice:hospital_request", pk=pk))


# --- 便民活动 ------------------------------------------------------------------------------------------------------

class EventListView(StaffView):
    """便民活动 of the units in the user's scope, newest first, filtered by status."""

    permission = Perm.USE_WORKBENCH

    def get(self, request):
        status = request.GET.get("status", "").strip()
        status = status if status in EventStatus.values else ""
        page = page_of(selectors.events_for(request.user, status=status), PAGE, request.GET.get("page"))
        return render(request, "backoffice/hospital/events.html", {
            "page": page, "status": status, "statuses": EventStatus.choices,
            "may_plan": event_plan_context(request.user).unit is not None, "query": urlencode({"status": status})})


class EventNewView(StaffView):
    """组织便民活动: the plan form (``hospital.actions.EVENT_CREATE_ACTIONS``); the 科室 to choose from when the unit
    is a hospital desk."""

    permission = Perm.HANDLE_CASES

    def get(self, request, posted=None, error=None):
        ctx = event_plan_context(request.user)
        return render(request, "backoffice/hospital/event_new.html", {
            "unit": ctx.unit, "forms": forms_for(request, EVENT_CREATE_ACTIONS, ctx, posted, error)})

    def post(self, request):
        return perform_post(request, EVENT_CREATE_ACTIONS, None, only="plan",
                            refused=lambda exc: _refused(self, request, exc),
                            done=lambda event: redirect("backoffice:hospital_event", pk=event.pk))


class EventDetailView(StaffView):
    """One 便民活动 with the forms ``hospital.actions.EVENT_ACTIONS`` allows the unit's staff now: 发布, 登记参加人数
    (and 小结), 取消 (with a confirmation step)."""

    permission = Perm.USE_WORKBENCH

    def get(self, request, pk: int, posted=None, error=None):
        try:
            event = selectors.event_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        return render(request, "backoffice/hospital/event_detail.html", {
            "e": event, "departments": list(event.departments.order_by("code")),
            "forms": forms_for(request, EVENT_ACTIONS, event, posted, error)})

    def post(self, request, pk: int):
        def confirming(spec: ActionSpec[Any]) -> HttpResponse:
            try:
                event = selectors.event_for(request.user, pk)
            except NotFound:
                raise Http404 from None
            if not policies.is_desk_side(request.user, event.unit_id):
                raise Http404
            return _confirm_page(request, spec, title=_("确认取消便民活动：%(title)s") % {"title": event.title},
                                 button=_("确认取消活动"),
                                 back=reverse("backoffice:hospital_event", kwargs={"pk": event.pk}))

        return perform_post(request, EVENT_ACTIONS, pk, confirming=confirming,
                            refused=lambda exc: _refused(self, request, exc, pk),
                            done=lambda result: redirect("backoffice:hospital_event", pk=pk))
