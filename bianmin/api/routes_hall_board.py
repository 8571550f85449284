"""上墙公示 endpoints (issue 18 item 1; decision 0025 §5).

Public, without a token: a service place's board (today's staff on duty with A/B and who stands in, the 首席责任人,
the rules, the items with limits and fees, the bulletins open now with their handled comments, the complaint phone)
and the comment on a bulletin during its period (throttled per address). Nothing personal is in a public answer but
the staff on the wall (上墙公示): never a commenter's name or phone.

Staff: a leader lists, publishes and withdraws the bulletins of their scope, lists the comments to handle and handles
them; the system administrator saves a new version of a unit's rules. Each endpoint calls one service of
``hall.board``, which checks the policy.

No ``from __future__ import annotations`` (as in ``routes_actions``): the schemas' annotations stay objects."""
import datetime as dt
from decimal import Decimal
from typing import Any, Literal, Optional

from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.responses import Status

from bianmin.cases.lookup import TooManyRequests
from bianmin.catalog.models import LimitUnit
from bianmin.core.errors import NotFound
from bianmin.core.http import client_ip
from bianmin.core.ratelimit import address_key, hit
from bianmin.core.timeutils import local_date, now
from bianmin.hall.board import (
    Board,
    board_for,
    board_unit,
    board_units_for,
    bulletin_archive,
    bulletins_for,
    clean_rich_text,
    comments_to_handle,
    handle_comment,
    handled_comments,
    public_bulletin,
    publish_bulletin,
    save_rules,
    stand_in,
    submit_comment,
    withdraw_bulletin,
)
from bianmin.hall.models import BoardRules, Bulletin, BulletinComment, BulletinKind, CommentKind
from bianmin.hall.promises import published_outreach
from bianmin.hospital.models import CareEvent, EventKind
from bianmin.org.models import StaffProfile
from bianmin.stats.published import month_figures
from bianmin.stats.ratings import share

from .auth import StaffToken
from .bounds import Day, Page, PageSize, page_rows
from .routes_cases import ERRORS
from .schemas import ErrorOut

public_router = Router(tags=["上墙公示"])
router = Router(tags=["上墙公示"], auth=StaffToken())
BOARD_READS_PER_MINUTE = 60  # per client address: a wall's page refreshing, or an app, never needs more


# --- public ------------------------------------------------------------------------------------------------------


class BoardStaffOut(Schema):
    name: str
    badge_number: str = Field(description="上岗证号")
    title: str = Field(description="职务")
    photo_url: Optional[str] = Field(None, description="照片（仅公示栏上的人员）")  # noqa: UP045


class BoardPostOut(Schema):
    window_number: str
    window_name: str
    post: str = Field(description="岗位名称")
    a: BoardStaffOut = Field(description="A角（岗位责任人）")
    b: Optional[BoardStaffOut] = Field(None, description="B角（A角离岗时代岗）")  # noqa: UP045
    a_absent: bool = Field(description="A角今日离岗")
    b_absent: bool = Field(description="B角今日离岗（没有B角时为 true）")
    on_duty: Optional[Literal["A", "B"]] = Field(  # noqa: UP045
        None, description="今日在岗：A角、B角代岗；A、B角均离岗时为空")
    stand_in: str = Field(description="代岗说明，例如“B角 张三 代 A角 李四 在岗”；A角在岗时为空")


class BoardUnitOut(Schema):
    code: str
    name: str
    address: str
    hours: str
    phone: str = Field(description="咨询电话")


class BoardRulesOut(Schema):
    version: int
    title: str
    body_html: str = Field(description="制度正文（HTML，仅含标题、段落、列表、表格、加粗、斜体、换行和引用）")
    edited_at: dt.datetime


class BoardFeeOut(Schema):
    name: str
    amount: Decimal = Field(description="金额（元）")
    basis: str
    waivable: bool


class BoardItemOut(Schema):
    code: str
    name: str
    guide_url: str = Field(description="办事指南")
    committed_limit: int = Field(description="在本单位受理时的承诺时限（0 为即办）")
    committed_limit_unit: LimitUnit
    legal_limit: int
    legal_limit_unit: LimitUnit
    fees: list[BoardFeeOut] = Field(description="收费标准；空表示不收费")


class BoardCommentOut(Schema):
    kind: CommentKind
    kind_label: str
    received_on: dt.date
    text: str
    handling: str = Field(description="处理情况")
    handled_on: dt.date


