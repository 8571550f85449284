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
    hospital = {code: chiefs.pop(code) for code in list(chiefs) if code.startswith("YY1")}
    assert chiefs == {"C01": "leader1", "T01": "leader1", "T02": "leader1", "T03": "leader1"}
    # The hospital desk's own leader, and the first of each 科室's staff (issue 14).
    assert hospital == {"YY1": "yy_leader1", "YY1K01": "yy_xnk1", "YY1K02": "yy_sjnk1", "YY1K03": "yy_gk1",
                        "YY1K04": "yy_jzk1", "YY1K05": "yy_ywk1", "YY1K06": "yy_ybb1", "YY1K07": "yy_zyc1",
                        "YY1K08": "yy_cwk1", "YY1K09": "yy_bas1"}
    assert chief_responsible(Unit.objects.get(code="V01")).user.username == "leader1"
    town = Unit.objects.get(code="T02", kind=UnitKind.TOWN_CENTER)
    town.chief_responsible = None
    town.save()
    Unit.objects.filter(code="T01").update(chief_responsible=Unit.objects.get(code="T01").staff.first())
    seed_demo(NOW)  # idempotent: fills the gap, keeps the administrator's choice
    assert Unit.objects.get(code="T02").chief_responsible.user.username == "leader1"
    assert Unit.objects.get(code="T01").chief_responsible.user.username != "leader1"
