"""The only writers of relay requests: registration at the village station, hand-overs, signatures and refusals.

Every function takes ``now``, runs in one transaction and writes its audit row (decision 0023 §1–§2)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypedDict
from typing import cast as typed

from django.conf import settings
from django.utils import timezone

from bianmin.accounts.policies import require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.cases.models import ApplicantKind, DeliveryMethod
from bianmin.cases.services import (
    QUERY_ALPHABET,
    ApplicantData,
    MaterialRow,
    clean_applicant,
    deliver_case,
    deliver_relayed_case,
    delivered_document,
    rating_link,
    receive_case,
    relay_took_result,
    serve_notice_by_relay,
)
from bianmin.catalog.models import ItemLevel, ItemVersion, LimitUnit, MaterialSource
from bianmin.catalog.selectors import pinned_version
from bianmin.core.counters import next_value
from bianmin.core.errors import Conflict, DomainError, FieldErrors, Forbidden
from bianmin.notifications.services import enqueue_sms
from bianmin.org.models import Unit, UnitKind, Window
from bianmin.org.policies import staff_profile_of
from bianmin.workdays.selectors import get_calendar

from .files import hand_files_to_case
from .models import (
    Direction,
    FollowUpMethod,
    HandOver,
    HandOverStatus,
    HopWarning,
    RelayCounter,
    RelayFollowUp,
    RelayMaterial,
    RelayRequest,
    RelayStatus,
)
from .policies import (
    archive_refusal,
    deliver_refusal,
    follow_up_refusal,
    get_relay_for,
    going_down,
    hand_over_refusal,
    may_register,
    needs_review,
    review_refusal,
    send_result_refusal,
    sign_refusal,
)

if TYPE_CHECKING:
    from bianmin.cases.models import Case
    from bianmin.org.models import StaffProfile
    from bianmin.users.types import User

MANDATE_MATERIAL = "授权委托书"
MAX_COPIES = 99
FREE_NOTE = "代办免费（仅收取法定费用）"


class RelayMaterialRow(TypedDict, total=False):
    """One material as the agent received it, or as a hop carries or counts it."""

    material: int | str  # the checklist material's id or name
    name: str
    copies: int | str | None
    received_as: str  # PAPER or ELECTRONIC (registration only)


_Errors = FieldErrors


def _copies(value: object, field: str, name: str, errors: _Errors) -> int | None:
    try:
        copies = int(str(value).strip())
    except ValueError:
        copies = -1
    if not 0 <= copies <= MAX_COPIES:
        errors.add(field, f"“{name}”的份数应为0至{MAX_COPIES}的整数")
        return None
    return copies


def _checklist(version: ItemVersion, given: Sequence[RelayMaterialRow], errors: _Errors) -> list[RelayMaterial]:
    """Return one line per material of the pinned checklist, filled from ``given`` (errors ``materials.<i>.*``)."""
    materials = list(version.materials.all())
    by_id = {m.pk: m for m in materials}
    by_name = {m.name: m for m in materials}
    chosen: dict[int, tuple[int, str]] = {}
    for i, row in enumerate(given):
        ref = row.get("material") if row.get("material") not in (None, "") else row.get("name")
        material = by_id.get(ref) if isinstance(ref, int) else by_name.get(str(ref or ""))
        if material is None:
            errors.add(f"materials.{i}.material", f"“{ref or ''}”不是该事项的申请材料")
            continue
        how = row.get("received_as") or "PAPER"
        if how not in ("PAPER", "ELECTRONIC"):
            errors.add(f"materials.{i}.received_as", "收取方式应为 PAPER 或 ELECTRONIC")
        copies = _copies(row.get("copies", material.copies or 1), f"materials.{i}.copies", material.name, errors)
        if copies is not None:
            chosen[material.pk] = (copies, how)
    lines = []
    for m in materials:
        if m.pk in chosen and chosen[m.pk][0] > 0:
            copies, how = chosen[m.pk]
        else:  # not handed in: the deciding organ fetches a government-issued one, or tells what is missing
            copies, how = 0, "SHARED" if m.source == MaterialSource.GOVERNMENT else "MISSING"
        lines.append(RelayMaterial(material=m, name=m.name, copies=copies, received_as=how))
    if given and not any(line.copies for line in lines):
        errors.add("materials", "请至少登记一份收取的材料")
    elif not given:
        errors.add("materials", "请登记收取的申请材料")
    return lines


# ---- the route ----

def _ancestor(unit: Unit, kind: str) -> Unit | None:
    current: Unit | None = unit.parent
    while current is not None and current.kind != kind:
        current = current.parent
    return current


def deciding_unit_for(version: ItemVersion, station: Unit) -> Unit:
    """Return the unit that does the Art. 32 intake of a relayed request of ``version`` from ``station``: the
    station's town center for a town item; for a county item the center where the implementing department is
    stationed at a window (进驻: that window takes its applications, as for a walk-in), else the department itself,
    and the county center when the item names no department.

    Raises DomainError naming ``item`` when the item's level has nothing to relay (village, institution) or the
    station has no town or county center above it."""
    if version.level in (ItemLevel.VILLAGE, ItemLevel.INSTITUTION):
        raise DomainError.for_field("item", f"“{version.name}”为{ItemLevel(version.level).label}事项，"
                                            "在本站直接办理，无需代办")
    town = _ancestor(station, UnitKind.TOWN_CENTER)
    if town is None:
        raise DomainError.for_field("item", "本站上级没有镇（街道）便民服务中心，无法代办")
    if version.level == ItemLevel.TOWN:
        return town
    if version.implementing_unit_id is not None:
        # A department stationed at a center's window (进驻, ``Window.department``) takes applications there: the
        # center's window does the intake, as for a walk-in application (its own unit has no window staff).
        # Only the centers above this station count (its town's, then its county's), nearest first.
        chain = [u.pk for u in (town, _ancestor(town, UnitKind.COUNTY_CENTER)) if u is not None]
        halls = {w.unit_id: w.unit for w in Window.objects.filter(
            department_id=version.implementing_unit_id, is_active=True, unit_id__in=chain).select_related("unit")}
        hall = next((halls[pk] for pk in chain if pk in halls), None)
        return hall if hall is not None else Unit.objects.get(pk=version.implementing_unit_id)
    county = _ancestor(town, UnitKind.COUNTY_CENTER)
    if county is None:
        raise DomainError.for_field("item", "本站上级没有县政务服务中心，无法代办")
    return county


def route_for(station: Unit, deciding: Unit) -> list[Unit]:
    """Return the units the materials pass: the station, its town center, then the deciding unit (when not the
    town). Refuses nothing (the route is checked when the deciding unit is found)."""
    town = _ancestor(station, UnitKind.TOWN_CENTER)
    units = [station] + ([town] if town is not None else [])
    if deciding.pk != units[-1].pk:
        units.append(deciding)
    return units


def hop_working_days(sender_kind: str) -> int:
    """Return the working days a hop sent by a unit of ``sender_kind`` may take (``RELAY_HOP_WORKING_DAYS``)."""
    limits: dict[str, int] = settings.BIANMIN["RELAY_HOP_WORKING_DAYS"]
    return int(limits.get(sender_kind, 3))


def review_days(version: ItemVersion, deciding: Unit) -> int:
    """Return the working days of the lower organ's 初审 (行政许可法第43条) on a route to ``deciding``: the item's
    ``lower_review_days`` when a town center lies below the deciding unit, else 0."""
    return version.lower_review_days if deciding.kind != UnitKind.TOWN_CENTER else 0


def expected_completion(version: ItemVersion, route: Sequence[Unit], start: dt.date) -> dt.date:
    """Return the expected completion date: every hop's limit, then the item's committed limit at the deciding
    level, counted on the working-day calendar of the deciding unit's region from ``start``."""
    deciding = route[-1]
    calendar = get_calendar(route[0].region)
    hops = sum(hop_working_days(unit.kind) for unit in route[:-1]) + review_days(version, deciding)
    arrived = calendar.add_workdays(start, hops).date
    limit = version.committed_limit_at(deciding.kind)
    if version.committed_limit_unit == LimitUnit.NATURAL:
        return calendar.add_natural_days(arrived, limit).date
    return calendar.add_workdays(arrived, limit).date


