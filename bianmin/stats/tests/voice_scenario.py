"""October 2026 in county C1, as the citizens rated it (shared by the statistics, meeting and API tests).

Seven cases of JB-01 (即办) accepted on Monday 10/12 and delivered on Tuesday 10/13, one 首问 closed on 10/20:
- c1 window_a, 非常满意 on the pad of window 01; c2 window_a, 满意 by QR; c3 window_a, 基本满意 by default (默认评价);
- c4 window_b, 不满意 by QR, real name: visited on time, rectified on time, told, 追评 满意;
- c5 window_b, 非常不满意 by SMS, real name: visited late, still being rectified (the case is closed);
- c6 window_b, 非常不满意, real name, excluded by an upheld appeal;
- c7 window_a, not rated; the inquiry (window_a) not rated; one case rated in September (out of the period).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from bianmin.cases import services as svc
from bianmin.inquiries import services as inq
from bianmin.ratings.models import BadRatingFollowUp, FollowUpStatus, Rating
from bianmin.ratings.services import record_rating
from bianmin.testing.factories import applicant, at

OCT1, OCT31, TODAY = dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 11, 2)
EVALUATOR, EVALUATOR_PHONE = "欧阳评价人", "13912345678"
JB_MATERIALS = [{"material": "申请书", "received_as": "PAPER", "copies": 1}]


def delivered(actor: Any, day: dt.date, name: str) -> Any:
    case = svc.receive_case(actor=actor, item_code="JB-01", applicant=applicant(name=name), materials=JB_MATERIALS,
                            now=at(day))
    svc.accept_immediately(actor=actor, number=case.number, now=at(day), certificate_number=f"JY-{name}")
    return svc.deliver_case(actor=actor, number=case.number, method="PICKUP", received_by=name,
                            now=at(day + dt.timedelta(days=1)))


def rate(case: Any, level: int, channel: str, day: dt.date, **kw: Any) -> Rating:
    return record_rating(subject="CASE", instance=case, level=level, channel=channel, now=at(day, 15), **kw)


def october_ratings(cast: dict[str, Any]) -> dict[str, Any]:
    a, b = cast["window_a"], cast["window_b"]
    mon, tue = dt.date(2026, 10, 12), dt.date(2026, 10, 13)
    real = {"evaluator_name": EVALUATOR, "evaluator_phone": EVALUATOR_PHONE}
    september = delivered(a, dt.date(2026, 9, 21), "九月")
    rate(september, 1, "QR", dt.date(2026, 9, 23), **real)
    c = {f"c{i}": delivered(a if i in (1, 2, 3, 7) else b, mon, f"申请人{i}") for i in range(1, 8)}
    r = {"r1": rate(c["c1"], 5, "PAD", tue, window=cast["post"].window),
         "r2": rate(c["c2"], 4, "QR", tue), "r3": rate(c["c3"], 3, "DEFAULT", dt.date(2026, 10, 20)),
         "r4": rate(c["c4"], 2, "QR", tue, comment="等了很久", **real),
         "r5": rate(c["c5"], 1, "SMS", tue, **real), "r6": rate(c["c6"], 1, "QR", tue, **real)}
    # Follow-ups set directly (the follow-up services are written elsewhere): r4 handled in time and re-rated.
    BadRatingFollowUp.objects.filter(rating=r["r4"]).update(
        visited_at=at(tue, 17), rectified_at=at(dt.date(2026, 10, 20)), told_at=at(dt.date(2026, 10, 21)),
        status=FollowUpStatus.CLOSED, rectification="调整窗口人员")
    Rating.objects.create(subject="CASE", case=c["c4"], staff=r["r4"].staff, unit=r["r4"].unit,
                          unit_path=r["r4"].unit_path, level=4, channel="QR", rated_at=at(dt.date(2026, 10, 22)),
                          parent=r["r4"], real_name=True, evaluator_name=EVALUATOR)
    BadRatingFollowUp.objects.filter(rating=r["r5"]).update(
        visited_at=at(dt.date(2026, 10, 19)), status=FollowUpStatus.RECTIFY)
    Rating.objects.filter(pk=r["r6"].pk).update(excluded=True, excluded_reason="申诉成立：误评")
    i = inq.register_inquiry(actor=a, channel="WINDOW", matter="咨询", visitor_name="丁", now=at(dt.date(2026, 10, 20)))
    inq.record_outcome(actor=a, number=i.number, outcome="ANSWERED", result="已解答", now=at(dt.date(2026, 10, 20)))
    return {**c, **r, "inquiry": i, "september": september}


COMPLAINANT, COMPLAINANT_PHONE = "司马投诉人", "13800001111"


def october_complaints(cast: dict[str, Any], org: dict[str, Any]) -> dict[str, Any]:
    """Five complaints received in October at the county center (registered by the supervisor), one in September:
    - k1 服务态度 about window_b, named, replied on time (10/14), confirmed;
    - k2 办事拖延 about window_a, named, never replied (due 10/19): late and open;
    - k3 其他, anonymous, about window 01: open, not judged (no reply channel);
    - k4 乱收费 about window_a, named, replied late (10/28);
    - k5 推诿扯皮 about window_b, named, transferred to the town center T1 (in the county's scope), open there."""
    from bianmin.complaints.models import Complaint, ComplaintStatus
    from bianmin.complaints.services import register_complaint

    sup = cast["supervisor"]
    named = {"name": COMPLAINANT, "phone": COMPLAINANT_PHONE}

    def register(day: dt.date, kind: str, subject_type: str, **kw: Any) -> Complaint:
        return register_complaint(actor=sup, channel="DESK", kind=kind, subject_type=subject_type,
                                  matter=f"{COMPLAINANT}反映：窗口问题", now=at(day), **kw)

    mon = dt.date(2026, 10, 12)
    k = {"k1": register(mon, "ATTITUDE", "STAFF", staff="B-window_b", **named),
         "k2": register(mon, "DELAY", "STAFF", staff="B-window_a", **named),
         "k3": register(dt.date(2026, 10, 20), "OTHER", "WINDOW", window="01", anonymous=True),
         "k4": register(dt.date(2026, 10, 13), "IMPROPER_FEE", "STAFF", staff="B-window_a", **named),
         "k5": register(dt.date(2026, 10, 14), "BUCK_PASSING", "STAFF", staff="B-window_b", **named),
         "september": register(dt.date(2026, 9, 21), "DELAY", "STAFF", staff="B-window_a", **named)}
    # The handling steps set directly (the complaint services are tested in their app).
    Complaint.objects.filter(pk=k["k1"].pk).update(status=ComplaintStatus.REPLIED, replied_at=at(dt.date(2026, 10, 14)),
                                                   reply="已批评教育", confirmed_at=at(dt.date(2026, 10, 15)))
    Complaint.objects.filter(pk=k["k4"].pk).update(status=ComplaintStatus.REPLIED, replied_at=at(dt.date(2026, 10, 28)),
                                                   reply="已退还", late_reason="需调取收费记录")
    Complaint.objects.filter(pk=k["k5"].pk).update(
        status=ComplaintStatus.TRANSFERRED, transferred_from=org["center"], transferred_to=org["town_center"],
        unit=org["town_center"], unit_path=org["town_center"].path, reply_due_on=dt.date(2026, 10, 21))
    Complaint.objects.filter(pk=k["september"].pk).update(status=ComplaintStatus.ARCHIVED)
    return {name: Complaint.objects.get(pk=c.pk) for name, c in k.items()}
