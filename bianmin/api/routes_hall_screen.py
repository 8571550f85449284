"""The hall's big screen and its devices (decision 0025 §4).

``GET /hall/screen`` is for the screen itself (a device token, no staff login): the token in the ``X-Device-Token``
header or the screen's cookie; with ``If-None-Match`` naming the current ETag it answers 304 after one query. The
staff endpoints let a supervisor list, issue and revoke the screens and ticket kiosks of the centers in their scope
(the one-time activation code is in the issuing answer only).

No ``from __future__ import annotations`` (as in ``routes_actions``): the schemas' annotations stay objects."""
import datetime as dt
from typing import Optional

from django.http import HttpResponse, HttpResponseNotModified
from ninja import Field, Header, Router, Schema
from ninja.errors import AuthenticationError
from ninja.renderers import JSONRenderer
from ninja.responses import Status

from bianmin.cases.lookup import TooManyRequests
from bianmin.core.http import client_ip
from bianmin.core.ratelimit import address_key, hit
from bianmin.core.replica import read_from_replica
from bianmin.core.timeutils import now
from bianmin.core.ttlcache import TTLCache
from bianmin.hall.devices import (
    ACTIVATE_PATHS,
    COOKIE_NAMES,
    device_for_token,
    devices_of,
    issue_device,
    revoke_device,
    screen_version,
)
from bianmin.hall.models import BulletinKind, DeviceKind, HallDevice, TicketStatus
from bianmin.hall.screen import LOCAL_SECONDS, cached_payload, etag_matches, screen_etag

from .auth import StaffToken
from .routes_cases import ERRORS
from .schemas import ErrorOut

router = Router(tags=["大厅显示屏"])
REFUSALS_PER_MINUTE = 30  # unknown or revoked device tokens per client address
# The answer's body per center and ETag, kept by each process (what a center's payload at an ETag shows never
# changes: hall.screen): a changed poll then costs the device's query and no validation or JSON encoding.
_bodies: TTLCache[tuple[int, str], bytes] = TTLCache(LOCAL_SECONDS, max_entries=2048)
_renderer = JSONRenderer()  # the API's renderer (NinjaAPI's default)


class HallScreenCallOut(Schema):
    key: str = Field(description="每次呼叫（含重呼）都不同：显示屏据此判断有新的呼叫")
    number: str = Field(description="排队号码，如 A001")
    window: str = Field(description="窗口号")
    window_name: str
    at: str = Field(description="最近呼叫时间 HH:MM")
    calls: int = Field(description="已呼叫次数")


class HallScreenWindowOut(Schema):
    number: str = Field(description="窗口号")
    name: str
    staff: str = Field(description="在岗工作人员姓名（上墙公示）")
    badge: str = Field(description="上岗证号")
    title: str
    ticket: str = Field(description="该窗口正在呼叫或办理的号码；空表示等待叫号")
    ticket_state: Optional[TicketStatus] = Field(description="CALLED 已呼叫、SERVING 办理中；无号码时为空")  # noqa: UP045
    ticket_state_label: str


class HallScreenCountsOut(Schema):
    taken: int = Field(description="今日取号")
    served: int = Field(description="今日已办结的号")
    waiting: int = Field(description="等候中的号")
    cases_received: int = Field(description="本中心今日收件")
    cases_decided_month: int = Field(description="本中心本月办结")
    on_time_rate: Optional[float] = Field(description="本月按期办结率（0–1）；本月尚无办结时为空")  # noqa: UP045


class HallScreenBulletinOut(Schema):
    id: int
    kind: BulletinKind = Field(description="公示类别（POLICY 政府政策、SERVICE 公共服务项目、"
                                           "PROCEDURE 行政许可办理流程、SAFETY 公共安全通告、OTHER 其他公示）")
    title: str


class HallScreenOut(Schema):
    version: int = Field(description="中心的显示版本：叫号、取号、开窗、公示等变化时递增")
    etag: str = Field(description="本数据的 ETag（下次请求放在 If-None-Match 中）")
    unit: str
    date: dt.date
    built_at: dt.datetime
    calls: list[HallScreenCallOut] = Field(description="今日最近的呼叫，最新在前")
    windows: list[HallScreenWindowOut] = Field(description="开放的窗口、在岗人员和当前号码")
    counts: HallScreenCountsOut
    bulletins: list[HallScreenBulletinOut] = Field(description="公示期内的公示标题")


@router.get("/hall/screen", response={200: HallScreenOut, 304: None, 401: ErrorOut, 429: ErrorOut}, auth=None,
            summary="大厅显示屏数据（设备令牌；未变化时 304）",
            description="设备令牌放在 X-Device-Token 请求头中（或显示屏激活后的 Cookie）。带上次应答的 ETag 作 "
                        "If-None-Match：数据未变化时返回 304，无内容。令牌无效或设备已吊销返回 401；同一地址每分钟"
                        f"无效令牌超过{REFUSALS_PER_MINUTE}次返回 429。数据不含群众的任何个人信息。")
