"""Bearer-token authentication for staff endpoints."""
from ninja.security import HttpBearer

from bianmin.accounts.services import user_for_token
from bianmin.core.timeutils import now
from bianmin.org.policies import staff_profile_of


class StaffToken(HttpBearer):
    """Accept ``Authorization: Bearer <token>`` issued by POST /api/v1/auth/token."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = user_for_token(token, now=now(), warm=staff_profile_of)
        if user is None:
            return None
        request.user = user
        request.api_token = token  # for POST /auth/logout
        return user
