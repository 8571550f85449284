"""首问 endpoints for staff: register and list; the steps on an inquiry are generated from its action catalogue
(``inquiries.actions``, see ``routes_actions``)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Router, Schema
from ninja.responses import Status

from bianmin.core.timeutils import now
from bianmin.inquiries import services as svc
from bianmin.inquiries.models import InquiryStatus, Outcome

from .auth import StaffToken
from .schemas import ErrorOut

router = Router(tags=["首问"], auth=StaffToken())
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# The inquiry channels, spelled out: the catalogue has an enum named Channel too, and two components of one name
# would collide in the OpenAPI document (test_inquiry_channels_match_the_model keeps the two lists equal).
InquiryChannel = Literal["WINDOW", "PHONE", "ONLINE"]


class InquiryIn(Schema):
    channel: InquiryChannel
    matter: str
    visitor_name: str = ""
    phone: str = ""
    visitor_unit: str = ""


class EscortVisitOut(Schema):
    """信访陪同: who accompanies the visitor, when, where to, and what came of it."""

    escort: str = Field(description="陪同人员姓名")
    escort_badge: str
    visit_date: dt.date
    destination: str | None = Field(description="前往的上级部门的单位代码；系统外机关时为空")
    destination_name: str = Field(description="前往的上级部门或系统外机关的名称")
    result: str = Field(description="陪同结果；尚未登记时为空")
    result_at: dt.datetime | None


class InquiryOut(Schema):
    number: str
    channel: InquiryChannel
    status: InquiryStatus
    outcome: Outcome | Literal[""] = Field(description="处理方式；尚未登记时为空")
    matter: str
    visitor_name: str
    phone: str
    first_responder: str
    referred_to: str | None
    outside_authority: str = Field(description="告知向其他机关咨询时：主管机关名称")
    outside_contact: str = Field(description="告知向其他机关咨询时：主管机关联系方式")
    promised_reply_date: dt.date | None
    result: str
    escorts: list[EscortVisitOut] = Field(description="信访陪同，先指派的在前")


def _escort(v) -> dict[str, Any]:
    return {"escort": v.escort.name, "escort_badge": v.escort.badge_number, "visit_date": v.visit_date,
            "destination": v.destination.code if v.destination else None, "destination_name": v.destination_name,
            "result": v.result, "result_at": v.result_at}


def out(i) -> dict[str, Any]:
    return {"number": i.number, "channel": i.channel, "status": i.status, "outcome": i.outcome, "matter": i.matter,
            "visitor_name": i.visitor_name, "phone": i.phone_masked, "first_responder": i.first_responder.name,
            "referred_to": i.referred_to.name if i.referred_to else None,
            "outside_authority": i.outside_authority, "outside_contact": i.outside_contact,
            "promised_reply_date": i.promised_reply_date, "result": i.result,
            "escorts": [_escort(v) for v in i.escorts.all()]}


@router.post("/inquiries", response={201: InquiryOut, **ERRORS}, summary="首问登记")
def create(request, payload: InquiryIn):
    return Status(201, out(svc.register_inquiry(actor=request.auth, now=now(), **payload.model_dump())))


@router.get("/inquiries", response={200: list[InquiryOut], **ERRORS}, summary="我负责的未办结首问")
def mine(request):
    return [out(i) for i in svc.open_inquiries_for(request.auth)
            .prefetch_related("escorts__escort", "escorts__destination")[:200]]