class BoardBulletinOut(Schema):
    id: int
    kind: BulletinKind
    kind_label: str
    title: str
    body: str
    starts_on: dt.date
    ends_on: dt.date = Field(description="公示截止日期（含）")
    accepts_comments: bool = Field(description="公示期内接受意见和异议")
    comments: list[BoardCommentOut] = Field(description="已处理的意见和异议及处理情况（不含提出人信息）")


class BoardFiguresOut(Schema):
    month: dt.date = Field(description="月份（该月第一天）")
    partial: bool = Field(description="本月截至今日")
    decided: int = Field(description="办结件数")
    on_time: int = Field(description="按期办结件数")
    on_time_rate: Optional[float] = Field(description="按期办结率（0–1；无办结为空）")  # noqa: UP045
    rated: int = Field(description="评价数（不含追评和申诉成立的评价）")
    good: int = Field(description="好评数（非常满意、满意、基本满意）")
    good_rate: Optional[float] = Field(description="好评率（0–1；无评价为空）")  # noqa: UP045


class BoardOutreachOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    village: str = Field(description="服务村（社区）")
    place: str
    topic: str
    team: list[str] = Field(description="服务团队成员姓名")


class BoardEventOut(Schema):
    id: int
    kind: EventKind
    kind_label: str
    title: str
    description: str = Field(description="活动内容")
    place: str = Field(description="地点")
    starts_at: dt.datetime
    ends_at: dt.datetime
    departments: list[str] = Field(description="参与科室名称（医院的活动；其他为空）")
    capacity: Optional[int] = Field(None, description="计划人数（未设定为空）")  # noqa: UP045
    status: Literal["PUBLISHED", "CANCELLED", "HELD"] = Field(
        description="PUBLISHED 已发布（即将举办）、CANCELLED 已取消（显示到原定结束时间）、HELD 已举办（近30天）")
    status_label: str
    cancel_reason: str = Field(description="取消原因（仅已取消的活动，其余为空）")
    attendance: Optional[int] = Field(None, description="参加人数（仅已举办的活动，其余为空）")  # noqa: UP045
    summary: str = Field(description="活动小结（仅已举办的活动，其余为空）")


class BoardOut(Schema):
    unit: BoardUnitOut
    date: dt.date = Field(description="在岗信息的日期（北京时间今日）")
    complaint_phone: str = Field(description="监督投诉电话（单位未设置时为政务服务热线）")
    chief: Optional[BoardStaffOut] = Field(None, description="首席责任人")  # noqa: UP045
    posts: list[BoardPostOut]
    rules: Optional[BoardRulesOut] = Field(None, description="现行服务制度（制度上墙）")  # noqa: UP045
    items: list[BoardItemOut]
    bulletins: list[BoardBulletinOut] = Field(description="正在公示的事项")
    figures: list[BoardFiguresOut] = Field(description="上月和本月的按期办结率、好评率")
    outreach: list[BoardOutreachOut] = Field(description="组团服务（上门服务）安排")
    events: list[BoardEventOut] = Field(
        description="便民活动：即将举办的、已取消的（附原因）和近30天已举办的（附参加人数）")


class BoardArchiveOut(Schema):
    count: int
    results: list[BoardBulletinOut] = Field(description="已结束或已撤回的公示，最新的在前")


def _staff(staff: StaffProfile, code: str) -> dict[str, Any]:
    photo = reverse("public:board_photo", args=[code, staff.pk]) if staff.photo else None
    return {"name": staff.name, "badge_number": staff.badge_number, "title": staff.title, "photo_url": photo}


def _comment(c: BulletinComment) -> dict[str, Any]:
    assert c.handled_at is not None
    return {"kind": c.kind, "kind_label": c.get_kind_display(), "received_on": local_date(c.received_at),
            "text": c.text, "handling": c.handling, "handled_on": local_date(c.handled_at)}


def _event(e: CareEvent) -> dict[str, Any]:
    held, cancelled = e.status == "HELD", e.status == "CANCELLED"
    return {"id": e.pk, "kind": e.kind, "kind_label": e.get_kind_display(), "title": e.title,
            "description": e.description, "place": e.place, "starts_at": e.starts_at, "ends_at": e.ends_at,
            "departments": [d.name for d in e.departments.all()], "capacity": e.capacity, "status": e.status,
            "status_label": e.get_status_display(), "cancel_reason": e.cancel_reason if cancelled else "",
            "attendance": e.attendance if held else None, "summary": e.summary if held else ""}


