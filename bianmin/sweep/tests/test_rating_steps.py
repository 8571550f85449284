"""The rating steps (``bianmin.ratings.sweep``) run in every sweep, after the case and relay steps."""
import pytest

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.ratings.tests.helpers import bad_rating
from bianmin.sweep.services import STEPS, run_sweep
from bianmin.testing.factories import MON, at

pytestmark = pytest.mark.django_db


def test_the_rating_steps_are_registered():
    names = [name for name, _ in STEPS]
    assert {"rating_follow_ups", "default_ratings"} <= set(names)


def test_a_sweep_records_a_late_visit(cast, item):
    bad_rating(cast)
    counts = run_sweep(now=at(MON.replace(day=MON.day + 3)))  # Thursday: the Tuesday 回访 is late
    assert counts["rating_follow_ups"] == 1 and counts["default_ratings"] == 0
    assert Violation.objects.filter(kind=ViolationKind.RATING_FOLLOW_UP_LATE).count() == 1
