"""Account security pages: the second factor at sign-in (enrolment with a QR code, then a code each time) and the
security administrator's resets of passwords and second factors (双人复核 for administrators)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from bianmin.accounts.policies import needs_second_factor
from bianmin.accounts.roles import Perm
from bianmin.accounts.second_factor import (
    RECOVERY_CODE_COUNT,
    enrol_second_factor,
    has_second_factor,
    mark_session_verified,
    new_secret,
    provisioning_uri,
    recovery_codes_left,
    secret_base32,
    session_verified,
    verify_second_factor,
)
from bianmin.accounts.services import (
    LoginFailed,
    LoginThrottled,
    approve_reset,
    pending_resets,
    reject_reset,
    request_reset,
)
from bianmin.core.errors import Conflict, DomainError, NotFound
from bianmin.core.qr import qr_svg_data_uri
from bianmin.core.timeutils import now

from .forms import EnrolForm, ResetForm, SecondFactorForm
from .views import NEXT_KEY, StaffView, _ip

ENROL_KEY = "bianmin_otp_enrol_key"  # the secret shown on the enrolment page, until it is confirmed


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _next(request) -> str:
    target = request.session.pop(NEXT_KEY, "") or "/staff/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/staff/"


class _SecondFactorStep(View):
    """Base of the second-factor pages: a signed-in user who must pass it and has not in this session."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("backoffice:login")
        if session_verified(request) or not needs_second_factor(request.user):
            return redirect("backoffice:home")
        elsewhere = self.elsewhere(request)
        if elsewhere:
            return redirect(elsewhere)
        return super().dispatch(request, *args, **kwargs)

    def elsewhere(self, request) -> str | None:
        """Return the other step's URL name when this one does not apply."""
        return None


class SecondFactorView(_SecondFactorStep):
    """The code after the password (or a recovery code); an account without a second factor goes to enrolment."""

    def elsewhere(self, request) -> str | None:
        return None if has_second_factor(request.user) else "backoffice:second_factor_enrol"

    def get(self, request, form=None, status=200):
        return _no_store(render(request, "backoffice/second_factor.html", {"form": form or SecondFactorForm()},
                                status=status))

    def post(self, request):
        form = SecondFactorForm(request.POST)
        if not form.is_valid():
            return self.get(request, form)
        try:
            device = verify_second_factor(user=request.user, code=form.cleaned_data["code"], now=now(),
                                          ip=_ip(request), channel="web")
        except LoginThrottled as exc:
            form.add_error("code", exc.message)
            return self.get(request, form, status=429)
        except LoginFailed as exc:  # locked: this sign-in is over
            logout(request)
            messages.error(request, exc.message)
            return redirect("backoffice:login")
        except DomainError as exc:
            form.add_error("code", exc.message)
            return self.get(request, form)
        request.session.cycle_key()  # a new session key for the fully signed-in session
        mark_session_verified(request, device)
        if device.persistent_id.startswith("otp_static."):  # a recovery code
            messages.warning(request, f"您使用了一个恢复码，还剩 {recovery_codes_left(request.user)} 个；"
                                      "如手机遗失，请联系安全管理员重置第二因素")
        return redirect(_next(request))


class SecondFactorEnrolView(_SecondFactorStep):
    """Bind an authenticator app: a QR code and the secret to type in, confirmed by a code; then the ten recovery
    codes, shown once."""

    def elsewhere(self, request) -> str | None:
        return "backoffice:second_factor" if has_second_factor(request.user) else None

    def get(self, request, form=None):
        key = request.session.get(ENROL_KEY)
        if not key:
            key = request.session[ENROL_KEY] = new_secret()
        secret = secret_base32(key)
        return _no_store(render(request, "backoffice/second_factor_enrol.html", {
            "form": form or EnrolForm(), "qr": qr_svg_data_uri(provisioning_uri(request.user, key)),
            "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))}))

    def post(self, request):
        key = request.session.get(ENROL_KEY)
        form = EnrolForm(request.POST)
        if not key or not form.is_valid():
            return self.get(request, form)
        try:
            device, codes = enrol_second_factor(user=request.user, key=key, code=form.cleaned_data["code"], now=now(),
                                        ip=_ip(request))
        except Conflict:
            return redirect("backoffice:second_factor")
        except DomainError as exc:
            form.add_error("code", exc.message)
            return self.get(request, form)
        request.session.pop(ENROL_KEY, None)
        request.session.cycle_key()
        mark_session_verified(request, device)
        return _no_store(render(request, "backoffice/recovery_codes.html", {
            "codes": codes, "count": RECOVERY_CODE_COUNT, "next": _next(request)}))


class ResetsView(StaffView):
    """凭据重置: the security administrator resets a password (a one-time temporary password, shown once) or a
    second factor; for the three administrator roles the reset waits for a second security administrator."""

    permission = Perm.RESET_CREDENTIALS

    def get(self, request, form=None, status=200):
        return render(request, "backoffice/resets.html", {
            "form": form or ResetForm(), "pending": pending_resets(), "me": request.user.pk}, status=status)

    def _done(self, request, outcome):
        if outcome.temporary_password:
            return _no_store(render(request, "backoffice/reset_done.html", {"outcome": outcome}))
        if outcome.pending is not None:
            messages.success(request, f"已提交申请：{outcome.target.get_username()} 是管理员账号，"
                                      "须由另一名安全管理员在本页复核后才会重置")
        else:
            messages.success(request, f"已重置 {outcome.target.get_username()} 的第二因素：下次登录时重新绑定")
        return redirect("backoffice:resets")

    def post(self, request):
        op = request.POST.get("op", "request")
        if op in ("approve", "reject"):
            try:
                request_id = int(request.POST.get("request", ""))
            except ValueError:
                request_id = 0
            try:
                if op == "reject":
                    reject_reset(actor=request.user, request_id=request_id, now=now())
                    messages.success(request, "申请已驳回（或撤回）")
                    return redirect("backoffice:resets")
                return self._done(request, approve_reset(actor=request.user, request_id=request_id, now=now()))
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect("backoffice:resets")
        form = ResetForm(request.POST)
        if not form.is_valid():
            return self.get(request, form, status=400)
        target = get_user_model().objects.filter(username=form.cleaned_data["username"].strip()).first()
        if target is None:
            form.add_error("username", "用户不存在")
            return self.get(request, form, status=400)
        try:
            outcome = request_reset(actor=request.user, target=target, kind=form.cleaned_data["kind"],
                                    reason=form.cleaned_data["reason"], now=now())
        except NotFound as exc:
            form.add_error("username", exc.message)
            return self.get(request, form, status=400)
        except DomainError as exc:
            field = next((f for f in exc.fields if f in form.fields), None)
            form.add_error(field, exc.message)
            return self.get(request, form, status=exc.status)
        return self._done(request, outcome)