def next_relay_number(station: Unit, now: dt.datetime) -> str:
    """Return the next relay number: DB + station code + year + 5-digit sequence. Refuses nothing."""
    year = timezone.localtime(now).year
    return f"DB{station.code}{year}{next_value(RelayCounter, unit=station, year=year):05d}"


def _query_code() -> str:
    import secrets

    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(8))


def _receipt(relay: RelayRequest, route: Sequence[Unit], version: ItemVersion, agent: StaffProfile,
             lines: Sequence[RelayMaterial], now: dt.datetime) -> dict[str, Any]:
    """Return the frozen content of the 代办受理回执 (rendered by ``relay.receipt``)."""
    today = timezone.localtime(now).date()
    calendar = get_calendar(route[0].region)
    hops = []
    day = today
    for sender, receiver in zip(route, route[1:], strict=False):
        days = hop_working_days(sender.kind)
        day = calendar.add_workdays(day, days).date
        hops.append({"from": sender.name, "to": receiver.name, "working_days": days, "due_on": day.isoformat()})
        if receiver.kind == UnitKind.TOWN_CENTER and (review := review_days(version, route[-1])):
            day = calendar.add_workdays(day, review).date
            hops.append({"from": receiver.name, "to": receiver.name, "working_days": review,
                         "due_on": day.isoformat(), "review": True})
    town = route[1]
    text = [f"代办编号：{relay.number}（查询码 {relay.query_code}，凭编号和查询码查询办理进度）",
             "办理路线：" + " → ".join(unit.name for unit in route)]
    text += [(f"第{i}段：{hop['from']}初审（行政许可法第四十三条），{hop['working_days']}个工作日内完成"
               f"（{hop['due_on']}前）") if hop.get("review") else
             f"第{i}段：{hop['from']} → {hop['to']}，{hop['working_days']}个工作日内送达（{hop['due_on']}前）"
             for i, hop in enumerate(hops, start=1)]
    limit = version.committed_limit_at(route[-1].kind)
    unit_label = LimitUnit(version.committed_limit_unit).label
    text.append(f"{route[-1].name}收到材料后依法受理并在承诺时限{limit}个{unit_label}内办结；"
                "办理结果按原路线送回本站，由代办员送达。")
    text.append(f"代办员：{agent.name}，电话 {agent.phone or agent.unit.phone or '—'}")
    text.append(f"代理责任人：由{town.name}签收人担任（签收前请联系 {town.name}，电话 {town.phone or '—'}）")
    text.append(FREE_NOTE)
    materials = [f"{m.name} {m.copies}份" for m in lines if m.copies]
    return {"organ": route[0].name, "title": "全程代理受理回执", "number": relay.number,
            "applicant": relay.applicant_name, "body": "\n".join(text), "item_name": version.name,
            "received_at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
            "expected_end": relay.expected_on.isoformat() if relay.expected_on else "",
            "committed_limit": f"{limit}个{unit_label}", "query_code": relay.query_code,
            "complaint_phone": version.complaint_phone, "case_number": relay.number,
            "unit": route[0].name, "date": f"{today:%Y年%m月%d日}",
            "materials": materials, "route": [unit.name for unit in route], "hops": hops,
            "agent": {"name": agent.name, "phone": agent.phone or agent.unit.phone},
            "town": {"name": town.name, "phone": town.phone}, "free": FREE_NOTE,
            "issued_at": timezone.localtime(now).isoformat()}


