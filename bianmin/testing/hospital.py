"""A hospital desk for the tests (issue 14, decision 0026): the desk under the county center, two of its 科室 and
one 科室 of another hospital, their staff, and a 转院协调 item received and accepted at the desk.

``make_hospital_desk(org)`` needs only the ``org`` fixture; ``hospital_cast(...)`` adds users (conftest's
``make_user``) and ``transfer_case(...)`` a running case (it imports the case services: only tests of
``bianmin.cases`` and the apps above it may call it)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from bianmin.org.models import Sector, Unit, UnitKind, Window
from bianmin.org.services import save_unit

from .factories import MON, at, item_content

# The 转院协调 item: committed within 24 hours (an INSTITUTION item may count in hours), no statutory limit beyond it.
TRANSFER_ITEM = "YY-ZY"
MATERIALS: list[dict[str, Any]] = [
    {"name": "患者或家属身份证件", "original": "ORIGINAL", "form": "PAPER", "copies": 1, "necessity": "REQUIRED",
     "source": "APPLICANT", "standard": "有效期内"}]
ALL_GOOD: list[dict[str, Any]] = [{"material": "患者或家属身份证件", "received_as": "PAPER", "copies": 1}]


def make_hospital_desk(org: dict[str, Any]) -> dict[str, Any]:
    """The desk YY1 (sector HOSPITAL) under the county center, its 科室 K1 心内科 and K2 医务科 (K1's 首席责任人 is
    set by ``hospital_cast``), a window, and another hospital YY2 with its 科室 K9."""
    county = org["county"]
    desk = save_unit(Unit(code="YY1", name="测试县人民医院便民服务中心", kind=UnitKind.INSTITUTION_DESK,
                          sector=Sector.HOSPITAL, region=county, parent=org["center"]))
    k1 = save_unit(Unit(code="YY1K1", name="心内科", kind=UnitKind.HOSPITAL_DEPT, sector=Sector.HOSPITAL,
                        region=county, parent=desk))
    k2 = save_unit(Unit(code="YY1K2", name="医务科", kind=UnitKind.HOSPITAL_DEPT, sector=Sector.HOSPITAL,
                        region=county, parent=desk))
    other = save_unit(Unit(code="YY2", name="测试县中医院便民服务中心", kind=UnitKind.INSTITUTION_DESK,
                           sector=Sector.HOSPITAL, region=county, parent=org["center"]))
    k9 = save_unit(Unit(code="YY2K9", name="骨伤科", kind=UnitKind.HOSPITAL_DEPT, sector=Sector.HOSPITAL,
                        region=county, parent=other))
    window = Window.objects.create(unit=desk, number="01", name="入出院服务窗口")
    return {"desk": desk, "k1": k1, "k2": k2, "other": other, "k9": k9, "window": window}


def hospital_cast(org: dict[str, Any], django_user_model: Any, make_user: Any) -> dict[str, Any]:
    """``make_hospital_desk`` plus users: desk_a and desk_b (window staff of the desk), desk_leader, k1_staff (the
    心内科's 首席责任人), k2_staff, k9_staff (the other hospital)."""
    from bianmin.accounts.roles import Role

    h = make_hospital_desk(org)
    h["desk_a"] = make_user(django_user_model, "desk_a", Role.WINDOW, h["desk"])
    h["desk_b"] = make_user(django_user_model, "desk_b", Role.WINDOW, h["desk"])
    h["desk_leader"] = make_user(django_user_model, "desk_leader", Role.LEADER, h["desk"])
    h["k1_staff"] = make_user(django_user_model, "k1_staff", Role.WINDOW, h["k1"])
    h["k2_staff"] = make_user(django_user_model, "k2_staff", Role.WINDOW, h["k2"])
    h["k9_staff"] = make_user(django_user_model, "k9_staff", Role.WINDOW, h["k9"])
    k1 = h["k1"]
    k1.chief_responsible = h["k1_staff"].staff_profile
    save_unit(k1)
    return h


def transfer_item(sysadmin: Any, h: dict[str, Any], *, hours: bool = False) -> Any:
    """Publish the 转院协调 item implemented by the desk (3 working days, or 24 hours with ``hours``)."""
    from bianmin.catalog.services import create_item

    unit = "HOURS" if hours else "WORKING"
    limit = 24 if hours else 3
    return create_item(actor=sysadmin, code=TRANSFER_ITEM, basic_code=TRANSFER_ITEM, content=item_content(
        name="转院协调", kind="PUBLIC_SERVICE", level="INSTITUTION", implementing_unit=h["desk"],
        implementing_organ="测试县人民医院", legal_basis="《医疗机构管理条例》", conditions="住院患者需转院",
        procedure="1. 登记；2. 科室会诊评估；3. 联系接收医院；4. 告知家属", legal_limit=limit, legal_limit_unit=unit,
        committed_limit=limit, committed_limit_unit=unit, special_procedures=[], extension_allowed=False,
        extension_days=0, result_type="OTHER", result_name="转院安排"), materials=MATERIALS, fees=[], faqs=[],
        now=at(MON), publish=True)


def transfer_case(h: dict[str, Any], *, day: dt.date = MON, hour: int = 9, **applicant: Any) -> Any:
    """A 转院协调 case received and accepted by desk_a at ``hour`` on ``day`` (the family member 李四 applies)."""
    from typing import cast as typed

    from bianmin.cases import services as svc

    from .factories import applicant as person

    data = person(name="李四", **applicant)
    case = svc.receive_case(actor=h["desk_a"], item_code=TRANSFER_ITEM, applicant=typed(svc.ApplicantData, data),
                            materials=typed(Any, ALL_GOOD), now=at(day, hour))
    return svc.accept_case(actor=h["desk_a"], number=case.number, now=at(day, hour))


# A patient's health fields in the tests: words that appear nowhere else (not in a 科室's name), so that finding them in
# a page, a message or an audit row means the health field leaked.
DIAGNOSIS = "急性心肌梗死伴室性早搏"
WARD = "住院部七病区四十二床"
HEALTH_WORDS = ("心肌梗死", "室性早搏", "七病区", "四十二床")
SENT = at(MON, 10)  # the tests' coordination requests leave the desk at 10:00 on Monday 2026-03-02


def refused(call: Any, status: int, field: str | None = None) -> Any:
    """Call ``call()`` and return the DomainError it must raise: with HTTP ``status`` (400/403/404/409), naming
    ``field`` when given."""
    import pytest

    from bianmin.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        call()
    assert err.value.status == status, (err.value.status, err.value.message, err.value.fields)
    if field is not None:
        assert field in err.value.fields, err.value.fields
    return err.value
