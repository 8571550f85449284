"""Public lookups of a case and of a relay request (代办件): number + query code; the same 404 for a wrong code and
an unknown number; one throttle for both (``cases.lookup.throttled``)."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema

from bianmin.cases.lookup import lookup_with_throttle, throttled
from bianmin.cases.workflow import Status
from bianmin.catalog.models import SpecialProcedure
from bianmin.core.http import client_ip
from bianmin.core.timeutils import now
from bianmin.ratings.public import rate_by_code
from bianmin.relay.models import RelayStatus
from bianmin.relay.public import StepKind, public_relay

from .schemas import ErrorOut

router = Router(tags=["公众查询"])


class LookupIn(Schema):
    number: str
    code: str


class StepOut(Schema):
    at: dt.datetime
    step: str
    status: str = Field(description="进入的状态（中文）；期限重新计算时为空")
    note: str = Field("", description="期限重新计算的原因")


class PublicPauseOut(Schema):
    kind: SpecialProcedure = Field(description="特别程序（听证、检验、鉴定、专家评审等）")
    kind_label: str
    basis: str = Field(description="依据和原因（与特别程序告知书一致）")
    expected_days: int = Field(description="预计所需工作日")
    started_on: dt.date
    ended_on: dt.date | None = Field(description="结束日期；为空表示仍在进行中，期间不计入办理时限")
    paused_working_days: int = Field(description="已扣除的工作日")


class PublicExtensionOut(Schema):
    days: int = Field(description="经批准延长的工作日")
    reason: str
    approved_at: dt.datetime | None


class LookupOut(Schema):
    number: str
    item: str
    status: Status
    status_label: str
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    committed_deadline: dt.date | None
    legal_deadline: dt.date | None
    provisional: bool  # the committed deadline was counted over a year not yet published
    legal_provisional: bool  # the same for the legal deadline
    unit: str
    handler_name: str
    handler_badge: str
    steps: list[StepOut]
    deadline_changed_at: dt.datetime | None = None
    deadline_change_reason: str = ""
    pauses: list[PublicPauseOut] = Field(default_factory=list, description="特别程序（计时中止）：说明期限为何顺延")
    extension: PublicExtensionOut | None = Field(None, description="经批准的延期")
    committed_due_at: dt.datetime | None = Field(
        None, description="承诺办结时间（承诺时限按小时计算的事项，精确到分钟）；按日计算的事项为空")


@router.post("/public/case-lookup", response={200: LookupOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
             auth=None, summary="办件进度查询（编号+查询码）")
def case_lookup(request, payload: LookupIn):
    return lookup_with_throttle(payload.number, payload.code, ip=client_ip(request), now=now())


class RelayLookupIn(Schema):
    number: str = Field(description="代办编号（DB开头，印在代办受理回执上）")
    code: str = Field(description="查询码（印在代办受理回执上）")


class RelayStepOut(Schema):
    kind: StepKind = Field(description="RECEIVED 代办站收件、SENT 移交、SIGNED 签收、REFUSED 拒收（材料退回移交单位）、"
                                       "REVIEWING 初审中、REVIEWED 初审完成、CASE 决定机关办件状态、"
                                       "RESULT_SENT 办理结果回送、AT_STATION 结果已到代办站、"
                                       "DELIVERED 已送达、CLOSED 已归档")
    unit: str = Field(description="发生这一步的单位")
    words: str = Field(description="这一步的说明，例如“青石镇便民服务中心 已签收”")
    at: dt.datetime | None
    due_on: dt.date | None = Field(None, description="尚在等待的一步（待签收的移交、进行中的初审）的期限")


class RelayLookupOut(Schema):
    number: str
    item: str
    status: RelayStatus
    status_label: str
    expected_on: dt.date | None = Field(description="预计办结日期（代办受理回执所载）")
    route: list[str] = Field(description="代办路线：代办站 → 镇中心 → 决定机关")
    agent_name: str = Field(description="代办员姓名（上墙公示）")
    agent_badge: str = Field(description="代办员上岗证号")
    steps: list[RelayStepOut] = Field(description="代办进度，按时间先后；不含申请人信息和工作人员填写的文字")
    case: LookupOut | None = Field(None, description="决定机关收件后开立的办件：受理、期限、特别程序、决定")
    waiting_on: dt.date | None = Field(None, description="当前等待的一步的期限")


@router.post("/public/relay-lookup", response={200: RelayLookupOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
             auth=None, summary="代办件进度查询（代办编号+查询码）",
             description="与办件查询共用限流：每个地址每分钟10次，同一编号输错查询码每小时5次；编号不存在与查询码错误"
                         "的回答完全相同（404）。")
def relay_lookup(request, payload: RelayLookupIn):
    return throttled(public_relay, payload.number, payload.code, ip=client_ip(request), now=now())


class RateIn(Schema):
    number: str = Field(description="办件编号，或代办编号（DB开头）")
    code: str = Field(description="查询码（印在回执和通知书上，或见送达短信）")
    level: int = Field(description="评价等级：5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意（后两项为差评）")
    comment: str = Field("", description="评价内容（可不填，最多500字）")
    channel: Literal["QR", "SMS"] = Field("QR", description="QR 扫码评价（默认），SMS 从送达短信的链接评价")
    department: str = Field("", description="涉及科室（仅医院便民服务中心的服务：该医院科室的单位代码或ID；可不填）")


class RateOut(Schema):
    number: str
    subject: Literal["CASE", "INQUIRY", "RELAY"] = Field(description="CASE 办件，RELAY 代办件")
    level: int
    level_label: str
    channel: Literal["PAD", "QR", "SMS", "DEFAULT"] = Field(
        description="PAD 窗口评价器、QR 扫码、SMS 短信、DEFAULT 默认评价")
    rated_at: dt.datetime
    follow_up: bool = Field(description="实名差评：已启动回访和整改（1个工作日内回访）")
    is_follow_up_rating: bool = Field(description="这是差评整改反馈后的追评")
    department: str | None = Field(None, description="涉及科室（科室名称）")


@router.post("/public/rate", response={200: RateOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
             auth=None, summary="好差评：凭编号和查询码评价（一次一评）",
             description="申请人凭办件编号（或代办编号）和查询码评价已送达的服务，一次一评；差评整改并反馈后可追评一次。"
                         "与查询共用限流（每个地址每分钟10次，同一编号输错查询码每小时5次）；编号不存在与查询码错误的"
                         "回答完全相同（404）；送达前评价为409 not_rateable，重复评价为409 already_rated；"
                         "涉及科室只能是该医院便民服务中心的科室（400，department）。")
def rate(request, payload: RateIn):
    rating = rate_by_code(number=payload.number, code=payload.code, level=payload.level, comment=payload.comment,
                          channel=payload.channel, ip=client_ip(request), now=now(), department=payload.department)
    instance = rating.case or rating.relay or rating.inquiry
    return {"number": instance.number if instance is not None else "", "subject": rating.subject,
            "level": rating.level, "level_label": rating.get_level_display(), "channel": rating.channel,
            "rated_at": rating.rated_at, "follow_up": hasattr(rating, "follow_up") and rating.follow_up is not None,
            "is_follow_up_rating": rating.parent_id is not None,
            "department": rating.department.name if rating.department else None}
