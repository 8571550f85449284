"""便民活动 for the board's tests (issue 14 item 3, decision 0026 §7): one of each kind the board shows or hides, at
the hospital desk of ``testing.hospital.hospital_cast``, all made through ``hospital.services`` as its staff.

``board_events(h)`` returns them by name: ``planned`` (not published: never on the board), ``published`` (coming,
with 心内科 taking part), ``cancelled`` (published, then cancelled with ``CANCEL_REASON``), ``held`` (five days
before ``NOW``, ``ATTENDANCE`` came) and ``old`` (held 45 days before: past the board's 30 days)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from .factories import NOW

CANCEL_REASON = "天气预报有暴雨，活动改期举行"
ATTENDANCE = 88


def board_events(h: dict[str, Any]) -> dict[str, Any]:
    """Make the five events at ``h["desk"]`` as ``h["desk_a"]`` (planned a week or more ahead of each)."""
    from bianmin.hospital import services as hs

    actor = h["desk_a"]

    def plan(title: str, starts: dt.datetime, kind: str = "FREE_CLINIC", **extra: Any) -> Any:
        return hs.plan_event(actor=actor, kind=kind, title=title, place="门诊楼前广场", starts_at=starts,
                             ends_at=starts + dt.timedelta(hours=3), now=starts - dt.timedelta(days=8), **extra)

    planned = plan("老年人骨密度免费筛查", NOW + dt.timedelta(days=6), kind="SCREENING")
    published = plan("高血压和糖尿病的家庭管理", NOW + dt.timedelta(days=2), kind="HEALTH_TALK", capacity=120,
                     department_ids=[h["k1"].pk], description="心内科主任讲解家庭血压测量")
    hs.publish_event(actor=actor, event_id=published.pk, now=NOW - dt.timedelta(days=1))
    cancelled = plan("“陪诊助老”志愿服务", NOW + dt.timedelta(days=3), kind="VOLUNTEER")
    hs.publish_event(actor=actor, event_id=cancelled.pk, now=NOW - dt.timedelta(days=2))
    hs.cancel_event(actor=actor, event_id=cancelled.pk, reason=CANCEL_REASON, now=NOW - dt.timedelta(hours=3))
    held = plan("心脑血管病专家义诊", NOW - dt.timedelta(days=5), department_ids=[h["k1"].pk, h["k2"].pk])
    hs.publish_event(actor=actor, event_id=held.pk, now=NOW - dt.timedelta(days=7))
    hs.record_attendance(actor=actor, event_id=held.pk, attendance=ATTENDANCE, summary="测血压、血糖88人次",
                         now=NOW - dt.timedelta(days=5, hours=-4))
    old = plan("健康知识讲座（上月）", NOW - dt.timedelta(days=45), kind="HEALTH_TALK")
    hs.publish_event(actor=actor, event_id=old.pk, now=NOW - dt.timedelta(days=50))
    hs.record_attendance(actor=actor, event_id=old.pk, attendance=40, now=NOW - dt.timedelta(days=44))
    return {"planned": planned, "published": published, "cancelled": cancelled, "held": held, "old": old}
