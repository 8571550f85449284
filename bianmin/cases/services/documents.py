"""The frozen content of each notice: everything a reprint needs, copied at the moment of issue."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from bianmin.catalog.models import limit_text
from bianmin.core.masking import mask_id_staff
from bianmin.org.policies import staff_profile_of
from bianmin.workdays.engine import CalendarRangeError
from bianmin.workdays.selectors import get_calendar

if TYPE_CHECKING:
    from bianmin.users.types import User

    from ..models import Case, Notice, SupplementLine

REVIEW_REMEDY = ("如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，"
                 "或者自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。")


def _d(value: dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y年%m月%d日 %H:%M")
    return value.strftime("%Y年%m月%d日")


def base_content(case: Case, actor: User, now: dt.datetime) -> dict[str, Any]:
    """Return the fields every notice carries.

    Refuses nothing: a pure helper; the calling service has checked the step."""
    version = case.item_version
    unit = case.unit
    handler = case.first_handler or staff_profile_of(actor)
    return {
        "case_number": case.number, "query_code": case.query_code,
        "item_name": version.name, "item_code": version.item.code, "item_version": version.number,
        "legal_basis": version.legal_basis,
        "applicant": case.applicant_name,
        # The stored masked copy: issuing a notice never decrypts the ID (credit codes are not personal data).
        "applicant_id": case.applicant_id_masked or mask_id_staff(case.applicant_credit_code),
        "received_at": _d(case.received_at), "organ": version.implementing_organ, "unit": unit.name,
        "unit_phone": unit.phone or version.enquiry_phone,
        "complaint_phone": version.complaint_phone or unit.complaint_phone,
        "hotline": settings.BIANMIN["HOTLINE"],
        "handler": handler.name if handler else "", "handler_badge": handler.badge_number if handler else "",
        "handler_phone": unit.phone, "date": _d(timezone.localtime(now).date()),
    }


def supplement_content(case: Case, lines: Iterable[SupplementLine], actor: User, now: dt.datetime,
                       justification: str) -> dict[str, Any]:
    """Return the content of the 补正通知书 (一次性告知书): every material to supplement and the justification.

    Refuses nothing: a pure helper; the calling service has checked the step."""
    return {**base_content(case, actor, now), "title": "补正通知书（一次性告知书）",
            "lines": [{"material": line.material_name, "problem": line.problem, "standard": line.standard}
                      for line in lines],
            "justification": justification,
            "body": "经审查，您提交的申请材料不齐全或者不符合法定形式。请按下列要求一次性补正后重新提交，"
                    "补正材料齐全后我们将依法受理。"}


def _committed_limit(case: Case) -> str:
    """The limit this case was accepted under (the town's or village's, or shortened for 急办), not the item's."""
    v = case.item_version
    days = case.committed_days if case.committed_days is not None else v.committed_limit
    return limit_text(days, v.committed_limit_unit) if days else "即办"


def _deadlines(case: Case) -> dict[str, Any]:
    """The two deadlines, each marked （暂定） when it was counted over a year whose holidays are not yet published,
    and ``provisional`` (the notice then explains that they will be recomputed) when either was; a committed limit
    in hours gives its moment (date and time) instead of its date."""
    def marked(day: dt.date | None, provisional: bool) -> str:
        return _d(day) + ("（暂定）" if provisional and day else "")

    if case.committed_due_at is not None:  # a limit in hours ends at a moment: "2026年12月07日 16:30"
        committed = _d(case.committed_due_at)
    else:
        committed = marked(case.committed_deadline, case.deadline_provisional)
    return {"committed_deadline": committed,
            "legal_deadline": marked(case.legal_deadline, case.legal_deadline_provisional),
            "provisional": case.deadline_provisional or case.legal_deadline_provisional}


