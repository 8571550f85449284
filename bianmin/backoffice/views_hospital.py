"""The hospital desk's staff pages (decision 0026): the patient and coordination panel of a hospital case's page, the
audited read of the patient's diagnosis and ward, the 科室协调 list and one request with the forms of its side, and
the 便民活动 list, plan form and detail.

Thin: each page asks ``hospital.policies`` / ``hospital.selectors`` what to show and hands every post to one
``hospital.services`` writer; a refusal comes back on the page as typed, each message beside the field it names
(``say_error`` for what names no field of the form). The diagnosis and ward appear on one response only: the one
answering "查看诊断和病区" (audited, ``Cache-Control: no-store``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bianmin.accounts.roles import Perm
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import page_of
from bianmin.core.timeutils import now
from bianmin.hospital import policies, selectors, services
from bianmin.hospital.models import (
    CareEvent,
    CoordinationRequest,
    EventKind,
    EventStatus,
    Relation,
    RequestStatus,
    Topic,
)
from bianmin.org.models import Unit
from bianmin.org.policies import scope_path, staff_profile_of
from bianmin.org.selectors import hospital_departments_under

from .views import StaffView, say_error

PAGE = 30
PATIENT_FIELDS = ("patient_name", "relation", "diagnosis", "ward")
SEND_FIELDS = ("department", "topic", "question", "reply_hours")
EVENT_FIELDS = ("kind", "title", "place", "starts_at", "ends_at", "capacity", "description", "departments")
NO_STORE = "no-store"


# --- forms drawn by hand: what was typed and the refusal beside its field ------------------------------------------

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


def _int_or_none(raw: str | None, field: str, label: str, problems: dict[str, list[str]]) -> int | None:
    """Read a number typed in a form: empty is None (the service decides whether it is needed); anything else that
    is not an integer is refused naming the field."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        problems.setdefault(field, []).append(_("%(label)s应为整数") % {"label": label})
        return None


def _moment_or_none(raw: str | None, field: str, label: str, problems: dict[str, list[str]]) -> dt.datetime | None:
    """Read a ``datetime-local`` input ("2026-03-04T09:30", local time); empty is None."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        problems.setdefault(field, []).append(_("%(label)s的格式应为 年-月-日 时:分") % {"label": label})
        return None
    if not 2000 <= value.year <= 2099:
        problems.setdefault(field, []).append(_("%(label)s不在可选范围内") % {"label": label})
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _check(problems: dict[str, list[str]]) -> None:
    if problems:
        raise DomainError(_("提交的信息有误，请按提示修改"), fields=problems)


def _hospital_conf(key: str) -> int:
    return int(settings.BIANMIN["HOSPITAL"][key])


def _overdue(requests: Iterable[CoordinationRequest], moment: dt.datetime) -> list[CoordinationRequest]:
    """Mark each open request whose reply time has passed (``overdue``) for the list's badge; the sweep records it."""
    rows = list(requests)
    for r in rows:
        r.overdue = policies.is_overdue(r, moment)  # type: ignore[attr-defined]
    return rows


# --- the case page's panel ----------------------------------------------------------------------------------------