def _board(b: Board) -> dict[str, Any]:
    code = b.unit.code
    posts = []
    for acting in b.duty:
        post = acting.post
        posts.append({"window_number": post.window.number, "window_name": post.window.name, "post": post.name,
                      "a": _staff(post.a_staff, code), "b": _staff(post.b_staff, code) if post.b_staff else None,
                      "a_absent": acting.a_absent, "b_absent": acting.b_absent,
                      "on_duty": None if acting.staff is None else ("B" if acting.is_backup else "A"),
                      "stand_in": stand_in(acting)})
    rules = None
    if b.rules is not None:
        rules = {"version": b.rules.version, "title": b.rules.title, "body_html": clean_rich_text(b.rules.body_html),
                 "edited_at": b.rules.edited_at}
    items = [{"code": i.code, "name": i.version.name, "guide_url": reverse("public:guide", args=[i.code]),
              "committed_limit": i.committed_limit, "committed_limit_unit": i.version.committed_limit_unit,
              "legal_limit": i.version.legal_limit, "legal_limit_unit": i.version.legal_limit_unit,
              "fees": [{"name": f.name, "amount": f.amount, "basis": f.basis, "waivable": f.waivable}
                       for f in i.fees]} for i in b.items]
    bulletins = [_public_bulletin(x) for x in b.bulletins]
    unit = b.unit
    return {"unit": {"code": code, "name": unit.name, "address": unit.address, "hours": unit.hours,
                     "phone": unit.phone},
            "date": b.today, "complaint_phone": b.complaint_phone,
            "chief": _staff(b.chief, code) if b.chief else None, "posts": posts, "rules": rules, "items": items,
            "bulletins": bulletins,
            "figures": [{"month": f.month, "partial": f.partial, "decided": f.decided, "on_time": f.on_time,
                         "on_time_rate": share(f.on_time, f.decided), "rated": f.rated, "good": f.good,
                         "good_rate": share(f.good, f.rated)} for f in month_figures(unit, b.today)],
            "outreach": [{"starts_at": v.starts_at, "ends_at": v.ends_at, "village": v.region.name, "place": v.place,
                          "topic": v.topic, "team": [p.name for p in v.team.all()]}
                         for v in published_outreach(unit, now())],
            "events": [_event(e) for e in b.events]}


def _public_bulletin(x: Bulletin) -> dict[str, Any]:
    return {"id": x.pk, "kind": x.kind, "kind_label": x.get_kind_display(), "title": x.title, "body": x.body,
            "starts_on": x.starts_on, "ends_on": x.ends_on, "accepts_comments": x.accepts_comments,
            "comments": [_comment(c) for c in getattr(x, "handled_comments", [])]}


@public_router.get("/public/board/{code}", response={200: BoardOut, 404: ErrorOut, 429: ErrorOut}, auth=None,
                   summary="公示栏（今日在岗人员、首席责任人、服务制度、办理事项、正在公示的事项、便民活动和投诉电话）",
                   description="code：服务中心（站）的单位代码。职能部门、停用或不存在的单位返回 404。"
                               f"每个地址每分钟最多{BOARD_READS_PER_MINUTE}次（429）。不含任何群众个人信息。")
def get_board(request, code: str):
    moment = now()
    _limited(request, moment)
    return _board(board_for(board_unit(code), local_date(moment), now=moment))


def _limited(request: Any, moment: dt.datetime) -> None:
    if not hit(f"board:{address_key(client_ip(request))}", limit=BOARD_READS_PER_MINUTE,
               window=dt.timedelta(minutes=1), now=moment):
        raise TooManyRequests("访问过于频繁，请一分钟后再试", retry_after=60)


@public_router.get("/public/board/{code}/bulletins/{bulletin_id}",
                   response={200: BoardBulletinOut, 404: ErrorOut, 429: ErrorOut}, auth=None,
                   summary="一条公示及其已处理的意见和异议（公示期内、已结束或已撤回）",
                   description="尚未开始公示或不属于该单位的返回 404。与公示栏共用每分钟访问次数（429）。")
def get_bulletin(request, code: str, bulletin_id: int):
    moment = now()
    _limited(request, moment)
    return _public_bulletin(public_bulletin(board_unit(code), bulletin_id, local_date(moment)))


