"""Receipt, the materials checklist, 补正 (one-time notice rule), resubmission, deemed acceptance."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import CharField, IntegerField
from django.utils import timezone

from bianmin.accounts.policies import require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.catalog.models import ItemVersion, MaterialSource, Necessity
from bianmin.catalog.selectors import kind_rule, pinned_version, receive_refusal
from bianmin.core import validators as v
from bianmin.core.errors import Conflict, DomainError, FieldErrors, PartlyDone
from bianmin.core.inserts import insert_row, insert_rows
from bianmin.core.prepared import Arg, Prepared
from bianmin.workdays.selectors import get_calendar

from ..models import (
    ApplicantKind,
    Case,
    CaseEvent,
    CaseMaterial,
    IdType,
    IntakeOutcome,
    MaterialReceipt,
    Notice,
    NoticeKind,
    RefusedSupplement,
    SupplementLine,
)
from ..policies import require_transition, supplement_serve_refusal
from ..workflow import Action, Status, next_status
from .core import (
    acting_ids_for,
    actor_profile,
    add_event,
    issue_notice,
    locked_case,
    new_event,
    new_query_code,
    next_case_number,
    refresh_class,
    require_case_worker,
    transition,
)
from .documents import supplement_content

if TYPE_CHECKING:
    from bianmin.org.models import StaffProfile
    from bianmin.users.types import User

logger = logging.getLogger("bianmin.cases")


# ---- the inputs of a receipt, as the window's form and the API send them (``cases.actions.ApplicantIn``,
# ``AgentIn`` and ``MaterialLine`` build them): raw text, checked here with messages naming each field ----

class ApplicantData(TypedDict, total=False):
    """The applicant: a person (ID) or an organisation (credit code, legal representative)."""

    kind: str  # ApplicantKind: PERSON (default) or ORGANISATION
    name: str
    id_type: str  # IdType (default RESIDENT_ID)
    id_number: str
    phone: str
    address: str
    credit_code: str
    credit_code_override_reason: str  # accepts a 2015 pilot code whose checksum fails (audited)
    legal_rep: str
    contact: str


class AgentData(TypedDict, total=False):
    """Who applies on the applicant's behalf (all empty: nobody)."""

    name: str
    id_type: str
    id_number: str
    phone: str
    authorization: str


class MaterialRow(TypedDict, total=False):
    """One material handed in (a receipt) or corrected (a checklist update): absent keys are left as they are."""

    material: int | str  # the material's id in the item's checklist, or its name
    name: str  # the name, when ``material`` is not given
    received_as: str  # MaterialReceipt: PAPER, ELECTRONIC, SHARED or MISSING
    copies: int | str | None  # 0–99; text from a form is read as a number
    acceptable: bool | None  # None: acceptable unless missing
    problem: str


def intake_deadline_for(case: Case, day: dt.date) -> dt.date:
    """Return the last day to accept or serve a 补正 notice for materials received on ``day`` (Art. 32: the
    item kind's intake limit, 5 working days by default; the day itself not counted). Refuses nothing."""
    days = kind_rule(case.item_version.kind).intake_working_days
    return get_calendar(case.unit.region).add_workdays(day, days).date


_Errors = FieldErrors


# Identity documents sharing the GB 11643 checksum; the others (passports, travel permits) are checked for format.
CHECKSUM_ID_TYPES = (IdType.RESIDENT_ID, IdType.HMT_PERMIT, IdType.FOREIGNER_PR)


def _clean_id(prefix: str, data: ApplicantData | AgentData, errors: _Errors, today: dt.date) -> tuple[str, str]:
    """Return the ID type and the normalised number of ``data`` (an applicant or an agent), errors named
    ``<prefix>.id_type`` / ``<prefix>.id_number``."""
    id_type = data.get("id_type") or IdType.RESIDENT_ID
    raw = data.get("id_number") or ""
    if id_type not in IdType.values:
        errors.add(f"{prefix}.id_type", "证件类型无效")
    elif not raw.strip():
        errors.add(f"{prefix}.id_number", "请填写证件号码")
    elif id_type in CHECKSUM_ID_TYPES:
        raw = errors.check(f"{prefix}.id_number", v.validate_resident_id, raw, today=today)
    else:
        raw = errors.check(f"{prefix}.id_number", v.validate_passport, raw)
    return id_type, raw