def register_relay(*, actor: User, item_code: str, applicant: dict[str, Any],
                   materials: Sequence[RelayMaterialRow], mandate: str, now: dt.datetime) -> RelayRequest:
    """Take a relay request (委托) at the village station: pin the item's current version, count the materials
    against its checklist, record the 委托书, number it and freeze the 代办受理回执.

    ``mandate`` is SCREEN (the applicant signed on the agent's screen) or MATERIAL (a signed 授权委托书 handed in).
    Raises Forbidden unless the actor is an agent (RELAY_CASES) at a village station; DomainError naming every bad
    field at once, nothing written: ``item`` (unknown, unpublished, or a village or institution item: nothing to
    relay), ``applicant.*`` (as at the window), ``materials`` / ``materials.<i>.material`` / ``.copies`` /
    ``.received_as``, ``mandate`` (missing). No fee can be recorded: agency is free.
    """
    require(actor, Perm.RELAY_CASES)
    if not may_register(actor):
        raise Forbidden("只有村（社区）便民服务站的代办员可以登记代办件")
    agent = staff_profile_of(actor)
    assert agent is not None  # may_register checked it
    station = agent.unit
    today = timezone.localtime(now).date()
    errors = _Errors()
    version_id = (ItemVersion.objects.filter(item__code=item_code, is_current=True)
                  .values_list("pk", flat=True).first())
    version = pinned_version(version_id) if version_id is not None else None
    deciding: Unit | None = None
    if version is None:
        errors.add("item", f"事项“{item_code}”不存在或未发布")
    else:
        try:
            deciding = deciding_unit_for(version, station)
        except DomainError as exc:
            for field, messages in exc.fields.items():
                for message in messages:
                    errors.add(field, message)
    # The window's rule for a valid applicant (cases.services.clean_applicant); a 2015 pilot credit code whose
    # checksum fails is taken only at a window, where the check is recorded.
    fields = clean_applicant(typed(ApplicantData, dict(applicant or {})), errors, today)
    if fields.pop("_credit_override", ""):
        errors.add("applicant.credit_code", "信用代码校验不通过的，请申请人到窗口核验后办理")
    lines = _checklist(version, list(materials or []), errors) if version else []
    if mandate not in ("SCREEN", "MATERIAL"):
        errors.add("mandate", "代办须有申请人的授权委托书：请当场签署（SCREEN）或收取委托书（MATERIAL）")
    errors.raise_if_any()
    assert version is not None and deciding is not None
    route = route_for(station, deciding)
    with audited_atomic():
        relay = RelayRequest(
            number=next_relay_number(station, now), query_code=_query_code(), item_version=version,
            status=RelayStatus.REGISTERED, origin_unit=station, origin_path=station.path, deciding_unit=deciding,
            deciding_path=deciding.path, holder_unit=station, agent=agent,
            route=[{"id": u.pk, "name": u.name, "kind": u.kind} for u in route],
            mandate_signed_on_screen=mandate == "SCREEN", mandate_signed_at=now if mandate == "SCREEN" else None,
            mandate_material=mandate == "MATERIAL", expected_on=expected_completion(version, route, today),
            created_at=now, **fields)
        relay.save()
        if mandate == "MATERIAL":
            lines.append(RelayMaterial(name=MANDATE_MATERIAL, copies=1, received_as="PAPER"))
        for line in lines:
            line.relay = relay
        RelayMaterial.objects.bulk_create(lines)
        relay.receipt = _receipt(relay, route, version, agent, lines, now)
        relay.save(update_fields=["receipt"])
        record(action=AuditAction.CASE_CHANGE, summary=f"代办登记：{relay.number} {version.name}", actor=actor,
               obj=relay, now=now, data={"item": item_code, "version": version.number, "mandate": mandate,
                                         "route": [u.code for u in route]})
    return relay


