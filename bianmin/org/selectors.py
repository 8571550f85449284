"""Reads about the organisation: who acts for a post on a date, who is chief, how often units meet."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import DateField, Model, Q, QuerySet

from bianmin.accounts.roles import Role, group_name
from bianmin.core.errors import DomainError
from bianmin.core.prepared import Arg, ArgList, Prepared

from .models import DEFAULT_CADENCES, Absence, Cadence, MeetingCadence, Post, Sector, StaffProfile, Unit, UnitKind

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Acting:
    """Who acts for a post on a date, and whether the leader must be warned."""

    post: Post
    staff: StaffProfile | None
    is_backup: bool
    a_absent: bool
    b_absent: bool

    @property
    def warning(self) -> str:
        if self.a_absent and (self.b_absent or self.post.b_staff_id is None):
            return f"{self.post}：A角和B角当日均不在岗，请中心领导安排"
        return ""


def counties() -> list[int]:
    """Return the counties that have units (region ids, ascending): the sweep works through them one by one."""
    return list(Unit.objects.order_by("county_id").values_list("county_id", flat=True).distinct())


def each_county(queryset: QuerySet[M], run: Callable[[QuerySet[M]], int], *, keys: tuple[str, ...] = ("county_id",)
                ) -> int:
    """Run a sweep step's ``run`` on ``queryset`` one county at a time, and add up what it returns.

    One statement first asks which counties have rows (``keys[0]`` IN every county: on Citus a read of every shard,
    in parallel); ``run`` then gets the rows of each such county, filtered by ``key = county`` for every key (a
    joined case table names its county too), so each of its statements goes to one county's shard and each batch
    stays within one county (docs/scaling.md). A county with nothing to do costs nothing more."""
    every = counties()
    if not every:
        return 0
    probe = keys[0]
    todo = list(queryset.filter(**{f"{probe}__in": every}).order_by(probe).values_list(probe, flat=True).distinct())
    return sum(run(queryset.filter(**dict.fromkeys(keys, county))) for county in todo)


def absent_staff_ids(staff_ids: Iterable[int], on_date: dt.date) -> set[int]:
    """Return which of ``staff_ids`` are away on ``on_date`` (one prepared query per number of staff)."""
    ids = list(staff_ids)
    if not ids:
        return set()
    return {staff for (staff,) in _ABSENT.rows(len(ids), staff=ids, on=on_date)}


def absences_on(on_date: Any) -> QuerySet[Absence]:
    """The absences that cover ``on_date`` (a date, or an ``Arg`` of a prepared read): the one definition of "away
    that day", also read inside the case page's read (``cases.selectors``)."""
    return Absence.objects.filter(start_date__lte=on_date, end_date__gte=on_date)


_ABSENT = Prepared(Absence, lambda n: absences_on(Arg("on", DateField())).filter(staff_id__in=ArgList("staff", n))
                   .order_by().values_list("staff_id"))


def acting_for(post: Post, on_date: dt.date, *, away: set[int] | None = None) -> Acting:
    """Return who acts for ``post`` on ``on_date``: A, or B when A is away, or nobody with a warning.

    Pass ``away`` (from ``absent_staff_ids``) when resolving many posts, to avoid a query per post.
    """
    if away is None:
        away = absent_staff_ids([i for i in (post.a_staff_id, post.b_staff_id) if i], on_date)
    a_absent = post.a_staff_id in away
    b_absent = post.b_staff_id in away if post.b_staff_id else True
    if not a_absent:
        return Acting(post, post.a_staff, False, False, b_absent and bool(post.b_staff_id))
    if post.b_staff_id and not b_absent:
        return Acting(post, post.b_staff, True, True, False)
    return Acting(post, None, False, True, True)


def acting_for_staff(staff: StaffProfile, on_date: dt.date) -> StaffProfile:
    """Return who receives new work addressed to ``staff`` on ``on_date`` (B of a post where staff is A)."""
    if staff.pk not in absent_staff_ids([staff.pk], on_date):
        return staff
    post = Post.objects.filter(a_staff=staff, b_staff__isnull=False).select_related("a_staff", "b_staff").first()
    if post is None:
        return staff
    acting = acting_for(post, on_date)
    return acting.staff or staff


def posts_for_unit(unit_id: int) -> QuerySet[Post]:
    """Return the posts of a unit's windows with their staff loaded."""
    return (Post.objects.filter(window__unit_id=unit_id)
            .select_related("window", "a_staff", "b_staff").order_by("window__number", "name"))


def warning_recipients(handler_ids: set[int], unit_paths: set[str]) -> tuple[dict[int, set[int]], dict[str, set[int]]]:
    """Return, in three queries, who hears about a handler's deadlines: the user ids of the handler and of the
    B of each post where they are A (by handler id), and the nearest leaders above each unit (by unit path)."""
    by_handler: dict[int, set[int]] = {}
    for pk, user_id in StaffProfile.objects.filter(pk__in=handler_ids).values_list("pk", "user_id"):
        by_handler.setdefault(pk, set()).add(user_id)
    for a_id, b_user in Post.objects.filter(a_staff_id__in=handler_ids, b_staff__isnull=False).values_list(
            "a_staff_id", "b_staff__user_id"):
        by_handler.setdefault(a_id, set()).add(b_user)
    leaders = list(StaffProfile.objects.filter(user__groups__name=group_name(Role.LEADER), is_active=True,
                                               user__is_active=True).values_list("unit__path", "user_id"))
    by_path: dict[str, set[int]] = {}
    for path in unit_paths:
        above = [(len(lp), uid) for lp, uid in leaders if path.startswith(lp)]
        nearest = max((n for n, _ in above), default=None)
        by_path[path] = {uid for n, uid in above if n == nearest}
    return by_handler, by_path


