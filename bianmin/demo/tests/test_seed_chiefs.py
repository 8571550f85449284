"""The demo county names its leader 首席责任人 of the county and town centers (issue 10 item 10)."""
import pytest

from bianmin.demo.seed import seed_demo
from bianmin.org.models import Unit, UnitKind
from bianmin.org.selectors import chief_responsible
from conftest import NOW

pytestmark = pytest.mark.django_db


def test_demo_centers_have_the_demo_leader_as_chief(db):
    seed_demo(NOW)
    chiefs = dict(Unit.objects.filter(chief_responsible__isnull=False)
                  .values_list("code", "chief_responsible__user__username"))
    assert chiefs == {"C01": "leader1", "T01": "leader1", "T02": "leader1", "T03": "leader1"}
    assert chief_responsible(Unit.objects.get(code="V01")).user.username == "leader1"
    town = Unit.objects.get(code="T02", kind=UnitKind.TOWN_CENTER)
    town.chief_responsible = None
    town.save()
    Unit.objects.filter(code="T01").update(chief_responsible=Unit.objects.get(code="T01").staff.first())
    seed_demo(NOW)  # idempotent: fills the gap, keeps the administrator's choice
    assert Unit.objects.get(code="T02").chief_responsible.user.username == "leader1"
    assert Unit.objects.get(code="T01").chief_responsible.user.username != "leader1"
