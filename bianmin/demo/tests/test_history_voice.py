"""The demo history's citizen voice (``demo.history_voice``): ratings through the services on most delivered cases and
closed 首问, a few 差评 at every follow-up stage (one 回访 late and recorded once by the sweep, one confirmed, one
appeal upheld and one pending), a dozen complaints in every state (one anonymous, one transferred, one answered late
and recorded once, one confirmed), a rating pad with its one-time code; the indicators and the meeting agenda
reconcile with the rows; loading again duplicates nothing."""
import datetime as dt
import re
from collections import Counter

import pytest
from django.utils import timezone

from bianmin.accountability.models import Source, Violation, ViolationKind
from bianmin.complaints.models import Complaint, ComplaintStatus, ComplaintStep
from bianmin.demo.history import seed_history
from bianmin.demo.history_voice import BAD_PLANS, COMPLAINT_PLANS, TRANSFER_TO
from bianmin.demo.seed import seed_demo
from bianmin.meetings.models import AgendaKind
from bianmin.meetings.selectors import collect_agenda
from bianmin.org.models import Post, StaffProfile
from bianmin.ratings.models import BAD_LEVELS, AppealStatus, BadRatingFollowUp, Rating, RatingAppeal, RatingPad
from bianmin.ratings.pads import activate_pad
from bianmin.stats.selectors import indicators
from conftest import NOW

from .test_history import END, SMALL

pytestmark = pytest.mark.django_db

FOLLOW_UP_OF = {"visit": "VISIT", "rectify": "RECTIFY", "told": "TOLD", "closed": "CLOSED"}
STATUS_OF = {"received": "RECEIVED", "investigating": "INVESTIGATING", "handled": "HANDLED", "replied": "REPLIED",
             "archived": "ARCHIVED", "transferred": "TRANSFERRED"}