NAME_LIMIT = 128  # Case.applicant_name


def _phone(field: str, value: str | None, errors: _Errors, missing: str) -> str:
    """Return the normalised phone; an empty one is named as missing, a malformed one as malformed."""
    if not (value or "").strip():
        errors.add(field, missing)
        return ""
    return errors.check(field, v.validate_phone, value or "")


def clean_applicant(data: ApplicantData, errors: FieldErrors, today: dt.date) -> dict[str, Any]:
    """Return the applicant's fields as a case (or a relay request) stores them, and ``_credit_override`` (the
    reason a 2015 pilot code's checksum was overridden, or ""); errors named ``applicant.<field>``. The one
    definition of a valid applicant: the window and the relay both use it.

    Refuses nothing itself: each problem is recorded in ``errors`` for the caller to raise."""
    kind = data.get("kind") or ApplicantKind.PERSON
    out: dict[str, Any] = {"applicant_kind": kind}
    name = errors.text("applicant.name", data.get("name"), NAME_LIMIT, "申请人姓名/名称")
    if not name:
        errors.add("applicant.name", "请填写申请人姓名/名称")
    out["applicant_name"] = name
    out["applicant_phone"] = _phone("applicant.phone", data.get("phone"), errors, "请填写联系电话")
    out["applicant_address"] = errors.text("applicant.address", data.get("address"), 255, "地址")
    if kind == ApplicantKind.PERSON:
        id_type, raw = _clean_id("applicant", data, errors, today)
        out.update(applicant_id_type=id_type, applicant_id_number=raw)
    elif kind == ApplicantKind.ORGANISATION:
        code = data.get("credit_code") or ""
        override = (data.get("credit_code_override_reason") or "").strip()
        try:
            code = v.validate_credit_code(code)
        except ValidationError as exc:
            if exc.code == "checksum" and override:  # a 2015 pilot code: the checksum alone may be overridden
                code = v.validate_credit_code_format(code)
            else:
                errors.add("applicant.credit_code", exc.messages[0])
        out.update(applicant_credit_code=code,
                   applicant_legal_rep=errors.text("applicant.legal_rep", data.get("legal_rep"), 64, "法定代表人"),
                   applicant_contact=errors.text("applicant.contact", data.get("contact"), 64, "联系人"))
        if not out["applicant_legal_rep"]:
            errors.add("applicant.legal_rep", "请填写法定代表人")
        out["_credit_override"] = override
    else:
        errors.add("applicant.kind", "申请人类型应为 PERSON 或 ORGANISATION")
    return out


def _clean_agent(data: AgentData | None, errors: _Errors, today: dt.date) -> dict[str, Any]:
    """Return the case's agent fields (none when name, ID number and phone are all empty), errors named
    ``agent.<field>``."""
    if not data or not any((value or "").strip()
                           for value in (data.get("name"), data.get("id_number"), data.get("phone"))):
        return {}
    id_type, id_number = _clean_id("agent", data, errors, today)
    out = {"agent_name": errors.text("agent.name", data.get("name"), 64, "代理人姓名"), "agent_id_type": id_type,
           "agent_id_number": id_number,
           "agent_phone": _phone("agent.phone", data.get("phone"), errors, "请填写代理人电话"),
           "agent_authorization": errors.text("agent.authorization", data.get("authorization"), 255, "授权委托说明")}
    if not out["agent_name"]:
        errors.add("agent.name", "请填写代理人姓名")
    if not out["agent_authorization"]:
        errors.add("agent.authorization", "代理办理须有授权委托书，请填写授权说明")
    return out


MAX_COPIES = 99


def _copies(row: MaterialRow, i: int, name: str, errors: _Errors) -> int | None:
    """Return the row's number of copies (None when not given), or record an error naming the material."""
    value = row.get("copies")
    if value in (None, ""):
        return None
    try:
        copies = int(str(value).strip())
    except ValueError:
        copies = -1
    if not 0 <= copies <= MAX_COPIES:
        errors.add(f"materials.{i}.copies", f"“{name}”的份数应为0至{MAX_COPIES}的整数")
        return None
    return copies


