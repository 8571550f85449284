"""首问 services: register, record the outcome, acknowledge a referral, close."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from bianmin.accounts.policies import can, require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.counters import next_value
from bianmin.core.crypto import personal_search
from bianmin.core.errors import DomainError, Forbidden
from bianmin.core.validators import format_phone, validate_phone
from bianmin.notifications.services import enqueue_inapp
from bianmin.org.models import StaffProfile, Unit
from bianmin.org.policies import staff_profile_of
from bianmin.org.selectors import absent_staff_ids, acting_for_staff
from bianmin.workdays.selectors import get_calendar

from .models import Channel, EscortVisit, Inquiry, InquiryCounter, InquiryEvent, InquiryStatus, Outcome
from .policies import (
    acknowledge_refusal,
    close_refusal,
    escort_result_refusal,
    get_inquiry_for,
    outcome_refusal,
    pending_escort,
)
from .selectors import escort_destinations, open_inquiries_for, search_inquiries

if TYPE_CHECKING:
    from bianmin.users.models import User

# get_inquiry_for (policies) and open_inquiries_for (selectors) are re-exported for backoffice.views_cases and
# api.routes_inquiries until those import them from where they live.
__all__ = ["acknowledge_referral", "close_inquiry", "find_inquiries", "get_inquiry_for", "open_inquiries_for",
           "record_escort_result", "record_outcome", "register_inquiry", "reveal_phone"]

CLOSING_OUTCOMES = {Outcome.ANSWERED, Outcome.REFERRED_OUTSIDE, Outcome.NOT_POSSIBLE}


def _profile(actor: User) -> StaffProfile:
    require(actor, Perm.HANDLE_INQUIRIES)
    profile = staff_profile_of(actor)
    if profile is None:
        raise Forbidden("只有在岗工作人员可以登记首问")
    return profile


def _number(unit: Unit, now: dt.datetime) -> str:
    day = timezone.localtime(now).date()
    return f"Z{unit.code}{day:%Y%m%d}{next_value(InquiryCounter, unit=unit, day=day):04d}"


def _event(inquiry: Inquiry, actor: User, now: dt.datetime, action: str, note: str = "",
           data: dict[str, Any] | None = None) -> None:
    InquiryEvent.objects.create(inquiry=inquiry, at=now, actor=actor, action=action, note=note, data=data or {})
    label = InquiryEvent(action=action).action_label()  # "登记", "处理方式：报请领导处理", never the code
    record(action=AuditAction.INQUIRY_CHANGE, summary=f"首问{inquiry.number}：{label}", actor=actor, obj=inquiry,
           now=now)


def register_inquiry(*, actor: User, channel: str, matter: str, now: dt.datetime, visitor_name: str = "",
                     phone: str = "", visitor_unit: str = "") -> Inquiry:
    """Register an inquiry; the actor is the first responder. Phone inquiries need caller, phone and matter.

    Raises Forbidden without HANDLE_INQUIRIES or a staff profile; DomainError naming ``channel``, ``matter``,
    ``visitor_name`` or ``phone``.
    """
    profile = _profile(actor)
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = ["渠道应为 WINDOW、PHONE 或 ONLINE"]
    if not matter.strip():
        errors["matter"] = ["请填写咨询事项"]
    if channel == Channel.PHONE:
        if not visitor_name.strip():
            errors["visitor_name"] = ["电话咨询须登记来电人姓名"]
        if not phone.strip():
            errors["phone"] = ["电话咨询须登记来电号码"]
    if phone.strip():
        try:
            phone = validate_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    for field, value, limit, label in (("visitor_name", visitor_name, 64, "来访人/来电人姓名"),
                                       ("visitor_unit", visitor_unit, 128, "单位"),
                                       ("matter", matter, 4000, "咨询事项")):
        if len(value.strip()) > limit:  # refused, never cut
            errors.setdefault(field, []).append(f"{label}不能超过{limit}个字（现有{len(value.strip())}个字）")
    if errors:
        raise DomainError("首问登记信息不完整", fields=errors)
    with audited_atomic():
        inquiry = Inquiry.objects.create(number=_number(profile.unit, now), channel=channel, unit=profile.unit,
                                         unit_path=profile.unit.path, first_responder=profile,
                                         visitor_name=visitor_name.strip(), visitor_unit=visitor_unit.strip(),
                                         phone=phone, matter=matter.strip(), received_at=now)
        _event(inquiry, actor, now, "REGISTER", data={"channel": channel})
    return inquiry


def record_outcome(*, actor: User, number: str, outcome: str, now: dt.datetime, **details: Any) -> Inquiry:
    """Record how the first responder handled the inquiry (answered, referred, research, escalated, …).

    Raises Forbidden unless the actor is its first responder; NotFound for an inquiry out of sight; Conflict once
    closed or while an escort visit awaits its result; DomainError naming ``outcome``, ``to_badge``,
    ``materials``, ``authority``, ``contact``, ``reply_days``, ``result``, ``visit_date``, ``destination`` or
    ``organ``.
    """
    _profile(actor)
    if outcome not in Outcome.values:
        raise DomainError.for_field("outcome", "处理方式无效")
    with audited_atomic():
        inquiry = get_inquiry_for(actor, number, for_update=True)
        if (refusal := outcome_refusal(actor, inquiry)) is not None:
            raise refusal
        today = timezone.localtime(now).date()
        inquiry.outcome = outcome
        note = (details.get("result") or "").strip()
        if outcome == Outcome.REFERRED_INTERNAL:
            target = (StaffProfile.objects.select_related("user")
                      .filter(badge_number=details.get("to_badge") or "", is_active=True).first())
            # The receiver must be able to confirm and close it: staff of this center who handle inquiries.
            if target is None or target.unit_id != inquiry.unit_id or not can(target.user, Perm.HANDLE_INQUIRIES):
                raise DomainError.for_field("to_badge", "接收人不存在、不在本中心或不能办理首问")
            inquiry.referred_to = acting_for_staff(target, today)  # an absent A's work goes to B
        elif outcome == Outcome.MATERIALS_PASSED:
            materials = [(str(m.get("name") or "").strip(), _count(m.get("count"))) for m in
                         details.get("materials") or []]
            if not materials or any(not name or count is None for name, count in materials):
                raise DomainError.for_field("materials", "请逐项登记代收材料的名称和份数（每行一项，如“户口簿 2份”）")
            target = (StaffProfile.objects.select_related("user")
                      .filter(badge_number=details.get("to_badge") or "", is_active=True).first())
            if target is None or target.unit_id != inquiry.unit_id or not can(target.user, Perm.HANDLE_INQUIRIES):
                raise DomainError.for_field("to_badge", "材料转交的经办人不存在、不在本中心或不能办理首问")
            inquiry.materials = [{"name": name[:128], "count": count} for name, count in materials]
            inquiry.referred_to = acting_for_staff(target, today)
        elif outcome == Outcome.REFERRED_OUTSIDE:  # the seed: tell the competent organ's name and contact
            authority, contact = (str(details.get(k) or "").strip() for k in ("authority", "contact"))
            errors: dict[str, list[str]] = {}
            if not authority:
                errors["authority"] = ["请填写主管机关（有权机关）的名称"]
            if not contact:
                errors["contact"] = ["请填写主管机关的联系方式（电话或地址）"]
            if errors:
                raise DomainError("告知向其他机关咨询的，须告知主管机关的名称和联系方式", fields=errors)
            inquiry.outside_authority, inquiry.outside_contact = authority[:128], contact[:128]
        elif outcome == Outcome.RESEARCH:
            days = int(details.get("reply_days") or 0)
            if not 1 <= days <= 30:
                raise DomainError.for_field("reply_days", "承诺答复期限应为1至30个工作日")
            answer = get_calendar(inquiry.unit.region).add_workdays(today, days)
            inquiry.promised_reply_date, inquiry.promised_provisional = answer.date, answer.provisional
            inquiry.reply_check = "DUE"
        elif outcome == Outcome.ESCALATED:
            leader = StaffProfile.objects.filter(badge_number=details.get("to_badge") or "").select_related(
                "user", "unit").first()
            if leader is None or not can(leader.user, Perm.APPROVE) or not inquiry.unit_path.startswith(
                    leader.unit.path):
                raise DomainError.for_field("to_badge", "请填写本中心或上级领导的上岗证号")
            inquiry.escalated_to = leader
            enqueue_inapp(recipient=leader.user, kind="INQUIRY_ESCALATED", now=now,
                          subject=f"首问{inquiry.number}报请领导处理",
                          text=f"{inquiry.first_responder.name}将首问{inquiry.number}（{inquiry.matter[:60]}）报请您处理。",
                          link=f"/staff/inquiries/{inquiry.number}/", cause=f"inquiry:{inquiry.number}")
        elif outcome == Outcome.ESCORTED:
            _assign_escort(inquiry, actor, now, details, note)
        elif not note:
            raise DomainError.for_field("result", "请填写答复或说明内容")
        if outcome in CLOSING_OUTCOMES:
            inquiry.status, inquiry.result, inquiry.closed_at = InquiryStatus.CLOSED, note, now
            _replied(inquiry, now)
        inquiry.save()
        _event(inquiry, actor, now, f"OUTCOME_{outcome}", note=note,
               data={k: v.isoformat() if isinstance(v, dt.date) else v for k, v in details.items() if k != "result"})
    return inquiry


def _assign_escort(inquiry: Inquiry, actor: User, now: dt.datetime, details: dict[str, Any], note: str) -> None:
    """信访陪同: check the escort, the date and the upper department, write the visit and tell the escort.

    The escort is active staff who handle inquiries, of the inquiry's unit or a unit below it, not away on the
    date; the date is today or later (any day: the visit follows the department's hours, not ours); the
    department is one of ``escort_destinations`` (by code) or, outside the system, an organ named in words."""
    today = timezone.localtime(now).date()
    errors: dict[str, list[str]] = {}
    escort = (StaffProfile.objects.select_related("user", "unit")
              .filter(badge_number=str(details.get("to_badge") or "").strip(), is_active=True).first())
    visit_date = details.get("visit_date")
    if escort is None or not escort.unit.path.startswith(inquiry.unit_path) or not escort.user.is_active \
            or not can(escort.user, Perm.HANDLE_INQUIRIES):
        errors["to_badge"] = ["陪同人员不存在、不在本中心或所辖站点，或不能办理首问"]
    elif isinstance(visit_date, dt.date) and escort.pk in absent_staff_ids([escort.pk], visit_date):
        errors["to_badge"] = [f"{escort.name}在{visit_date:%Y-%m-%d}已登记不在岗，请另行指派"]
    if not isinstance(visit_date, dt.date):
        errors["visit_date"] = ["请填写陪同日期"]
    elif visit_date < today:
        errors["visit_date"] = [f"陪同日期不能早于今天（{today:%Y-%m-%d}）"]
    code, organ = (str(details.get(k) or "").strip() for k in ("destination", "organ"))
    destination = None
    if code and organ:
        errors["organ"] = ["已选择系统内的上级部门时，不再填写系统外机关名称"]
    elif code:
        destination = next((u for u in escort_destinations(inquiry.unit) if u.code == code), None)
        if destination is None:
            errors["destination"] = ["请从列表中选择本中心可前往的上级部门"]
    elif not organ:
        errors["destination"] = ["请选择前往的上级部门，或填写系统外机关的名称"]
    elif len(organ) > 128:
        errors["organ"] = [f"机关名称不能超过128个字（现有{len(organ)}个字）"]
    if errors:
        raise DomainError("指派专人陪同须填写陪同人员、陪同日期和前往的上级部门", fields=errors)
    assert escort is not None and isinstance(visit_date, dt.date)  # narrowed by the checks above
    visit = EscortVisit.objects.create(inquiry=inquiry, escort=escort, visit_date=visit_date,
                                       destination=destination, organ="" if destination else organ, purpose=note,
                                       assigned_by=actor, assigned_at=now)
    details.update(visit_date=visit_date.isoformat(), destination=code, organ=visit.organ, escort=escort.name,
                   visit=visit.pk)
    if escort.user_id != actor.pk:
        enqueue_inapp(recipient=escort.user, kind="INQUIRY_ESCORT", now=now,
                      subject=f"首问{inquiry.number}：请于{visit_date:%m月%d日}陪同来访人",
                      text=f"{inquiry.first_responder.name}指派您于{visit_date:%Y-%m-%d}陪同"
                           f"{inquiry.visitor_name or '来访人'}前往{visit.destination_name}咨询政策"
                           f"（{inquiry.matter[:60]}）。陪同后请在首问登记中登记陪同结果。",
                      link=f"/staff/inquiries/{inquiry.number}/", cause=f"inquiry:{inquiry.number}")


def record_escort_result(*, actor: User, number: str, result: str, close: bool, now: dt.datetime) -> Inquiry:
    """Record what came of the escort visit (what the department said or decided), as the escort or the first
    responder; with ``close`` the inquiry is closed with it, otherwise it stays open for the next step.

    Raises Forbidden for anyone else; NotFound for an inquiry out of sight; Conflict once closed or without a visit
    awaiting its result; DomainError naming ``result``.
    """
    _profile(actor)
    text = result.strip()
    if not text:
        raise DomainError.for_field("result", "请填写陪同结果（上级部门的答复或决定）")
    with audited_atomic():
        inquiry = get_inquiry_for(actor, number, for_update=True)
        if (refusal := escort_result_refusal(actor, inquiry)) is not None:
            raise refusal
        visit = pending_escort(inquiry)
        assert visit is not None  # the policy refuses an inquiry without one
        visit.result, visit.result_by, visit.result_at = text, actor, now
        visit.save(update_fields=["result", "result_by", "result_at"])
        if close:
            inquiry.status, inquiry.result, inquiry.closed_at = InquiryStatus.CLOSED, text, now
            _replied(inquiry, now)
            inquiry.save(update_fields=["status", "result", "closed_at", "reply_check"])
        _event(inquiry, actor, now, "ESCORT_RESULT", note=text,
               data={"visit": visit.pk, "late": timezone.localtime(now).date() > visit.visit_date, "close": close})
        if close:
            _event(inquiry, actor, now, "CLOSE", note=text)
    return inquiry


def _count(value: object) -> int | None:
    """Return a count of copies from ``2``, "2" or "2份" (1–99), or None."""
    match = re.match(r"\s*([0-9]{1,2})\s*(份|张|本|件)?\s*$", unicodedata.normalize("NFKC", str(value or "")))
    count = int(match.group(1)) if match else 0
    return count if 1 <= count <= 99 else None


def _replied(inquiry: Inquiry, now: dt.datetime) -> None:
    """A promised reply given by its date is on time; a late one stays DUE and the sweep records it."""
    due = inquiry.promised_reply_date
    if inquiry.reply_check == "DUE" and due is not None and timezone.localtime(now).date() <= due:
        inquiry.reply_check = "ON_TIME"


def acknowledge_referral(*, actor: User, number: str, now: dt.datetime) -> Inquiry:
    """Confirm, as its receiver, a referral or the materials passed on.

    Raises Forbidden unless the actor is the receiver; NotFound for an inquiry out of sight; Conflict when already
    confirmed.
    """
    _profile(actor)
    with audited_atomic():
        inquiry = get_inquiry_for(actor, number, for_update=True)
        if (refusal := acknowledge_refusal(actor, inquiry)) is not None:
            raise refusal
        inquiry.referral_acknowledged_at = now
        inquiry.save(update_fields=["referral_acknowledged_at"])
        _event(inquiry, actor, now, "ACKNOWLEDGE")
    return inquiry


def close_inquiry(*, actor: User, number: str, result: str, now: dt.datetime) -> Inquiry:
    """Close with the result (the first responder, the receiver of a referral or the leader it was escalated to).

    Raises Forbidden for anyone else; NotFound for an inquiry out of sight; Conflict once closed; DomainError naming
    ``result``.
    """
    _profile(actor)
    if not result.strip():
        raise DomainError.for_field("result", "请填写处理结果")
    with audited_atomic():
        inquiry = get_inquiry_for(actor, number, for_update=True)
        if (refusal := close_refusal(actor, inquiry)) is not None:
            raise refusal
        inquiry.status, inquiry.result, inquiry.closed_at = InquiryStatus.CLOSED, result.strip(), now
        _replied(inquiry, now)
        inquiry.save(update_fields=["status", "result", "closed_at", "reply_check"])
        _event(inquiry, actor, now, "CLOSE", note=result.strip())
    return inquiry


def reveal_phone(*, actor: User, number: str, reason: str, now: dt.datetime) -> str:
    """Return the caller's full phone number for a call back (audited with the reason, SECURITY.md).

    Raises Forbidden without VIEW_FULL_PERSONAL_DATA; NotFound for an inquiry out of sight; DomainError naming
    ``reason`` without one (under two characters)."""
    if not can(actor, Perm.VIEW_FULL_PERSONAL_DATA):
        raise Forbidden("您没有查看完整个人信息的权限")
    if len(reason.strip()) < 2:
        raise DomainError.for_field("reason", "请写明查看完整电话的理由（如“回电答复”）")
    with audited_atomic():
        inquiry = get_inquiry_for(actor, number)
        record(action=AuditAction.PERSONAL_DATA_VIEW, summary=f"查看首问{inquiry.number}来电人的完整电话",
               actor=actor, obj=inquiry, now=now, data={"field": "phone", "reason": reason.strip()[:200]})
    return format_phone(str(inquiry.phone))


def find_inquiries(*, actor: User, q: str, now: dt.datetime, status: str = "",
                   mine: bool = False) -> QuerySet[Inquiry]:
    """Return the actor's search (``selectors.search_inquiries``). A search by a full phone number is audited like a
    reveal (SECURITY.md): the searcher, the masked number and how many inquiries it found. Refuses nothing: the
    search reads only what the actor may see."""
    qs = search_inquiries(actor, q=q, status=status, mine=mine)
    personal = personal_search(q)
    if personal is not None:
        field, masked = personal
        record(action=AuditAction.PERSONAL_DATA_VIEW, summary=f"按完整号码查询首问登记：{masked}", actor=actor,
               object_type=Inquiry._meta.label, now=now,
               data={"search": "inquiries", "field": field, "value": masked, "found": qs.count()})
    return qs