def hall_screen(request,
                x_device_token: Optional[str] = Header(None, alias="X-Device-Token",  # noqa: UP045
                                                       description="显示屏的设备令牌"),
                if_none_match: Optional[str] = Header(None, alias="If-None-Match",  # noqa: UP045
                                                      description="上次应答的 ETag")):
    moment = now()
    token = x_device_token or request.COOKIES.get(COOKIE_NAMES[DeviceKind.SCREEN])
    device = device_for_token(token, kind=DeviceKind.SCREEN, now=moment)
    if device is None:
        if not hit(f"hall-screen-refused:{address_key(client_ip(request))}", limit=REFUSALS_PER_MINUTE,
                   window=dt.timedelta(minutes=1), now=moment):
            raise TooManyRequests("无效的设备令牌过多，请一分钟后再试", retry_after=60)
        raise AuthenticationError
    version = screen_version(device)
    etag = screen_etag(version, moment)
    if etag_matches(if_none_match, etag):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = "no-cache, private"
        return not_modified
    body = read_from_replica(request, lambda: _body(request, device, moment, version, etag))  # decision 0027
    answer = HttpResponse(body, content_type=f"{_renderer.media_type}; charset={_renderer.charset}")
    answer["ETag"] = etag
    answer["Cache-Control"] = "no-cache, private"
    return answer


def _body(request, device: HallDevice, moment: dt.datetime, version: int, etag: str) -> bytes:
    """The JSON of the center's ``HallScreenOut`` at ``etag``, as ninja would answer it, encoded once per process."""
    key = (device.unit_id, etag)
    body = _bodies.get(key)
    if body is None:
        payload = HallScreenOut.model_validate(cached_payload(device.unit, moment, version=version)).model_dump()
        body = _renderer.render(request, payload, response_status=200).encode()
        _bodies.set(key, body)
    return body


# --- staff: the devices ------------------------------------------------------------------------------------------

staff_router = Router(tags=["大厅显示屏"], auth=StaffToken())


class HallDeviceOut(Schema):
    id: int
    unit: str = Field(description="服务中心代码")
    unit_name: str
    kind: DeviceKind = Field(description="SCREEN 大厅显示屏、KIOSK 取号机")
    label: str
    issued_at: dt.datetime
    issued_by: str
    activated_at: Optional[dt.datetime] = None  # noqa: UP045
    activation_expires_at: Optional[dt.datetime] = None  # noqa: UP045
    revoked_at: Optional[dt.datetime] = None  # noqa: UP045
    last_seen_at: Optional[dt.datetime] = None  # noqa: UP045


class HallDeviceIn(Schema):
    unit: int = Field(description="服务中心（单位 id，须在本人管辖范围内）")
    kind: DeviceKind = Field(description="SCREEN 大厅显示屏、KIOSK 取号机")
    label: str = Field(description="设备名称，1–64 字，如“一楼大厅显示屏”")


class HallDeviceIssuedOut(Schema):
    device: HallDeviceOut
    code: str = Field(description="一次性激活码：只在此应答中出现一次，24 小时内有效")
    activate_path: str = Field(description="在设备浏览器中打开的激活页面")


def _device_out(device: HallDevice) -> dict:
    return {"id": device.pk, "unit": device.unit.code, "unit_name": device.unit.name, "kind": device.kind,
            "label": device.label, "issued_at": device.issued_at,
            "issued_by": device.issued_by.get_full_name() or device.issued_by.get_username(),
            "activated_at": device.activated_at,
            "activation_expires_at": device.activation_expires_at if device.activated_at is None else None,
            "revoked_at": device.revoked_at, "last_seen_at": device.last_seen_at}


@staff_router.get("/hall/devices", response={200: list[HallDeviceOut], **ERRORS},
                  summary="大厅设备列表（监督员：管辖范围内服务中心的显示屏和取号机）")
def list_devices(request):
    return [_device_out(d) for d in devices_of(request.auth)]


@staff_router.post("/hall/devices", response={201: HallDeviceIssuedOut, **ERRORS},
                   summary="发放大厅显示屏或取号机（返回一次性激活码）",
                   description="仅监督员，服务中心须在管辖范围内（否则 404，unit）。激活码只在此应答中出现一次。")
def issue(request, payload: HallDeviceIn):
    device, code = issue_device(actor=request.auth, unit_id=payload.unit, kind=payload.kind, label=payload.label,
                                now=now())
    return Status(201, {"device": _device_out(device), "code": code, "activate_path": ACTIVATE_PATHS[device.kind]})


@staff_router.post("/hall/devices/{device_id}/revoke", response={200: HallDeviceOut, **ERRORS},
                   summary="吊销大厅显示屏或取号机（立即失效）",
                   description="仅监督员；设备不在管辖范围内或不存在返回 404；已吊销返回 409。")
def revoke(request, device_id: int):
    device = revoke_device(actor=request.auth, device_id=device_id, now=now())
    return _device_out(device)