def acceptance_content(case: Case, actor: User, now: dt.datetime) -> dict[str, Any]:
    """Return the content of the 受理通知书: the legal and committed limits and deadlines.

    Refuses nothing: a pure helper; the calling service has checked the step."""
    v = case.item_version
    return {**base_content(case, actor, now), "title": "受理通知书",
            "accepted_at": _d(case.accepted_at),
            "legal_limit": limit_text(v.legal_limit, v.legal_limit_unit),
            "committed_limit": _committed_limit(case),
            **_deadlines(case), "urgent": case.urgent,
            "delivery": "窗口领取、邮寄或代办员送达", "body": "您的申请材料齐全、符合法定形式，本机关决定受理。"}


def receipt_content(case: Case, actor: User, now: dt.datetime) -> dict[str, Any]:
    """Return the content of the 首办负责制回执: the first handler and the case's limits and deadlines.

    Refuses nothing: a pure helper; the calling service has checked the step."""
    v = case.item_version
    return {**base_content(case, actor, now), "title": "首办负责制回执",
            "accepted_at": _d(case.accepted_at),
            "legal_limit": limit_text(v.legal_limit, v.legal_limit_unit),
            "committed_limit": _committed_limit(case), **_deadlines(case),
            "body": "您的事项由以下首办负责人全程负责办理，如有疑问请直接与其联系。"}


def rejection_content(case: Case, actor: User, now: dt.datetime, reason: str, competent_organ: str,
                      contact: str = "") -> dict[str, Any]:
    """Return the content of the 不予受理通知书: the reason, the competent organ and its contact, the remedies.

    Refuses nothing: a pure helper; the calling service has checked the step."""
    return {**base_content(case, actor, now), "title": "不予受理通知书", "reason": reason,
            "competent_organ": competent_organ, "competent_organ_contact": contact, "remedy": REVIEW_REMEDY,
            "body": "经审查，您的申请不予受理，理由如下。"}


def deferred_content(case: Case, actor: User, now: dt.datetime, materials: list[str],
                     due: dt.date | None) -> dict[str, Any]:
    """Return the content of the 补办件通知书: the materials still due under 容缺 and their due date.

    Refuses nothing: a pure helper; the calling service has checked the step."""
    return {**base_content(case, actor, now), "title": "补办件通知书", "materials": materials, "due_date": _d(due),
            "body": "您的申请已容缺受理。以下非核心材料请于规定日期前补交，补交后即可领取办理结果。"}


def denial_content(case: Case, actor: User, now: dt.datetime, reasons: str) -> dict[str, Any]:
    """Return the content of the 不予许可决定书: the reasons and the remedies.

    Refuses nothing: a pure helper; the calling service has checked the step."""
    return {**base_content(case, actor, now), "title": "不予许可决定书", "reason": reasons, "remedy": REVIEW_REMEDY,
            "body": "经审查，您的申请不符合法定条件，本机关决定不予许可。"}


def return_content(case: Case, actor: User, now: dt.datetime, reason: str) -> dict[str, Any]:
    """Return the content of the 退件通知书 with the reason.

    Refuses nothing: a pure helper; the calling service has checked the step."""
    return {**base_content(case, actor, now), "title": "退件通知书", "reason": reason,
            "body": "您的申请材料予以退回，理由如下。所提交的材料原件已一并退还。"}


def special_content(case: Case, actor: User, now: dt.datetime, kind_label: str, basis: str,
                    expected_days: int) -> dict[str, Any]:
    """Return the content of the 特别程序告知书 (Art. 45: "应当将所需时间书面告知申请人"): the procedure, its basis,
    the expected working days recorded when it starts and the day it is expected to end.

    The expected length is in working days, as the clock it pauses and the deadlines it moves (decision 0022).
    Refuses nothing: a pure helper; the calling service has checked the step (an expected end past the calendar's
    years is left out)."""
    start = timezone.localtime(now).date()
    try:
        end = get_calendar(case.unit.region).add_workdays(start, expected_days)
    except CalendarRangeError:
        end = None
    expected_end = ""
    if end is not None:
        expected_end = _d(end.date) + ("（按暂定工作日历计算）" if end.provisional else "")
    return {**base_content(case, actor, now), "title": "特别程序告知书", "procedure": kind_label,
            "reason": basis, "expected": f"预计{expected_days}个工作日（自{_d(start)}起算）",
            "expected_days": expected_days, "expected_end": expected_end,
            "body": f"您申请的事项依法需要进行{kind_label}，所需时间不计入办理期限。"
                    f"{kind_label}预计需要{expected_days}个工作日，结束后办理期限相应顺延，届时另行告知。"}


