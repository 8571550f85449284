"""Public case lookup: number + query code; the same 404 for a wrong code and an unknown number; throttled."""
from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema

from bianmin.cases.lookup import lookup_with_throttle
from bianmin.cases.workflow import Status
from bianmin.catalog.models import SpecialProcedure
from bianmin.core.http import client_ip
from bianmin.core.timeutils import now

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