# ---- hand-overs ----

def _hop_materials(rows: Sequence[RelayMaterialRow], known: dict[str, int] | None, prefix: str,
                   errors: _Errors) -> list[dict[str, Any]]:
    """Return [{name, copies}] from ``rows``; names not in ``known`` (when given) are refused."""
    out: dict[str, int] = {}
    for i, row in enumerate(rows):
        name = str(row.get("name") or row.get("material") or "").strip()
        if not name:
            errors.add(f"{prefix}.{i}.name", "请填写材料名称")
            continue
        if known is not None and name not in known:
            errors.add(f"{prefix}.{i}.name", f"“{name}”不是该代办件的材料")
            continue
        copies = _copies(row.get("copies", 0), f"{prefix}.{i}.copies", name, errors)
        if copies is not None:
            out[name] = out.get(name, 0) + copies
    return [{"name": name, "copies": copies} for name, copies in out.items() if copies]


def _next_unit(relay: RelayRequest) -> Unit:
    """Return the next unit on the route: up towards the deciding unit, or down towards the station on the way
    back."""
    ids = [stop["id"] for stop in relay.route]
    step = -1 if going_down(relay) else 1
    return Unit.objects.get(pk=ids[ids.index(relay.holder_unit_id) + step])


def _new_hop(relay: RelayRequest, *, direction: str, sender: StaffProfile, target: Unit, sent: list[dict[str, Any]],
             now: dt.datetime, days: int, opinion: str = "") -> HandOver:
    """Create the relay's next hop, due ``days`` working days from today on the sending unit's calendar."""
    calendar = get_calendar(relay.holder_unit.region)
    due = calendar.add_workdays(timezone.localtime(now).date(), days).date
    return HandOver.objects.create(
        relay=relay, seq=relay.hand_overs.count() + 1, direction=direction, from_unit=relay.holder_unit,
        from_staff=sender, to_unit=target, to_path=target.path, materials=sent, sent_at=now, due_on=due,
        yellow_on=calendar.workdays_back(due, 1), opinion=opinion)


def _result_hop(relay: RelayRequest) -> HandOver | None:
    """Return the relay's latest hop down (the result), signed or refused: a refused result is sent again as is."""
    return relay.hand_overs.filter(direction=Direction.DOWN).order_by("-seq").first()


def _review_opinion(relay: RelayRequest) -> str:
    review = relay.hand_overs.filter(direction=Direction.REVIEW, status=HandOverStatus.SIGNED).order_by("-seq").first()
    return f"初审意见：{review.opinion}" if review else ""


def hand_over(*, actor: User, number: str, now: dt.datetime,
              materials: Sequence[RelayMaterialRow] | None = None) -> HandOver:
    """Send the relay's materials up to the next unit on its route (交接), or on the way back its result down
    towards the station, with a due date ``hop limit`` working days from today. ``materials`` defaults to every line
    received (on the way back: what the last hop carried). After a lower organ's 初审 the hop up carries its
    opinion (行政许可法第43条: 初步审查意见和全部申请材料).

    Raises NotFound for a relay out of sight; Conflict while a hop waits for its signature or once the materials
    reached the deciding unit; Forbidden unless the actor is an agent or window clerk of the holding unit;
    DomainError naming ``materials.<i>.name`` / ``.copies`` or ``materials`` (nothing sent)."""
    with audited_atomic():
        relay = get_relay_for(actor, number, for_update=True)
        why = hand_over_refusal(actor, relay)
        if why is not None:
            raise (Forbidden if "只有" in why else Conflict)(why)
        down = going_down(relay)
        result = _result_hop(relay) if down else None
        known = ({row["name"]: row["copies"] for row in result.materials} if result is not None
                 else {m.name: m.copies for m in relay.materials.all()})
        errors = _Errors()
        if materials is None:
            sent = [{"name": name, "copies": copies} for name, copies in known.items() if copies]
        else:
            sent = _hop_materials(materials, known, "materials", errors)
        if not sent and not errors.fields:
            errors.add("materials", "请填写移交的材料和份数")
        errors.raise_if_any()
        sender = staff_profile_of(actor)
        assert sender is not None
        target = _next_unit(relay)
        hop = _new_hop(relay, direction=Direction.DOWN if down else Direction.UP, sender=sender, target=target,
                       sent=sent, now=now, days=hop_working_days(relay.holder_unit.kind),
                       opinion=result.opinion if result is not None else _review_opinion(relay))
        if not down:
            relay.status = RelayStatus.IN_TRANSIT
        relay.version += 1
        relay.save(update_fields=["status", "version"])
        record(action=AuditAction.CASE_CHANGE, summary=f"代办件{relay.number}第{hop.seq}次交接"
                                                       f"{'（结果回送）' if down else ''}：{relay.holder_unit.name}"
                                                       f" → {target.name}", actor=actor, obj=relay, now=now,
               data={"seq": hop.seq, "to": target.code, "materials": sent, "due_on": hop.due_on.isoformat(),
                     "direction": hop.direction})
    return hop


