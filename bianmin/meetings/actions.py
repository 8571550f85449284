"""The catalogue of meeting actions (see ``core.actions``): each step declared once.

- :data:`MEETING_ACTIONS` (keyed by the meeting's ``pk``): record a decision as an action item, save the minutes.
- :data:`ACTION_ITEM_ACTIONS` (keyed by the action item's ``pk``): report it done — on the meeting page and on
  我的议定事项.
- :data:`CREATE_ACTIONS`: opening a meeting record, which has no subject yet (the subject-less pattern of
  ``accountability.actions``: ``key == ""``, the API answers 201). The new-meeting page draws its form for a
  :class:`MeetingDraft` — the kind chosen on the page — which says which fields apply (a 专题会议 has a topic and
  no period); the kind itself is posted as a hidden field.

``allowed`` is the policy's refusal function (``policies.*_refusal``), which the services raise before they write.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, field_validator
from pydantic.json_schema import JsonDict

from bianmin.core.actions import ActionInput, ActionSpec, Catalogue
from bianmin.core.timeutils import EARLIEST_DATE, LATEST_DATE

from . import services as svc
from .models import ActionItem, Meeting, MeetingKind
from .policies import done_refusal, meeting_refusal, record_refusal

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser, User

Day = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]
TEXTAREA: JsonDict = {"widget": "textarea"}
LINES: JsonDict = {"widget": "lines"}


@dataclass(frozen=True)
class MeetingDraft:
    """A meeting about to be opened, as the new-meeting page has it: its kind."""

    kind: str


# ---- inputs: field titles are the labels on the screen and the descriptions in the OpenAPI document ----

class MeetingIn(ActionInput):
    kind: MeetingKind = Field(MeetingKind.JOINT, title="会议类别",
                              description="JOINT 联席会议、REGULAR 工作例会、SPECIAL 专题会议")
    topic: str = Field("", title="会议主题", max_length=255, description="专题会议必填：需研究解决的重大、紧急事项")
    held_on: Day = Field(..., title="会议日期")
    period_start: Day | None = Field(None, title="议题期间自",
                                     description="联席会议、工作例会默认为本单位会议周期的上一期，专题会议不填")
    period_end: Day | None = Field(None, title="议题期间至")
    chair: str = Field(..., title="主持人", max_length=64)
    attendees: str = Field(..., title="参会人员", max_length=2000, json_schema_extra=TEXTAREA)
    place: str = Field("", title="地点", max_length=128)
    extra_topics: list[str] = Field([], title="议题（每行一项）", json_schema_extra=LINES)
    case_numbers: list[str] = Field([], title="关联办件编号（空格或换行分隔）", description="须在本单位范围内",
                                    json_schema_extra=LINES)

    @field_validator("extra_topics", mode="before")
    @classmethod
    def _topic_lines(cls, value: Any) -> Any:
        return [line.strip() for line in value.splitlines() if line.strip()] if isinstance(value, str) else value

    @field_validator("case_numbers", mode="before")
    @classmethod
    def _case_words(cls, value: Any) -> Any:
        return value.split() if isinstance(value, str) else value


class MeetingDecisionIn(ActionInput):
    decision: str = Field(..., title="议定事项", max_length=2000, json_schema_extra=TEXTAREA)
    agenda_item: int | None = Field(None, title="对应议题", description="本会议的议题编号（可空）")
    owner: str = Field(..., title="责任人上岗证号", max_length=32)
    due_date: Day = Field(..., title="完成时限")


class MinutesIn(ActionInput):
    minutes: str = Field("", title="会议纪要", max_length=20000, json_schema_extra=TEXTAREA)


class ActionDoneIn(ActionInput):
    note: str = Field(..., title="完成情况", max_length=2000)


# ---- who may: the policies' refusals ----

def _may_record(actor: AnyUser, meeting: Meeting) -> bool:
    return record_refusal(actor, meeting) is None


def _may_report_done(actor: AnyUser, action: ActionItem) -> bool:
    return done_refusal(actor, action) is None


def _may_hold(actor: AnyUser, draft: MeetingDraft | None) -> bool:
    return meeting_refusal(actor, draft.kind if draft is not None else "") is None


# ---- what the screen shows or offers (the service decides whatever door the input came through) ----

def _agenda(meeting: Meeting) -> list[tuple[str, str]]:
    def short(title: str) -> str:
        return title if len(title) <= 40 else title[:39] + "…"
    return [("", "（无）"), *((str(a.pk), f"{n}. {short(a.title)}") for n, a in enumerate(meeting.agenda.all(), 1))]


def _special(draft: MeetingDraft | None) -> bool:
    return draft is not None and draft.kind == MeetingKind.SPECIAL


def _periodic(draft: MeetingDraft | None) -> bool:
    return not _special(draft)


def _chosen_on_the_page(draft: MeetingDraft | None) -> bool:
    return False  # the kind is the page's (a hidden field), chosen by its links


# ---- what each action does: the one service ----

def _create(*, actor: User, key: None, data: MeetingIn, now: dt.datetime) -> Meeting:
    return svc.create_meeting(actor=actor, kind=str(data.kind), topic=data.topic, held_on=data.held_on,
                              period_start=data.period_start, period_end=data.period_end, chair=data.chair,
                              attendees=data.attendees, place=data.place, extra_topics=data.extra_topics,
                              case_numbers=data.case_numbers, now=now)


def _decision(*, actor: User, key: int, data: MeetingDecisionIn, now: dt.datetime) -> ActionItem:
    return svc.add_decision(actor=actor, meeting_id=key, decision=data.decision, owner=data.owner,
                            due_date=data.due_date, agenda_item_id=data.agenda_item, now=now)


def _minutes(*, actor: User, key: int, data: MinutesIn, now: dt.datetime) -> Meeting:
    return svc.save_minutes(actor=actor, meeting_id=key, minutes=data.minutes, now=now)


def _done(*, actor: User, key: int, data: ActionDoneIn, now: dt.datetime) -> ActionItem:
    return svc.complete_action(actor=actor, action_id=key, note=data.note, now=now)


def _opened(meeting: Meeting) -> str:
    return f"已建立{meeting.get_kind_display()}记录，议题 {meeting.agenda.count()} 项"


MEETING_ACTIONS: Catalogue[Meeting] = Catalogue(subject="meeting", key="pk", key_type=int)
MEETING_ACTIONS.add(ActionSpec(
    "decision", "记录议定事项", MeetingDecisionIn, _decision, _may_record, "decisions", button="记录议定事项",
    choices={"agenda_item": _agenda}, done="已记录议定事项，已通知责任人",
    description="议定事项成为有责任人和完成时限的待办，通知责任人；返回 201 和新事项。"
                "拒绝：会议不存在或不在本人范围（404）；未填事项、责任人不在会议单位范围、完成时限早于会议日期、"
                "议题不属本会议（400，fields 指明）。"))
MEETING_ACTIONS.add(ActionSpec(
    "minutes", "会议纪要", MinutesIn, _minutes, _may_record, "minutes", button="保存纪要", secondary=True,
    done="会议纪要已保存",
    description="以新内容替换会议纪要，返回会议记录。拒绝：会议不存在或不在本人范围（404）。"))

ACTION_ITEM_ACTIONS: Catalogue[ActionItem] = Catalogue(subject="meeting_action", key="pk", key_type=int)
ACTION_ITEM_ACTIONS.add(ActionSpec(
    "done", "报告完成", ActionDoneIn, _done, _may_report_done, "done", button="完成", done="已标记完成",
    description="责任人，或能看到该会议的领导、监督员报告议定事项完成。拒绝：其他人（404）；已完成（409）；"
                "未填完成情况（400）。"))

_Shown = Callable[[MeetingDraft | None], bool]
_SHOW: dict[str, _Shown] = {"kind": _chosen_on_the_page, "topic": _special, "period_start": _periodic,
                            "period_end": _periodic}

CREATE_ACTIONS: Catalogue[MeetingDraft | None] = Catalogue(subject="meetings", key="")
CREATE_ACTIONS.add(ActionSpec(
    "create", "新建会议记录", MeetingIn, _create, _may_hold, "meetings", button="建立会议记录", show_if=_SHOW,
    done=_opened,
    description="联席会议、工作例会自动收集议题期间内的超期办件和过错记录；专题会议由领导召开，须填主题、不填期间。"
                "返回 201 和会议记录。拒绝：不是领导或监督员、监督员召开专题会议（403）；本单位未建立工作例会制度、"
                "专题会议未填主题、主持人或参会人员为空、期间有误、办件不在本单位范围（400，fields 指明）。"))

