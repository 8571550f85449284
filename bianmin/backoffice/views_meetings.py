"""Meeting screens (联席会议, 工作例会, 专题会议): list, new, the meeting with decisions, printable minutes."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from bianmin.accountability.policies import oversees
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import page_of
from bianmin.core.timeutils import now, today
from bianmin.meetings import services as mtg
from bianmin.meetings.models import ActionStatus, MeetingKind
from bianmin.meetings.policies import get_meeting_for, visible_meetings
from bianmin.meetings.selectors import default_period_for, open_actions_for

from .views import StaffView
from .views_oversight import _say_error


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise DomainError.for_field(field, "日期格式应为 YYYY-MM-DD") from None


class OverseerView(StaffView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not oversees(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MeetingListView(OverseerView):
    def get(self, request):
        page = page_of(visible_meetings(request.user).select_related("unit"), 20, request.GET.get("page"))
        return render(request, "backoffice/meetings.html", {"page": page})


class MeetingNewView(OverseerView):
    def get(self, request, values=None):
        kind = request.GET.get("kind") if values is None else values["kind"]
        kind = kind if kind in MeetingKind.values else MeetingKind.JOINT
        if values is None:
            period = default_period_for(request.user, kind, today())
            values = {"kind": kind, "held_on": today().isoformat(), "chair": request.user.get_full_name(),
                      "period_start": period[0].isoformat() if period else "",
                      "period_end": period[1].isoformat() if period else ""}
        return render(request, "backoffice/meeting_new.html", {
            "values": values, "kind": kind, "kind_label": MeetingKind(kind).label, "kinds": MeetingKind.choices,
            "special": kind == MeetingKind.SPECIAL})

    def post(self, request):
        p = request.POST
        values = {k: p.get(k, "").strip() for k in ("kind", "topic", "held_on", "period_start", "period_end", "chair",
                                                     "attendees", "place", "topics", "cases")}
        special = values["kind"] == MeetingKind.SPECIAL
        try:
            meeting = mtg.create_meeting(
                actor=request.user, kind=values["kind"] or MeetingKind.JOINT, topic=values["topic"],
                held_on=_date(values["held_on"], "held_on"),
                period_start=None if special else _date(values["period_start"], "period_start"),
                period_end=None if special else _date(values["period_end"], "period_end"), chair=values["chair"],
                attendees=values["attendees"], place=values["place"], now=now(),
                extra_topics=values["topics"].splitlines(), case_numbers=values["cases"].split())
        except DomainError as exc:
            _say_error(request, exc)
            return self.get(request, values=values)
        messages.success(request, f"已建立{meeting.get_kind_display()}记录，议题 {meeting.agenda.count()} 项")
        return redirect("backoffice:meeting", pk=meeting.pk)


class MeetingDetailView(OverseerView):
    template = "backoffice/meeting_detail.html"

    def get(self, request, pk: int):
        try:
            meeting = get_meeting_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        return render(request, self.template, {
            "m": meeting, "agenda": meeting.agenda.select_related("case", "violation"),
            "actions": meeting.actions.select_related("owner", "agenda_item"), "today": today(),
            "open": ActionStatus.OPEN})

    def post(self, request, pk: int):
        p = request.POST
        try:
            if p.get("action") == "decision":
                mtg.add_decision(actor=request.user, meeting_id=pk, decision=p.get("decision", ""),
                                 owner=p.get("owner", ""), due_date=_date(p.get("due_date"), "due_date"),
                                 agenda_item_id=int(p.get("agenda_item") or 0) or None, now=now())
                messages.success(request, "已记录议定事项，已通知责任人")
            elif p.get("action") == "done":
                mtg.complete_action(actor=request.user, action_id=int(p.get("item") or 0), note=p.get("note", ""),
                                    now=now())
                messages.success(request, "已标记完成")
            elif p.get("action") == "minutes":
                mtg.save_minutes(actor=request.user, meeting_id=pk, minutes=p.get("minutes", ""), now=now())
                messages.success(request, "会议纪要已保存")
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            _say_error(request, exc)
        return redirect("backoffice:meeting", pk=pk)


class MinutesView(MeetingDetailView):
    template = "backoffice/meeting_minutes.html"


class MyActionsView(StaffView):
    """我的议定事项: what joint meetings asked of me, with a form to report each done."""

    def get(self, request):
        return render(request, "backoffice/my_actions.html", {"actions": open_actions_for(request.user),
                                                              "today": today()})

    def post(self, request):
        try:
            mtg.complete_action(actor=request.user, action_id=int(request.POST.get("item") or 0),
                                note=request.POST.get("note", ""), now=now())
            messages.success(request, "已报告完成")
        except (NotFound, ValueError):
            raise Http404 from None
        except DomainError as exc:
            _say_error(request, exc)
        return redirect("backoffice:my_actions")
