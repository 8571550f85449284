"""Public lookups of a case and of a relay request (代办件): number + query code; the same 404 for a wrong code and
an unknown number; one throttle for both (``cases.lookup.throttled``)."""
from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema

from bianmin.cases.lookup import lookup_with_throttle, throttled
from bianmin.cases.workflow import Status
from bianmin.catalog.models import SpecialProcedure
from bianmin.core.http import client_ip
from bianmin.core.timeutils import now
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