def _checklist(version: ItemVersion, given: Sequence[MaterialRow], errors: _Errors) -> list[CaseMaterial]:
    """Return one checklist line per material of the pinned version, filled from ``given``."""
    materials = list(version.materials.all())
    by_id = {m.pk: m for m in materials}
    by_name = {m.name: m for m in materials}
    # material id -> (received as, copies, acceptable, problem) as given
    chosen: dict[int, tuple[str, int | None, bool | None, str]] = {}
    for i, row in enumerate(given or []):
        ref = row.get("material")
        material = by_id.get(ref) if isinstance(ref, int) else by_name.get(str(ref or row.get("name") or ""))
        if material is None:
            errors.add(f"materials.{i}.material", f"“{ref or row.get('name')}”不是该事项的申请材料")
            continue
        how = row.get("received_as") or MaterialReceipt.PAPER
        if how not in MaterialReceipt.values:
            errors.add(f"materials.{i}.received_as", "收取方式应为 PAPER、ELECTRONIC、SHARED 或 MISSING")
        copies = _copies(row, i, material.name, errors)
        problem = errors.text(f"materials.{i}.problem", row.get("problem"), 255, f"“{material.name}”的问题说明")
        chosen[material.pk] = (how, copies, row.get("acceptable"), problem)
    lines = []
    for m in materials:
        if m.pk in chosen:
            how, copies, acceptable, problem = chosen[m.pk]
        else:  # not handed in: fetched from the government body that issued it, or missing
            how = MaterialReceipt.SHARED if m.source == MaterialSource.GOVERNMENT else MaterialReceipt.MISSING
            copies, acceptable, problem = 0, None, ""
        if acceptable is None:
            acceptable = how != MaterialReceipt.MISSING or m.necessity == Necessity.OPTIONAL
        lines.append(CaseMaterial(material=m, name=m.name, standard=m.standard, necessity=m.necessity,
                                  received_as=how, copies=copies or (0 if how == "MISSING" else m.copies or 1),
                                  acceptable=bool(acceptable), problem=problem))
    return lines


def receive_case(*, actor: User, item_code: str, applicant: ApplicantData,
                 materials: Sequence[MaterialRow] | None = None, agent: AgentData | None = None,
                 now: dt.datetime, version_id: int | None = None, via_relay: bool = False) -> Case:
    """Receive an application: pin the item's current version, number it, build the checklist.

    ``version_id`` pins a given published version of the item instead: a relayed request (全程代理) is received on
    the version its 代办受理回执 promised, even when a newer one was published while it travelled. ``via_relay``:
    the deciding organ receives a relayed request (the case is marked ``via_relay``; its page then shows the relay).

    Raises Forbidden without HANDLE_CASES or a staff profile; DomainError naming every bad field at once, nothing
    written: ``item`` (unknown or unpublished), ``applicant.kind``, ``applicant.name``, ``applicant.phone``,
    ``applicant.id_type``, ``applicant.id_number``, ``applicant.credit_code``, ``applicant.legal_rep``,
    ``agent.name``, ``agent.id_type``, ``agent.id_number``, ``agent.phone``, ``agent.authorization`` (an agent
    needs a name and an authorization), ``materials.<i>.material`` (not in the checklist),
    ``materials.<i>.received_as`` or ``materials.<i>.copies`` (0–99).
    """
    app = check_application(actor=actor, item_code=item_code, applicant=applicant, materials=materials, agent=agent,
                            now=now, version_id=version_id)
    if via_relay:
        app.fields["via_relay"] = True
    with audited_atomic():
        return write_received(app, actor=actor, now=now)


# The pk of an item's current version, or of a given published one (``check_application``): prepared reads
# (bianmin/core/prepared.py), the first in the catalogue's order (ItemVersion.Meta) as ``first()`` read it.
# Their arguments are converted as the lookups would (text, an integer).
_CURRENT_VERSION = Prepared(ItemVersion, lambda: ItemVersion.objects.filter(
    item__code=Arg("code", CharField()), is_current=True).values_list("pk")[:1])