def _late(hop: HandOver, now: dt.datetime) -> list[str]:
    """Mark a hop answered after its due date for the sweep to record (unless it already did); return the fields."""
    if timezone.localtime(now).date() > hop.due_on and hop.warning_level != HopWarning.RED:
        hop.warning_level = HopWarning.LATE
        return ["warning_level"]
    return []


def _locked_open_hop(actor: User, number: str) -> tuple[RelayRequest, HandOver]:
    relay = get_relay_for(actor, number, for_update=True)
    hop = HandOver.objects.select_for_update().filter(relay=relay, status=HandOverStatus.SENT).first()
    if hop is None:
        raise Conflict("没有等待签收的移交（可能已被签收或拒收）", code="no_open_hand_over")
    why = sign_refusal(actor, relay)
    if why is not None:
        raise (Conflict if hop.direction == Direction.REVIEW else Forbidden)(why)
    return relay, hop


def sign_for(*, actor: User, number: str, materials: Sequence[RelayMaterialRow], now: dt.datetime) -> HandOver:
    """Count and sign for the relay's waiting hop. The town's signer becomes the 代理责任人; when the receiving unit
    decides, the case is opened there with ``cases.services.receive_case`` (its Art. 32 clock starts now) and linked.
    Where a lower organ reviews first (行政许可法第43条), the town's signature starts the 初审 step with its own limit.
    On the way back, the station's signature means the result waits there: the applicant gets an SMS.

    Raises NotFound for a relay out of sight; Conflict ``no_open_hand_over`` when no hop waits (signed or refused
    already: a hop is signed at most once); Forbidden unless the actor is an agent or window clerk of the receiving
    unit (window staff only at the deciding unit); DomainError naming ``materials.<i>.name`` / ``.copies`` or
    ``materials.<name>`` when a count differs from what was sent (refuse the hop instead)."""
    with audited_atomic():
        relay, hop = _locked_open_hop(actor, number)
        errors = _Errors()
        counted = {row["name"]: row["copies"] for row in _hop_materials(materials, None, "materials", errors)}
        errors.raise_if_any()
        sent = {row["name"]: row["copies"] for row in hop.materials}
        for name in sorted(set(sent) | set(counted)):
            if sent.get(name, 0) != counted.get(name, 0):
                errors.add(f"materials.{name}", f"“{name}”移交{sent.get(name, 0)}份，清点{counted.get(name, 0)}份，"
                                                "数量不符：请拒收并注明差异")
        errors.raise_if_any("清点的材料与移交清单不符")
        signer = staff_profile_of(actor)
        assert signer is not None
        hop.status, hop.signed_at, hop.signed_by = HandOverStatus.SIGNED, now, signer
        hop.save(update_fields=["status", "signed_at", "signed_by", *_late(hop, now)])
        changed = ["status", "holder_unit", "version"]
        relay.holder_unit = hop.to_unit
        if hop.to_unit.kind == UnitKind.TOWN_CENTER and relay.responsible_id is None:
            relay.responsible = signer
            changed.append("responsible")
        if hop.direction == Direction.DOWN:
            relay.status = RelayStatus.AT_STATION if hop.to_unit_id == relay.origin_unit_id else RelayStatus.RETURNING
            if relay.status == RelayStatus.AT_STATION:
                calendar = get_calendar(hop.to_unit.region)
                relay.deliver_due_on = calendar.add_workdays(
                    timezone.localtime(now).date(), int(settings.BIANMIN["RELAY_DELIVER_WORKING_DAYS"])).date
                changed.append("deliver_due_on")
                enqueue_sms(phone=relay.applicant_phone, kind="RELAY_AT_STATION", cause=f"relay:{relay.number}",
                            now=now, text=f"您委托代办的“{relay.item_version.name}”（代办编号{relay.number}）办理结果"
                                          f"已到{hop.to_unit.name}，请凭代办受理回执领取，或等候代办员送达。")
        elif hop.to_unit_id == relay.deciding_unit_id:
            relay.case = _open_case(actor, relay, sent, now)
            relay.status = RelayStatus.OPENED
            changed.append("case")
        elif needs_review(relay) and not relay.hand_overs.filter(direction=Direction.REVIEW).exists():
            relay.status = RelayStatus.REVIEWING
            _new_hop(relay, direction=Direction.REVIEW, sender=signer, target=hop.to_unit, sent=hop.materials,
                     now=now, days=relay.item_version.lower_review_days)
        else:
            relay.status = RelayStatus.AT_TOWN
        relay.version += 1
        relay.save(update_fields=changed)
        record(action=AuditAction.CASE_CHANGE, summary=f"代办件{relay.number}第{hop.seq}次交接签收：{hop.to_unit.name}"
                                                       + (f"，收件{relay.case.number}" if relay.case else ""),
               actor=actor, obj=relay, now=now, data={"seq": hop.seq, "materials": hop.materials,
                                                      "case": relay.case.number if relay.case else None})
    return hop