@public_router.get("/public/board/{code}/archive", response={200: BoardArchiveOut, 404: ErrorOut, 429: ErrorOut},
                   auth=None, summary="往期公示（已结束或已撤回），分页",
                   description="与公示栏共用每分钟访问次数（429）。")
def get_archive(request, code: str, page: Page = 1, size: PageSize = 20):
    moment = now()
    _limited(request, moment)
    rows = bulletin_archive(board_unit(code), local_date(moment))
    shown = list(rows.prefetch_related(handled_comments())[page_rows(page, size)])
    return {"count": rows.count(), "results": [_public_bulletin(x) for x in shown]}


class BoardCommentIn(Schema):
    kind: CommentKind = Field(description="COMMENT 意见建议，OBJECTION 异议")
    text: str = Field(description="意见内容（将公开）")
    name: str = Field(description="姓名（不公开）")
    phone: str = Field(description="手机号码（不公开，用于联系反馈）")


class BoardCommentReceivedOut(Schema):
    id: int
    received_at: dt.datetime
    notice: str = Field(description="公开范围的说明")


@public_router.post("/public/bulletins/{bulletin_id}/comments",
                    response={201: BoardCommentReceivedOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                              429: ErrorOut},
                    auth=None, summary="对公示提出意见或异议（公示期内，每个地址每小时有次数限制）",
                    description="意见内容及处理情况将公开，姓名和电话不公开。拒绝：公示不存在或尚未开始（404）；已撤回、不接受"
                                "意见、不在公示期内（409，不写入）；类型、内容、姓名或手机号码无效（400，指明字段）；同一地址"
                                "一小时内提交过多（429，Retry-After）。")
def post_comment(request, bulletin_id: int, payload: BoardCommentIn):
    c = submit_comment(bulletin_id=bulletin_id, kind=payload.kind.value, text=payload.text, name=payload.name,
                       phone=payload.phone, ip=client_ip(request), now=now())
    return Status(201, {"id": c.pk, "received_at": c.received_at,
                        "notice": "意见内容及处理情况将公开，姓名和电话不公开"})


# --- staff -------------------------------------------------------------------------------------------------------


class BoardBulletinAdminOut(Schema):
    id: int
    unit: str = Field(description="单位代码")
    unit_name: str
    kind: BulletinKind
    title: str
    body: str
    starts_on: dt.date
    ends_on: dt.date
    accepts_comments: bool
    created_at: dt.datetime
    withdrawn_at: Optional[dt.datetime] = None  # noqa: UP045
    withdraw_reason: str
    comments: int = Field(description="收到的意见和异议")
    comments_to_handle: int = Field(description="尚未处理的")


class BoardBulletinIn(Schema):
    unit: str = Field(description="单位代码（服务中心或服务站）")
    kind: BulletinKind
    title: str
    body: str
    starts_on: Day = Field(description="公示开始日期，不早于今天")
    ends_on: Day = Field(description="公示截止日期（含），公示期不少于设定天数（默认7天，自然日）")
    accepts_comments: bool = True


class BoardWithdrawIn(Schema):
    reason: str = Field(description="撤回理由")


class BoardCommentAdminOut(Schema):
    id: int
    bulletin: int
    bulletin_title: str
    kind: CommentKind
    text: str
    name: str = Field(description="提出人姓名（不公开）")
    phone_masked: str = Field(description="提出人手机（脱敏）")
    received_at: dt.datetime
    handling: str
    handled_at: Optional[dt.datetime] = None  # noqa: UP045


class BoardHandleIn(Schema):
    handling: str = Field(description="处理情况（将公开）")


class BoardRulesIn(Schema):
    title: str
    body_html: str = Field(description="制度正文（HTML；只保留标题、段落、列表、表格、加粗、斜体、换行和引用）")
    note: str = Field("", description="修改说明")


def _bulletin(b: Bulletin) -> dict[str, Any]:
    return {"id": b.pk, "unit": b.unit.code, "unit_name": b.unit.name, "kind": b.kind, "title": b.title,
            "body": b.body, "starts_on": b.starts_on, "ends_on": b.ends_on, "accepts_comments": b.accepts_comments,
            "created_at": b.created_at, "withdrawn_at": b.withdrawn_at, "withdraw_reason": b.withdraw_reason,
            "comments": getattr(b, "n_comments", 0), "comments_to_handle": getattr(b, "n_open", 0)}


def _fresh_bulletin(user: Any, bulletin_id: int) -> dict[str, Any]:
    return _bulletin(bulletins_for(user).get(pk=bulletin_id))


