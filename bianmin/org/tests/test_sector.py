"""A hospital is a desk with its 科室 below it (decision 0026 §1–§2); the words follow the unit."""
import pytest

from bianmin.core.errors import DomainError
from bianmin.org.models import Sector, Unit, UnitKind
from bianmin.org.services import save_unit
from bianmin.org.terms import GOVERNMENT, HOSPITAL, terms_for


def make_hospital_desk(org):
    desk = save_unit(Unit(code="YY1", name="测试县人民医院便民服务中心", kind=UnitKind.INSTITUTION_DESK,
                          sector=Sector.HOSPITAL, region=org["county"], parent=org["center"]))
    k1 = save_unit(Unit(code="YY1K1", name="心内科", kind=UnitKind.HOSPITAL_DEPT, sector=Sector.HOSPITAL,
                        region=org["county"], parent=desk))
    return {"desk": desk, "k1": k1}


def test_hospital_desk_and_departments(org):
    h = make_hospital_desk(org)
    assert h["desk"].is_hospital_desk and h["desk"].is_hospital
    assert h["k1"].is_hospital and not h["k1"].is_hospital_desk
    assert h["k1"].path.startswith(h["desk"].path)
    assert terms_for(h["desk"]) is HOSPITAL and terms_for(h["k1"]) is HOSPITAL
    assert terms_for(org["center"]) is GOVERNMENT and terms_for(None) is GOVERNMENT
    assert str(HOSPITAL.applicant) == "患者/家属" and str(HOSPITAL.department) == "科室"


def test_department_must_sit_under_a_hospital_desk(org):
    with pytest.raises(DomainError) as err:
        save_unit(Unit(code="K0", name="外科", kind=UnitKind.HOSPITAL_DEPT, sector=Sector.HOSPITAL,
                       region=org["county"], parent=org["center"]))
    assert "parent" in err.value.fields
    with pytest.raises(DomainError) as err:
        save_unit(Unit(code="K0", name="外科", kind=UnitKind.HOSPITAL_DEPT, sector="", region=org["county"],
                       parent=org["center"]))
    assert "sector" in err.value.fields
    assert not Unit.objects.filter(code="K0").exists()


def test_only_desks_and_departments_are_hospitals(org):
    with pytest.raises(DomainError) as err:
        save_unit(Unit(code="C9", name="某中心", kind=UnitKind.COUNTY_CENTER, sector=Sector.HOSPITAL,
                       region=org["county"]))
    assert "sector" in err.value.fields


def test_a_desk_with_departments_stays_a_hospital(org):
    h = make_hospital_desk(org)
    desk = h["desk"]
    desk.sector = ""
    with pytest.raises(DomainError) as err:
        save_unit(desk)
    assert "sector" in err.value.fields
    assert Unit.objects.get(pk=desk.pk).sector == Sector.HOSPITAL


def test_the_admin_form_names_the_sector_error(org):
    from bianmin.org.admin import UnitForm

    h = make_hospital_desk(org)
    form_class = type("F", (UnitForm,), {"Meta": type("Meta", (), {"model": Unit, "fields": [
        "code", "name", "kind", "sector", "region", "parent", "is_active"]})})
    form = form_class(data={"code": "K0", "name": "外科", "kind": UnitKind.HOSPITAL_DEPT, "sector": "",
                            "region": org["county"].pk, "parent": h["desk"].pk, "is_active": "on"})
    assert not form.is_valid() and "sector" in form.errors
