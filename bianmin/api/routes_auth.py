"""Token issue and revocation, and the caller's identity."""
from django.urls import reverse
from ninja import Router
from ninja.responses import Status

from bianmin.accountability.selectors import desk_counts
from bianmin.accounts.policies import roles_of
from bianmin.accounts.services import issue_api_token, revoke_api_token
from bianmin.core.http import client_ip
from bianmin.core.timeutils import now, today
from bianmin.org.policies import staff_profile_of

from .auth import StaffToken
from .schemas import DeskOut, ErrorOut, MeOut, TokenIn, TokenOut

router = Router(tags=["认证"])


@router.post("/auth/token", response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut}, auth=None,
             summary="用户名、密码（及第二因素 otp）换取接口令牌",
             description="令牌12小时有效；注销、修改或重置密码、角色变更、账号锁定或停用时立即失效。"
                         "同一来源地址登录失败过多时返回 429。")
def token(request, payload: TokenIn):
    raw = issue_api_token(username=payload.username, password=payload.password, otp=payload.otp, now=now(),
                          ip=client_ip(request))
    return {"token": raw}


@router.post("/auth/logout", response={204: None, 401: ErrorOut}, auth=StaffToken(), summary="注销当前接口令牌")
def logout(request):
    revoke_api_token(raw=request.api_token, now=now(), ip=client_ip(request))
    return Status(204, None)


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=StaffToken(), summary="当前用户")
def me(request):
    user = request.auth
    profile = staff_profile_of(user)
    return {"username": user.username, "full_name": user.full_name,
            "roles": sorted(r.value for r in roles_of(user)),
            "unit": profile.unit.code if profile else None,
            "badge_number": profile.badge_number if profile else None}


@router.get("/me/desk", response={200: DeskOut, 401: ErrorOut}, auth=StaffToken(), summary="今日待办（工作台计数）",
            description="与工作台页面相同的计数：待审查的申请、本人超期和临近期限的办件、待答复的首问、待审批的"
                        "移交/延期/退件/补办件/过错处理、待处理的过错记录、待本单位签收的代办交接；只列出当前用户的角色有权"
                        "处理的种类。")
def desk(request):
    on = today()
    counts = desk_counts(request.auth, on)
    return {"date": on, "counts": [{"key": c.key, "label": c.label, "count": c.count,
                                    "href": reverse(c.page) + c.query, "alarm": c.alarm} for c in counts]}