def test_the_history_has_ratings_follow_ups_complaints_and_a_pad_that_reconcile():
    seed_demo(NOW)
    lines: list[str] = []
    stats = seed_history(now=END, cases=SMALL, progress=lines.append)
    assert stats is not None and not stats.errors, stats and stats.errors  # no step refused by the rules

    # Ratings on most services that ended, from the pad, the QR code and the SMS, nearly all good, none in the future.
    ratings = Rating.objects.filter(parent__isnull=True)
    assert ratings.count() > 50 and not Rating.objects.filter(rated_at__gte=END).exists()
    assert {"PAD", "QR", "SMS"} == set(ratings.values_list("channel", flat=True))
    assert {"CASE", "INQUIRY"} <= set(ratings.values_list("subject", flat=True))
    levels = Counter(ratings.values_list("level", flat=True))
    assert levels[5] > levels[4] > levels[3] > 0
    bad = ratings.filter(level__in=BAD_LEVELS)
    assert bad.count() == len(BAD_PLANS)
    for rating in ratings.select_related("case", "inquiry")[:200]:  # each after its service ended
        ended = rating.case.delivered_at if rating.case else rating.inquiry.closed_at if rating.inquiry else None
        assert ended is None or rating.rated_at > ended

    # The real-name 差评 at every stage of their follow-up, as planned; the appeals on anonymous pad 差评.
    named = [p for p in BAD_PLANS if not p.appeal]
    assert Counter(BadRatingFollowUp.objects.values_list("status", flat=True)) == Counter(
        FOLLOW_UP_OF[p.stage] for p in named)
    assert Rating.objects.filter(parent__isnull=False).count() == sum(p.stage == "closed" for p in named)
    assert Counter(RatingAppeal.objects.values_list("status", flat=True)) == Counter(
        {AppealStatus.UPHELD: 1, AppealStatus.PENDING: 1})
    upheld = RatingAppeal.objects.get(status=AppealStatus.UPHELD).rating
    assert upheld.excluded and upheld.excluded_reason
    # One 回访 late, recorded once by the sweep; one 差评 confirmed into a BAD_RATING record.
    late = Violation.objects.filter(kind=ViolationKind.RATING_FOLLOW_UP_LATE)
    assert late.count() == 1 and late.get().source == Source.SYSTEM
    assert BadRatingFollowUp.objects.filter(visit_late=True).count() == 1
    assert not BadRatingFollowUp.objects.filter(rectify_late=True).exists()
    assert Violation.objects.filter(kind=ViolationKind.BAD_RATING).count() == 1
    assert BadRatingFollowUp.objects.filter(confirmed_at__isnull=False).count() == 1

    # Complaints in every state, by every channel and of every kind; anonymous, transferred, late, confirmed.
    # (The hospital desk's two, about its 科室, come from its own week: ``history_hospital``.)
    everything = Complaint.objects.all()
    complaints = everything.exclude(unit__code="YY1")
    assert everything.filter(unit__code="YY1", department__isnull=False).count() == 2
    assert Counter(complaints.values_list("status", flat=True)) == Counter(STATUS_OF[p.stage]
                                                                           for p in COMPLAINT_PLANS)
    assert set(complaints.values_list("status", flat=True)) == set(ComplaintStatus.values)
    assert set(complaints.values_list("channel", flat=True)) == {"DESK", "PHONE", "ONLINE"}
    assert len(set(complaints.values_list("kind", flat=True))) == 6
    assert complaints.filter(anonymous=True).count() == 1
    assert complaints.get(anonymous=True).complainant_name == ""
    assert complaints.get(status="TRANSFERRED").unit.code == TRANSFER_TO
    replied_late = complaints.exclude(late_reason="")
    assert replied_late.count() == 1
    assert timezone.localtime(replied_late.get().replied_at).date() > replied_late.get().reply_due_on
    reply_late = Violation.objects.filter(kind=ViolationKind.COMPLAINT_REPLY_LATE)
    assert reply_late.count() == 1 and replied_late.get().number in reply_late.get().description
    confirmed = complaints.filter(violation__isnull=False)
    assert confirmed.count() == 1 and confirmed.get().violation.kind == ViolationKind.CONFIRMED_COMPLAINT
    # Named complaints still open are within their reply limit; no complainant's name in the register's words.
    today = timezone.localtime(END).date()
    assert not everything.filter(replied_at__isnull=True, anonymous=False, reply_due_on__lt=today,
                                 status__in=["RECEIVED", "INVESTIGATING", "HANDLED", "TRANSFERRED"]).exists()
    names = [c.complainant_name for c in everything if c.complainant_name]
    assert all(n not in w for n in names for w in ComplaintStep.objects.values_list("words", flat=True))

    # The indicators of the county over the history reconcile with the rows.
    supervisor = StaffProfile.objects.get(user__username="supervisor1").user
    start = Complaint.objects.order_by("received_at").first().received_at.date() - dt.timedelta(days=60)
    report = indicators(supervisor, start=start, end=today, today=today)
    counted = ratings.filter(excluded=False)
    assert report.ratings.rated == counted.count() > 0
    assert report.ratings.bad == counted.filter(level__in=BAD_LEVELS).count() > 0
    assert report.ratings.good == counted.exclude(level__in=BAD_LEVELS).count()
    assert report.ratings.excluded == 1
    assert report.ratings.follow_ups == BadRatingFollowUp.objects.count()
    assert report.ratings.visit_late == 1 and report.ratings.re_rated == Rating.objects.filter(
        parent__isnull=False).count()
    assert report.ratings.unrated > 0 and 0 < report.ratings.unrated_rate < 1
    assert report.complaints.received == everything.count()
    assert report.complaints.anonymous == 1 and report.complaints.confirmed == 1
    assert report.complaints.reply_late == 1 and report.complaints.transferred == 1
    assert sum(report.complaints_by_kind.values()) == everything.count()

    # The joint meeting's agenda over the history holds the 差评 and the complaints.
    leader = StaffProfile.objects.get(user__username="leader1").user
    kinds = {item.kind for item in collect_agenda(leader, start, today, today)}
    assert {AgendaKind.BAD_RATING, AgendaKind.COMPLAINT} <= kinds

    # A pad for window1's window, issued with a one-time code shown in the output, that activates it.
    window1 = StaffProfile.objects.get(user__username="window1")
    pad = RatingPad.objects.get()
    assert pad.window_id == Post.objects.filter(a_staff=window1).values_list("window_id", flat=True).first()
    assert pad.activated_at is None and pad.issued_at < END
    shown = [line for line in lines if "/pad/" in line]
    code = re.search(r"激活码 ([A-Z0-9]{10})", shown[0]).group(1)
    activated, token = activate_pad(code=code, ip="127.0.0.1", now=END)
    assert activated.pk == pad.pk and token

    # Loading again duplicates nothing.
    before = (Rating.objects.count(), Complaint.objects.count(), RatingPad.objects.count(), Violation.objects.count())
    seed_demo(NOW)
    assert seed_history(now=END, cases=SMALL) is None
    assert (Rating.objects.count(), Complaint.objects.count(), RatingPad.objects.count(),
            Violation.objects.count()) == before