def _admin_comment(c: BulletinComment) -> dict[str, Any]:
    return {"id": c.pk, "bulletin": c.bulletin_id, "bulletin_title": c.bulletin.title, "kind": c.kind,
            "text": c.text, "name": str(c.name or ""), "phone_masked": c.phone_masked, "received_at": c.received_at,
            "handling": c.handling, "handled_at": c.handled_at}


@router.get("/hall/bulletins", response={200: list[BoardBulletinAdminOut], **ERRORS},
            summary="公示列表（中心领导：管辖范围内的公示）")
def list_bulletins(request, page: Page = 1, size: PageSize = 50):
    return [_bulletin(b) for b in bulletins_for(request.auth)[page_rows(page, size)]]


@router.post("/hall/bulletins", response={201: BoardBulletinAdminOut, **ERRORS},
             summary="发布公示（公示期不少于7天）",
             description="中心领导发布本单位（管辖范围内）的公示。拒绝：不是中心领导（403）；单位不在管辖范围、是职能部门或不存在"
                         "（404）；类别、标题、内容无效，开始日期早于今天（starts_on），截止日期早于开始或公示期不足（ends_on）"
                         "（400，指明字段）。")
def create_bulletin(request, payload: BoardBulletinIn):
    unit = board_units_for(request.auth).filter(code=payload.unit.strip()).first()
    if unit is None:
        raise NotFound("单位不存在或没有公示栏")
    b = publish_bulletin(actor=request.auth, unit_id=unit.pk, kind=payload.kind.value, title=payload.title,
                         body=payload.body, starts_on=payload.starts_on, ends_on=payload.ends_on,
                         accepts_comments=payload.accepts_comments, now=now())
    return Status(201, _fresh_bulletin(request.auth, b.pk))


@router.post("/hall/bulletins/{bulletin_id}/withdraw", response={200: BoardBulletinAdminOut, **ERRORS},
             summary="撤回公示（须写明理由，保留在往期公示中）",
             description="拒绝：不是中心领导（403）；公示不存在或不在管辖范围（404）；已撤回（409）；未写理由（400，reason）。")
def withdraw(request, bulletin_id: int, payload: BoardWithdrawIn):
    withdraw_bulletin(actor=request.auth, bulletin_id=bulletin_id, reason=payload.reason, now=now())
    return _fresh_bulletin(request.auth, bulletin_id)


@router.get("/hall/comments", response={200: list[BoardCommentAdminOut], **ERRORS},
            summary="待处理的公示意见（中心领导：管辖范围内）")
def list_comments(request, page: Page = 1, size: PageSize = 50):
    return [_admin_comment(c) for c in comments_to_handle(request.auth)[page_rows(page, size)]]


@router.post("/hall/comments/{comment_id}/handle", response={200: BoardCommentAdminOut, **ERRORS},
             summary="处理公示意见（处理情况将公开，每条一次）",
             description="拒绝：不是中心领导（403）；意见不存在或不在管辖范围（404）；已处理（409）；未写处理情况（400，"
                         "handling）。")
def handle(request, comment_id: int, payload: BoardHandleIn):
    c = handle_comment(actor=request.auth, comment_id=comment_id, handling=payload.handling, now=now())
    return _admin_comment(BulletinComment.objects.select_related("bulletin").get(pk=c.pk))


@router.post("/hall/rules/{unit_code}", response={201: BoardRulesOut, **ERRORS},
             summary="修改上墙制度（系统管理员，保存为新版本）",
             description="正文经过清理：只保留标题、段落、列表、表格、加粗、斜体、换行和引用，去除脚本、样式、链接和事件属性。拒绝：不是系统"
                         "管理员（403）；单位不在管辖范围、是职能部门或不存在（404）；标题、正文（清理后为空或过长）、说明无效"
                         "（400，指明字段）。")
def post_rules(request, unit_code: str, payload: BoardRulesIn):
    unit = board_units_for(request.auth).filter(code=unit_code.strip()).first()
    if unit is None:
        raise NotFound("单位不存在或没有公示栏")
    rules: BoardRules = save_rules(actor=request.auth, unit_id=unit.pk, title=payload.title,
                                   body_html=payload.body_html, note=payload.note, now=now())
    return Status(201, {"version": rules.version, "title": rules.title, "body_html": rules.body_html,
                        "edited_at": rules.edited_at})

