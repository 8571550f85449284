"""监督投诉 indicators (issue 17 item 4; DOMAIN.md §2.9, GB/T 36113) for a scope and a period, in total and per
center, department, window or staff.

Definitions (the complaints received in the period, counted for the unit handling them now — a transferred
complaint belongs to the competent unit from the transfer on —; statistics show no complainant):
- 投诉件数 received, by kind (服务态度, 办事拖延, 推诿扯皮, 廉政问题, 乱收费, 其他); of those 匿名 anonymous.
- 已答复 replied; 按时答复 replied_on_time: replied on or before the reply due day (local date); 逾期答复 reply_late:
  replied after it, or a named complaint still open after it on the day of the report (an anonymous complaint has no
  reply channel and is not judged); 答复按时率 = replied_on_time ÷ (replied_on_time + reply_late).
- 办理中 open: not yet replied, archived or handed on. 查实 confirmed: confirmed into an accountability record.
- 转办 transferred: complaints of the period that a unit of the scope transferred out to a competent unit (counted for
  the unit that transferred them; they also count as received by the receiving unit when it is in the scope).
Grouping: center = the handling unit (the transferring unit for 转办); department = the implementing department of the
case complained about, else the department stationed at the window; staff = the member of staff complained about;
window = the window complained about, else the window of that person's A post.
Every figure is an aggregate in SQL (two grouped queries and the labels).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from bianmin.complaints.models import OPEN_STATUSES, Complaint, ComplaintKind

from .ratings import GroupedRows, _grouped, _key, percent, share

KIND_FIELDS = {kind.value: kind.value.lower() for kind in ComplaintKind}


@dataclass
class ComplaintRow:
    key: str
    label: str
    received: int = 0
    attitude: int = 0
    delay: int = 0
    buck_passing: int = 0
    integrity: int = 0
    improper_fee: int = 0
    other: int = 0
    anonymous: int = 0
    replied: int = 0
    replied_on_time: int = 0
    reply_late: int = 0
    open: int = 0
    confirmed: int = 0
    transferred: int = 0

    @property
    def reply_on_time_rate(self) -> float | None:
        return share(self.replied_on_time, self.replied_on_time + self.reply_late)

    @property
    def percents(self) -> dict[str, str]:
        return {"reply_on_time_rate": percent(self.reply_on_time_rate)}

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["reply_on_time_rate"] = self.reply_on_time_rate
        return data


COMPLAINT_COUNTED = [f.name for f in fields(ComplaintRow) if f.name not in ("key", "label")]


def _keys(group_by: str, unit_field: str) -> dict[str, Any]:
    keys: dict[str, dict[str, Any]] = {"unit": {"k": F(unit_field)},
            "department": {"k": Coalesce("case__item_version__implementing_unit_id", "window__department_id")},
            "staff": {"k": F("staff_id")},
            "window": {"w": F("window_id"), "s": F("staff_id")}}
    return keys.get(group_by, {})


def _counts(today: dt.date) -> dict[str, Count]:
    named_open = Q(anonymous=False, replied_at__isnull=True, status__in=OPEN_STATUSES)
    counts = {"received": Count("id"), "anonymous": Count("id", filter=Q(anonymous=True)),
              "replied": Count("id", filter=Q(replied_at__isnull=False)),
              "replied_on_time": Count("id", filter=Q(replied_at__date__lte=F("reply_due_on"))),
              "reply_late": Count("id", filter=Q(replied_at__date__gt=F("reply_due_on"))
                                  | (named_open & Q(reply_due_on__lt=today))),
              "open": Count("id", filter=Q(replied_at__isnull=True, status__in=OPEN_STATUSES)),
              "confirmed": Count("id", filter=Q(confirmed_at__isnull=False))}
    for kind, name in KIND_FIELDS.items():
        counts[name] = Count("id", filter=Q(kind=kind))
    # Named n_… : an aggregate may not take the name of a field (``anonymous``).
    return {f"n_{name}": count for name, count in counts.items()}


def complaint_indicators(*, path: str, lo: dt.datetime, hi: dt.datetime, group_by: str, today: dt.date,
                         label: str) -> tuple[ComplaintRow, list[ComplaintRow], dict[str, int]]:
    """Return the total, the rows (empty when not grouped) and the counts by kind (Chinese label → count) of the
    complaints for the scope ``path`` over [lo, hi). The caller checked the grouping, the period and the scope."""
    acc: GroupedRows[ComplaintRow] = GroupedRows(
        group_by, lambda key, name: ComplaintRow(key=key, label=name), lambda r: (-r.received, r.label))
    period = Complaint.objects.filter(received_at__gte=lo, received_at__lt=hi)
    for row in _grouped(period.filter(unit_path__startswith=path), group_by, _keys(group_by, "unit_id"),
                        _counts(today)):
        acc.add(_key(group_by, row), {name: row[f"n_{name}"] for name in COMPLAINT_COUNTED if f"n_{name}" in row})
    for row in _grouped(period.filter(transferred_from__path__startswith=path), group_by,
                        _keys(group_by, "transferred_from_id"), {"transferred": Count("id")}):
        acc.add(_key(group_by, row), {"transferred": row["transferred"]})
    total = ComplaintRow(key="", label=label)
    rows = acc.build(total)
    by_kind = {ComplaintKind(kind).label: getattr(total, name) for kind, name in KIND_FIELDS.items()
               if getattr(total, name)}
    return total, rows, by_kind
