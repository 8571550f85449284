"""Oversight screens: the leader's deadline overview, messages, accountability records and commendations.

The forms of the violation page, of 登记过错 and of 登记表扬 are drawn from the action catalogue
(``accountability.actions``) and their posts run through ``core.actions.run``, as the API's do.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode

from bianmin.accountability.actions import CREATE_ACTIONS, VIOLATION_ACTIONS
from bianmin.accountability.ladder import sanction_tiers
from bianmin.accountability.models import SYSTEM_KINDS, ViolationKind, ViolationStatus
from bianmin.accountability.policies import get_violation_for, oversees, visible_commendations, visible_violations
from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.cases.selectors import deadline_overview, warned_cases
from bianmin.core.actions import Catalogue
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import page_of
from bianmin.core.replica import lag_note, reads_from_replica
from bianmin.core.timeutils import now, today
from bianmin.notifications.selectors import inbox
from bianmin.notifications.services import mark_read
from bianmin.org.policies import scope_path, staff_profile_of
from bianmin.stats import charts
from bianmin.stats.excel import monthly_workbook
from bianmin.stats.queue import queue_indicators
from bianmin.stats.relays import relay_indicators
from bianmin.stats.selectors import GROUPS, indicators

from .actions import FormView, forms_for, perform_post, refused_page
from .views import StaffView

PAGE = 30
OVERVIEW_SECONDS = 60


def fill_initial(forms: list[FormView], posted: QueryDict | None, values: Mapping[str, Mapping[str, Any]]) -> None:
    """Put what a form starts with (``values``: action → field → value) into its fields, except into the form that
    was just posted and refused (it keeps what was typed)."""
    for form in forms:
        if posted is not None and posted.get("action") == form.name:
            continue
        for f in form.fields:
            if f.name in values.get(form.name, {}):
                f.value = values[form.name][f.name]


def forms_of(request, catalogue: Catalogue[Any], names: set[str], subject: Any, posted: QueryDict | None = None,
             error: DomainError | None = None) -> list[FormView]:
    """Return the forms of the actions ``names`` of ``catalogue`` that the user may take (a page with one of them)."""
    return [f for f in forms_for(request, catalogue, subject, posted, error) if f.name in names]


class OverviewView(StaffView):
    """The leader's overview: who has red and yellow cases, and the cases themselves."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not oversees(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @method_decorator(reads_from_replica)  # decision 0027
    def get(self, request):
        day = today()
        level = "YELLOW" if request.GET.get("level") == "YELLOW" else "RED"
        page = page_of(warned_cases(request.user, day, level), PAGE, request.GET.get("page"))
        # The counts per handler are kept for a minute per scope (the lists below are always live).
        key = f"overview:{scope_path(request.user)}:{day.isoformat()}"
        overview = cache.get(key)
        if overview is None:
            overview = {**deadline_overview(request.user, day), "as_of": now()}
            cache.set(key, overview, OVERVIEW_SECONDS)
        return render(request, "backoffice/overview.html", {
            "overview": overview, "page": page, "level": level, "today": day, "query": urlencode({"level": level}),
            "replica_note": lag_note()})


class MessagesView(StaffView):
    def get(self, request):
        page = page_of(inbox(request.user), PAGE, request.GET.get("page"))
        return render(request, "backoffice/messages.html", {"page": page})

    def post(self, request):
        try:
            message = mark_read(actor=request.user, message_id=int(request.POST.get("message") or 0), now=now())
        except (NotFound, ValueError):
            raise Http404 from None
        return redirect(message.link or reverse("backoffice:messages"))


class ViolationListView(StaffView):
    def get(self, request):
        qs = visible_violations(request.user).select_related("staff", "unit", "case").order_by("-occurred_on", "-id")
        status, kind, q = request.GET.get("status", ""), request.GET.get("kind", ""), request.GET.get("q", "").strip()
        if status in ViolationStatus.values:
            qs = qs.filter(status=status)
        if kind in ViolationKind.values:
            qs = qs.filter(kind=kind)
        if q:
            qs = qs.filter(staff__name__contains=q) | qs.filter(staff__badge_number=q)
        page = page_of(qs, PAGE, request.GET.get("page"))
        return render(request, "backoffice/violations.html", {
            "page": page, "status": status, "kind": kind, "q": q, "statuses": ViolationStatus.choices,
            "kinds": ViolationKind.choices, "can_record": can(request.user, Perm.SUPERVISE),
            "can_commend": oversees(request.user),
            "query": urlencode({"status": status, "kind": kind, "q": q})})


class MyRecordView(StaffView):
    def get(self, request):
        profile = staff_profile_of(request.user)
        violations = visible_violations(request.user).filter(staff=profile).select_related("case")
        commendations = visible_commendations(request.user).filter(staff=profile)
        return render(request, "backoffice/my_record.html", {"violations": violations,
                                                             "commendations": commendations})


