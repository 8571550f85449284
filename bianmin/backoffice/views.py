"""Staff pages: sign-in, the role-aware workbench, audit trail, role grants. Thin: rules live in services."""
from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View

from bianmin.accountability.selectors import desk_counts
from bianmin.accounts.middleware import SESSION_STARTED_KEY
from bianmin.accounts.models import LoginThrottle
from bianmin.accounts.policies import can, needs_second_factor, roles_of
from bianmin.accounts.roles import Perm, Role
from bianmin.accounts.second_factor import forget_session_verification
from bianmin.accounts.services import (
    LoginFailed,
    LoginThrottled,
    authenticate_staff,
    change_password,
    grant_role,
    log_logout,
    password_expires_in_days,
    revoke_role,
    unlock_account,
)
from bianmin.audit.selectors import audit_entries
from bianmin.audit.verification import verify_audit
from bianmin.cases.services import finalize_year_and_recompute
from bianmin.core.errors import DomainError
from bianmin.core.http import client_ip
from bianmin.core.paging import page_of
from bianmin.core.timeutils import now, today
from bianmin.org.models import Absence, StaffProfile
from bianmin.org.policies import staff_profile_of
from bianmin.org.selectors import absent_staff_ids, acting_for, chief_responsible, posts_for_unit
from bianmin.org.services import register_absence
from bianmin.workdays.checks import next_year_missing
from bianmin.workdays.provisional import provisional_rest_days
from bianmin.workdays.selectors import official_year_rows, provisional_years_ahead
from bianmin.workdays.services import parse_notice_lines

from .desk_relays import relay_panel
from .forms import (
    AbsenceForm,
    AuditFilterForm,
    CalendarNoticeForm,
    LoginForm,
    PasswordChangeForm,
    RoleChangeForm,
    UnlockForm,
)

# Where the second-factor step sends the user afterwards (the sign-in page's ``next``).
NEXT_KEY = "bianmin_next"


def _ip(request) -> str | None:
    return client_ip(request)


def say_error(request, exc: DomainError) -> None:
    """Show a refused action as one message: the error, then each field's message that adds something."""
    details = "".join(f"（{m}）" for ms in exc.fields.values() for m in dict.fromkeys(ms) if m != exc.message)
    messages.error(request, exc.message + details)


class StaffView(View):
    """Base for staff pages: sign-in required, then ``permission`` checked before anything else."""

    permission: Perm | tuple[Perm, ...] = Perm.USE_WORKBENCH  # a tuple: any one of them

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('backoffice:login')}?{urlencode({'next': request.get_full_path()})}")
        # The signed-in user itself from here on, not the middleware's lazy proxy: a page asks it a few hundred
        # times (policies, scope, the template), each through the proxy's attribute checks.
        request.user = getattr(request.user, "_wrapped", request.user)
        needed = self.permission if isinstance(self.permission, tuple) else (self.permission,)
        if not any(can(request.user, perm) for perm in needed):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class LoginView(View):
    def get(self, request):
        if request.user.is_authenticated:
            return redirect("backoffice:home")
        return render(request, "backoffice/login.html", {"form": LoginForm()})

    def post(self, request):
        form = LoginForm(request.POST)
        if form.is_valid():
            try:
                user = authenticate_staff(username=form.cleaned_data["username"],
                                          password=form.cleaned_data["password"], now=now(), ip=_ip(request),
                                          request=request)
            except LoginThrottled as exc:
                form.add_error(None, exc.message)
                return render(request, "backoffice/login.html", {"form": form}, status=429)
            except LoginFailed as exc:
                form.add_error(None, exc.message)
            else:
                login(request, user)  # rotates the session key
                forget_session_verification(request)  # a password sign-in passes the second factor anew
                request.session[SESSION_STARTED_KEY] = time.time()
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                    target = "/staff/"
                if needs_second_factor(user):
                    request.session[NEXT_KEY] = target or "/staff/"
                    return redirect("backoffice:second_factor")
                return redirect(target or "/staff/")
        return render(request, "backoffice/login.html", {"form": form}, status=200)