_PUBLISHED_VERSION = Prepared(ItemVersion, lambda: ItemVersion.objects.filter(
    item__code=Arg("code", CharField()), pk=Arg("version", IntegerField()), published_at__isnull=False)
    .values_list("pk")[:1])


def check_application(*, actor: User, item_code: str, applicant: ApplicantData,
                      materials: Sequence[MaterialRow] | None = None, agent: AgentData | None = None,
                      now: dt.datetime, version_id: int | None = None) -> Received:
    """Check an application for ``receive_case`` (which documents the refusals) and return it ready to write."""
    require(actor, Perm.HANDLE_CASES)
    profile = actor_profile(actor)
    today = timezone.localtime(now).date()
    errors = _Errors()
    # Which version is current is read every time (a prepared read); its content (never edited once published)
    # comes from the per-process cache.
    found = (_PUBLISHED_VERSION.rows(code=item_code, version=version_id) if version_id is not None
             else _CURRENT_VERSION.rows(code=item_code))
    version = pinned_version(found[0][0]) if found else None
    if version is None:
        errors.add("item", f"事项“{item_code}”不存在或未发布")
    elif (refusal := receive_refusal(profile.unit, version)) is not None:
        errors.add("item", refusal)
    fields = clean_applicant(applicant or ApplicantData(), errors, today)
    fields.update(_clean_agent(agent, errors, today))
    lines = _checklist(version, materials or [], errors) if version else []
    errors.raise_if_any()
    assert version is not None  # an unknown item is one of the errors raised above
    override = fields.pop("_credit_override", "")
    return Received(version=version, fields=fields, lines=lines, override=override, profile=profile,
                    item_code=item_code)


@dataclass
class Received:
    """An application ``check_application`` found complete enough to receive, not yet written."""

    version: ItemVersion
    fields: dict[str, Any]
    lines: list[CaseMaterial]
    override: str
    profile: StaffProfile
    item_code: str


def write_received(app: Received, *, actor: User, now: dt.datetime) -> Case:
    """Write a checked application as a received case (in the caller's audited transaction); return it."""
    case = new_received_case(app, now=now)
    insert_row(case)
    return finish_received(case, app, actor=actor, now=now)


def new_received_case(app: Received, *, now: dt.datetime) -> Case:
    """Return the case a checked application is received as, numbered, not yet saved (``write_received`` saves
    it; 收件并受理 inserts it once accepted)."""
    profile = app.profile
    case = Case(number=next_case_number(profile.unit, now), query_code=new_query_code(), item_version=app.version,
                unit=profile.unit, unit_path=profile.unit.path, county_id=profile.unit.county_id,
                status=Status.RECEIVED, received_at=now,
                received_by=profile, intake_started_at=now, **app.fields)
    case.intake_deadline = intake_deadline_for(case, timezone.localtime(now).date())
    refresh_class(case)
    return case


def finish_received(case: Case, app: Received, *, actor: User, now: dt.datetime,
                    events: list[CaseEvent] | None = None) -> Case:
    """Write what goes with a received case just saved: its checklist, the receipt's history step (appended to
    ``events`` when given, for the caller to insert with the later ones: ``core.save_events``) and audit row."""
    version, override = app.version, app.override
    for line in app.lines:
        line.case, line.county_id = case, case.county_id
    insert_rows(app.lines)
    event = new_event(case, actor=actor, now=now, action=Action.RECEIVE.value, to_status=Status.RECEIVED,
                      data={"item": app.item_code, "version": version.number,
                            **({"credit_code_override": override} if override else {})})
    if events is None:
        insert_row(event)
    else:
        events.append(event)
    record(action=AuditAction.CASE_TRANSITION, summary=f"收件：{case.number} {version.name}", actor=actor,
           obj=case, now=now, data={"to": Status.RECEIVED,  # the audited override of a 2015 pilot code
                                    **({"credit_code_override": override} if override else {})})
    return case


