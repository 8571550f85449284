"""Reads of the hospital desk: the desk's request list by org scope, a 科室's inbox, one request, the figures per
科室 (no patient data), and the board's 便民活动."""
import datetime as dt

import pytest

from bianmin.hospital import selectors, services, sweep
from bianmin.hospital.models import CareEvent, EventStatus, RequestStatus
from bianmin.org.services import save_unit
from bianmin.testing.factories import MON, at
from bianmin.testing.hospital import DIAGNOSIS, SENT, WARD, refused

H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


# --- request lists -----------------------------------------------------------------------------------------------

def test_the_desk_and_the_leaders_above_it_see_the_desks_requests(hospital, send, cast, other_desk):
    h = hospital
    sent = {send(to="k1").pk, send(to="k2").pk}
    for reader in (h["desk_a"], h["desk_b"], h["desk_leader"], cast["leader"], cast["window_a"],
                   cast["supervisor"]):
        assert set(selectors.desk_requests(reader).values_list("pk", flat=True)) == sent, reader
    for outsider in (other_desk, h["k1_staff"], h["k9_staff"], cast["town_window"], cast["sysadmin"],
                     cast["auditor"]):
        assert not selectors.desk_requests(outsider).exists(), outsider


def test_the_desk_list_filters(hospital, send):
    h = hospital
    to_k1, to_k2 = send(to="k1"), send(to="k2")
    services.answer_request(actor=h["k2_staff"], request_id=to_k2.pk, answer="可以", now=SENT + H)
    assert list(selectors.desk_requests(h["desk_a"], status=RequestStatus.OPEN)) == [to_k1]
    assert list(selectors.desk_requests(h["desk_a"], department_id=h["k2"].pk)) == [to_k2]
    assert list(selectors.desk_requests(h["desk_a"], q=to_k1.number)) == [to_k1]
    assert set(selectors.desk_requests(h["desk_a"], q=h["case"].number)) == {to_k1, to_k2}


def test_a_department_inbox_holds_only_its_own_requests(hospital, send, cast):
    h = hospital
    to_k1, to_k2 = send(to="k1"), send(to="k2")
    assert list(selectors.department_inbox(h["k1_staff"])) == [to_k1]
    assert list(selectors.department_inbox(h["k2_staff"])) == [to_k2]
    for outsider in (h["k9_staff"], h["desk_a"], cast["leader"], cast["window_a"]):
        assert not selectors.department_inbox(outsider).exists()
    services.escalate_request(actor=h["k1_staff"], request_id=to_k1.pk, to_department_id=h["k2"].pk, note="转医务科",
                              now=SENT + H)
    assert list(selectors.department_inbox(h["k1_staff"])) == []
    assert set(selectors.department_inbox(h["k2_staff"])) == {to_k1, to_k2}
    assert list(selectors.department_inbox(h["k2_staff"], status=RequestStatus.OPEN)) == [to_k2, to_k1]  # by due


def test_a_department_inbox_lists_open_requests_first(hospital, send):
    """Decision 0026 / the selector's docstring: "open ones first by due time"."""
    h = hospital
    answered, told, withdrawn, refused_, open_later, open_soon = (send(to="k1", hours=hours) for hours in
                                                                 (1, 2, 3, 4, 48, 24))
    services.answer_request(actor=h["k1_staff"], request_id=answered.pk, answer="可以", now=SENT + H / 2)
    services.answer_request(actor=h["k1_staff"], request_id=told.pk, answer="可以", now=SENT + H / 2)
    services.tell_family(actor=h["desk_a"], request_id=told.pk, note="告知", now=SENT + H)
    services.withdraw_request(actor=h["desk_a"], request_id=withdrawn.pk, reason="不需要", now=SENT + H)
    services.refuse_request(actor=h["k1_staff"], request_id=refused_.pk, reason="无床位", now=SENT + H)
    inbox = list(selectors.department_inbox(h["k1_staff"]))
    assert len(inbox) == 6
    assert inbox[:2] == [open_soon, open_later], [(r.number, r.status) for r in inbox]


