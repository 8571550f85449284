"""The relay's actions (decision 0021): 移交 (hand over), 签收 (sign for), 拒收 (refuse) on a relay request, and
登记代办 in the subject-less catalogue :data:`CREATE_ACTIONS` (``POST /relays``). The screens and the API are
generated from these declarations; each service asks the same policy again before it writes."""
from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator

from bianmin.cases.actions import ApplicantIn
from bianmin.core.actions import ActionInput, ActionSpec, Catalogue

from . import services as svc
from .models import HandOver, RelayFollowUp, RelayRequest
from .policies import (
    archive_refusal,
    deliver_refusal,
    follow_up_refusal,
    hand_over_refusal,
    may_register,
    open_hop,
    review_refusal,
    send_result_refusal,
    sign_refusal,
)

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser, User


class RelayLine(ActionInput):
    material: int | str = Field(..., title="材料（清单编号或名称）")
    copies: int = Field(1, title="份数", ge=0, le=99)
    received_as: Literal["PAPER", "ELECTRONIC"] = Field("PAPER", title="收取方式")

    def row(self) -> svc.RelayMaterialRow:
        return svc.RelayMaterialRow(material=self.material, copies=self.copies, received_as=self.received_as)


class HopLine(ActionInput):
    name: str = Field(..., title="材料名称", max_length=128)
    copies: int = Field(..., title="份数", ge=0, le=99)

    def row(self) -> svc.RelayMaterialRow:
        return svc.RelayMaterialRow(name=self.name, copies=self.copies)


class RelayRegisterIn(ActionInput):
    item: str = Field(..., title="事项编码", max_length=64)
    applicant: ApplicantIn = Field(..., title="申请人")
    materials: list[RelayLine] = Field([], title="收取的材料")
    mandate: Literal["SCREEN", "MATERIAL"] = Field(..., title="授权委托书（SCREEN 当场签署，MATERIAL 收取委托书）")


LINES: dict[str, Any] = {"widget": "lines"}
_LINE = re.compile(r"^(?P<name>.+?)\s*(?P<copies>\d+)\s*份?$")


def parse_hop_lines(value: Any) -> Any:
    """Return the lines typed on the screen ("申请书 1份", one a line) as [{name, copies}]; a line without a number
    is passed on with copies missing, so the schema names it. Anything but text is left as it is (the API)."""
    if not isinstance(value, str):
        return value
    rows: list[dict[str, Any]] = []
    for line in value.splitlines():
        text = line.strip()
        if not text:
            continue
        found = _LINE.match(text)
        rows.append({"name": found["name"].strip(), "copies": int(found["copies"])} if found else {"name": text})
    return rows


