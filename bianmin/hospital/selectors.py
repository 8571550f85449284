"""Reads of the hospital desk: request lists for the desk and for a 科室, one request, the events on a board."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Case as SqlCase
from django.db.models import Count, Q, QuerySet, Value, When

from bianmin.accounts.policies import can
from bianmin.cases.policies import CASE_READERS
from bianmin.core.errors import NotFound
from bianmin.org.models import Unit, UnitKind
from bianmin.org.policies import scope_path

from . import policies
from .models import CareEvent, CoordinationRequest, EventStatus, RequestStatus, RequestStep, RequestStepKind

if TYPE_CHECKING:
    from bianmin.cases.models import Case
    from bianmin.users.types import AnyUser

LIST_RELATED = ("case", "department", "desk", "sent_by")


def departments_of(desk: Unit) -> QuerySet[Unit]:
    """The active 科室 of the hospital whose desk is ``desk``."""
    return Unit.objects.filter(parent_id=desk.pk, kind=UnitKind.HOSPITAL_DEPT, is_active=True).order_by("code")


def desk_requests(user: AnyUser, *, status: str = "", department_id: int | None = None,
                  q: str = "") -> QuerySet[CoordinationRequest]:
    """The requests sent by the desks in the user's scope (the desk's staff and the leaders above it)."""
    path = scope_path(user)
    if path is None or not any(can(user, p) for p in CASE_READERS):
        return CoordinationRequest.objects.none()
    qs = CoordinationRequest.objects.filter(desk_path__startswith=path).select_related(*LIST_RELATED)
    if status:
        qs = qs.filter(status=status)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(case__number__icontains=q))
    return qs.order_by("-sent_at", "-id")


def department_inbox(user: AnyUser, *, status: str = "") -> QuerySet[CoordinationRequest]:
    """The requests addressed to the user's 科室, open ones first by due time."""
    profile = policies.department_profile(user)
    if profile is None:
        return CoordinationRequest.objects.none()
    qs = CoordinationRequest.objects.filter(department_id=profile.unit_id).select_related(*LIST_RELATED)
    if status:
        return qs.filter(status=status).order_by("due_at", "id")
    still_open = SqlCase(When(status=RequestStatus.OPEN, then=Value(0)), default=Value(1))
    return qs.order_by(still_open, "due_at", "id")


def request_for(user: AnyUser, request_id: int) -> CoordinationRequest:
    """One request the user may see (the desk's scope, or the 科室 it is addressed to); NotFound otherwise."""
    request = (CoordinationRequest.objects.select_related(*LIST_RELATED, "case__item_version", "answered_by",
                                                          "told_by").filter(pk=request_id).first())
    if request is None:
        raise NotFound("协调单不存在")
    path = scope_path(user)
    in_scope = path is not None and request.desk_path.startswith(path) and any(can(user, p) for p in CASE_READERS)
    if not in_scope and not policies.is_department_side(user, request.department_id):
        raise NotFound("协调单不存在")
    if not policies.may_read_texts(user, request):  # readers above the desk: the request without its clinical text
        request.texts_shown = False  # type: ignore[attr-defined]
        request.question = HIDDEN_TEXT
        request.answer = HIDDEN_TEXT if request.answer else ""
        request.told_note = HIDDEN_TEXT if request.told_note else ""
    return request


HIDDEN_TEXT = "（内容仅本医院便民服务中心和承办科室可见）"


def steps_of(request: CoordinationRequest) -> list[RequestStep]:
    """The request's steps; their notes hidden as the request's texts are (``request_for``)."""
    steps = list(request.steps.select_related("by", "department").order_by("at", "id"))
    if not getattr(request, "texts_shown", True):
        for step in steps:
            step.note = HIDDEN_TEXT if step.note else ""
    return steps


def requests_of_case(case: Case) -> list[CoordinationRequest]:
    return list(CoordinationRequest.objects.filter(case_id=case.pk).select_related("department")
                .order_by("sent_at", "id"))


def published_events(unit_id: int, now: dt.datetime, *, held_days: int = 30) -> list[CareEvent]:
    """What the board shows: coming events (published, or cancelled with the reason) and those held in the last
    ``held_days`` days with their attendance."""
    since = now - dt.timedelta(days=held_days)
    return list(CareEvent.objects.filter(unit_id=unit_id).filter(
        Q(status__in=(EventStatus.PUBLISHED, EventStatus.CANCELLED), ends_at__gte=now, published_at__isnull=False)
        | Q(status=EventStatus.HELD, ends_at__gte=since)).order_by("starts_at", "id")[:20])


def events_for(user: AnyUser, *, status: str = "") -> QuerySet[CareEvent]:
    """The events of the units in the user's scope, newest first."""
    path = scope_path(user)
    if path is None:
        return CareEvent.objects.none()
    profile = policies.department_profile(user)
    seen = Q(unit_path__startswith=path)
    if profile is not None:  # a 科室 also sees the events it takes part in
        seen |= Q(pk__in=CareEvent.departments.through.objects.filter(unit_id=profile.unit_id).values("careevent_id"))
    qs = CareEvent.objects.filter(seen).select_related("unit", "created_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-starts_at", "-id")


def event_for(user: AnyUser, event_id: int) -> CareEvent:
    """One event in the user's sight (``events_for``); NotFound otherwise."""
    event = events_for(user).filter(pk=event_id).first()
    if event is None:
        raise NotFound("便民活动不存在")
    return event


def department_figures(user: AnyUser, lo: dt.datetime, hi: dt.datetime) -> list[dict[str, object]]:
    """Per 科室 in the user's scope, the requests sent in [lo, hi): how many it holds now, answered, refused and
    open, and how many replies it was late with — counted from the LATE steps, so a 科室 that was late and raised the
    request keeps its lateness (two aggregate queries; no patient data)."""
    sent = desk_requests(user).filter(sent_at__gte=lo, sent_at__lt=hi).order_by()
    rows = {r["department_id"]: {**r, "late": 0} for r in sent
            .values("department_id", "department__name")
            .annotate(total=Count("id"),
                      answered=Count("id", filter=Q(outcome=RequestStatus.ANSWERED)),
                      refused=Count("id", filter=Q(outcome=RequestStatus.REFUSED)),
                      open=Count("id", filter=Q(status=RequestStatus.OPEN)))}
    for late in (RequestStep.objects.filter(kind=RequestStepKind.LATE, request__in=sent.values("pk")).order_by()
                 .values("department_id", "department__name").annotate(n=Count("id"))):
        row = rows.setdefault(late["department_id"], {
            "department_id": late["department_id"], "department__name": late["department__name"], "total": 0,
            "answered": 0, "refused": 0, "open": 0, "late": 0})
        row["late"] = late["n"]
    return sorted(rows.values(), key=lambda r: str(r["department__name"]))