def test_one_request_is_seen_by_its_desk_its_department_and_the_leaders_above(hospital, send, cast, other_desk):
    h = hospital
    request = send(to="k1")
    for reader in (h["desk_a"], h["k1_staff"], cast["leader"], cast["supervisor"]):
        assert selectors.request_for(reader, request.pk) == request
    for outsider in (h["k2_staff"], h["k9_staff"], other_desk, cast["town_window"], cast["sysadmin"]):
        refused(lambda u=outsider: selectors.request_for(u, request.pk), 404)
    refused(lambda: selectors.request_for(h["desk_a"], 999999), 404)
    services.escalate_request(actor=h["k1_staff"], request_id=request.pk, to_department_id=h["k2"].pk,
                              note="转医务科", now=SENT + H)
    assert selectors.request_for(h["k2_staff"], request.pk) == request
    refused(lambda: selectors.request_for(h["k1_staff"], request.pk), 404)


def test_steps_and_requests_of_a_case_are_in_order(hospital, send):
    h = hospital
    first, second = send(to="k1"), send(to="k2", now=SENT + H)
    services.answer_request(actor=h["k1_staff"], request_id=first.pk, answer="可以", now=SENT + 2 * H)
    assert selectors.requests_of_case(h["case"]) == [first, second]
    assert [s.kind for s in selectors.steps_of(first)] == ["SENT", "ANSWERED"]


def test_departments_of_a_desk_are_its_active_departments(hospital):
    h = hospital
    assert list(selectors.departments_of(h["desk"])) == [h["k1"], h["k2"]]
    h["k2"].is_active = False
    save_unit(h["k2"])
    assert list(selectors.departments_of(h["desk"])) == [h["k1"]]
    assert list(selectors.departments_of(h["other"])) == [h["k9"]]


# --- figures per 科室 ----------------------------------------------------------------------------------------

PATIENT_WORDS = ("patient", "diagnosis", "ward", "applicant", "relation")


def _figures(user) -> dict[str, dict]:
    rows = selectors.department_figures(user, at(MON, 0), at(MON + 7 * DAY, 0))
    for row in rows:
        assert not any(word in key for key in row for word in PATIENT_WORDS), row
        assert not any(str(v) in (DIAGNOSIS, WARD, "李大", "李四") for v in row.values()), row
    return {row["department__name"]: row for row in rows}


def test_department_figures_count_per_department(hospital, patient, send, cast, other_desk):
    h = hospital
    answered = send(to="k1", hours=4)
    services.answer_request(actor=h["k1_staff"], request_id=answered.pk, answer="可以", now=SENT + H)
    told = send(to="k1", hours=4)
    services.answer_request(actor=h["k1_staff"], request_id=told.pk, answer="可以", now=SENT + H)
    services.tell_family(actor=h["desk_a"], request_id=told.pk, note="告知", now=SENT + 2 * H)
    late = send(to="k1", hours=1)
    sweep.run(SENT + 2 * H)
    send(to="k2", hours=24)
    withdrawn = send(to="k2", hours=24)
    services.withdraw_request(actor=h["desk_a"], request_id=withdrawn.pk, reason="不需要", now=SENT + H)
    send(to="k1", now=at(MON + 8 * DAY, 10))  # outside the period
    figures = _figures(h["desk_a"])
    assert figures["心内科"] | {"department_id": 0} == {
        "department_id": 0, "department__name": "心内科", "total": 3, "answered": 2, "refused": 0, "open": 1,
        "late": 1}
    assert (figures["医务科"]["total"], figures["医务科"]["open"], figures["医务科"]["answered"]) == (2, 1, 0)
    assert late.pk and _figures(cast["leader"]) == figures  # the leader above the desk: the same figures
    assert _figures(other_desk) == {} and _figures(h["k1_staff"]) == {}