def update_materials(*, actor: User, number: str, materials: Sequence[MaterialRow], now: dt.datetime,
                     after_notice: bool = False) -> Case:
    """Update checklist lines by material name or id (before acceptance); keys a row leaves out stay as they are.

    Raises Forbidden without HANDLE_CASES, or unless the actor is a window clerk of the receiving unit; NotFound
    for a case out of sight; Conflict once accepted; DomainError naming ``materials.<i>.material`` (not in the
    checklist), ``materials.<i>.received_as`` or ``materials.<i>.copies``.
    """
    require(actor, Perm.HANDLE_CASES)
    errors = _Errors()
    with audited_atomic():
        case = locked_case(actor, number)
        if case.status not in (Status.RECEIVED, Status.SUPPLEMENT):
            raise Conflict("受理后不能修改收件材料清单")
        require_case_worker(actor, case, timezone.localtime(now).date())
        lines = {line.name: line for line in case.materials.all()}
        by_id = {line.material_id: line for line in lines.values()}
        changed = []
        for i, row in enumerate(materials):
            ref = row.get("material")
            line = by_id.get(ref) if isinstance(ref, int) else lines.get(str(ref or row.get("name") or ""))
            if line is None:
                errors.add(f"materials.{i}.material", f"“{ref}”不在该办件的材料清单中")
                continue
            if "received_as" in row:
                if row["received_as"] not in MaterialReceipt.values:
                    errors.add(f"materials.{i}.received_as", "收取方式无效")
                    continue
                line.received_as = row["received_as"]
            if "copies" in row:
                copies = _copies(row, i, line.name, errors)
                if copies is None:
                    continue
                line.copies = copies
            acceptable = row.get("acceptable")
            line.acceptable = line.received_as != MaterialReceipt.MISSING if acceptable is None else bool(acceptable)
            line.problem = errors.text(f"materials.{i}.problem", row.get("problem"), 255, f"“{line.name}”的问题说明")
            if after_notice:
                line.supplied_after_notice = True
            changed.append(line)
        errors.raise_if_any()
        CaseMaterial.objects.filter(county_id=case.county_id).bulk_update(
            changed, ["received_as", "copies", "acceptable", "problem", "supplied_after_notice"])
        add_event(case, actor=actor, now=now, action="MATERIALS_UPDATED",
                  data={"materials": [line.name for line in changed]})
        names = "、".join(x.name for x in changed)
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}登记材料：{names}", actor=actor, obj=case,
               now=now)
    return case


def fix_on_spot(*, actor: User, number: str, note: str, now: dt.datetime, materials: Sequence[str] = ()) -> Case:
    """Record errors corrected on the spot (Art. 32 (3)); the ``materials`` named (checklist lines) are
    acceptable from now on, so the application can be accepted without a 补正 notice.

    Raises DomainError naming ``note`` (empty) or ``materials`` (not in the checklist); NotFound for a case out of
    sight; Conflict unless the application is under review (RECEIVED); Forbidden unless the actor is a window
    clerk of the receiving unit.
    """
    if not note.strip():
        raise DomainError.for_field("note", "请说明当场更正的内容")
    with audited_atomic():
        case = locked_case(actor, number)
        lines = {line.name: line for line in case.materials.all()}
        unknown = [name for name in materials if name not in lines]
        if unknown:
            raise DomainError.for_field("materials", f"“{'、'.join(unknown)}”不在该办件的材料清单中")
        corrected = [lines[name] for name in dict.fromkeys(materials)]
        case = transition(case, actor=actor, action=Action.FIX_ON_SPOT, now=now, opinion=note.strip(),
                          changes={"intake_outcome": IntakeOutcome.FIXED_ON_SPOT},
                          data={"materials": [line.name for line in corrected]})
        for line in corrected:
            line.acceptable, line.problem = True, ""
            if line.received_as == MaterialReceipt.MISSING:
                line.received_as = MaterialReceipt.PAPER
        CaseMaterial.objects.filter(county_id=case.county_id).bulk_update(corrected,
                                                                          ["acceptable", "problem", "received_as"])
    return case


def _draft_supplement(case: Case, actor: User, now: dt.datetime) -> Notice:
    draft = case.notices.filter(kind=NoticeKind.SUPPLEMENT, issued_at__isnull=True).first()
    if draft is None:
        draft = Notice.objects.create(case=case, county_id=case.county_id, kind=NoticeKind.SUPPLEMENT, created_at=now,
                                      created_by=actor)
    return draft