def _open_case(actor: User, relay: RelayRequest, counted: dict[str, int], now: dt.datetime) -> Case:
    applicant: ApplicantData = {"kind": relay.applicant_kind, "name": relay.applicant_name,
                                "phone": relay.applicant_phone, "address": relay.applicant_address}
    if relay.applicant_kind == ApplicantKind.PERSON:
        applicant["id_type"], applicant["id_number"] = relay.applicant_id_type, relay.applicant_id_number
    else:
        applicant["credit_code"], applicant["legal_rep"] = relay.applicant_credit_code, relay.applicant_legal_rep
        applicant["contact"] = relay.applicant_contact
    rows: list[MaterialRow] = []
    for line in relay.materials.filter(material__isnull=False):
        assert line.material_id is not None
        copies = counted.get(line.name, 0)
        how = line.received_as if copies else ("SHARED" if line.received_as == "SHARED" else "MISSING")
        rows.append({"material": line.material_id, "received_as": how, "copies": copies})
    case = receive_case(actor=actor, item_code=relay.item_version.item.code, applicant=applicant, materials=rows,
                        now=now, version_id=relay.item_version_id,  # the version the receipt promised
                        via_relay=True)
    hand_files_to_case(relay, case, actor=actor, now=now)  # the agent's photos of the materials go with them
    return case


def refuse_hand_over(*, actor: User, number: str, reason: str, now: dt.datetime) -> HandOver:
    """Refuse the relay's waiting hop with the discrepancy named; the materials stay with the sender, who may send
    them again.

    Raises DomainError naming ``reason`` (empty or over 255 characters); NotFound for a relay out of sight; Conflict
    ``no_open_hand_over`` when no hop waits; Forbidden unless the actor is an agent or window clerk of the receiving
    unit."""
    errors = _Errors()
    text = errors.text("reason", reason, 255, "拒收原因")
    if not text:
        errors.add("reason", "请写明拒收原因（哪份材料、差异是什么）")
    errors.raise_if_any()
    with audited_atomic():
        relay, hop = _locked_open_hop(actor, number)
        refuser = staff_profile_of(actor)
        hop.status, hop.refused_at, hop.refused_by, hop.refusal_reason = HandOverStatus.REFUSED, now, refuser, text
        hop.save(update_fields=["status", "refused_at", "refused_by", "refusal_reason", *_late(hop, now)])
        if hop.direction != Direction.DOWN:  # on the way back the relay stays RETURNING and is sent again
            relay.status = (RelayStatus.REGISTERED if relay.holder_unit_id == relay.origin_unit_id
                            else RelayStatus.AT_TOWN)
        relay.version += 1
        relay.save(update_fields=["status", "version"])
        record(action=AuditAction.CASE_CHANGE, summary=f"代办件{relay.number}第{hop.seq}次交接被拒收：{text}",
               actor=actor, obj=relay, now=now, data={"seq": hop.seq, "reason": text})
    return hop


# ---- 初审 (行政许可法第43条), the way back, delivery, 回访 and archive (decision 0023 §2–§3) ----

def review_relay(*, actor: User, number: str, opinion: str, now: dt.datetime) -> HandOver:
    """Record the lower organ's 初审意见 (行政许可法第43条): the review step ends and the town may send the materials
    up with the opinion. The review does not decide: the deciding organ decides, whatever the opinion says.

    Raises DomainError naming ``opinion`` (empty or over 2000 characters); NotFound for a relay out of sight;
    Conflict unless the relay is in review; Forbidden unless the actor is window staff of the reviewing town."""
    errors = _Errors()
    text = errors.text("opinion", opinion, 2000, "初审意见")
    if not text:
        errors.add("opinion", "请填写初审意见（是否符合条件、理由）")
    errors.raise_if_any()
    with audited_atomic():
        relay = get_relay_for(actor, number, for_update=True)
        if (why := review_refusal(actor, relay)) is not None:
            raise (Forbidden if "只有" in why else Conflict)(why)
        hop = HandOver.objects.select_for_update().get(relay=relay, status=HandOverStatus.SENT)
        reviewer = staff_profile_of(actor)
        hop.status, hop.signed_at, hop.signed_by, hop.opinion = HandOverStatus.SIGNED, now, reviewer, text
        hop.save(update_fields=["status", "signed_at", "signed_by", "opinion", *_late(hop, now)])
        relay.status = RelayStatus.AT_TOWN
        relay.version += 1
        relay.save(update_fields=["status", "version"])
        record(action=AuditAction.CASE_CHANGE, summary=f"代办件{relay.number}下级机关初审完成", actor=actor, obj=relay,
               now=now, data={"seq": hop.seq, "opinion": text})
    return hop