class LogoutView(View):
    def post(self, request):
        if request.user.is_authenticated:
            log_logout(user=request.user, now=now(), ip=_ip(request))
        logout(request)
        messages.info(request, "您已安全退出")
        return redirect("backoffice:login")

    def get(self, request):
        return render(request, "backoffice/logout.html")


class PasswordChangeView(View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("backoffice:login")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, "backoffice/password_change.html", {"form": PasswordChangeForm()})

    def post(self, request):
        form = PasswordChangeForm(request.POST)
        if form.is_valid():
            try:
                change_password(user=request.user, old_password=form.cleaned_data["old_password"],
                                new_password=form.cleaned_data["new_password"], now=now())
            except DomainError as exc:
                for field, errors in exc.fields.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                update_session_auth_hash(request, request.user)
                messages.success(request, "密码已修改")
                return redirect("backoffice:home")
        return render(request, "backoffice/password_change.html", {"form": form})


class HomeView(StaffView):
    permission = (Perm.USE_WORKBENCH, Perm.VIEW_AUDIT)  # the auditor holds only the read-audit permission

    def get(self, request):
        user = request.user
        profile = staff_profile_of(user)
        notices = []
        days = password_expires_in_days(user, now=now())
        if days is not None:
            notices.append(f"您的密码将在{days}天后过期，请及时修改")
        if can(user, Perm.APPROVE) and profile:
            posts = list(posts_for_unit(profile.unit_id))
            away = absent_staff_ids({i for p in posts for i in (p.a_staff_id, p.b_staff_id) if i}, today())
            notices += [a.warning for a in (acting_for(p, today(), away=away) for p in posts) if a.warning]
        if can(user, Perm.MANAGE_CALENDAR):
            missing = next_year_missing()
            if missing:
                notices.append(f"{missing}年的国务院放假安排尚未录入，相关期限按暂定规则计算")
        desk = [(c, reverse(c.page) + c.query) for c in desk_counts(user, today())]
        return render(request, "backoffice/home.html", {
            "profile": profile, "roles": sorted(roles_of(user), key=lambda r: list(Role).index(r)),
            "notices": notices, "can": {p.name: can(user, p) for p in Perm},
            "chief": chief_responsible(profile.unit) if profile else None, "desk": desk,
            "relay_panel": relay_panel(user, today()),
        })


class ActingView(StaffView):
    """Who acts for each post of the user's unit today (B when A is away; warning when both are), the unit's
    absences from today on, and 离岗登记 (one's own; a leader's for anyone of the unit, with the override)."""

    def _form(self, request, profile, data=None):
        leader = can(request.user, Perm.APPROVE) or can(request.user, Perm.MANAGE_ORG)
        choices = (StaffProfile.objects.filter(unit=profile.unit, is_active=True).order_by("badge_number")
                   if leader else StaffProfile.objects.filter(pk=profile.pk))
        return AbsenceForm(data, staff_choices=choices, may_override=can(request.user, Perm.APPROVE),
                           initial={"staff": profile.pk, "start_date": today(), "end_date": today()})

    def get(self, request, form=None):
        profile = staff_profile_of(request.user)
        day = today()
        rows, absences = [], []
        if profile:
            posts = list(posts_for_unit(profile.unit_id))
            away = absent_staff_ids({i for p in posts for i in (p.a_staff_id, p.b_staff_id) if i}, day)
            rows = [acting_for(p, day, away=away) for p in posts]
            absences = (Absence.objects.filter(staff__unit=profile.unit, end_date__gte=day)
                        .select_related("staff", "override_by").order_by("start_date", "staff__badge_number")[:100])
        return render(request, "backoffice/acting.html", {
            "rows": rows, "day": day, "profile": profile, "absences": absences,
            "form": form or (self._form(request, profile) if profile else None)})

    def post(self, request):
        profile = staff_profile_of(request.user)
        if profile is None:
            raise PermissionDenied
        form = self._form(request, profile, request.POST)
        if not form.is_valid():
            return self.get(request, form=form)
        d = form.cleaned_data
        try:
            register_absence(actor=request.user, staff=d["staff"], kind=d["kind"], start_date=d["start_date"],
                             end_date=d["end_date"], note=d["note"], now=now(),
                             leader_override=d.get("leader_override", False))
        except DomainError as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.message)
            return self.get(request, form=form)
        messages.success(request, f"已登记{d['staff'].name}离岗 {d['start_date']} 至 {d['end_date']}")
        return redirect("backoffice:acting")


