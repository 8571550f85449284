"""Who may see and do what at a hospital desk (decision 0026 §3).

- The desk's side is the staff of the desk itself (their unit is the case's unit) holding 受理和办理办件: they record
  the patient, send, withdraw and close coordination requests and tell the family. Staff above the desk (the
  county center) may see the case by the org scope, but not the patient's health fields.
- A 科室's side is the staff of that 科室 (their unit is the request's department) holding 使用工作台: they answer,
  refuse or raise the requests addressed to it, and read the patient's health fields of the cases they have a
  request on.
- Anyone else is told the request does not exist.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.cases.workflow import RUNNING
from bianmin.core.errors import Conflict, DomainError
from bianmin.org.models import UnitKind
from bianmin.org.policies import staff_profile_of

from .models import CLOSED, REPLIED, CareEvent, CoordinationRequest, EventStatus, RequestStatus

if TYPE_CHECKING:
    import datetime as dt

    from bianmin.cases.models import Case
    from bianmin.org.models import StaffProfile, Unit
    from bianmin.users.types import AnyUser


def hospital_case_refusal(case: Case) -> DomainError | None:
    """Refuse patient fields and coordination on a case that was not received at a hospital desk."""
    if not case.unit.is_hospital_desk:
        return DomainError.for_field("case", "只有医院便民服务中心受理的办件才能登记患者信息和科室协调，"
                                             "政务服务办件不能填写患者信息")
    return None


def is_desk_side(user: AnyUser, unit_id: int) -> bool:
    """The user works at the desk ``unit_id`` itself and handles cases there."""
    profile = staff_profile_of(user)
    return profile is not None and profile.unit_id == unit_id and can(user, Perm.HANDLE_CASES)


def is_department_side(user: AnyUser, department_id: int) -> bool:
    """The user works in the 科室 ``department_id``."""
    profile = staff_profile_of(user)
    return profile is not None and profile.unit_id == department_id and can(user, Perm.USE_WORKBENCH)


def department_profile(user: AnyUser) -> StaffProfile | None:
    """The user's profile when they work in a hospital 科室 (their coordination inbox), else None."""
    profile = staff_profile_of(user)
    if profile is None or profile.unit.kind != UnitKind.HOSPITAL_DEPT or not can(user, Perm.USE_WORKBENCH):
        return None
    return profile


def department_refusal(desk: Unit, department: Unit | None, field: str = "department") -> DomainError | None:
    """A request goes only to an active 科室 of the same hospital."""
    if department is None or department.kind != UnitKind.HOSPITAL_DEPT or not department.is_active:
        return DomainError.for_field(field, "请选择本医院的科室")
    if department.parent_id != desk.pk:
        return DomainError.for_field(field, "所选科室不属于本医院，不能向其他医院的科室发出协调")
    return None


def send_refusal(case: Case) -> DomainError | None:
    refusal = hospital_case_refusal(case)
    if refusal is not None:
        return refusal
    if case.status not in RUNNING:
        return Conflict("办件已受理且尚未办结时才能发起科室协调", code="case_not_running")
    return None


def reply_refusal(request: CoordinationRequest) -> Conflict | None:
    """A 科室 answers, refuses or raises only an open request of a case still running."""
    if request.status != RequestStatus.OPEN:
        return Conflict(f"协调单{request.number}{request.get_status_display()}，不能再答复", code="request_closed")
    if request.case.status not in RUNNING:
        return Conflict(f"办件{request.case.number}已{request.case.get_status_display()}，协调单随之关闭，不能再答复",
                        code="case_ended")
    return None


def tell_refusal(request: CoordinationRequest) -> Conflict | None:
    if request.status not in REPLIED:
        return Conflict("科室答复后才能告知患者或家属", code="request_not_replied")
    return None


def withdraw_refusal(request: CoordinationRequest) -> Conflict | None:
    if request.status in CLOSED:
        return Conflict(f"协调单{request.number}{request.get_status_display()}，不能撤回", code="request_closed")
    return None


def may_read_texts(user: AnyUser, request: CoordinationRequest) -> bool:
    """What was asked, answered and told on a request is clinical: the desk's staff and the 科室 it is addressed to
    read it; readers above the desk see the request without it (decision 0026 §6)."""
    return is_desk_side(user, request.desk_id) or is_department_side(user, request.department_id)


def may_read_health(user: AnyUser, case: Case) -> bool:
    """The desk's staff; and the staff of a 科室 while it handles a request on the running case (open, or answered
    and not yet told to the family): the minimum necessary (个人信息保护法 Art. 6, 28)."""
    if is_desk_side(user, case.unit_id):
        return True
    profile = staff_profile_of(user)
    if profile is None or profile.unit.kind != UnitKind.HOSPITAL_DEPT or not can(user, Perm.USE_WORKBENCH):
        return False
    if case.status not in RUNNING:
        return False
    return CoordinationRequest.objects.filter(case_id=case.pk, department_id=profile.unit_id,
                                              status__in=HANDLING).exists()


def is_overdue(request: CoordinationRequest, now: dt.datetime) -> bool:
    """An open request past its due time (the sweep records it; pages show it at once)."""
    return request.status == RequestStatus.OPEN and request.due_at <= now


# A 科室 handles a request while it is open or answered and not yet closed by the desk.
HANDLING = (RequestStatus.OPEN, *REPLIED)


# --- 便民活动 ----------------------------------------------------------------------------------------------------

def publish_refusal(event: CareEvent, now: dt.datetime) -> Conflict | None:
    if event.status != EventStatus.PLANNED:
        return Conflict(f"活动{event.get_status_display()}，不能发布", code="event_not_planned")
    if event.starts_at <= now:
        return Conflict("活动已开始，不能再发布", code="event_started")
    return None


def attendance_refusal(event: CareEvent, now: dt.datetime) -> Conflict | None:
    if event.status not in (EventStatus.PUBLISHED, EventStatus.HELD):
        return Conflict(f"活动{event.get_status_display()}，不能登记参加人数", code="event_not_published")
    if event.starts_at > now:
        return Conflict("活动尚未开始，不能登记参加人数", code="event_not_started")
    return None


def cancel_refusal(event: CareEvent) -> Conflict | None:
    if event.status not in (EventStatus.PLANNED, EventStatus.PUBLISHED):
        return Conflict(f"活动{event.get_status_display()}，不能取消", code="event_closed")
    return None


def event_steps(user: AnyUser, event: CareEvent, now: dt.datetime) -> tuple[str, ...]:
    """The steps the user may take on the event now (the pages offer these; the services check the same)."""
    if not is_desk_side(user, event.unit_id):
        return ()
    steps = {"publish": publish_refusal(event, now), "attend": attendance_refusal(event, now),
             "cancel": cancel_refusal(event)}
    return tuple(name for name, refusal in steps.items() if refusal is None)
