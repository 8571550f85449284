"""Signing in from the session (with the 5-second user cache), session limits (30 minutes idle, 12 hours absolute),
the second factor and the forced password change."""
from __future__ import annotations

import time

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from bianmin.core.timeutils import now

from .backends import forget_stale_session_user
from .policies import needs_second_factor
from .second_factor import session_verified
from .services import password_expired

SESSION_STARTED_KEY = "bianmin_auth_at"
SESSION_SEEN_KEY = "bianmin_seen_at"


def _get_user(request):
    if not hasattr(request, "_cached_user"):
        forget_stale_session_user(request)
        request._cached_user = auth.get_user(request)
    return request._cached_user


class StaffAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's authentication middleware, first checking the cached user against the session's password hash
    (``backends.forget_stale_session_user``)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))


class SessionLimitsMiddleware:
    """End a session 12 hours after sign-in whatever the activity, and keep an active one alive.

    The idle limit (SESSION_COOKIE_AGE, 30 minutes) is the session row's expiry. A request pushes it forward
    only when the last push is SESSION_REFRESH_SECONDS old, so a busy window writes its session once a minute
    instead of on every page (the idle limit then ends between 29 and 30 minutes after the last request).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            limit = settings.BIANMIN["SESSION_ABSOLUTE_HOURS"] * 3600
            if started is None or time.time() - started > limit:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(request, "会话已超时，请重新登录")
                    return redirect(settings.LOGIN_URL)
            else:
                clock = time.time()
                if clock - request.session.get(SESSION_SEEN_KEY, 0) >= settings.BIANMIN["SESSION_REFRESH_SECONDS"]:
                    request.session[SESSION_SEEN_KEY] = clock  # modified: saved with a new expiry at the end
        return self.get_response(request)


def _second_factor_urls() -> set[str]:
    return {reverse("backoffice:second_factor"), reverse("backoffice:second_factor_enrol")}


class SecondFactorRequiredMiddleware:
    """Keep a signed-in user who must pass the second factor on its pages until this session has passed it.

    The sign-in page sends such a user there right after the password; this also covers any other way a session
    could be signed in. Only the staff side and the admin use sessions (the API uses bearer tokens).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and request.path.startswith(("/staff/", "/admin/"))
                and not session_verified(request) and needs_second_factor(user)):
            allowed = _second_factor_urls() | {reverse("backoffice:logout"), reverse("backoffice:login")}
            if request.path not in allowed:
                return redirect("backoffice:second_factor")
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Send staff whose password must change to the change page before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and request.path.startswith(("/staff/", "/admin/"))
                and password_expired(user, now=now())):
            allowed = {reverse("backoffice:password_change"), reverse("backoffice:logout")} | _second_factor_urls()
            if request.path not in allowed:
                return redirect("backoffice:password_change")
        return self.get_response(request)
