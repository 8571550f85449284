"""Fees under the pinned fee standard, comments, uploaded files, and the audited reveal and search of personal data."""
from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import IntegrityError
from django.db.models import QuerySet
from django.utils import timezone

from bianmin.accounts.policies import can, require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.crypto import blind_index, personal_search
from bianmin.core.errors import Conflict, DomainError, Forbidden
from bianmin.core.masking import mask_id_staff
from bianmin.core.uploads import checked_upload
from bianmin.core.validators import format_phone

from ..models import Case, CaseFile, Comment, FeePayment
from ..policies import fee_refusal, get_case_for, upload_refusal
from ..selectors import search_cases
from .core import add_event, locked_case, require_case_worker

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from bianmin.users.types import User

MAX_FILES_PER_CASE = 20
MAX_BYTES_PER_CASE = 100 * 1024 * 1024


def record_fee(*, actor: User, number: str, fee_id: int, amount: str | Decimal, receipt_number: str,
               now: dt.datetime) -> FeePayment:
    """Record a payment; only a fee of the pinned version at its listed amount (0 when waivable) is accepted.

    Raises Forbidden without HANDLE_CASES or unless the actor may work on the case; DomainError naming ``amount``
    (not yuan with at most two decimals, or not the standard's amount), ``receipt_number`` (empty, or recorded
    already in the case's county) or
    ``fee`` (not in the item's fee standard); NotFound for a case out of sight; Conflict once delivered or ended,
    for an item without a fee standard, or for a fee already paid."""
    require(actor, Perm.HANDLE_CASES)
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        value = None
    if (value is None or not value.is_finite() or value < 0 or value.adjusted() > 9  # over 10⁹ 元: not a fee
            or value != value.quantize(Decimal("0.01"))):
        raise DomainError.for_field("amount", "金额格式不正确：应为元，最多两位小数")  # never rounded to a fee
    if not receipt_number.strip():
        raise DomainError.for_field("receipt_number", "请填写票据号")
    with audited_atomic():
        case = locked_case(actor, number)
        if (refusal := fee_refusal(case)) is not None:
            raise refusal
        require_case_worker(actor, case, timezone.localtime(now).date())
        fee = case.item_version.fees.filter(pk=fee_id).first()
        if fee is None:
            raise DomainError.for_field("fee", "该事项的收费标准中没有此收费项目，不得收取")
        if value != fee.amount and not (fee.waivable and value == 0):
            raise DomainError.for_field("amount", f"{fee.name}的收费标准为{fee.amount}元，不得收取其他金额")
        if case.payments.filter(fee=fee).exists():
            raise Conflict(f"{fee.name}已收取，不得重复收费")
        try:
            with audited_atomic():
                payment = FeePayment.objects.create(case=case, county_id=case.county_id, fee=fee, amount=value,
                                                    receipt_number=receipt_number.strip()[:40], paid_at=now,
                                                    recorded_by=actor)
        except IntegrityError:
            raise DomainError.for_field("receipt_number", "本县（市、区）已登记过此票据号，请核对票据") from None
        add_event(case, actor=actor, now=now, action="FEE_PAID",
                  data={"fee": fee.name, "amount": str(value), "receipt": payment.receipt_number})
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}收费{fee.name}{value}元", actor=actor,
               obj=case, now=now, data={"receipt": payment.receipt_number})
    return payment


def add_comment(*, actor: User, number: str, text: str, now: dt.datetime) -> Comment:
    """Add a comment to the case (anyone who sees it may).

    Raises DomainError naming ``text`` (empty); NotFound for a case out of sight."""
    if not text.strip():
        raise DomainError.for_field("text", "备注内容不能为空")
    with audited_atomic():
        case = locked_case(actor, number)
        comment = Comment.objects.create(case=case, county_id=case.county_id, at=now, author=actor,
                                         text=text.strip()[:2000])
        add_event(case, actor=actor, now=now, action="COMMENT", opinion=comment.text)
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}添加备注", actor=actor, obj=case, now=now)
    return comment


