"""Oversight screens: the leader's deadline overview, messages, accountability records and commendations."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from bianmin.accountability import services as acc
from bianmin.accountability.ladder import sanction_tiers
from bianmin.accountability.models import SYSTEM_KINDS, ViolationKind, ViolationStatus
from bianmin.accountability.policies import get_violation_for, oversees, visible_commendations, visible_violations
from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.cases.selectors import deadline_overview, warned_cases
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import page_of
from bianmin.core.timeutils import now, today
from bianmin.notifications.selectors import inbox
from bianmin.notifications.services import mark_read
from bianmin.org.policies import scope_path, staff_profile_of
from bianmin.stats import charts
from bianmin.stats.excel import monthly_workbook
from bianmin.stats.selectors import GROUPS, indicators

from .views import StaffView
from .views import say_error as _say_error

PAGE = 30
OVERVIEW_SECONDS = 60


class OverviewView(StaffView):
    """The leader's overview: who has red and yellow cases, and the cases themselves."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not oversees(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

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
            "overview": overview, "page": page, "level": level, "today": day, "query": urlencode({"level": level})})


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

    def get(self, request, values=None):
        kinds = [(v, label) for v, label in ViolationKind.choices if v not in SYSTEM_KINDS]
        system_kinds = [label for v, label in ViolationKind.choices if v in SYSTEM_KINDS]
        return render(request, "backoffice/violation_new.html", {
            "kinds": kinds, "system_kinds": system_kinds, "values": values or {"occurred_on": today().isoformat()}})

    def post(self, request):
        values = {k: request.POST.get(k, "").strip() for k in ("staff", "kind", "occurred_on", "description",
                                                               "case_number", "evidence_label", "evidence_url")}
        try:
            try:
                occurred = dt.date.fromisoformat(values["occurred_on"])
            except ValueError:
                raise DomainError.for_field("occurred_on", "请填写发生日期（YYYY-MM-DD）") from None
            evidence = ([{"label": values["evidence_label"], "url": values["evidence_url"]}]
                        if values["evidence_label"] or values["evidence_url"] else [])
            violation = acc.record_violation(actor=request.user, staff=values["staff"], kind=values["kind"],
                                             occurred_on=occurred, description=values["description"],
                                             case_number=values["case_number"], evidence=evidence, now=now())
        except DomainError as exc:
            _say_error(request, exc)
            return self.get(request, values=values)
        messages.success(request, "已登记过错记录，已通知本人")
        return redirect("backoffice:violation", pk=violation.pk)


class ViolationDetailView(StaffView):
    def get(self, request, pk: int, posted=None, errors=None):
        try:
            violation = get_violation_for(request.user, pk)
        except NotFound:
            raise Http404 from None
        mine = violation.staff.user_id == request.user.pk
        return render(request, "backoffice/violation_detail.html", {
            "v": violation, "statements": violation.statements.select_related("author"), "mine": mine,
            # The sanctions grouped by 情节; the service refuses one from another tier.
            "tiers": sanction_tiers(), "posted": posted or {}, "errors": errors or {},
            "can_supervise": can(request.user, Perm.SUPERVISE) and not mine,
            "can_decide": can(request.user, Perm.APPROVE) and not mine,
            "open": violation.status == ViolationStatus.OPEN,
            "proposed": violation.status == ViolationStatus.PROPOSED})

    def post(self, request, pk: int):
        action, p = request.POST.get("action"), request.POST
        user = request.user
        try:
            if action == "statement":
                acc.file_statement(actor=user, pk=pk, text=p.get("text", ""), now=now())
                messages.success(request, "申辩已提交")
            elif action == "dismiss":
                acc.dismiss_violation(actor=user, pk=pk, reason=p.get("reason", ""), now=now())
                messages.success(request, "已撤销该过错记录")
            elif action == "propose":
                acc.propose_sanction(actor=user, pk=pk, severity=p.get("severity", ""), sanction=p.get("sanction", ""),
                                     reason=p.get("reason", ""), now=now())
                messages.success(request, "处理意见已提交领导审批")
            elif action in ("approve", "reject"):
                acc.decide_sanction(actor=user, pk=pk, approve=action == "approve", note=p.get("note", ""),
                                    now=now())
                messages.success(request, "已批准处理意见" if action == "approve" else "已退回处理意见")
            elif action == "reference":
                acc.set_external_reference(actor=user, pk=pk, reference=p.get("reference", ""), now=now())
                messages.success(request, "已登记政务处分文号")
            else:
                raise NotFound("操作不存在")
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            _say_error(request, exc)
            if action == "propose" and exc.status == 400:  # the proposal comes back as typed, errors beside fields
                response = self.get(request, pk, posted=p, errors=exc.fields)
                response.status_code = 400
                return response
        return redirect("backoffice:violation", pk=pk)


class CommendView(StaffView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not oversees(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, values=None):
        return render(request, "backoffice/commend.html", {"values": values or {"on_date": today().isoformat()}})

    def post(self, request):
        values = {k: request.POST.get(k, "").strip() for k in ("staff", "reason", "on_date")}
        try:
            try:
                on_date = dt.date.fromisoformat(values["on_date"])
            except ValueError:
                raise DomainError.for_field("on_date", "请填写日期（YYYY-MM-DD）") from None
            acc.commend(actor=request.user, staff=values["staff"], reason=values["reason"], on_date=on_date,
                        now=now())
        except DomainError as exc:
            _say_error(request, exc)
            return self.get(request, values=values)
        messages.success(request, "已登记表扬，已通知本人")
        return redirect("backoffice:violations")


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

    def get(self, request):
        start, end, unit, group = today().replace(day=1), today(), "", "unit"
        report, error = None, ""
        try:
            start, end, unit, group = self._params(request)
            report = indicators(request.user, start=start, end=end, unit_code=unit, group_by=group)
        except NotFound:
            error = "单位不存在或不在您的管辖范围内"
        except DomainError as exc:
            error = exc.message
        context = {"report": report, "error": error, "start": start, "end": end, "unit": unit, "group": group,
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
    def get(self, request):
        try:
            start, end, unit, group = self._params(request)
            report = indicators(request.user, start=start, end=end, unit_code=unit, group_by=group)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("backoffice:stats")
        response = HttpResponse(monthly_workbook(report), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = f'attachment; filename="bianmin-stats-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
        return response