@dataclass(frozen=True)
class Cadences:
    """How often a kind of unit holds its 联席会议 (``joint``) and 工作例会 (``regular``, None: not held)."""

    joint: Cadence
    regular: Cadence | None


def meeting_cadences(unit_kind: str) -> Cadences:
    """Return the meeting cadences the system administrator set for ``unit_kind`` (defaults when unset)."""
    row = MeetingCadence.objects.filter(unit_kind=unit_kind).values_list("joint_cadence", "regular_cadence").first()
    joint, regular = row or DEFAULT_CADENCES.get(unit_kind, (Cadence.MONTHLY, ""))
    return Cadences(Cadence(joint), Cadence(regular) if regular else None)


def chief_responsible(unit: Unit) -> StaffProfile | None:
    """Return the 首席责任人 of ``unit``: its own, else that of the nearest unit above that names one.

    A named person who is no longer active, or no longer works in that unit or above it, is passed over.
    One query, with the chief's unit loaded.
    """
    parts = [p for p in unit.path.split("/") if p]
    prefixes = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    units = (Unit.objects.filter(path__in=prefixes, chief_responsible__isnull=False)
             .select_related("chief_responsible__unit"))
    for named in sorted(units, key=lambda u: len(u.path), reverse=True):
        chief = named.chief_responsible
        if chief is not None and chief.is_active and named.path.startswith(chief.unit.path):
            return chief
    return None


def higher_organs(unit: Unit, *, also: int | None = None) -> list[Unit]:
    """Return the organs above ``unit`` that may decide what it forwards (上报件): the units it sits under and the
    departments (职能部门) attached to them, plus unit ``also`` (the item's implementing department), nearest first.
    Never ``unit`` itself, a unit below it or a sibling's."""
    parts = [p for p in unit.path.split("/") if p]
    above = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    condition = Q(path__in=above) | Q(kind=UnitKind.DEPARTMENT, parent__path__in=above)
    if also is not None:
        condition |= Q(pk=also)
    units = [u for u in Unit.objects.filter(condition, is_active=True).exclude(pk=unit.pk)
             if u.pk == also or not u.path.startswith(unit.path)]  # the implementing department may sit below
    return sorted(units, key=lambda u: (-len(u.path), u.code))


# Ratings and complaints of a hospital desk may name the 科室 they concern (decision 0026, issue 14 item 4).
NOT_A_HOSPITAL_DESK = "只有医院便民服务中心的评价和投诉可以选择科室"
NOT_ITS_DEPARTMENT = "所选科室不属于该医院"


def hospital_departments(unit: Unit) -> QuerySet[Unit]:
    """Return the active 科室 of the hospital desk ``unit`` (kind HOSPITAL_DEPT, directly under it) in path order;
    none for any other unit."""
    if not unit.is_hospital_desk:
        return Unit.objects.none()
    return Unit.objects.filter(kind=UnitKind.HOSPITAL_DEPT, parent=unit, is_active=True).order_by("path")


def hospital_departments_under(path: str | None) -> QuerySet[Unit]:
    """Return the active 科室 of every hospital desk whose path starts with ``path`` (a scope), with their desk, in
    path order; none without a path."""
    if not path:
        return Unit.objects.none()
    return (Unit.objects.filter(kind=UnitKind.HOSPITAL_DEPT, is_active=True, path__startswith=path,
                                parent__kind=UnitKind.INSTITUTION_DESK, parent__sector=Sector.HOSPITAL)
            .select_related("parent").order_by("path"))


def hospital_desk_of(unit: Unit | None) -> Unit | None:
    """Return the hospital desk ``unit`` is or belongs to (a 科室's desk), else None. At most one query."""
    if unit is None:
        return None
    if unit.is_hospital_desk:
        return unit
    if unit.kind == UnitKind.HOSPITAL_DEPT and unit.parent_id is not None:
        parent = Unit.objects.filter(pk=unit.parent_id).first()
        if parent is not None and parent.is_hospital_desk:
            return parent
    return None


def unit_reference(value: str, field: str = "") -> Q:
    """Return the filter matching the unit ``value`` names (its code, or its id when all ASCII digits) through the
    foreign key ``field`` (the unit itself when empty). A value longer than any code matches nothing."""
    text = (value or "").strip()
    prefix = f"{field}__" if field else ""
    if not text or len(text) > 16:
        return Q(pk__in=[])
    by_id = Q(**{f"{prefix}pk": int(text)}) if text.isascii() and text.isdigit() else Q(pk__in=[])
    return Q(**{f"{prefix}code": text}) | by_id


def hospital_department(desk: Unit | None, value: object, *, field: str = "department") -> Unit | None:
    """Return the 科室 ``value`` (a Unit, its unit code or its id) of the hospital desk ``desk``, or None when
    ``value`` is empty.

    Raises DomainError naming ``field``: NOT_A_HOSPITAL_DESK when ``desk`` is None or no hospital desk;
    NOT_ITS_DEPARTMENT for a unit that is not an active 科室 of that desk (another hospital's, a government unit,
    an unknown code)."""
    if value is None or value == "":
        return None
    if isinstance(value, Unit):
        wanted = Q(pk=value.pk)
    else:
        text = str(value).strip()
        if not text:
            return None
        wanted = unit_reference(text)
    if desk is None or not desk.is_hospital_desk:
        raise DomainError.for_field(field, NOT_A_HOSPITAL_DESK)
    found = sorted(hospital_departments(desk).filter(wanted), key=lambda u: u.code != str(value).strip())
    if not found:
        raise DomainError.for_field(field, NOT_ITS_DEPARTMENT)
    return found[0]