def extension_content(case: Case, actor: User, now: dt.datetime, reason: str, days: int) -> dict[str, Any]:
    """Return the content of the 延期告知书: the reason, the extended deadlines and the approver.

    Refuses nothing: a pure helper; the calling service has checked the step."""
    return {**base_content(case, actor, now), "title": "延期告知书", "reason": reason,
            **_deadlines(case), "approver": approver_label(actor),
            "approved_at": _d(now),
            "body": f"因下列原因，经本机关负责人批准，您的申请办理期限延长{days}个工作日。"}


def approver_label(user: User) -> str:
    """Return the approver as a notice names them: the staff name with their post (职务), if any.

    Refuses nothing: a pure helper."""
    profile = staff_profile_of(user)
    if profile is None:
        return user.get_username()
    return f"{profile.name}（{profile.title}）" if profile.title else profile.name


def delivered_document(case: Case, denial_number: str = "") -> str:
    """Return what a delivery hands over: the certificate with its number, or the written decision.

    Refuses nothing: a pure helper."""
    if case.outcome == "GRANTED":
        name = case.certificate_name or case.item_version.result_name
        document = f"{name}（编号：{case.certificate_number}）" if case.certificate_number else name
    else:
        document = f"不予许可决定书（{denial_number}）" if denial_number else "不予许可决定书"
    if case.decision_document:  # a 上报件: the higher organ's decision goes with it
        document += f"；{case.decided_by_organ}决定（{case.decision_document}）"
    return document


def delivery_content(case: Case, actor: User, now: dt.datetime, *, place: str,
                     denial_number: str = "") -> dict[str, Any]:
    """Return the content of the 送达回证: the document delivered, how, to whom, where and when, with the lines the
    recipient and the server sign on paper.

    Refuses nothing: a pure helper; the calling service has checked the step."""
    return {**base_content(case, actor, now), "title": "送达回证", "legal_basis": "",
            "delivered_document": delivered_document(case, denial_number),
            "delivery": case.get_delivery_method_display(), "delivery_place": place,
            "delivered_at": _d(now), "received_by": case.delivered_to, "server": staff_name(actor),
            "signatures": ["受送达人（签收人）签名", "送达人签名"],
            "body": "下列文书已依法送达，请受送达人核对无误后签名或盖章。"}


def notice_delivery_content(case: Case, notice: Notice, actor: User, now: dt.datetime, *, place: str,
                            received_by: str) -> dict[str, Any]:
    """Return the 送达回证 of a notice served by the relay's agent (a 不予受理 or 退件 notice).

    Refuses nothing: a pure helper; the calling service has checked the step."""
    document = f"{notice.get_kind_display()}（{notice.number}）" if notice.number else notice.get_kind_display()
    return {**base_content(case, actor, now), "title": "送达回证", "legal_basis": "", "delivered_document": document,
            "delivery": "代办员送达", "delivery_place": place, "delivered_at": _d(now), "received_by": received_by,
            "server": staff_name(actor), "signatures": ["受送达人（签收人）签名", "送达人签名"],
            "body": "下列文书已依法送达，请受送达人核对无误后签名或盖章。"}


def staff_name(user: User) -> str:
    """Return the user's staff name, or the username when the user has no staff profile.

    Refuses nothing: a pure helper."""
    profile = staff_profile_of(user)
    return profile.name if profile else user.get_username()