def upload_file(*, actor: User, number: str, upload: UploadedFile, now: dt.datetime,
                material_name: str = "") -> CaseFile:
    """Store an uploaded material (PDF, JPEG, PNG, OFD; ≤10 MB; ≤20 files and 100 MB a case), images without
    their metadata.

    Raises Forbidden without HANDLE_CASES or unless the actor may work on the case; DomainError naming ``file``
    (type, size or content refused, a damaged image, or the case's 20 files or 100 MB reached); NotFound for a
    case out of sight; Conflict once decided or ended."""
    require(actor, Perm.HANDLE_CASES)
    upload = checked_upload(upload)  # EXIF (location, device) is stripped from images
    name = upload.name or ""  # never empty here: validate_upload refuses a name without an allowed extension
    size = upload.size or 0  # read by validate_upload, which refuses more than 10 MB
    with audited_atomic():
        case = locked_case(actor, number)
        if (refusal := upload_refusal(case)) is not None:
            raise refusal
        require_case_worker(actor, case, timezone.localtime(now).date())
        files = list(case.files.values_list("size", flat=True))
        if len(files) >= MAX_FILES_PER_CASE:
            raise DomainError.for_field("file", "每个办件最多上传20个文件")
        if sum(files) + size > MAX_BYTES_PER_CASE:
            raise DomainError.for_field("file", "每个办件的文件合计不能超过100 MB")
        line = case.materials.filter(name=material_name).first() if material_name else None
        stored = CaseFile(case=case, county_id=case.county_id, case_material=line, original_name=name[:255],
                          size=size, uploaded_at=now, uploaded_by=actor)
        stored.file.save(name, upload, save=False)
        stored.save()
        add_event(case, actor=actor, now=now, action="FILE_UPLOADED", data={"name": stored.original_name})
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}上传材料{stored.original_name}", actor=actor,
               obj=case, now=now)
    return stored


REVEALABLE = {"phone": ("applicant_phone", "联系电话"), "id_number": ("applicant_id_number", "证件号码")}


def reveal_personal_data(*, actor: User, number: str, field: str, reason: str, now: dt.datetime) -> str:
    """Return the applicant's full phone or ID number (SECURITY.md: an explicit action with a permission and a
    reason, audited in the same transaction). Whoever holds VIEW_FULL_PERSONAL_DATA (window staff, agents,
    supervisors) and can see the case may ask.

    Raises Forbidden for anyone else; DomainError naming ``field`` (not ``phone`` or ``id_number``) or ``reason``
    (under two characters); NotFound for a case out of sight."""
    if not can(actor, Perm.VIEW_FULL_PERSONAL_DATA):
        raise Forbidden("您没有查看完整个人信息的权限")
    if field not in REVEALABLE:
        raise DomainError.for_field("field", "只能查看完整的联系电话或证件号码")
    if len(reason.strip()) < 2:
        raise DomainError.for_field("reason", "请写明查看完整信息的理由（如“电话通知申请人补正”）")
    attribute, label = REVEALABLE[field]
    with audited_atomic():
        case = get_case_for(actor, number)
        record(action=AuditAction.PERSONAL_DATA_VIEW, summary=f"查看办件{case.number}申请人的完整{label}",
               actor=actor, obj=case, now=now, data={"field": field, "reason": reason.strip()[:200]})
    value = str(getattr(case, attribute))
    return format_phone(value) if field == "phone" else value


SEARCH_LABELS = {"phone": "联系电话", "id_number": "证件号码"}


def find_cases(*, actor: User, q: str, now: dt.datetime, status: str = "", case_class: str = "") -> QuerySet[Case]:
    """Return the actor's search (``selectors.search_cases``). A search by a full ID number or phone is audited
    like a reveal (SECURITY.md): the searcher, the kind, the masked value and how many cases it found.

    Refuses nothing: the scope of ``policies.visible_cases`` filters (none without a case role)."""
    qs = search_cases(actor, q=q, status=status, case_class=case_class)
    personal = personal_search(q)
    index = blind_index("id", q) if personal is None else ""
    if index and qs.filter(applicant_id_index=index).exists():  # a passport or travel-permit number
        personal = ("id_number", mask_id_staff(unicodedata.normalize("NFKC", q).strip().upper()))
    if personal is not None:
        field, masked = personal
        record(action=AuditAction.PERSONAL_DATA_VIEW, summary=f"按完整{SEARCH_LABELS[field]}查询办件：{masked}",
               actor=actor, object_type=Case._meta.label, now=now,
               data={"search": "cases", "field": field, "value": masked, "found": qs.count()})
    return qs


def mark_completion_promised(case: Case) -> None:
    """Mark ``case`` as given a 预约办结 (``Case.completion_promised``: the case page then reads the appointment;
    decision 0038). Called by ``hall.promises.give_completion_appointment`` in the appointment's own transaction,
    with the case locked; the appointment's audit row covers it. The case's ``version`` is not changed (a form open
    on the case stays valid)."""
    case.completion_promised = True
    case.save(update_fields=["completion_promised"])
