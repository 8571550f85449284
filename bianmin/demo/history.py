"""Three months of lived-in history for the demo county, made through the real services.

Every step — a receipt, a 补正 notice, an acceptance, a pause, an approval, a decision, a 首问, a supervisor's
record, a meeting — is the service a clerk's click would call, with ``now`` set to the past moment it happened.
The sweep runs every simulated day just after midnight (as the scheduler would have, every few minutes), digests
are built and the outbox is emptied in working hours, so the deadlines, warnings, violations, events and the
hash-chained audit trail are exactly what real use would have left. A fixed random seed makes the demo the same
each time, relative to the day it is loaded.

The simulation is a queue of *lives*: generators that do one step and yield when they want to do the next
(``history_cases``, ``history_oversight``). Steps that would fall after ``now`` never happen, so recent cases are
naturally still open. A few *showcase* applications at window1's desk, early and in the last days, make sure that
every status and every kind of request (approved and still waiting) is there whatever the size.

Cost: every step is a real service call with its events, notices, outbox rows and audit row (~6 steps an
application), so the size is chosen for time: ``DEFAULT_CASES``.
"""
from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from bianmin.accounts.roles import Role, group_name
from bianmin.catalog.models import ItemVersion
from bianmin.core.errors import DomainError
from bianmin.notifications.models import Channel, Message
from bianmin.notifications.services import build_digests, deliver_due, mark_read
from bianmin.org.models import Post, StaffProfile, Unit, UnitKind
from bianmin.sweep.services import run_sweep
from bianmin.workdays.engine import WorkCalendar
from bianmin.workdays.selectors import get_calendar

from .history_hospital import SCRIPTED_ITEMS, SCRIPTED_STAFF

Life = Generator[dt.datetime | None, None, None]

# Measured (decision in the module docstring): about 50 ms of service work per application and 20 ms per 首问 on
# this project's 2-core reference machine. Issue 12 asks for "a few thousand cases": 2,000 applications (and their
# 首问) take about two and a half minutes once, at the first ``make run``. ``--history-cases N`` asks for more or fewer.
DEFAULT_CASES = 2000
DEFAULT_DAYS = 91  # about three months
SEED = 2026
MORNING = (dt.time(8, 30), dt.time(11, 50))
AFTERNOON = (dt.time(14, 30), dt.time(17, 20))


class DiscardBackend:
    """The SMS gateway of the past: what the scheduler sent back then is marked sent, not sent again today."""

    def send(self, *, phone: str, text: str, reference: str) -> None:
        return None


@dataclass
class Desk:
    """A post where applications are received: its unit, item level, A and B."""

    unit: Unit
    level: str  # COUNTY, TOWN or INSTITUTION: which items are received here
    department_id: int | None
    a: StaffProfile
    b: StaffProfile | None


@dataclass
class Cast:
    """Who acts in the history."""

    desks: list[Desk]
    leader: Any  # the organ head (User): approvals, escalations, joint meetings
    supervisor: Any  # User
    agents: list[StaffProfile]
    staff_by_unit: dict[int, list[StaffProfile]]
    versions: dict[str, ItemVersion]  # current version by item code
    users: dict[int, Any]  # every acting user by id, loaded once


@dataclass
class Stats:
    cases: int = 0
    inquiries: int = 0
    steps: int = 0
    errors: Counter[str] = field(default_factory=Counter)


