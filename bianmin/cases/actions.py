"""The catalogue of case actions: each verb declared once (label, input, policy, service, confirmation).

The case page draws its forms from :data:`CASE_ACTIONS` and posts them back through :func:`core.actions.run`; the
API generates ``POST /cases/{number}/<path>`` for each entry (``api.routes_actions``). To add an action, write its
service and add one entry here. docs/architecture.md ("The action catalogue") walks through one.

``allowed`` answers from the transition table (``policies.can_transition``) and from the rules outside it
(``policies.*_refusal``) — the same functions the services call before they write, so a button shows exactly
when the service would accept the step (apart from what only the input can tell).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.catalog.models import SpecialProcedure
from bianmin.core.actions import ActionInput, ActionSpec, Catalogue, NoInput, Perform

from . import policies as pol
from . import services as svc
from .models import (
    Case,
    CaseFile,
    CasePause,
    Comment,
    DecisionOutcome,
    DeliveryMethod,
    Extension,
    FeePayment,
    Notice,
    NoticeKind,
    ReturnRequest,
    SupplementLine,
    Transfer,
)
from .workflow import Action, permission_for

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from bianmin.users.types import AnyUser, User

Receipt = Literal["PAPER", "ELECTRONIC", "SHARED"]


@dataclass
class CaseContext:
    """A case as one actor sees it today: what every policy question about it needs, computed once."""

    case: Case
    today: dt.date
    acting_ids: set[int]


def case_context(case: Case, today: dt.date) -> CaseContext:
    """Return the context of ``case`` for ``today`` (who acts for an absent first handler)."""
    from .services.core import acting_ids_for

    return CaseContext(case=case, today=today, acting_ids=acting_ids_for(case, today))


# ---- inputs: field titles are the labels on the screen and the descriptions in the OpenAPI document ----

def _text(title: str, *, required: bool = False, max_length: int = 2000, **extra: Any) -> Any:
    kwargs: dict[str, Any] = {"title": title, "max_length": max_length}
    if extra:
        kwargs["json_schema_extra"] = extra
    return Field(..., **kwargs) if required else Field("", **kwargs)


class AcceptIn(ActionInput):
    urgent: bool = Field(False, title="急办（缩短承诺时限）")
    urgent_days: int | None = Field(None, title="急办时限（天；按小时计时的事项为小时，可空）", ge=0, le=365)


class ImmediateIn(ActionInput):
    certificate_number: str = _text("证照编号", max_length=64)


class FixIn(ActionInput):
    note: str = _text("更正内容", required=True)
    materials: list[str] = Field([], title="已当场更正的材料", json_schema_extra={"checked": True})


class SupplementLineIn(ActionInput):
    material: str = _text("材料", required=True, max_length=255)
    problem: str = _text("问题", required=True, max_length=255)
    standard: str = _text("要求（默认取受理标准）", max_length=500)


class ServeIn(ActionInput):
    justification: str = _text("再次告知的理由（仅第二次时必填）", max_length=500)


class MaterialLine(ActionInput):
    """One material handed in: by checklist id or name, how it was received."""

    material: int | str = Field(..., title="材料（清单编号或名称）")
    received_as: Receipt = Field("PAPER", title="收取方式")
    copies: int = Field(1, title="份数", ge=0, le=999)
    acceptable: bool | None = Field(None, title="是否符合要求")
    problem: str = _text("存在的问题", max_length=255)

    def row(self) -> svc.MaterialRow:
        """Return the line as the receipt and checklist services take it."""
        return svc.MaterialRow(material=self.material, received_as=self.received_as, copies=self.copies,
                               acceptable=self.acceptable, problem=self.problem)


# The applicant and agent of a receipt (收件), built alike by the window's form (``backoffice.views_receive``) and
# the API (``POST /cases``). Plain text: ``services.receive_case`` checks each field and names it in its errors
# (``applicant.id_number``…). Unknown fields are ignored, as they always were (no docstring: it would become the
# schemas' description in the OpenAPI document).

class ApplicantIn(BaseModel):
    kind: str = "PERSON"
    name: str = ""
    id_type: str = "RESIDENT_ID"
    id_number: str = ""
    phone: str = ""
    address: str = ""
    credit_code: str = ""
    credit_code_override_reason: str = ""
    legal_rep: str = ""
    contact: str = ""

    def data(self) -> svc.ApplicantData:
        """Return the applicant as ``services.receive_case`` takes it."""
        return svc.ApplicantData(
            kind=self.kind, name=self.name, id_type=self.id_type, id_number=self.id_number, phone=self.phone,
            address=self.address, credit_code=self.credit_code,
            credit_code_override_reason=self.credit_code_override_reason, legal_rep=self.legal_rep,
            contact=self.contact)


class AgentIn(BaseModel):
    name: str = ""
    id_type: str = "RESIDENT_ID"
    id_number: str = ""
    phone: str = ""
    authorization: str = ""

    def data(self) -> svc.AgentData:
        """Return the agent as ``services.receive_case`` takes it."""
        return svc.AgentData(name=self.name, id_type=self.id_type, id_number=self.id_number, phone=self.phone,
                             authorization=self.authorization)


class ResubmitIn(ActionInput):
    # A list defaults to empty: a form with nothing ticked sends nothing, and the service names what is missing.
    materials: list[str | MaterialLine] = Field([], title="申请人补正后提交的材料")


class RefuseIn(ActionInput):
    kind: Literal["REJECT", "OUTSIDE_POWERS", "NOT_LICENSED"] = Field("REJECT", title="类型")
    reason: str = _text("理由", required=True)
    competent_organ: str = _text("有权机关（不属本机关职权时必填）", max_length=255)
    competent_organ_contact: str = _text("有权机关联系方式（不属本机关职权时必填）", max_length=255)


class StartIn(ActionInput):
    opinion: str = _text("意见")


class DecideIn(ActionInput):
    outcome: DecisionOutcome = Field(..., title="办理结果")
    reasons: str = _text("决定理由", required=True, widget="textarea")
    certificate_number: str = _text("证照编号（准予且事项出具证照、卡证时必填）", max_length=64)
    decided_by_organ: str = _text("作出决定的上级机关（上报件）", max_length=64)
    decision_document: str = _text("上级机关决定文号（上报件）", max_length=64)


class DeliverIn(ActionInput):
    method: DeliveryMethod = Field(..., title="送达方式")
    received_by: str = _text("签收人", required=True, max_length=64)
    place: str = _text("送达地点（可空：窗口领取为本单位地址，邮寄为申请人地址）", max_length=128)


class ReasonIn(ActionInput):
    reason: str = _text("理由", required=True)


class DeferredIn(ActionInput):
    materials: list[str] = Field([], title="申请人补交的补办材料")
    received_as: Receipt = Field("PAPER", title="收取方式")


class TransferIn(ActionInput):
    to_badge: str = _text("接收人上岗证号", required=True, max_length=32)
    reason: str = _text("理由", required=True)


class FeeIn(ActionInput):
    fee: int = Field(..., title="收费项目", ge=1)
    # "10", "10.00" or 10 yuan; never rounded: "10.004" is refused
    amount: str | int | float = Field(..., title="金额（元）")
    receipt_number: str = _text("票据号", required=True, max_length=40)


class UploadIn(ActionInput):
    material: str = _text("对应材料", max_length=255)


class PauseIn(ActionInput):
    kind: SpecialProcedure = Field(..., title="程序")
    basis: str = _text("依据和原因（写入告知书并公开显示，勿写个人信息）", required=True, max_length=255)
    expected_days: int = Field(..., title="预计工作日", ge=1, le=365)


class PauseEndIn(ActionInput):
    result: str = _text("结果", required=True, max_length=255)


class CommentIn(ActionInput):
    text: str = _text("备注", required=True, widget="textarea")


# ---- who may: the table and the rules outside it ----

def _table(action: Action) -> Callable[[AnyUser, CaseContext], bool]:
    def allowed(actor: AnyUser, ctx: CaseContext) -> bool:
        return pol.can_transition(actor, ctx.case, action, acting_ids=ctx.acting_ids)
    return allowed


def _worker(actor: AnyUser, ctx: CaseContext) -> bool:
    return can(actor, Perm.HANDLE_CASES) and pol.may_work_on(actor, ctx.case, ctx.acting_ids)


def _handler(actor: AnyUser, ctx: CaseContext) -> bool:
    return can(actor, Perm.HANDLE_CASES) and pol.is_handler_side(actor, ctx.case, ctx.acting_ids)


def _decide_allowed(actor: AnyUser, ctx: CaseContext) -> bool:
    return _table(Action.DECIDE)(actor, ctx) and pol.decide_refusal(ctx.case) is None


def _deliver_allowed(actor: AnyUser, ctx: CaseContext) -> bool:
    return _table(Action.DELIVER)(actor, ctx) and pol.deliver_refusal(ctx.case) is None


def _accept_immediately(actor: AnyUser, ctx: CaseContext) -> bool:
    return _table(Action.ACCEPT_IMMEDIATE)(actor, ctx) and pol.immediate_refusal(ctx.case) is None


def _supplement(actor: AnyUser, ctx: CaseContext) -> bool:
    return _table(Action.SERVE_SUPPLEMENT)(actor, ctx)


def _serve(actor: AnyUser, ctx: CaseContext) -> bool:
    return _supplement(actor, ctx) and pol.supplement_serve_refusal(ctx.case, ctx.today) is None


def _refuse(actor: AnyUser, ctx: CaseContext) -> bool:
    return bool(_refuse_kinds(ctx)) and any(
        pol.can_transition(actor, ctx.case, Action(k), acting_ids=ctx.acting_ids) for k, _ in _refuse_kinds(ctx))


def _direct_return(actor: AnyUser, ctx: CaseContext) -> bool:
    return pol.direct_return_refusal(ctx.case) is None and _table(Action.RETURN)(actor, ctx)


def _request_return(actor: AnyUser, ctx: CaseContext) -> bool:
    return pol.return_request_refusal(ctx.case) is None and _handler(actor, ctx)


def _deferred_supply(actor: AnyUser, ctx: CaseContext) -> bool:
    return pol.deferred_supply_refusal(ctx.case) is None and _handler(actor, ctx)


def _deferred_exception(actor: AnyUser, ctx: CaseContext) -> bool:
    return pol.deferred_exception_refusal(ctx.case) is None and can(actor, Perm.APPROVE)


def _transfer(actor: AnyUser, ctx: CaseContext) -> bool:
    return pol.transfer_refusal(ctx.case) is None and _handler(actor, ctx)


def _fee(actor: AnyUser, ctx: CaseContext) -> bool:
    return pol.fee_refusal(ctx.case) is None and _worker(actor, ctx)


def _upload(actor: AnyUser, ctx: CaseContext) -> bool:
    return pol.upload_refusal(ctx.case) is None and _worker(actor, ctx)


def _pause_start(actor: AnyUser, ctx: CaseContext) -> bool:
    return pol.pause_start_refusal(ctx.case, ctx.today) is None and _handler(actor, ctx)


def _pause_end(actor: AnyUser, ctx: CaseContext) -> bool:
    return pol.pause_end_refusal(ctx.case) is None and _handler(actor, ctx)


def _extension(actor: AnyUser, ctx: CaseContext) -> bool:
    return pol.extension_refusal(ctx.case, ctx.today) is None and _handler(actor, ctx)


def _comment(actor: AnyUser, ctx: CaseContext) -> bool:
    return True  # anyone who sees the case (get_case_for) may add a note to its history


# ---- choices the screen offers (the service checks the value whatever door it came through) ----

def _refuse_kinds(ctx: CaseContext) -> list[tuple[str, str]]:
    kinds = [Action.REJECT, Action.OUTSIDE_POWERS, Action.NOT_LICENSED]
    labels = {Action.REJECT: "不予受理", Action.OUTSIDE_POWERS: "不属本机关职权", Action.NOT_LICENSED: "不属于许可事项"}
    return [(a.value, labels[a]) for a in kinds if permission_for(ctx.case.status, a)]


def _all_materials(ctx: CaseContext) -> list[tuple[str, str]]:
    return [(m.name, m.name) for m in ctx.case.materials.all()]


def _noticed_materials(ctx: CaseContext) -> list[str]:
    """The materials the last served 补正 notice asked for: what the applicant comes back with."""
    last = (Notice.objects.filter(case=ctx.case, kind=NoticeKind.SUPPLEMENT, served_at__isnull=False)
            .order_by("-served_at", "-id").values_list("pk", flat=True).first())
    if last is None:
        return []
    return list(SupplementLine.objects.filter(notice_id=last).values_list("material_name", flat=True))


def _unacceptable_materials(ctx: CaseContext) -> list[tuple[str, str]]:
    return [(m.name, f"{m.name}（{m.problem}）" if m.problem else m.name)
            for m in ctx.case.materials.all() if not m.acceptable]


def _deferred_lines(ctx: CaseContext) -> list[tuple[str, str]]:
    return [(m.name, m.name) for m in ctx.case.materials.all()
            if m.necessity == "DEFERRABLE" and (m.received_as == "MISSING" or not m.acceptable)]


def _reported(ctx: CaseContext) -> bool:
    return bool(ctx.case.reported)


def _issues_certificate(ctx: CaseContext) -> bool:
    return ctx.case.item_version.issues_certificate


def _organs(ctx: CaseContext) -> list[tuple[str, str]]:
    from bianmin.org.selectors import higher_organs

    if not ctx.case.reported:
        return []
    organs = higher_organs(ctx.case.unit, also=ctx.case.item_version.implementing_unit_id)
    return [("", "—")] + [(u.code, u.name) for u in organs]


def _fees(ctx: CaseContext) -> list[tuple[str, str]]:
    return [(str(f.pk), f"{f.name} {f.amount}元") for f in ctx.case.item_version.fees.all()]


def _procedures(ctx: CaseContext) -> list[tuple[str, str]]:
    return [(c, SpecialProcedure(c).label) for c in ctx.case.item_version.special_procedures or []
            if c in SpecialProcedure.values]


def _upload_materials(ctx: CaseContext) -> list[tuple[str, str]]:
    return [("", "—"), *_all_materials(ctx)]


# ---- what each action does: the one service ----

def _accept(*, actor: User, key: str, data: AcceptIn, now: dt.datetime) -> Case:
    return svc.accept_case(actor=actor, number=key, now=now, urgent=data.urgent, urgent_days=data.urgent_days)


def _immediately(*, actor: User, key: str, data: ImmediateIn, now: dt.datetime) -> Case:
    return svc.accept_immediately(actor=actor, number=key, now=now, certificate_number=data.certificate_number)


def _fix(*, actor: User, key: str, data: FixIn, now: dt.datetime) -> Case:
    return svc.fix_on_spot(actor=actor, number=key, note=data.note, now=now, materials=data.materials)


def _from_checklist(*, actor: User, key: str, data: NoInput, now: dt.datetime) -> int:
    return svc.draft_supplement_from_checklist(actor=actor, number=key, now=now)


def _line(*, actor: User, key: str, data: SupplementLineIn, now: dt.datetime) -> Notice:
    return svc.add_supplement_line(actor=actor, number=key, material=data.material, problem=data.problem,
                                   standard=data.standard, now=now)


def _serve_notice(*, actor: User, key: str, data: ServeIn, now: dt.datetime) -> Notice:
    return svc.serve_supplement_notice(actor=actor, number=key, now=now, justification=data.justification)


def _resubmit(*, actor: User, key: str, data: ResubmitIn, now: dt.datetime) -> Case:
    lines = [svc.MaterialRow(material=m, received_as="PAPER", acceptable=True) if isinstance(m, str) else m.row()
             for m in data.materials]
    return svc.resubmit(actor=actor, number=key, materials=lines, now=now)


def _refuse_case(*, actor: User, key: str, data: RefuseIn, now: dt.datetime) -> Case:
    return svc.refuse_case(actor=actor, number=key, action=Action(data.kind), reason=data.reason,
                           competent_organ=data.competent_organ,
                           competent_organ_contact=data.competent_organ_contact, now=now)


def _start(*, actor: User, key: str, data: StartIn, now: dt.datetime) -> Case:
    return svc.start_case(actor=actor, number=key, now=now, opinion=data.opinion)


def _decide(*, actor: User, key: str, data: DecideIn, now: dt.datetime) -> Case:
    return svc.decide_case(actor=actor, number=key, outcome=data.outcome, reasons=data.reasons,
                           certificate_number=data.certificate_number, decided_by_organ=data.decided_by_organ,
                           decision_document=data.decision_document, now=now)


def _deliver(*, actor: User, key: str, data: DeliverIn, now: dt.datetime) -> Case:
    return svc.deliver_case(actor=actor, number=key, method=data.method, received_by=data.received_by,
                            place=data.place, now=now)


def _archive(*, actor: User, key: str, data: NoInput, now: dt.datetime) -> Case:
    return svc.archive_case(actor=actor, number=key, now=now)


def _withdraw(*, actor: User, key: str, data: ReasonIn, now: dt.datetime) -> Case:
    return svc.withdraw_case(actor=actor, number=key, reason=data.reason, now=now)


def _return(*, actor: User, key: str, data: ReasonIn, now: dt.datetime) -> Case:
    return svc.return_case(actor=actor, number=key, reason=data.reason, now=now)


def _return_request(*, actor: User, key: str, data: ReasonIn, now: dt.datetime) -> ReturnRequest:
    return svc.request_return(actor=actor, number=key, reason=data.reason, now=now)


def _supply(*, actor: User, key: str, data: DeferredIn, now: dt.datetime) -> Case:
    return svc.supply_deferred_materials(actor=actor, number=key, materials=data.materials,
                                         received_as=data.received_as, now=now)


def _exception(*, actor: User, key: str, data: ReasonIn, now: dt.datetime) -> Case:
    return svc.allow_delivery_before_deferred(actor=actor, number=key, reason=data.reason, now=now)


def _transfer_request(*, actor: User, key: str, data: TransferIn, now: dt.datetime) -> Transfer:
    return svc.request_transfer(actor=actor, number=key, to_badge=data.to_badge, reason=data.reason, now=now)


def _record_fee(*, actor: User, key: str, data: FeeIn, now: dt.datetime) -> FeePayment:
    return svc.record_fee(actor=actor, number=key, fee_id=data.fee, amount=str(data.amount),
                          receipt_number=data.receipt_number, now=now)


def _upload_file(*, actor: User, key: str, data: UploadIn, now: dt.datetime,
                 upload: UploadedFile | None = None) -> CaseFile:
    from bianmin.core.errors import DomainError

    if upload is None:
        raise DomainError.for_field("file", "请选择要上传的文件")
    return svc.upload_file(actor=actor, number=key, upload=upload, material_name=data.material, now=now)


def _pause(*, actor: User, key: str, data: PauseIn, now: dt.datetime) -> CasePause:
    return svc.start_pause(actor=actor, number=key, kind=data.kind, basis=data.basis,
                           expected_days=data.expected_days, now=now)


def _pause_done(*, actor: User, key: str, data: PauseEndIn, now: dt.datetime) -> CasePause:
    return svc.end_pause(actor=actor, number=key, result=data.result, now=now)


def _extend(*, actor: User, key: str, data: ReasonIn, now: dt.datetime) -> Extension:
    return svc.request_extension(actor=actor, number=key, reason=data.reason, now=now)


def _comment_add(*, actor: User, key: str, data: CommentIn, now: dt.datetime) -> Comment:
    return svc.add_comment(actor=actor, number=key, text=data.text, now=now)


CASE_ACTIONS: Catalogue[CaseContext] = Catalogue(subject="case", key="number")
add = CASE_ACTIONS.add

add(ActionSpec("accept", "受理", AcceptIn, _accept, _table(Action.ACCEPT), "accept", button="受理（A）",
               accesskey="a", result="result", done="已受理，已生成受理通知书和首办回执",
               description="返回承诺和法定办结日期。拒绝：状态不允许（409）；非收件单位窗口人员（403）；必要材料缺失或不符合"
                           "要求（409 materials_incomplete，须一次性告知补正）；急办时限有误（400，urgent_days）。"))
add(ActionSpec("accept_immediately", "即办", ImmediateIn, _immediately, _accept_immediately, "accept-immediately",
               button="受理并当场办结", confirm="确认受理并当场办结（准予）？将出具受理通知书并短信告知申请人。",
               done="已即办办结", show_if={"certificate_number": _issues_certificate},
               description="即办件或承诺时限为0的事项受理并当场办结。拒绝：非即办事项或上报件（409）；必要材料缺失或"
                           "不符合要求（409 materials_incomplete）；事项准予后出具证照而未填写证照编号（400 "
                           "certificate_number）。"))
add(ActionSpec("supplement_from_checklist", "一次性告知：按收件清单生成", NoInput, _from_checklist, _supplement,
               "supplement/from-checklist", button="全部列入",
               help="把收件时标注为不符合要求或缺少的材料全部列入补正通知书",
               done=lambda added: f"已将收件时标注的{added}项材料问题加入补正通知书（送达前可继续添加）",
               description="拒绝：状态不是已收件（409）；清单上没有需补正的材料（409）。"))
add(ActionSpec("supplement_line", "一次性告知：添加补正项", SupplementLineIn, _line, _supplement, "supplement/lines",
               button="添加", choices={"material": _all_materials}, done="已加入补正通知书（送达前可继续添加）",
               description="拒绝：状态不是已收件（409）；材料不在清单中或未写明问题（400）；已送达过补正通知书后列入"
                           "首次就应告知的材料（409 supplement_refused，记录备查）。"))
add(ActionSpec("supplement_serve", "送达补正通知书", ServeIn, _serve_notice, _serve, "supplement/serve",
               button="送达", confirm="送达后通知书将冻结，不能再添加。确认送达？", done="补正通知书已送达",
               description="拒绝：没有草稿或草稿为空（400，lines）；已过补正告知期限（409 intake_deadline_passed，依法"
                           "视为受理）；第二次告知未说明理由（409 supplement_refused，记录备查）。"))
add(ActionSpec("fix_on_spot", "当场更正", FixIn, _fix, _table(Action.FIX_ON_SPOT), "fix-on-spot", button="记录",
               choices={"materials": _unacceptable_materials}, done="已记录当场更正",
               description="记录申请人当场更正的内容，所列材料标记为符合要求。拒绝：未说明更正内容或材料不在清单中（400）。"))
add(ActionSpec("resubmit", "登记补正材料", ResubmitIn, _resubmit, _table(Action.RESUBMIT), "resubmit",
               button="补正后重新提交", confirm="确认登记申请人补正后提交的材料？",
               choices={"materials": _all_materials}, initial={"materials": _noticed_materials},
               done="已登记补正材料",
               description="重新开始受理审查的计时。拒绝：状态不是待补正（409）；未列出材料（400）。"))
add(ActionSpec("reject", "不予受理", RefuseIn, _refuse_case, _refuse, "reject", button="提交", secondary=True,
               confirm="确认不予受理？", choices={"kind": _refuse_kinds}, done="已作出不予受理处理",
               description="不予受理、不属本机关职权（须告知有权机关及联系方式）或不属于许可事项。拒绝：状态不允许（409）；"
                           "未写理由或缺少有权机关（400）。"))
add(ActionSpec("start", "开始办理", StartIn, _start, _table(Action.START), "start", done="已开始办理",
               description="拒绝：状态不是已受理（409）；不是首办负责人或其B角（403）。"))
add(ActionSpec("decide", "作出决定", DecideIn, _decide, _decide_allowed, "decide", button="决定",
               confirm="确认作出决定？", choices={"decided_by_organ": _organs}, done="已作出决定",
               show_if={"decided_by_organ": _reported, "decision_document": _reported,
                        "certificate_number": _issues_certificate},
               description="准予和不予许可都须写明理由；事项出具证照、卡证的，准予须填写证照编号。上报件须填写作出"
                           "决定的上级机关及其决定文号。拒绝：特别程序进行中（409 paused）或退件申请待批"
                           "（409 return_pending）；未写理由（400 reasons）、准予未填证照编号"
                           "（400 certificate_number）；上报件未填上级机关或其决定文号（400 reported_case）。"))
add(ActionSpec("deliver", "送达", DeliverIn, _deliver, _deliver_allowed, "deliver",
               confirm="确认已送达申请人？将出具送达回证。", done="已送达，已生成送达回证",
               description="出具送达回证（送达文书、方式、签收人、地点和时间）。拒绝：状态不是已办结（409）；补办材料未补齐"
                           "且未经批准先行送达（409）；未填签收人（400）；邮寄送达而没有地址（400 place）。"))
add(ActionSpec("archive", "归档", NoInput, _archive, _table(Action.ARCHIVE), "archive",
               confirm="确认归档？归档后不能再办理。", done="已归档", description="拒绝：状态不允许（409）。"))
add(ActionSpec("withdraw", "申请人撤回", ReasonIn, _withdraw, _table(Action.WITHDRAW), "withdraw", button="撤回",
               secondary=True, confirm="确认撤回？", done="已登记撤回",
               description="拒绝：已办结或终止（409）；未写说明（400）。"))
add(ActionSpec("return", "退件", ReasonIn, _return, _direct_return, "return", secondary=True,
               confirm="确认退件？", done="已退件",
               description="受理前由窗口直接退件。受理后须提交退件申请（409 return_needs_approval）。"))
add(ActionSpec("return_request", "申请退件（须领导批准）", ReasonIn, _return_request, _request_return,
               "return-request", button="提交申请", secondary=True, confirm="确认提交退件申请？", result="result",
               done="退件申请已提交，等待领导批准",
               description="拒绝：未受理或已办结（409）；已有待审批的退件申请（409）；不是首办负责人或其B角（403）。"))
add(ActionSpec("deferred_supply", "补交补办材料", DeferredIn, _supply, _deferred_supply, "deferred-materials",
               button="登记补交", choices={"materials": _deferred_lines}, done="已登记补交的补办材料",
               description="拒绝：没有待补交的补办材料（409）；材料不是待补交的补办材料（400）。"))
add(ActionSpec("deferred_exception", "批准未补齐先行送达（领导）", ReasonIn, _exception, _deferred_exception,
               "deferred-exception", button="批准", secondary=True,
               confirm="确认批准补办材料未补齐即送达办理结果？", done="已批准未补齐补办材料先行送达",
               description="领导批准。拒绝：没有待补交的补办材料或已批准（409）；没有审批权限（403）。"))
add(ActionSpec("transfer", "申请移交（须领导批准）", TransferIn, _transfer_request, _transfer, "transfer",
               button="提交申请", secondary=True, done="移交申请已提交，等待领导审批",
               description="拒绝：未受理或已办结、已有待审批的移交（409）；接收人不存在或看不到该办件（400）。"))
add(ActionSpec("fee", "收费（仅限收费标准所列）", FeeIn, _record_fee, _fee, "fees", button="登记",
               choices={"fee": _fees}, done="已登记收费",
               description="拒绝：已送达、归档或终止（409）；不在收费标准中、金额不符、票据号重复（400）；重复收费（409）。"))
add(ActionSpec("upload", "上传材料（PDF、JPEG、PNG、OFD，≤10MB）", UploadIn, _upload_file, _upload, "files",
               button="上传", secondary=True, upload="file", choices={"material": _upload_materials},
               done="已上传",
               description="multipart 表单：file 为文件（必填，缺少时 400 指明 file）。拒绝：已办结或终止（409）；"
                           "类型、大小或数量超限（400）。"))
add(ActionSpec("pause_start", "启动特别程序（计时中止）", PauseIn, _pause, _pause_start, "pauses", button="启动",
               choices={"kind": _procedures}, confirm="确认启动特别程序？将出具特别程序告知书，计时中止。",
               help="依据和原因将写入告知书，并向申请人公开显示在办件进度查询中。", done="已启动特别程序，计时中止",
               description="拒绝：未受理或已办结、已有进行中的特别程序、承诺期限已过（409）；事项不适用该程序（400）。"))
add(ActionSpec("pause_end", "结束特别程序", PauseEndIn, _pause_done, _pause_end, "pauses/end",
               button="结束并顺延期限", done="特别程序已结束，期限已顺延",
               description="拒绝：没有进行中的特别程序（409）。"))
add(ActionSpec("extension", "申请延期（每件一次）", ReasonIn, _extend, _extension, "extension", button="提交申请",
               secondary=True, result="result", confirm="每个办件只能申请一次延期。确认提交？",
               done="延期申请已提交，等待领导审批", help="批准后，延期理由将写入延期告知书并在公开进度查询中显示。",
               description="拒绝：事项不允许延期、已申请过（409 extension_once）、"
                           "承诺期限已过（409 deadline_passed）。"))
add(ActionSpec("comment", "备注", CommentIn, _comment_add, _comment, "comments", button="添加", secondary=True,
               done="已添加备注", description="拒绝：内容为空（400）。"))



# ---- a leader's decisions on requests (移交, 延期, 退件): the subject is the request, keyed by its id ----

class NoteIn(ActionInput):
    note: str = _text("意见（不同意时必填）", max_length=255)


def _approver(actor: AnyUser, request: object) -> bool:
    return can(actor, Perm.APPROVE)


def _extension_approver(actor: AnyUser, extension: Any) -> bool:
    """A leader who heads the organ (the people's government for a joint item) decides an extension."""
    return can(actor, Perm.APPROVE) and pol.extension_decision_refusal(actor, extension) is None


def _decision(service: Callable[..., Any], key_name: str) -> Perform:
    def perform(*, actor: User, key: int, data: NoteIn, now: dt.datetime) -> Any:
        return service(actor=actor, now=now, note=data.note, **{key_name: key})
    return perform


TRANSFER_ACTIONS: Catalogue[Any] = Catalogue(subject="transfer", key="transfer_id", key_type=int)
TRANSFER_ACTIONS.add(ActionSpec("approve", "批准移交", NoteIn, _decision(svc.approve_transfer, "transfer_id"),
                                _approver, "approve", button="批准", done="已批准移交，接收人成为首办负责人",
                                description="接收人成为首办负责人。拒绝：申请不存在或不在本人范围（404）；已处理（409）。"))
TRANSFER_ACTIONS.add(ActionSpec("reject", "驳回移交", NoteIn, _decision(svc.reject_transfer, "transfer_id"),
                                _approver, "reject", button="驳回", secondary=True, done="已驳回移交",
                                description="拒绝：未说明理由（400）；已处理（409）。"))
EXTENSION_ACTIONS: Catalogue[Any] = Catalogue(subject="extension", key="extension_id", key_type=int)
EXTENSION_ACTIONS.add(ActionSpec("approve", "批准延期", NoteIn, _decision(svc.approve_extension, "extension_id"),
                                 _extension_approver, "approve", button="批准", done="已批准延期，已生成延期告知书",
                                 description="期限顺延并出具延期告知书。拒绝：不是机关负责人，联办事项不是本级人民政府"
                                             "负责人（403）；承诺期限已过（409 deadline_passed）；已处理（409）。"))
EXTENSION_ACTIONS.add(ActionSpec("reject", "不批准延期", NoteIn, _decision(svc.reject_extension, "extension_id"),
                                 _extension_approver, "reject", button="不批准", secondary=True, done="已不批准延期",
                                 description="拒绝：未说明理由（400）；已处理（409）。"))
RETURN_ACTIONS: Catalogue[Any] = Catalogue(subject="return_request", key="request_id", key_type=int)
RETURN_ACTIONS.add(ActionSpec("approve", "批准退件", NoteIn, _decision(svc.approve_return, "request_id"),
                              _approver, "approve", button="批准退件", done="已批准退件，已生成退件通知书",
                              confirm="确认退件？批准后将出具退件通知书，办件结束。",
                              description="出具退件通知书。拒绝：申请不存在（404）；已处理或申请人已撤回（409）。"))
RETURN_ACTIONS.add(ActionSpec("reject", "不同意退件", NoteIn, _decision(svc.reject_return, "request_id"),
                              _approver, "reject", button="不同意", secondary=True, done="已不同意退件，办件继续办理",
                              description="拒绝：未说明理由（400）；已处理（409）。"))