def _refuse(case: Case, actor: User, now: dt.datetime, reason: str, attempted: list[str]) -> None:
    """Record a refused further 补正 attempt in its own transaction, so it survives the refusal."""
    with audited_atomic():
        RefusedSupplement.objects.create(case=case, county_id=case.county_id, at=now, actor=actor, reason=reason,
                                         attempted=attempted)
        add_event(case, actor=actor, now=now, action="SUPPLEMENT_REFUSED", opinion=reason,
                  data={"materials": attempted})
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}再次补正被拒绝：{reason}", actor=actor,
               obj=case, now=now)


def add_supplement_line(*, actor: User, number: str, material: str, problem: str, now: dt.datetime,
                        standard: str = "") -> Notice:
    """Add a deficient material to the case's unserved 补正 notice (a notice is additive until served).

    After a first notice was served, only material supplied after it may be listed; anything else is
    refused and recorded for supervision.

    Raises DomainError naming ``problem`` (empty) or ``material`` (not in the checklist); NotFound for a case out
    of sight; Conflict unless the application is under review (RECEIVED), and Conflict ``supplement_refused`` for
    a material that the first notice should have listed; Forbidden unless the actor is a window clerk of the
    receiving unit.
    """
    require(actor, Perm.HANDLE_CASES)
    if not problem.strip():
        raise DomainError.for_field("problem", "请写明材料存在的问题")
    refused = ""  # set when the step is refused, recorded after the transaction
    with audited_atomic():
        case = locked_case(actor, number)
        if case.status != Status.RECEIVED:
            raise Conflict(f"办件当前状态为“{case.get_status_display()}”，不能出具补正通知")
        require_case_worker(actor, case, timezone.localtime(now).date())
        line_material = case.materials.filter(name=material).first()
        if line_material is None:
            raise DomainError.for_field("material", f"“{material}”不在该办件的材料清单中")
        served_before = case.notices.filter(kind=NoticeKind.SUPPLEMENT, served_at__isnull=False).exists()
        if served_before and not line_material.supplied_after_notice:
            refused = f"“{material}”在首次补正告知时已应一并告知，不能再次要求补正"
        else:
            draft = _draft_supplement(case, actor, now)
            SupplementLine.objects.create(notice=draft, county_id=case.county_id, case_material=line_material,
                                          material_name=material,
                                          problem=problem.strip()[:255],
                                          standard=standard.strip() or line_material.standard)
            record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}补正通知书草稿列入：{material}",
                   actor=actor, obj=case, now=now)
            return draft
    _refuse(case, actor, now, refused, [material])
    raise Conflict(refused, code="supplement_refused")


def draft_supplement_from_checklist(*, actor: User, number: str, now: dt.datetime) -> int:
    """Put every checklist line found deficient at intake on the unserved 补正 notice, with the problem noted,
    so that one notice lists them all.

    Deficient: marked not acceptable, or a required material missing (not optional materials, nor missing 容缺
    ones). Lines already on the draft are kept; after a served notice only material supplied since may be
    listed. Returns the number of lines added.

    Raises NotFound for a case out of sight; Conflict unless the application is under review (RECEIVED), or when
    no deficient line is left to list; Forbidden unless the actor is a window clerk of the receiving unit."""
    require(actor, Perm.HANDLE_CASES)
    with audited_atomic():
        case = locked_case(actor, number)
        if case.status != Status.RECEIVED:
            raise Conflict(f"办件当前状态为“{case.get_status_display()}”，不能出具补正通知")
        require_case_worker(actor, case, timezone.localtime(now).date())
        served_before = case.notices.filter(kind=NoticeKind.SUPPLEMENT, served_at__isnull=False).exists()
        draft = case.notices.filter(kind=NoticeKind.SUPPLEMENT, issued_at__isnull=True).first()
        listed = set(draft.lines.values_list("case_material_id", flat=True)) if draft else set()
        missing = MaterialReceipt.MISSING
        deficient = [line for line in case.materials.all()
                     if line.pk not in listed and (line.supplied_after_notice or not served_before)
                     and line.necessity != Necessity.OPTIONAL
                     # a missing 容缺 material is accepted and supplied later (补办件), not a 补正 matter
                     and not (line.received_as == missing and line.necessity == Necessity.DEFERRABLE)
                     and (not line.acceptable or line.received_as == missing)]
        if not deficient:
            raise Conflict("清单中没有尚未列入补正通知书的不符合要求的材料")
        draft = draft or _draft_supplement(case, actor, now)
        SupplementLine.objects.bulk_create([
            SupplementLine(notice=draft, county_id=case.county_id, case_material=line, material_name=line.name,
                           standard=line.standard,
                           problem=line.problem or ("未提交" if line.received_as == MaterialReceipt.MISSING
                                                    else "不符合要求"))
            for line in deficient])
        add_event(case, actor=actor, now=now, action="MATERIALS_UPDATED",
                  data={"supplement_draft": [line.name for line in deficient]})
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}补正通知书草稿列入{len(deficient)}项材料",
               actor=actor, obj=case, now=now)
    return len(deficient)