def case_panel(request: Any, case: Any, *, posted: Mapping[str, Any] | None = None,
               error: DomainError | None = None) -> dict[str, Any]:
    """What a hospital case's page shows of the patient and the coordination requests (never the health fields),
    with the forms the desk's side may use."""
    user = request.user
    desk_side = policies.is_desk_side(user, case.unit_id)
    patient = services.patient_summary(user, case)
    may_send = desk_side and policies.send_refusal(case) is None
    return {
        "patient": patient, "desk_side": desk_side,
        "may_record": desk_side and (patient is None or (posted is not None and posted.get("action") == "patient")),
        "may_read_health": patient is not None and policies.may_read_health(user, case),
        "requests": _overdue(selectors.requests_of_case(case), now()),
        "may_send": may_send,
        "departments": list(selectors.departments_of(case.unit)) if may_send else [],
        "topics": Topic.choices, "relations": Relation.choices,
        "reply_hours_max": _hospital_conf("REPLY_HOURS_MAX"),
        "patient_form": form_state(request, "patient", PATIENT_FIELDS, posted=posted, error=error,
                                   initial={"relation": Relation.SELF}),
        "send_form": form_state(request, "send", SEND_FIELDS, posted=posted, error=error,
                                initial={"reply_hours": _hospital_conf("REPLY_HOURS_DEFAULT"),
                                         "topic": Topic.TRANSFER}),
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
    """POST only: 发起科室协调 from a hospital case (services.send_request)."""

    permission = Perm.HANDLE_CASES
    http_method_names = ["post"]

    def post(self, request, number: str):
        p = request.POST
        problems: dict[str, list[str]] = {}
        department_id = _int_or_none(p.get("department"), "department", _("科室"), problems)
        hours = _int_or_none(p.get("reply_hours"), "reply_hours", _("答复时限"), problems)
        try:
            _check(problems)
            sent = services.send_request(actor=request.user, number=number, department_id=department_id,
                                         topic=p.get("topic", ""), question=p.get("question", ""),
                                         reply_hours=hours, now=now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            return _case_page_refused(request, number, exc, SEND_FIELDS)
        messages.success(request, _("已向%(dept)s发出协调单%(number)s") % {"dept": sent.department.name,
                                                                             "number": sent.number})
        return redirect("backoffice:case", number=number)


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


# (fields of the form, the service call, the message after success)
RequestAction = tuple[tuple[str, ...], Callable[[Any, int, Any, dt.datetime], CoordinationRequest], Any]
REQUEST_ACTIONS: dict[str, RequestAction] = {
    "answer": (("answer",), lambda u, pk, p, n: services.answer_request(
        actor=u, request_id=pk, answer=p.get("answer", ""), now=n), _l("已答复，服务中心将告知患者或家属")),
    "refuse": (("reason",), lambda u, pk, p, n: services.refuse_request(
        actor=u, request_id=pk, reason=p.get("reason", ""), now=n), _l("已回复不能办理")),
    "escalate": (("to_department", "note"), lambda u, pk, p, n: services.escalate_request(
        actor=u, request_id=pk, to_department_id=int(p["to_department"]) if p.get("to_department", "").isdigit()
        else None, note=p.get("note", ""), now=n), _l("已上报/转其他科室办理")),
    "tell": (("note", "send_sms"), lambda u, pk, p, n: services.tell_family(
        actor=u, request_id=pk, note=p.get("note", ""), send_sms=p.get("send_sms") == "on", now=n),
        _l("已记录告知患者或家属，协调单办结")),
    "withdraw": (("reason",), lambda u, pk, p, n: services.withdraw_request(
        actor=u, request_id=pk, reason=p.get("reason", ""), now=n), _l("协调单已撤回")),
}


class RequestDetailView(StaffView):
    """One coordination request: its steps, due time and late mark, and the forms of the user's side (the 科室:
    答复 / 不能办理 / 上报或转其他科室; the desk: 告知患者/家属 / 撤回 with a confirmation step). Printable on A4."""

    permission = Perm.USE_WORKBENCH

    def get(self, request, pk: int, posted=None, error=None, status: int = 200):
        try:
            req = selectors.request_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        user = request.user
        department_side = policies.is_department_side(user, req.department_id)
        desk_side = policies.is_desk_side(user, req.desk_id)
        may_reply = department_side and policies.reply_refusal(req) is None
        may_tell = desk_side and policies.tell_refusal(req) is None
        may_withdraw = desk_side and policies.withdraw_refusal(req) is None
        forms = {name: form_state(request, name, fields, posted=posted, error=error)
                 for name, (fields, _call, _done) in REQUEST_ACTIONS.items()}
        if posted is not None and error is not None and posted.get("action") not in REQUEST_ACTIONS:
            say_error(request, error)
        moment = now()
        response = render(request, "backoffice/hospital/request_detail.html", {
            "r": _overdue([req], moment)[0], "steps": selectors.steps_of(req), "now": moment,
            "patient": services.patient_summary(user, req.case),
            "may_read_health": policies.may_read_health(user, req.case),
            "desk_side": desk_side, "department_side": department_side,
            "may_reply": may_reply, "may_tell": may_tell, "may_withdraw": may_withdraw,
            "targets": [d for d in selectors.departments_of(req.desk) if d.pk != req.department_id]
            if may_reply else [],
            "forms": forms}, status=status)
        response["Cache-Control"] = NO_STORE  # what was asked and answered is clinical (decision 0026 §6)
        return response

    def post(self, request, pk: int):
        name = request.POST.get("action", "")
        action = REQUEST_ACTIONS.get(name)
        if action is None:
            raise Http404
        if name == "withdraw" and request.POST.get("confirmed") != "1":
            return self._confirm_withdraw(request, pk)
        _fields, call, done = action
        try:
            call(request.user, pk, request.POST, now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            return self.get(request, pk, posted=request.POST, error=exc, status=exc.status)
        messages.success(request, str(done))
        return redirect("backoffice:hospital_request", pk=pk)

    def _confirm_withdraw(self, request, pk: int) -> HttpResponse:
        """The confirmation step of 撤回: the question, the reason (still editable) and the final button."""
        try:
            req = selectors.request_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        if not policies.is_desk_side(request.user, req.desk_id):
            raise Http404
        return render(request, "backoffice/hospital/confirm.html", {
            "title": _("确认撤回协调单 %(number)s") % {"number": req.number},
            "question": _("撤回后%(dept)s不再答复，协调单不能恢复。确定撤回吗？") % {"dept": req.department.name},
            "action": "withdraw", "field": "reason", "field_label": _("撤回原因"),
            "value": request.POST.get("reason", ""), "button": _("确认撤回"),
            "back": reverse("backoffice:hospital_request", kwargs={"pk": req.pk})})


# --- 便民活动 ------------------------------------------------------------------------------------------------------

def _planning_unit(user: Any) -> Unit | None:
    """The unit whose events the user plans (their own), or None; whether they may is the service's to say."""
    profile = staff_profile_of(user)
    if profile is None or not policies.is_desk_side(user, profile.unit_id):
        return None
    return profile.unit


class EventListView(StaffView):
    """便民活动 of the units in the user's scope, newest first, filtered by status."""

    permission = Perm.USE_WORKBENCH

    def get(self, request):
        status = request.GET.get("status", "").strip()
        status = status if status in EventStatus.values else ""
        page = page_of(selectors.events_for(request.user, status=status), PAGE, request.GET.get("page"))
        return render(request, "backoffice/hospital/events.html", {
            "page": page, "status": status, "statuses": EventStatus.choices,
            "may_plan": _planning_unit(request.user) is not None, "query": urlencode({"status": status})})


class EventNewView(StaffView):
    """组织便民活动: the plan form (services.plan_event); the 科室 to choose from when the unit is a hospital desk."""

    permission = Perm.HANDLE_CASES

    def get(self, request, posted=None, error=None, status: int = 200):
        unit = _planning_unit(request.user)
        state = form_state(request, "plan", EVENT_FIELDS, posted=posted, error=error,
                           initial={"kind": EventKind.FREE_CLINIC})
        selected = set(posted.getlist("departments")) if posted is not None else set()
        return render(request, "backoffice/hospital/event_new.html", {
            "unit": unit, "form": state, "kinds": EventKind.choices, "selected": selected,
            "departments": list(selectors.departments_of(unit)) if unit is not None and unit.is_hospital_desk
            else []}, status=status)

    def post(self, request):
        p = request.POST
        problems: dict[str, list[str]] = {}
        starts = _moment_or_none(p.get("starts_at"), "starts_at", _("开始时间"), problems)
        ends = _moment_or_none(p.get("ends_at"), "ends_at", _("结束时间"), problems)
        capacity = _int_or_none(p.get("capacity"), "capacity", _("计划人数"), problems)
        department_ids = []
        for raw in p.getlist("departments"):
            value = _int_or_none(raw, "departments", _("参与科室"), problems)
            if value is not None:
                department_ids.append(value)
        try:
            _check(problems)
            event = services.plan_event(actor=request.user, kind=p.get("kind", ""), title=p.get("title", ""),
                                        place=p.get("place", ""), starts_at=starts, ends_at=ends,
                                        description=p.get("description", ""), capacity=capacity,
                                        department_ids=department_ids, now=now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            return self.get(request, posted=p, error=exc, status=exc.status)
        messages.success(request, _("便民活动已登记，发布后将在公示栏显示"))
        return redirect("backoffice:hospital_event", pk=event.pk)


EventAction = tuple[tuple[str, ...], Callable[[Any, int, Any, dt.datetime, dict[str, list[str]]], CareEvent], Any]


def _attend(u: Any, pk: int, p: Any, n: dt.datetime, problems: dict[str, list[str]]) -> CareEvent:
    count = _int_or_none(p.get("attendance"), "attendance", _("参加人数"), problems)
    _check(problems)
    return services.record_attendance(actor=u, event_id=pk, attendance=count, summary=p.get("summary", ""), now=n)


EVENT_ACTIONS: dict[str, EventAction] = {
    "publish": ((), lambda u, pk, p, n, _pr: services.publish_event(actor=u, event_id=pk, now=n),
                _l("已发布，活动将在公示栏显示")),
    "attend": (("attendance", "summary"), _attend, _l("已登记参加人数")),
    "cancel": (("reason",), lambda u, pk, p, n, _pr: services.cancel_event(
        actor=u, event_id=pk, reason=p.get("reason", ""), now=n), _l("活动已取消，公示栏将显示取消原因")),
}


class EventDetailView(StaffView):
    """One 便民活动 with the steps its status offers to the unit's staff: 发布, 登记参加人数 (and 小结), 取消 (with a
    confirmation step)."""

    permission = Perm.USE_WORKBENCH

    def get(self, request, pk: int, posted=None, error=None, status: int = 200):
        try:
            event = selectors.event_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        steps = policies.event_steps(request.user, event, now())
        forms = {name: form_state(request, name, fields, posted=posted, error=error,
                                  initial={"attendance": event.attendance if event.attendance is not None else "",
                                           "summary": event.summary})
                 for name, (fields, _call, _done) in EVENT_ACTIONS.items()}
        if posted is not None and error is not None and posted.get("action") not in EVENT_ACTIONS:
            say_error(request, error)
        return render(request, "backoffice/hospital/event_detail.html", {
            "e": event, "departments": list(event.departments.order_by("code")), "steps": steps,
            "forms": forms}, status=status)

    def post(self, request, pk: int):
        name = request.POST.get("action", "")
        action = EVENT_ACTIONS.get(name)
        if action is None:
            raise Http404
        if name == "cancel" and request.POST.get("confirmed") != "1":
            return self._confirm_cancel(request, pk)
        _fields, call, done = action
        try:
            call(request.user, pk, request.POST, now(), {})
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            return self.get(request, pk, posted=request.POST, error=exc, status=exc.status)
        messages.success(request, str(done))
        return redirect("backoffice:hospital_event", pk=pk)

    def _confirm_cancel(self, request, pk: int) -> HttpResponse:
        try:
            event = selectors.event_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        if not policies.is_desk_side(request.user, event.unit_id):
            raise Http404
        return render(request, "backoffice/hospital/confirm.html", {
            "title": _("确认取消便民活动：%(title)s") % {"title": event.title},
            "question": _("取消后公示栏将显示取消原因，活动不能恢复。确定取消吗？"),
            "action": "cancel", "field": "reason", "field_label": _("取消原因"),
            "value": request.POST.get("reason", ""), "button": _("确认取消活动"),
            "back": reverse("backoffice:hospital_event", kwargs={"pk": event.pk})})