class AuditView(StaffView):
    """The audit trail, read-only, with "校验审计链": the whole chain checked against the anchors (decision 0017)."""

    permission = Perm.VIEW_AUDIT

    def get(self, request):
        verification = verify_audit() if request.GET.get("verify") else None  # reads only: a safe GET
        params = request.GET.copy()
        params.pop("verify", None)
        form = AuditFilterForm(params or None)
        filters = form.cleaned_data if form.is_valid() else {}
        qs = audit_entries(**{k: v for k, v in filters.items() if v})
        page = page_of(qs, 50, params.get("page"))
        params.pop("page", None)
        return render(request, "backoffice/audit.html", {"form": form, "page": page, "query": params.urlencode(),
                                                         "verification": verification})


class RolesView(StaffView):
    permission = Perm.GRANT_ROLES

    def get(self, request, role_form=None, unlock_form=None):
        q = request.GET.get("q", "").strip()
        users = get_user_model().objects.order_by("username").prefetch_related(Prefetch("groups"))
        if q:
            users = users.filter(username__icontains=q) | users.filter(full_name__icontains=q)
        page = page_of(users, 30, request.GET.get("page"))
        locked = LoginThrottle.objects.filter(locked_until__gt=now()).order_by("username")
        return render(request, "backoffice/roles.html", {
            "page": page, "q": q, "locked": locked, "roles": Role.choices,
            "role_form": role_form or RoleChangeForm(), "unlock_form": unlock_form or UnlockForm()})

    def post(self, request):
        if "unlock" in request.POST:
            form = UnlockForm(request.POST)
            if form.is_valid():
                try:
                    unlock_account(actor=request.user, username=form.cleaned_data["username"], now=now())
                    messages.success(request, f"已解除 {form.cleaned_data['username']} 的锁定")
                    return redirect("backoffice:roles")
                except DomainError as exc:
                    form.add_error("username", exc.message)
            return self.get(request, unlock_form=form)
        form = RoleChangeForm(request.POST)
        if form.is_valid():
            target = get_user_model().objects.filter(username=form.cleaned_data["username"]).first()
            if target is None:
                form.add_error("username", "用户不存在")
            else:
                service = grant_role if form.cleaned_data["op"] == "grant" else revoke_role
                try:
                    service(actor=request.user, target=target, role=Role(form.cleaned_data["role"]), now=now())
                    messages.success(request, "角色已更新")
                    return redirect("backoffice:roles")
                except DomainError as exc:
                    form.add_error("role" if "role" in exc.fields else None, exc.message)
        return self.get(request, role_form=form)


class CalendarNoticeView(StaffView):
    """Enter a year's State Council holiday notice; the year stops being provisional."""

    permission = Perm.MANAGE_CALENDAR

    def get(self, request, form=None):
        if form is None:
            year = today().year + 1
            draft = "\n".join(f"{d.isoformat()} 休 {name}" for d, name, _reason in provisional_rest_days(year))
            form = CalendarNoticeForm(initial={"year": year, "days": draft})
        return render(request, "backoffice/calendar_notice.html", {
            "form": form, "years": official_year_rows(), "provisional_years": provisional_years_ahead(today())})

    def post(self, request):
        form = CalendarNoticeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rows = parse_notice_lines(data["days"], data["year"])
                _year, changed = finalize_year_and_recompute(
                    actor=request.user, year=data["year"], notice=data["notice"], days=rows,
                    published_on=data["published_on"], now=now())
            except DomainError as exc:
                for field, errors in (exc.fields or {None: [exc.message]}).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, f"{data['year']}年放假安排已录入，该年不再按暂定规则计算；"
                                          f"已重新核定 {len(changed)} 件在办办件的期限")
                return redirect("backoffice:calendar")
        return self.get(request, form=form)