def serve_supplement_notice(*, actor: User, number: str, now: dt.datetime, justification: str = "") -> Notice:
    """Serve (freeze) the draft 补正 notice: one notice listing every correction.

    Raises NotFound for a case out of sight; DomainError naming ``lines`` when no draft lists a material; Conflict
    ``intake_deadline_passed`` after the intake deadline (the application is deemed accepted), Conflict
    ``supplement_refused`` for a second notice without a ``justification`` (recorded for supervision), Conflict
    unless the application is under review; Forbidden unless the actor is a window clerk of the receiving unit.
    """
    require(actor, Perm.HANDLE_CASES)
    refused = ""  # set when the step is refused, recorded after the transaction
    with audited_atomic():
        case = locked_case(actor, number)
        # Who may, before anything is recorded: a refused attempt becomes a violation of whoever made it.
        require_transition(actor, case, Action.SERVE_SUPPLEMENT,
                           acting_ids=acting_ids_for(case, timezone.localtime(now).date()))
        if (refusal := supplement_serve_refusal(case, timezone.localtime(now).date())) is not None:
            raise refusal
        draft = case.notices.filter(kind=NoticeKind.SUPPLEMENT, issued_at__isnull=True).first()
        assert draft is not None  # supplement_serve_refusal: a draft with lines exists
        served_before = case.notices.filter(kind=NoticeKind.SUPPLEMENT, served_at__isnull=False).exists()
        if served_before and not justification.strip():
            refused = "再次出具补正通知须书面说明理由（仅限首次补正后新提交的材料）"
        else:
            draft.justification = justification.strip()
            lines = list(draft.lines.all())
            transition(case, actor=actor, action=Action.SERVE_SUPPLEMENT, now=now,
                       changes={"intake_outcome": IntakeOutcome.SUPPLEMENT, "intake_deadline": None},
                       data={"lines": [line.material_name for line in lines]})
            return issue_notice(case, kind=NoticeKind.SUPPLEMENT, actor=actor, now=now, notice=draft, serve=True,
                                content=supplement_content(case, lines, actor, now, draft.justification))
    _refuse(case, actor, now, refused, [])
    raise Conflict(refused, code="supplement_refused")


def resubmit(*, actor: User, number: str, materials: Sequence[MaterialRow], now: dt.datetime) -> Case:
    """Record the corrected materials and put the application back for review.

    One transaction: a refused resubmission (wrong status, no permission) leaves the checklist untouched, so
    nothing can be marked as supplied after the notice without the resubmission itself.

    Raises NotFound for a case out of sight; Conflict unless the case waits for 补正 (SUPPLEMENT); DomainError
    naming ``materials`` (none given), ``materials.<i>.material``, ``materials.<i>.received_as`` or
    ``materials.<i>.copies``; Forbidden without HANDLE_CASES, or unless the actor is a window clerk of the
    receiving unit.
    """
    with audited_atomic():
        case = locked_case(actor, number)
        if next_status(case.status, Action.RESUBMIT) is None:
            raise Conflict(f"办件当前状态为“{case.get_status_display()}”，不能执行“{Action.RESUBMIT.label}”")
        if not materials:
            raise DomainError.for_field("materials", "请勾选申请人补正后提交的材料")
        update_materials(actor=actor, number=number, materials=materials, now=now, after_notice=True)
        # The corrected materials start a new Art. 32 review: accept, or a further notice (new material only),
        # within the intake limit, or the application is deemed accepted as of today.
        deadline = intake_deadline_for(case, timezone.localtime(now).date())
        return transition(case, actor=actor, action=Action.RESUBMIT, now=now,
                          changes={"intake_started_at": now, "intake_deadline": deadline},
                          data={"materials": [str(m.get("material") or m.get("name")) for m in materials],
                                "intake_deadline": str(deadline)})