class History:
    """The simulation: a clock, a queue of lives and the cast."""

    def __init__(self, *, now: dt.datetime, cases: int, days: int, seed: int,
                 progress: Callable[[str], None] | None = None) -> None:
        self.now = now
        self.today = timezone.localtime(now).date()
        self.target = cases
        self.rng = random.Random(seed)
        self.progress = progress or (lambda _line: None)
        self.cast = load_cast()
        self.users = self.cast.users
        self.calendar: WorkCalendar = get_calendar(self.cast.desks[0].unit.region)
        published = min(v.published_at for v in self.cast.versions.values() if v.published_at)
        first = max(self.today - dt.timedelta(days=days), timezone.localtime(published).date() + dt.timedelta(days=1))
        self.first_day = first
        self.t = self.at(first, dt.time(0, 0))
        self.queue: list[tuple[dt.datetime, int, Life]] = []
        self.seq = itertools.count()
        self.stats = Stats()
        self.inquiries_per_day = 2

    # ---- time ----

    def at(self, day: dt.date, moment: dt.time) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, moment))

    def workday(self, day: dt.date, n: int = 0) -> dt.date:
        """Return the working day ``n`` working days after ``day`` (``n`` 0: ``day`` or the next working day)."""
        if n <= 0:
            return self.calendar.next_workday(day).date
        return self.calendar.add_workdays(day, n).date

    def workdays_before(self, day: dt.date, n: int) -> dt.date:
        return self.calendar.next_workday(self.calendar.workdays_back(day, n)).date

    def slot(self, day: dt.date, *, after: dt.datetime | None = None) -> dt.datetime:
        """Return a random moment in office hours of ``day`` (later than ``after``, on the same day if it can be)."""
        lo, hi = MORNING if self.rng.random() < 0.55 else AFTERNOON
        start = self.at(day, lo)
        moment = start + dt.timedelta(minutes=self.rng.randrange(
            int((dt.datetime.combine(day, hi) - dt.datetime.combine(day, lo)).total_seconds() // 60)))
        if after is not None and moment <= after:
            moment = after + dt.timedelta(minutes=self.rng.randrange(5, 40))
        return moment

    def later(self, minutes: tuple[int, int]) -> dt.datetime:
        return self.t + dt.timedelta(minutes=self.rng.randrange(*minutes))

    def day_of(self, moment: dt.datetime) -> dt.date:
        return timezone.localtime(moment).date()

    # ---- the queue ----

    def spawn(self, moment: dt.datetime, life: Life) -> None:
        if moment < self.now:
            heapq.heappush(self.queue, (moment, next(self.seq), life))

    def drain(self, until: dt.datetime) -> None:
        while self.queue and self.queue[0][0] < until:
            moment, _seq, life = heapq.heappop(self.queue)
            self.t = moment
            try:
                following = next(life)
            except StopIteration:
                continue
            except DomainError as exc:  # a step the rules refused: the life ends there, the rest goes on
                self.stats.errors[f"{type(exc).__name__}: {exc} {exc.fields}"[:160]] += 1
                continue
            self.stats.steps += 1
            if following is not None:
                if following < moment:
                    following = moment
                self.spawn(following, life)

    # ---- the run ----

    def run(self) -> Stats:
        from .history_cases import arrivals, showcase
        from .history_oversight import daily_inquiries, meetings, supervision

        started = time.monotonic()
        days = [self.first_day + dt.timedelta(days=i) for i in range((self.today - self.first_day).days + 1)]
        workdays = [d for d in days if self.calendar.is_workday(d)]
        per_day = self.spread(workdays)
        # About two 首问 for every five applications (a few a day in a small history).
        self.inquiries_per_day = max(2, round(self.target * 0.4 / max(1, len(workdays))))
        showcase(self, workdays)
        from .history_relays import relays  # 全程代理: about thirty relays from the village stations

        relays(self, workdays)
        from .history_voice import voice  # 好差评 and 监督投诉: ratings, 差评 follow-ups, complaints, a rating pad

        voice(self, workdays)
        from .history_hall import hall_lives  # the hall (issue 18): the board, today's queue, slots, devices

        hall_lives(self, workdays)
        from .history_hospital import hospital_lives  # the hospital desk's week (issue 14): 科室协调, 便民活动

        hospital_lives(self, workdays)
        shown = -1
        for day in days:
            self.sweep(self.at(day, dt.time(0, 5)))
            if self.calendar.is_workday(day):
                arrivals(self, day, per_day.get(day, 0))
                daily_inquiries(self, day)
                self.office_rounds(day)
                if day.weekday() == 0 or day == workdays[0]:
                    supervision(self, day)
                meetings(self, day)
            self.drain(min(self.at(day + dt.timedelta(days=1), dt.time(0, 0)), self.now))
            done = (day - self.first_day).days * 10 // max(1, len(days) - 1)
            if done != shown:
                shown = done
                self.progress(f"演示历史：{done * 10}%（模拟至 {day:%Y-%m-%d}，办件 {self.stats.cases} 件，"
                              f"首问 {self.stats.inquiries} 件，用时 {time.monotonic() - started:.0f} 秒）")
        self.drain(self.now)
        self.sweep(self.now)
        build_digests(now=self.now)
        deliver_due(now=self.now, backend=DiscardBackend(), batch=500)
        return self.stats

    def spread(self, workdays: list[dt.date]) -> dict[dt.date, int]:
        """Return how many applications arrive each working day: Mondays and the day after a holiday are busier,
        and the number rises slowly over the months (the county's service centers draw more people)."""
        if not workdays:
            return {}
        weights = []
        for i, day in enumerate(workdays):
            after_break = i > 0 and (day - workdays[i - 1]).days > 3
            weights.append((1.35 if day.weekday() == 0 or after_break else 1.0) * (0.85 + 0.3 * i / len(workdays)))
        counts: Counter[dt.date] = Counter(self.rng.choices(workdays, weights=weights, k=self.target))
        return dict(counts)

    def sweep(self, moment: dt.datetime) -> None:
        if moment <= self.now:
            run_sweep(now=moment)

    def office_rounds(self, day: dt.date) -> None:
        """The scheduler's rounds in working hours: digests built and the outbox emptied morning and evening."""
        def rounds() -> Life:
            build_digests(now=self.t)
            deliver_due(now=self.t, backend=DiscardBackend(), batch=500)
            yield self.at(day, dt.time(17, 40))
            deliver_due(now=self.t, backend=DiscardBackend(), batch=500)
            self.read_inbox(self.t - dt.timedelta(days=2))

        self.spawn(self.at(day, dt.time(8, 35)), rounds())

    def read_inbox(self, before: dt.datetime) -> None:
        """Staff read their in-app messages, as people do: what arrived more than two days ago is read by now
        (through ``mark_read``, audited), so an inbox shows the last days' messages unread, not three months'."""
        unread = (Message.objects.filter(channel=Channel.INAPP, read_at__isnull=True, sent_at__lt=before)
                  .select_related("recipient").order_by("id"))
        for message in unread:
            assert message.recipient is not None, "in-app messages have a recipient"
            mark_read(actor=message.recipient, message_id=message.pk, now=self.t)


def load_cast() -> Cast:
    """Read the demo county's posts, leaders, supervisor, agents and items."""
    posts = (Post.objects.select_related("window__unit__region", "a_staff__user", "b_staff__user")
             .filter(window__is_active=True, window__unit__kind__in=[UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER,
                                                                       UnitKind.INSTITUTION_DESK])
             .order_by("window__unit__path", "window__number", "pk"))
    level: dict[str, str] = {UnitKind.COUNTY_CENTER: "COUNTY", UnitKind.TOWN_CENTER: "TOWN", UnitKind.INSTITUTION_DESK: "INSTITUTION"}
    desks = [Desk(unit=p.window.unit, level=level[p.window.unit.kind], department_id=p.window.department_id,
                  a=p.a_staff, b=p.b_staff) for p in posts]
    window_group = group_name(Role.WINDOW)
    staff_by_unit: dict[int, list[StaffProfile]] = {}
    # The hospital's own cast (its 科室 and its demo logins) and its own items live in their scripted week
    # (``history_hospital``): the random history draws the same numbers as before them. The desk's A and B still
    # receive its random applications, as the posts' A and B.
    for profile in (StaffProfile.objects.select_related("user", "unit").filter(
            is_active=True, user__is_active=True, user__groups__name=window_group)
            .exclude(unit__kind=UnitKind.HOSPITAL_DEPT).exclude(user__username__in=SCRIPTED_STAFF)
            .order_by("badge_number")):
        staff_by_unit.setdefault(profile.unit_id, []).append(profile)
    agents = list(StaffProfile.objects.select_related("user", "unit")
                  .filter(user__groups__name=group_name(Role.AGENT)).order_by("badge_number"))
    versions = {v.item.code: v for v in ItemVersion.objects.filter(is_current=True)
                .exclude(item__code__in=SCRIPTED_ITEMS)
                .select_related("item", "implementing_unit").prefetch_related("materials", "joint_units")}
    leader = StaffProfile.objects.select_related("user").get(user__username="leader1").user
    supervisor = StaffProfile.objects.select_related("user").get(user__username="supervisor1").user
    users = {p.user_id: p.user for group in staff_by_unit.values() for p in group}
    users.update({p.user_id: p.user for p in agents})
    users.update({d.a.user_id: d.a.user for d in desks})
    users.update({d.b.user_id: d.b.user for d in desks if d.b is not None})
    users.update({leader.pk: leader, supervisor.pk: supervisor})
    return Cast(desks=desks, leader=leader, supervisor=supervisor, agents=agents, staff_by_unit=staff_by_unit,
                versions=versions, users=users)


def history_exists() -> bool:
    """Return whether the database already holds cases or inquiries (the history is loaded once, never over
    someone's own work)."""
    from bianmin.cases.models import Case
    from bianmin.inquiries.models import Inquiry

    return Case.objects.exists() or Inquiry.objects.exists()


def seed_history(*, now: dt.datetime, cases: int = DEFAULT_CASES, days: int = DEFAULT_DAYS, seed: int = SEED,
                 progress: Callable[[str], None] | None = None) -> Stats | None:
    """Load about ``days`` days of history ending at ``now`` with about ``cases`` applications; return what was
    made, or None when the database already has cases or inquiries (nothing is done then)."""
    if history_exists():
        return None
    with transaction.atomic():
        return History(now=now, cases=cases, days=days, seed=seed, progress=progress).run()
