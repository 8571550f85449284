"""Public case lookup: number + query code; the same 404 for a wrong code and an unknown number; throttled."""
from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema

from bianmin.cases.lookup import lookup_with_throttle
from bianmin.cases.workflow import Status
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


class LookupOut(Schema):
    number: str
    item: str
    status: Status
    status_label: str
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    committed_deadline: dt.date | None
    legal_deadline: dt.date | None
    provisional: bool
    unit: str
    handler_name: str
    handler_badge: str
    steps: list[StepOut]
    deadline_changed_at: dt.datetime | None = None
    deadline_change_reason: str = ""


@router.post("/public/case-lookup", response={200: LookupOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
             auth=None, summary="办件进度查询（编号+查询码）")
def case_lookup(request, payload: LookupIn):
    return lookup_with_throttle(payload.number, payload.code, ip=client_ip(request), now=now())
