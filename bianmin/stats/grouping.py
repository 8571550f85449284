"""Labels of the groups the indicators are split by (center, department, window, staff), shared by the case
indicators (``selectors``) and the citizen's-voice indicators (``voice``)."""
from __future__ import annotations

from typing import Any

from django.db.models import Q

from bianmin.org.models import Post, StaffProfile, Unit, Window

NO_POST = "未设岗位"


def window_label(number: str, name: str) -> str:
    return f"{number}号窗口 {name}"


def _labels(group_by: str, keys: set[Any]) -> dict[Any, str]:
    """Return the label of each unit, department or staff key (one query)."""
    keys = {k for k in keys if k is not None}
    if group_by in ("unit", "department"):
        return dict(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group_by == "staff":
        return {pk: f"{name}（{badge}）" for pk, name, badge in
                StaffProfile.objects.filter(pk__in=keys).values_list("pk", "name", "badge_number")}
    return {}


def _window_of(staff_ids: set[int]) -> dict[int, str]:
    """Return the window of each staff member's A post (the lowest window number when there are several)."""
    windows: dict[int, str] = {}
    for a_id, number, name in (Post.objects.filter(a_staff_id__in=staff_ids)
                               .order_by("window__number").values_list("a_staff_id", "window__number",
                                                                        "window__name")):
        windows.setdefault(a_id, window_label(number, name))
    return windows


def window_labels(window_ids: set[int], staff_ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Return the labels of windows by id and of the staff members' A-post windows (two queries at most)."""
    by_window = {pk: window_label(number, name) for pk, number, name in
                 Window.objects.filter(Q(pk__in=window_ids)).values_list("pk", "number", "name")} \
        if window_ids else {}
    return by_window, (_window_of(staff_ids) if staff_ids else {})