def test_a_refusal_still_counts_as_refused_after_the_family_is_told(hospital, send):
    """A 科室's "不能办理" is a refusal in the figures whether or not the desk has told the family since."""
    h = hospital
    request = send(to="k1")
    services.refuse_request(actor=h["k1_staff"], request_id=request.pk, reason="本科无床位", now=SENT + H)
    assert (_figures(h["desk_a"])["心内科"]["refused"], _figures(h["desk_a"])["心内科"]["answered"]) == (1, 0)
    services.tell_family(actor=h["desk_a"], request_id=request.pk, note="告知家属本院无床位", now=SENT + 2 * H)
    row = _figures(h["desk_a"])["心内科"]
    assert (row["refused"], row["answered"]) == (1, 0), row


# --- 便民活动 on the board ---------------------------------------------------------------------------------------

START = at(MON + 7 * DAY, 9)


def _event(h, *, starts_at=START, publish=True, title="义诊"):
    event = services.plan_event(actor=h["desk_a"], kind="FREE_CLINIC", title=title, place="门诊大厅",
                                starts_at=starts_at, ends_at=starts_at + 3 * H, now=SENT)
    if publish:
        services.publish_event(actor=h["desk_a"], event_id=event.pk, now=SENT)
    return event


def _board(h, now) -> list[str]:
    return [e.title for e in selectors.published_events(h["desk"].pk, now)]


def test_the_board_shows_published_events_not_planned_ones(hospital):
    h = hospital
    _event(h, title="已发布", starts_at=START)
    _event(h, title="计划中", starts_at=START + DAY, publish=False)
    assert _board(h, SENT + H) == ["已发布"]
    assert _board(h, START + 4 * H) == []  # over and not recorded as held: no longer on the board
    assert selectors.published_events(h["other"].pk, SENT + H) == []


def test_a_cancellation_stays_on_the_board_until_the_events_end(hospital):
    h = hospital
    event = _event(h, title="取消的义诊")
    services.cancel_event(actor=h["desk_a"], event_id=event.pk, reason="专家临时有手术", now=SENT + H)
    board = selectors.published_events(h["desk"].pk, SENT + 2 * H)
    assert [(e.title, e.status, e.cancel_reason) for e in board] == [
        ("取消的义诊", EventStatus.CANCELLED, "专家临时有手术")]
    assert _board(h, START + 3 * H) == ["取消的义诊"]  # until its end
    assert _board(h, START + 3 * H + dt.timedelta(seconds=1)) == []
    never_published = _event(h, title="未发布即取消", publish=False)
    services.cancel_event(actor=h["desk_a"], event_id=never_published.pk, reason="改期", now=SENT + H)
    assert _board(h, SENT + 2 * H) == ["取消的义诊"]


def test_held_events_stay_on_the_board_for_thirty_days_with_their_attendance(hospital):
    h = hospital
    event = _event(h, title="健康讲座")
    services.record_attendance(actor=h["desk_a"], event_id=event.pk, attendance=35, now=START + 4 * H)
    end = START + 3 * H
    (shown,) = selectors.published_events(h["desk"].pk, end + 29 * DAY)
    assert shown.attendance == 35 and shown.status == EventStatus.HELD
    assert _board(h, end + 30 * DAY) == ["健康讲座"]
    assert _board(h, end + 31 * DAY) == []


def test_events_for_and_event_for_follow_the_scope(hospital, cast, other_desk):
    h = hospital
    event = _event(h)
    assert list(selectors.events_for(h["desk_a"])) == [event]
    assert list(selectors.events_for(cast["leader"])) == [event]
    assert not selectors.events_for(other_desk).exists()
    assert selectors.event_for(cast["leader"], event.pk) == event
    refused(lambda: selectors.event_for(other_desk, event.pk), 404)
    refused(lambda: selectors.event_for(h["desk_a"], 999999), 404)
    assert CareEvent.objects.count() == 1


@pytest.mark.parametrize("days", [1, 7])
def test_the_held_window_is_a_parameter(hospital, days):
    h = hospital
    event = _event(h, title="筛查")
    services.record_attendance(actor=h["desk_a"], event_id=event.pk, attendance=3, now=START + 4 * H)
    end = START + 3 * H
    assert [e.title for e in selectors.published_events(h["desk"].pk, end + (days - 0.5) * DAY,
                                                        held_days=days)] == ["筛查"]
    assert selectors.published_events(h["desk"].pk, end + (days + 0.5) * DAY, held_days=days) == []