class RelayHandOverIn(ActionInput):
    # Empty: every material received goes on (the usual case).
    materials: list[HopLine] = Field([], title="移交的材料和份数（每行：材料名称 份数；不填则移交全部）",
                                     json_schema_extra=LINES)

    @field_validator("materials", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> Any:
        return parse_hop_lines(value)


class RelaySignIn(ActionInput):
    materials: list[HopLine] = Field(..., title="清点的材料和份数（每行：材料名称 份数）", json_schema_extra=LINES)

    @field_validator("materials", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> Any:
        return parse_hop_lines(value)


class RelayRefuseIn(ActionInput):
    reason: str = Field(..., title="拒收原因（写明差异）", max_length=255)


class RelayReviewIn(ActionInput):
    opinion: str = Field(..., title="初审意见（是否符合条件及理由）", max_length=2000,
                         json_schema_extra={"widget": "textarea"})


class RelaySendResultIn(ActionInput):
    method: Literal["ROUTE", "POST"] = Field("ROUTE", title="回送方式（ROUTE 按原路线回送代办站，POST 邮寄送达申请人）")
    received_by: str = Field("", title="收件人（邮寄时填写，默认申请人）", max_length=64)
    place: str = Field("", title="邮寄地址（默认申请人地址）", max_length=128)


class RelayDeliverIn(ActionInput):
    received_by: str = Field(..., title="签收人（申请人或其委托的人）", max_length=64)


class RelayFollowUpIn(ActionInput):
    method: Literal["CALL", "VISIT"] = Field("CALL", title="回访方式（CALL 电话，VISIT 上门）")
    said: str = Field(..., title="回访内容（申请人的意见）", max_length=2000, json_schema_extra={"widget": "textarea"})


class RelayArchiveIn(ActionInput):
    pass


def _review(*, actor: User, key: str, data: RelayReviewIn, now: dt.datetime) -> HandOver:
    return svc.review_relay(actor=actor, number=key, opinion=data.opinion, now=now)


def _send_result(*, actor: User, key: str, data: RelaySendResultIn, now: dt.datetime) -> RelayRequest:
    return svc.send_result(actor=actor, number=key, method=data.method, received_by=data.received_by,
                           place=data.place, now=now)


def _deliver(*, actor: User, key: str, data: RelayDeliverIn, now: dt.datetime) -> RelayRequest:
    return svc.deliver_relay(actor=actor, number=key, received_by=data.received_by, now=now)


def _follow_up(*, actor: User, key: str, data: RelayFollowUpIn, now: dt.datetime) -> RelayFollowUp:
    return svc.follow_up(actor=actor, number=key, method=data.method, said=data.said, now=now)


def _archive(*, actor: User, key: str, data: RelayArchiveIn, now: dt.datetime) -> RelayRequest:
    return svc.archive_relay(actor=actor, number=key, now=now)


def _register(*, actor: User, key: None, data: RelayRegisterIn, now: dt.datetime) -> RelayRequest:
    return svc.register_relay(actor=actor, item_code=data.item, applicant=dict(data.applicant.data()),
                              materials=[line.row() for line in data.materials], mandate=data.mandate, now=now)


def _hand_over(*, actor: User, key: str, data: RelayHandOverIn, now: dt.datetime) -> HandOver:
    return svc.hand_over(actor=actor, number=key, now=now,
                         materials=[line.row() for line in data.materials] or None)


def _sign(*, actor: User, key: str, data: RelaySignIn, now: dt.datetime) -> HandOver:
    return svc.sign_for(actor=actor, number=key, materials=[line.row() for line in data.materials], now=now)


def _refuse(*, actor: User, key: str, data: RelayRefuseIn, now: dt.datetime) -> HandOver:
    return svc.refuse_hand_over(actor=actor, number=key, reason=data.reason, now=now)


def _names_to_count(relay: RelayRequest) -> str:
    """The waiting hop's material names, one a line, for the receiver to add the copies counted (never the counts
    sent: the receiver counts)."""
    hop = open_hop(relay)
    return "\n".join(f"{row['name']} " for row in hop.materials) if hop is not None else ""


def _may_send(actor: AnyUser, relay: RelayRequest) -> bool:
    return hand_over_refusal(actor, relay) is None


def _may_sign(actor: AnyUser, relay: RelayRequest) -> bool:
    return sign_refusal(actor, relay) is None


def _may_review(actor: AnyUser, relay: RelayRequest) -> bool:
    return review_refusal(actor, relay) is None


def _may_send_result(actor: AnyUser, relay: RelayRequest) -> bool:
    return send_result_refusal(actor, relay) is None


def _may_deliver(actor: AnyUser, relay: RelayRequest) -> bool:
    return deliver_refusal(actor, relay) is None


def _may_follow_up(actor: AnyUser, relay: RelayRequest) -> bool:
    return follow_up_refusal(actor, relay) is None


def _may_archive(actor: AnyUser, relay: RelayRequest) -> bool:
    return archive_refusal(actor, relay) is None


def _may_register(actor: AnyUser, subject: None) -> bool:
    return may_register(actor)


RELAY_ACTIONS: Catalogue[RelayRequest] = Catalogue(subject="relay", key="number")
RELAY_ACTIONS.add(ActionSpec(
    "hand_over", "移交材料（交接）", RelayHandOverIn, _hand_over, _may_send, "hand-over", button="移交",
    done="已移交，等待对方签收", result="result",
    description="当前持件单位把材料移交路线上的下一个单位，签收期限按移交单位层级的工作日计算。拒绝：不是持件单位的代办员或"
                "窗口人员（403）；上一次移交尚未签收、材料已到达决定机关（409）；材料不是该代办件的或份数无效（400）。"))
RELAY_ACTIONS.add(ActionSpec(
    "sign", "清点签收", RelaySignIn, _sign, _may_sign, "sign", button="签收", done="已签收", result="result",
    initial={"materials": _names_to_count}, help="每行一种材料：在名称后填写清点的份数，如“申请书 1份”",
    description="接收单位清点材料后签收：镇中心签收人成为代理责任人；决定机关签收即收件（开始受理审查期限）。拒绝：不是接收单位的"
                "代办员或窗口人员、决定机关不是窗口人员（403）；"
                "没有待签收的移交（409 no_open_hand_over，一次移交只能签收一次）；"
                "清点份数与移交清单不符（400，fields 指明材料，应拒收并注明差异）。"))
RELAY_ACTIONS.add(ActionSpec(
    "refuse", "拒收（注明差异）", RelayRefuseIn, _refuse, _may_sign, "refuse", button="拒收", secondary=True,
    confirm="确定拒收？材料退回移交单位", done="已拒收，材料退回移交单位", result="result",
    description="接收单位拒收并写明差异，材料退回移交单位，由其重新移交。拒绝：同“清点签收”；未写原因（400）。"))
RELAY_ACTIONS.add(ActionSpec(
    "review", "登记初审意见（下级机关初审）", RelayReviewIn, _review, _may_review, "review", button="登记初审意见",
    done="初审完成，请将初审意见和全部材料移交决定机关", result="result",
    description="依法须先经下级机关审查的事项（行政许可法第四十三条），镇便民服务中心在初审期限内登记初审意见；之后移交决定机关时"
                "随附初审意见。初审不作决定。拒绝：不是初审机关的窗口受理人员（403）；不在初审阶段（409）；未填意见（400）。"))
RELAY_ACTIONS.add(ActionSpec(
    "send_result", "回送办理结果", RelaySendResultIn, _send_result, _may_send_result, "send-result", button="回送结果",
    done="已回送办理结果", result="result",
    description="办件办结（或不予受理、退件、撤回）后，决定机关按原路线把办理结果回送代办站（逐段签收），或邮寄送达申请人"
                "（办件即送达并出具送达回证）。拒绝：不是决定机关的窗口人员（403）；办件尚未办结、结果已回送（409）；方式无效（400）。"))
RELAY_ACTIONS.add(ActionSpec(
    "deliver", "送达申请人", RelayDeliverIn, _deliver, _may_deliver, "deliver", button="送达",
    confirm="确认已将办理结果交给签收人，并请其在送达回证上签名？", done="已送达，请打印送达回证请签收人签名",
    result="result",
    description="办理结果到达代办站后，代办员送达申请人：办件以“代办员送达”方式送达并出具送达回证。拒绝：不是代办站的代办员或"
                "窗口人员（403）；结果尚未到达代办站、补办材料未补齐（409）；未填签收人（400）。"))
RELAY_ACTIONS.add(ActionSpec(
    "follow_up", "登记回访", RelayFollowUpIn, _follow_up, _may_follow_up, "follow-up", button="登记回访",
    done="已登记回访", result="result",
    description="送达后电话或上门回访申请人，记录其意见。拒绝：不是代办站人员或代理责任人（403）；尚未送达（409）；"
                "方式无效或未填内容（400）。"))
RELAY_ACTIONS.add(ActionSpec(
    "archive", "归档上报", RelayArchiveIn, _archive, _may_archive, "archive", button="归档上报",
    confirm="归档后代办件结束，计入上级统计。确定归档？", done="已归档上报", result="result",
    description="送达并回访后归档，代办件计入上级中心的统计（上报）。拒绝：不是代办站人员或代理责任人（403）；尚未送达、"
                "未回访或已归档（409）。"))

CREATE_ACTIONS: Catalogue[None] = Catalogue(subject="relay_create", key="")
CREATE_ACTIONS.add(ActionSpec(
    "register", "登记代办（全程代理）", RelayRegisterIn, _register, _may_register, "relays", button="登记并打印回执",
    done="已登记代办件，请打印代办受理回执交申请人",
    description="村（社区）便民服务站代办员登记代办件：申请人、事项（按现行版本的材料清单清点）、授权委托书；出具代办受理回执"
                "（路线、每段时限、预计办结日期、代办员和代理责任人、查询码）。代办免费，不能登记任何代办费用。拒绝：不是便民服务站"
                "的代办员（403）；"
                "事项不存在、村级或机构事项（无需代办）、申请人信息、材料或委托书有误（400，fields 指明）。"))