RESULT_WORDS = {"NOT_ACCEPTED": "不予受理通知书", "RETURNED": "退件通知书及申请材料", "WITHDRAWN": "撤回申请的材料"}


def _result_document(case: Case) -> str:
    """Return what goes back to the applicant: the decision's document, or the notice of a case ended before it
    (read from the notice itself, so an archived case still names it)."""
    if case.decided_at is not None:
        return delivered_document(case)
    notice = (case.notices.filter(kind__in=["REJECTION", "RETURN"], issued_at__isnull=False)
              .order_by("-issued_at").first())
    if notice is not None:
        return f"{notice.get_kind_display()}（{notice.number}）" if notice.number else notice.get_kind_display()
    return RESULT_WORDS.get(case.status, "办理结果")


def send_result(*, actor: User, number: str, method: str, now: dt.datetime, received_by: str = "",
                place: str = "") -> RelayRequest:
    """Send the result of the relay's case back (送达): ROUTE sends it down the route it came (a DOWN hop to the
    next unit, signed for at each stop, delivered by the station's agent); POST delivers the case by post from the
    deciding unit (``cases.services.deliver_case``, its 送达回证), and the relay is delivered.

    Raises DomainError naming ``method`` (not ROUTE or POST), or (POST) ``received_by`` / ``place`` as the case's
    delivery does; NotFound for a relay out of sight; Conflict until the case is decided or ended, or once the
    result was sent; Forbidden unless the actor is window staff of the deciding unit. A case the applicant already
    received at the deciding unit's window only records that delivery on the relay (whatever ``method`` says)."""
    if method not in ("ROUTE", "POST"):
        raise DomainError.for_field("method", "回送方式应为 ROUTE（按原路线回送代办站）或 POST（邮寄送达申请人）")
    with audited_atomic():
        relay = get_relay_for(actor, number, for_update=True)
        if (why := send_result_refusal(actor, relay)) is not None:
            raise (Forbidden if "只有" in why else Conflict)(why)
        case = relay.case
        assert case is not None
        document = _result_document(case)
        if case.delivered_at is not None:  # handed over at the deciding unit's window: the relay records it
            how = "POST" if case.delivery_method == DeliveryMethod.POST else "WINDOW"
            _delivered_elsewhere(relay, actor=actor, now=now, at=case.delivered_at, to=case.delivered_to, how=how,
                                 summary=f"办理结果已由{relay.deciding_unit.name}送达（{case.get_delivery_method_display()}）")
            return relay
        if method == "POST":
            if case.status == "DECIDED":
                case = deliver_case(actor=actor, number=case.number, method=DeliveryMethod.POST,
                                    received_by=received_by or relay.applicant_name, place=place, now=now)
                to = case.delivered_to
            else:  # a notice of a case ended without a decision goes by post to the applicant's address
                to = bounded_name(received_by or relay.applicant_name)
                if not (place.strip() or relay.applicant_address):
                    raise DomainError.for_field("place", "邮寄送达须填写送达地点（邮寄地址）")
            _delivered_elsewhere(relay, actor=actor, now=now, at=now, to=to, how="POST",
                                 summary=f"办理结果邮寄送达：{document}")
            return relay
        sender = staff_profile_of(actor)
        assert sender is not None
        if case.status == "DECIDED":  # issued to the applicant's entrusted route: the result-notice clock stops
            relay_took_result(actor=actor, case_id=case.pk, now=now)
        relay.status = RelayStatus.RETURNING
        target = _next_unit(relay)
        hop = _new_hop(relay, direction=Direction.DOWN, sender=sender, target=target,
                       sent=[{"name": document, "copies": 1}], now=now,
                       days=hop_working_days(relay.holder_unit.kind), opinion=f"办件{case.number}：{document}")
        relay.version += 1
        relay.save(update_fields=["status", "version"])
        record(action=AuditAction.CASE_CHANGE, summary=f"代办件{relay.number}办理结果回送：{relay.holder_unit.name} → "
                                                       f"{target.name}", actor=actor, obj=relay, now=now,
               data={"seq": hop.seq, "document": document, "due_on": hop.due_on.isoformat()})
    return relay


def _delivered_elsewhere(relay: RelayRequest, *, actor: User, now: dt.datetime, at: dt.datetime, to: str, how: str,
                         summary: str) -> None:
    """Record on the relay a delivery made by the deciding unit (by post, or at its window): the relay is DELIVERED
    and back with its station, whose 回访 and archive remain."""
    relay.status, relay.delivered_at, relay.delivered_to, relay.delivery_method = RelayStatus.DELIVERED, at, to, how
    relay.holder_unit = relay.origin_unit
    relay.version += 1
    relay.save(update_fields=["status", "delivered_at", "delivered_to", "delivery_method", "holder_unit", "version"])
    record(action=AuditAction.CASE_CHANGE, summary=f"代办件{relay.number}：{summary}", actor=actor, obj=relay, now=now,
           data={"method": how})