def apply_deemed_acceptance(*, now: dt.datetime, limit: int | None = None,
                            on_deemed: Callable[[Case, dt.date], None] | None = None) -> list[str]:
    """Accept, as of the day the materials under review were received (receipt or resubmission), applications
    neither accepted nor given a 补正 notice within the intake limit. Idempotent: only applications still in
    RECEIVED are touched (a served notice moves the case to SUPPLEMENT and stops the timer; a resubmission
    starts it again).

    ``on_deemed(case, intake_deadline)`` runs inside each case's transaction (the sweep records the violation
    there). Every statement names the county (the distribution key, docs/scaling.md): one lists the due
    applications of every county, then each is accepted in its own county's transaction.
    A system step: refuses nothing. Returns the numbers of the cases accepted. A case that fails (its data: a
    phone no key decrypts; a lock held past the timeout) is rolled back alone and the others are still accepted;
    ``PartlyDone`` then says which failed and why, after all were tried (the next run tries them again). A lost
    database connection stops the run. Call it outside a transaction: each case commits on its own, and the
    ``PartlyDone`` raised at the end would otherwise roll back a caller's transaction with the accepted cases in it.
    """
    from bianmin.org.selectors import counties

    today = timezone.localtime(now).date()
    due = list(Case.objects.filter(county_id__in=counties(), status=Status.RECEIVED, intake_deadline__lt=today)
               .order_by("id").values_list("county_id", "number")[:limit])
    done: list[str] = []
    failed: dict[str, str] = {}
    for county, number in due:
        try:
            if _deem_accepted(county, number, now=now, today=today, on_deemed=on_deemed):
                done.append(number)
        except Exception as exc:  # this case alone (its data; a lock held too long): rolled back, the others go on
            if isinstance(exc, InterfaceError) or (isinstance(exc, OperationalError)
                                                   and not transaction.get_connection().is_usable()):
                raise  # the connection itself is gone: every later case would fail alike; the next run starts again
            if len(failed) < 5:
                logger.exception("deemed acceptance of %s failed", number)
            else:
                logger.error("deemed acceptance of %s failed: %s", number, type(exc).__name__)
            # A database error's text may quote column values (personal data): the run log keeps its kind only.
            failed[number] = type(exc).__name__ if isinstance(exc, DatabaseError) else repr(exc)[:200]
    if failed:
        raise PartlyDone(len(done), failed, done=done)
    return done


def _deem_accepted(county: int, number: str, *, now: dt.datetime, today: dt.date,
                   on_deemed: Callable[[Case, dt.date], None] | None) -> bool:
    """Accept case ``number`` by law in its own transaction if it is still due; whether it was."""
    from .lifecycle import acceptance_changes

    with audited_atomic():
        # Checked again under the lock: a resubmission meanwhile restarted the intake timer.
        case = (Case.objects.select_for_update().select_related("item_version", "unit__region", "received_by")
                .filter(county_id=county, number=number, status=Status.RECEIVED, intake_deadline__lt=today)
                .first())
        if case is None:
            return False
        started_at = case.intake_started_at or case.received_at
        intake_deadline = case.intake_deadline
        assert intake_deadline is not None  # the query above excludes a case without one
        changes = acceptance_changes(case, start_at=started_at, today=today,
                                     profile=case.received_by, urgent_days=None, deferred=[])
        transition(case, actor=None, action=Action.DEEM_ACCEPTED, now=now, system=True,
                   opinion="审查期限内未受理也未出具补正通知，依法自收到申请材料之日起视为受理",
                   changes={**changes, "accepted_at": started_at, "intake_outcome": IntakeOutcome.DEEMED},
                   data={"intake_deadline": str(intake_deadline)})
        if on_deemed is not None:
            on_deemed(case, intake_deadline)
    return True