class ViolationNewView(StaffView):
    permission = Perm.SUPERVISE

    def get(self, request, posted=None, error=None):
        forms = forms_of(request, CREATE_ACTIONS, {"record_violation"}, None, posted, error)
        fill_initial(forms, posted, {"record_violation": {"occurred_on": today().isoformat()}})
        system_kinds = [label for v, label in ViolationKind.choices if v in SYSTEM_KINDS]
        return render(request, "backoffice/violation_new.html", {"forms": forms, "system_kinds": system_kinds})

    def post(self, request):
        return perform_post(request, CREATE_ACTIONS, None, only="record_violation",
                            refused=lambda exc: refused_page(self, request, exc),
                            done=lambda violation: redirect("backoffice:violation", pk=violation.pk))


class ViolationDetailView(StaffView):
    def get(self, request, pk: int, posted=None, error=None):
        try:
            violation = get_violation_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        # The buttons: the catalogue's steps that the policy allows this user on this record now.
        forms = forms_for(request, VIOLATION_ACTIONS, violation, posted, error)
        fill_initial(forms, posted, {"reference": {"reference": violation.external_reference}})
        names = {f.name for f in forms}
        return render(request, "backoffice/violation_detail.html", {
            "v": violation, "statements": violation.statements.select_related("author"),
            "statement_forms": [f for f in forms if f.name == "statement"],
            "forms": [f for f in forms if f.name != "statement"],
            # The sanctions by 情节 beside the proposal form, the proposal beside the leader's decision.
            "tiers": sanction_tiers() if "propose" in names else (), "deciding": "approve" in names})

    def post(self, request, pk: int):
        return perform_post(request, VIOLATION_ACTIONS, pk, refused=lambda exc: refused_page(self, request, exc, pk),
                            done=lambda result: redirect("backoffice:violation", pk=pk))


class CommendView(StaffView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not oversees(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, posted=None, error=None):
        forms = forms_of(request, CREATE_ACTIONS, {"commend"}, None, posted, error)
        fill_initial(forms, posted, {"commend": {"on_date": today().isoformat()}})
        return render(request, "backoffice/commend.html", {"forms": forms})

    def post(self, request):
        return perform_post(request, CREATE_ACTIONS, None, only="commend",
                            refused=lambda exc: refused_page(self, request, exc),
                            done=lambda result: redirect("backoffice:violations"))


def _month_bounds(value: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day of month ``YYYY-MM`` (default: this month)."""
    try:
        year, month = (int(x) for x in value.split("-"))
        first = dt.date(year, month, 1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
    except (ValueError, TypeError, OverflowError):  # not a month, or December 9999
        first = today().replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


class StatsView(StaffView):
    """统计分析: the indicators with charts for a period, grouped by center, department, window or staff."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not oversees(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _params(self, request):
        g = request.GET
        first, last = _month_bounds(g.get("month", ""))
        try:
            start = dt.date.fromisoformat(g["from"]) if g.get("from") else first
            end = dt.date.fromisoformat(g["to"]) if g.get("to") else last
        except ValueError:
            raise DomainError.for_field("from", "日期格式应为 YYYY-MM-DD") from None
        return start, end, g.get("unit", "").strip(), g.get("group", "unit")

    @method_decorator(reads_from_replica)  # decision 0027
    def get(self, request):
        start, end, unit, group = today().replace(day=1), today(), "", "unit"
        report, relays, waits, error = None, None, None, ""
        try:
            start, end, unit, group = self._params(request)
            relays = relay_indicators(request.user, start=start, end=end, unit_code=unit)
            waits = queue_indicators(request.user, start=start, end=end, unit_code=unit)
            report = indicators(request.user, start=start, end=end, unit_code=unit, group_by=group)
        except NotFound:
            error = "单位不存在或不在您的管辖范围内"
        except DomainError as exc:
            error = exc.message
        context = {"report": report, "relays": relays, "waits": waits, "error": error, "replica_note": lag_note(),
                   "start": start, "end": end, "unit": unit, "group": group,
                   "groups": [(k, v) for k, v in GROUPS.items()],
                   "query": urlencode({"from": start.isoformat(), "to": end.isoformat(), "unit": unit,
                                       "group": group})}
        if report is not None:
            context["charts"] = [charts.on_time_chart(report), charts.volume_chart(report)]
            if report.inquiries:
                context["charts"].append(charts.breakdown_chart("首问登记处理方式", report.inquiries))
            if report.violations:
                context["charts"].append(charts.breakdown_chart("过错类型", report.violations))
        return render(request, "backoffice/stats.html", context)


class StatsExportView(StatsView):
    @method_decorator(reads_from_replica)  # decision 0027
    def get(self, request):
        try:
            start, end, unit, group = self._params(request)
            report = indicators(request.user, start=start, end=end, unit_code=unit, group_by=group)
            relays = relay_indicators(request.user, start=start, end=end, unit_code=unit)
            waits = queue_indicators(request.user, start=start, end=end, unit_code=unit)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("backoffice:stats")
        response = HttpResponse(monthly_workbook(report, relays, queue=waits), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = f'attachment; filename="bianmin-stats-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
        return response
