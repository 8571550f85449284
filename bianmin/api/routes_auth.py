"""Token issue and the caller's identity."""
from ninja import Router

from bianmin.accounts.policies import roles_of
from bianmin.accounts.services import issue_api_token
from bianmin.core.timeutils import now
from bianmin.org.policies import staff_profile_of

from .auth import StaffToken
from .schemas import ErrorOut, MeOut, TokenIn, TokenOut

router = Router(tags=["认证"])


@router.post("/auth/token", response={200: TokenOut, 400: ErrorOut, 401: ErrorOut}, auth=None,
             summary="用户名和密码换取接口令牌")
def token(request, payload: TokenIn):
    raw = issue_api_token(username=payload.username, password=payload.password, now=now(),
                          ip=request.META.get("REMOTE_ADDR"))
    return {"token": raw}


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=StaffToken(), summary="当前用户")
def me(request):
    user = request.auth
    profile = staff_profile_of(user)
    return {"username": user.username, "full_name": user.full_name,
            "roles": sorted(r.value for r in roles_of(user)),
            "unit": profile.unit.code if profile else None,
            "badge_number": profile.badge_number if profile else None}