def bounded_name(value: str) -> str:
    """Return a recipient's name, refusing one longer than its column (``received_by``)."""
    errors = _Errors()
    text = errors.text("received_by", value, 64, "签收人")
    errors.raise_if_any()
    return text


def deliver_relay(*, actor: User, number: str, received_by: str, now: dt.datetime) -> RelayRequest:
    """Deliver the result waiting at the station to the applicant (or the person they sent): the case is delivered
    by the agent (``cases.services.deliver_relayed_case``) and its 送达回证 is issued for both to sign.

    Raises DomainError naming ``received_by`` (empty or too long); NotFound for a relay out of sight; Conflict
    unless the result waits at the station, or ``deferred_outstanding`` while a 补办 material is due; Forbidden
    unless the actor is an agent or window clerk of the station."""
    name = bounded_name(received_by)
    if not name:
        raise DomainError.for_field("received_by", "请填写签收人（申请人或其委托的人）")
    with audited_atomic():
        relay = get_relay_for(actor, number, for_update=True)
        if (why := deliver_refusal(actor, relay)) is not None:
            raise (Forbidden if "只有" in why else Conflict)(why)
        assert relay.case is not None
        place = relay.origin_unit.address or relay.origin_unit.name
        method = "AGENT"
        if relay.case.delivered_at is not None:  # the applicant took it at the deciding unit's window meanwhile
            method, name = "WINDOW", relay.case.delivered_to
        elif relay.case.status == "DECIDED":
            deliver_relayed_case(actor=actor, case_id=relay.case.pk, received_by=name, place=place, now=now)
        else:  # 不予受理 or 退件: the notice is served here, with its 送达回证
            serve_notice_by_relay(actor=actor, case_id=relay.case.pk, received_by=name, place=place, now=now)
        relay.status, relay.delivered_at, relay.delivered_to = RelayStatus.DELIVERED, now, name
        relay.delivery_method = method
        relay.version += 1
        relay.save(update_fields=["status", "delivered_at", "delivered_to", "delivery_method", "version"])
        enqueue_sms(phone=relay.applicant_phone, kind="RELAY_DELIVERED", cause=f"relay:{relay.number}", now=now,
                    text=f"您委托代办的“{relay.item_version.name}”（代办编号{relay.number}）办理结果已送达，签收人{name}。"
                         f"欢迎评价代办服务：{rating_link(relay.number)} （查询码{relay.query_code}）")
        record(action=AuditAction.CASE_CHANGE, summary=f"代办件{relay.number}办理结果送达申请人，签收人{name}",
               actor=actor, obj=relay, now=now, data={"received_by": name, "case": relay.case.number})
    return relay


def follow_up(*, actor: User, number: str, method: str, said: str, now: dt.datetime) -> RelayFollowUp:
    """Record a 回访 after delivery: a call or a visit, with what the applicant said.

    Raises DomainError naming ``method`` (not CALL or VISIT) or ``said`` (empty or over 2000 characters); NotFound for
    a relay out of sight; Conflict before delivery; Forbidden unless the actor works at the station or is the
    代理责任人."""
    errors = _Errors()
    if method not in FollowUpMethod.values:
        errors.add("method", "回访方式应为 CALL（电话回访）或 VISIT（上门回访）")
    text = errors.text("said", said, 2000, "回访内容")
    if not text and "said" not in errors.fields:
        errors.add("said", "请记录回访内容（申请人的意见）")
    errors.raise_if_any()
    with audited_atomic():
        relay = get_relay_for(actor, number, for_update=True)
        if (why := follow_up_refusal(actor, relay)) is not None:
            raise (Forbidden if "只有" in why else Conflict)(why)
        by = staff_profile_of(actor)
        assert by is not None
        visit = RelayFollowUp.objects.create(relay=relay, method=method, said=text, at=now, by=by)
        relay.version += 1
        relay.save(update_fields=["version"])
        record(action=AuditAction.CASE_CHANGE, summary=f"代办件{relay.number}回访（{visit.get_method_display()}）",
               actor=actor, obj=relay, now=now, data={"method": method})
    return visit


def archive_relay(*, actor: User, number: str, now: dt.datetime) -> RelayRequest:
    """Archive the relay (归档) and so report it (上报): a closed relay is counted in the upper levels' statistics.

    Raises NotFound for a relay out of sight; Conflict before delivery, without a 回访, or once archived;
    Forbidden unless the actor works at the station or is the 代理责任人."""
    with audited_atomic():
        relay = get_relay_for(actor, number, for_update=True)
        if (why := archive_refusal(actor, relay)) is not None:
            raise (Forbidden if "只有" in why else Conflict)(why)
        relay.status, relay.closed_at = RelayStatus.CLOSED, now
        relay.version += 1
        relay.save(update_fields=["status", "closed_at", "version"])
        record(action=AuditAction.CASE_CHANGE, summary=f"代办件{relay.number}归档上报", actor=actor, obj=relay, now=now)
    return relay
