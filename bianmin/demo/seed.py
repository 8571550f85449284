"""Build the fictional demo county 云溪县 (synthetic data only). Each part is skipped when already there."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from bianmin.accounts.roles import SECOND_FACTOR_ROLES, Role, group_name
from bianmin.catalog.models import ServiceItem
from bianmin.catalog.services import create_item
from bianmin.hall.models import ServiceType
from bianmin.org.models import HeadOf, Post, Region, RegionLevel, Sector, StaffProfile, Unit, UnitKind, Window
from bianmin.org.services import save_region, save_unit
from bianmin.workdays.models import CalendarYear
from bianmin.workdays.services import chinesecalendar_days, import_official

from .people import synthetic_mobile, synthetic_name
from .totp import demo_totp_key

DEMO_PASSWORD = "Bianmin-Demo-2026"  # noqa: S105 - demo data only; seed_demo refuses to run outside demo mode
COUNTY_CODE = "369901"
HOURS = "工作日 上午8:30—12:00，下午14:30—17:30"
TOWNS = [("369901100", "青石镇", "T01"), ("369901101", "桃源镇", "T02"), ("369901102", "城关街道", "T03")]
VILLAGES = [("369901100201", "青石村", "V01", 0), ("369901100202", "溪口村", "V02", 0),
            ("369901101201", "桃花村", "V03", 1), ("369901101202", "柳塘村", "V04", 1),
            ("369901102001", "文昌社区", "V05", 2), ("369901102002", "南门社区", "V06", 2)]
DEPARTMENTS = [("SCJ", "云溪县市场监督管理局"), ("YBJ", "云溪县医疗保障局"), ("CLH", "云溪县残疾人联合会"),
               ("MZJ", "云溪县民政局"), ("ZRJ", "云溪县自然资源局"), ("WJW", "云溪县卫生健康委员会"),
               ("GAJ", "云溪县公安局"), ("RSJ", "云溪县人力资源和社会保障局")]
HOSPITAL = ("YY1", "云溪县人民医院便民服务中心")
# The hospital's 科室 (decision 0026 §2): units of kind HOSPITAL_DEPT under the desk, each with a 首席责任人 (the first
# of its staff below), answering the desk's coordination requests.
HOSPITAL_DEPTS = [("YY1K01", "心内科"), ("YY1K02", "神经内科"), ("YY1K03", "骨科"), ("YY1K04", "急诊科"),
                  ("YY1K05", "医务科"), ("YY1K06", "医保办"), ("YY1K07", "住院处"), ("YY1K08", "财务科（住院结算）"),
                  ("YY1K09", "病案室")]
# The hospital's demo logins: (username, name, role, unit code, title). The desk's two are A and B of its window's
# post; the leader is the desk's 首席责任人; the first of each 科室 is that 科室's 首席责任人. Given names outside
# ``people.GIVEN``, so no generated staff name can be the same.
HOSPITAL_LOGINS = [
    ("yy_window1", "苏婉清", Role.WINDOW, "YY1", "便民服务中心窗口工作人员"),
    ("yy_window2", "邓雅琴", Role.WINDOW, "YY1", "便民服务中心窗口工作人员"),
    ("yy_leader1", "梁立新", Role.LEADER, "YY1", "便民服务中心主任"),
    ("yy_xnk1", "顾明远", Role.WINDOW, "YY1K01", "心内科主任"),
    ("yy_xnk2", "陶慧敏", Role.WINDOW, "YY1K01", "心内科护士长"),
    ("yy_sjnk1", "方志鹏", Role.WINDOW, "YY1K02", "神经内科主任"),
    ("yy_gk1", "石建平", Role.WINDOW, "YY1K03", "骨科主任"),
    ("yy_gk2", "龚晓琳", Role.WINDOW, "YY1K03", "骨科主治医师"),
    ("yy_jzk1", "蔡立峰", Role.WINDOW, "YY1K04", "急诊科主任"),
    ("yy_jzk2", "钟诗雨", Role.WINDOW, "YY1K04", "急诊科护士长"),
    ("yy_ywk1", "严宏伟", Role.WINDOW, "YY1K05", "医务科科长"),
    ("yy_ywk2", "葛佩玲", Role.WINDOW, "YY1K05", "医务科科员"),
    ("yy_ybb1", "温丽萍", Role.WINDOW, "YY1K06", "医保办主任"),
    ("yy_zyc1", "廖秋菊", Role.WINDOW, "YY1K07", "住院处主任"),
    ("yy_cwk1", "殷凤霞", Role.WINDOW, "YY1K08", "住院结算组组长"),
    ("yy_bas1", "包书恒", Role.WINDOW, "YY1K09", "病案室主任"),
]

# (username, name, role, unit code, window number or None, post role "A"/"B"/None)
DEMO_LOGINS = [
    ("window1", "陈晓东", Role.WINDOW, "C01", "01", "A"),
    ("window2", "林海燕", Role.WINDOW, "C01", "01", "B"),
    ("town_window1", "周文博", Role.WINDOW, "T01", "01", "A"),
    ("agent1", "吴春梅", Role.AGENT, "V01", None, None),
    ("leader1", "郑振华", Role.LEADER, "C01", None, None),
    ("supervisor1", "冯玉兰", Role.SUPERVISOR, "C01", None, None),
    ("sysadmin1", "许志强", Role.SYSADMIN, "C01", None, None),
    ("secadmin1", "韩思远", Role.SECADMIN, "C01", None, None),
    ("auditor1", "曹嘉怡", Role.AUDITOR, "C01", None, None),
]


def _region(code, name, level, parent=None) -> Region:
    return save_region(Region(code=code, name=name, level=level, parent=parent))


def _unit(code, name, kind, region, parent=None, **extra) -> Unit:
    return save_unit(Unit(code=code, name=name, kind=kind, region=region, parent=parent, hours=HOURS, **extra))


def seed_org() -> bool:
    """Create regions, units and windows; return False when they already exist."""
    if Region.objects.filter(code=COUNTY_CODE).exists():
        return False
    county = _region(COUNTY_CODE, "云溪县", RegionLevel.COUNTY)
    center = _unit("C01", "云溪县政务服务中心", UnitKind.COUNTY_CENTER, county, address="云溪县迎宾大道88号",
                   phone="0799-6123456", complaint_phone="0799-6123400")
    towns = []
    for i, (code, name, unit_code) in enumerate(TOWNS):
        region = _region(code, name, RegionLevel.TOWN, county)
        towns.append((region, _unit(unit_code, f"{name}便民服务中心", UnitKind.TOWN_CENTER, region, center,
                                    address=f"{name}政府大院一楼", phone=f"0799-62{i + 1}0001",
                                    complaint_phone="0799-6123400")))
    for code, name, unit_code, town_index in VILLAGES:
        town_region, town_unit = towns[town_index]
        region = _region(code, name, RegionLevel.VILLAGE, town_region)
        # 青石村便民服务站, 文昌社区便民服务站: the village's or community's name already says which it is.
        _unit(unit_code, f"{name}便民服务站", UnitKind.VILLAGE_STATION, region, town_unit,
              address=f"{name}党群服务中心", phone=f"0799-63{unit_code[1:]}001")
    for code, name in DEPARTMENTS:
        _unit(code, name, UnitKind.DEPARTMENT, county, center)
    _unit(HOSPITAL[0], HOSPITAL[1], UnitKind.INSTITUTION_DESK, county, center, address="云溪县人民医院门诊楼一楼",
          phone="0799-6180120", complaint_phone="0799-6180000", sector=Sector.HOSPITAL)
    Window.objects.create(unit=center, number="01", name="综合受理窗口")
    for n, (code, name) in enumerate(DEPARTMENTS, start=2):
        Window.objects.create(unit=center, number=f"{n:02d}", name=f"{name.removeprefix('云溪县')}窗口",
                              department=Unit.objects.get(code=code))
    for _region_obj, town_unit in towns:
        Window.objects.create(unit=town_unit, number="01", name="综合受理窗口")
        Window.objects.create(unit=town_unit, number="02", name="社会事务窗口")
    Window.objects.create(unit=Unit.objects.get(code=HOSPITAL[0]), number="01", name="入出院服务窗口")
    return True


def _user(username: str, name: str, role: Role | None, unit: Unit, badge: str, rng, title: str = "") -> StaffProfile:
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username, full_name=name, must_change_password=False,
                          is_staff=role == Role.SYSADMIN)
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role is not None:
            user.groups.add(Group.objects.get(name=group_name(role)))
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None:
        profile = StaffProfile.objects.create(user=user, name=name, badge_number=badge, unit=unit, title=title,
                                              phone=synthetic_mobile(rng))
    return profile


def seed_staff() -> int:
    """Create the demo logins and enough staff for A/B posts everywhere; return how many were created."""
    if StaffProfile.objects.filter(user__username="window1").exists():
        return 0
    rng = random.Random(2026)
    used = {name for _u, name, *_rest in DEMO_LOGINS}

    def unique_name() -> str:
        """Two different people never share a name in the demo (two A roles called 王芳 confuse every list)."""
        name = synthetic_name(rng)
        while name in used:
            name = synthetic_name(rng)
        used.add(name)
        return name

    units = {u.code: u for u in Unit.objects.all()}
    profiles = {}
    for i, (username, name, role, unit_code, _w, _p) in enumerate(DEMO_LOGINS, start=1):
        title = {Role.LEADER: "中心副主任", Role.SUPERVISOR: "纪检监督员"}.get(role, role.label)
        profiles[username] = _user(username, name, role, units[unit_code], f"YX{i:04d}", rng, title)
    # leader1 is the organ head who approves extensions (joint items need a government head).
    StaffProfile.objects.filter(pk=profiles["leader1"].pk).update(head_of=HeadOf.ORGAN)
    badge = 100
    count = len(DEMO_LOGINS)
    for window in Window.objects.select_related("unit").order_by("unit__path", "number"):
        demo_a = next((profiles[u] for u, _n, _r, uc, w, p in DEMO_LOGINS
                       if uc == window.unit.code and w == window.number and p == "A"), None)
        demo_b = next((profiles[u] for u, _n, _r, uc, w, p in DEMO_LOGINS
                       if uc == window.unit.code and w == window.number and p == "B"), None)
        staff = []
        for demo in (demo_a, demo_b):
            if demo is not None:
                staff.append(demo)
                continue
            badge += 1
            count += 1
            staff.append(_user(f"staff{badge}", unique_name(), Role.WINDOW, window.unit, f"YX{badge:04d}",
                               rng, "窗口工作人员"))
        Post.objects.create(window=window, name=f"{window.name}受理岗", a_staff=staff[0], b_staff=staff[1])
    for _code, _name, unit_code, _t in VILLAGES[1:]:
        badge += 1
        count += 1
        _user(f"agent{badge}", unique_name(), Role.AGENT, units[unit_code], f"YX{badge:04d}", rng, "代办员")
    for code, _name in DEPARTMENTS[:4]:
        badge += 1
        count += 1
        _user(f"leader{badge}", unique_name(), Role.LEADER, units[code], f"YX{badge:04d}", rng, "分管领导")
    return count


def seed_hospital() -> int:
    """Make the demo hospital desk a hospital (decision 0026): its sector, its 科室 with their 首席责任人, and the
    hospital's logins (the desk's A and B become its window post's; the desk leader its 首席责任人); return how many
    staff were created. Each part is done only when missing, so a database seeded before issue 14 gets it too and an
    administrator's later changes stay."""
    desk = Unit.objects.filter(code=HOSPITAL[0]).first()
    if desk is None:
        return 0
    if desk.sector != Sector.HOSPITAL:
        desk.sector = Sector.HOSPITAL
        save_unit(desk)
    units = {u.code: u for u in Unit.objects.filter(path__startswith=desk.path)}
    for code, name in HOSPITAL_DEPTS:
        if code not in units:
            units[code] = save_unit(Unit(code=code, name=name, kind=UnitKind.HOSPITAL_DEPT, sector=Sector.HOSPITAL,
                                         region=desk.region, parent=desk, address="云溪县人民医院",
                                         phone=desk.phone, hours="每日 24 小时（门诊工作日 8:00—17:30）"))
    rng = random.Random(14)
    user_model = get_user_model()
    existing = set(user_model.objects.filter(username__in=[u for u, *_ in HOSPITAL_LOGINS])
                   .values_list("username", flat=True))
    profiles: dict[str, StaffProfile] = {}
    created = 0
    for i, (username, name, role, unit_code, title) in enumerate(HOSPITAL_LOGINS, start=1):
        profiles[username] = _user(username, name, role, units[unit_code], f"YY{i:04d}", rng, title)
        created += username not in existing
    if "yy_window1" not in existing:  # the desk's A and B take its window's post (the generated pair stay on staff)
        Post.objects.filter(window__unit=desk, window__number="01").update(
            a_staff=profiles["yy_window1"], b_staff=profiles["yy_window2"])
    chiefs = {unit_code: profiles[username] for username, _n, _r, unit_code, _t in reversed(HOSPITAL_LOGINS)}
    chiefs[desk.code] = profiles["yy_leader1"]
    for code, chief in chiefs.items():
        unit = units[code]
        if unit.chief_responsible_id is None and chief.is_active and chief.unit_id == unit.pk:
            unit.chief_responsible = chief
            save_unit(unit)
    return created


def seed_items() -> int:
    """Create and publish the demo catalogue; return how many items were created."""
    from .items_data import ITEMS

    units = {u.code: u for u in Unit.objects.all()}
    existing = set(ServiceItem.objects.values_list("code", flat=True))
    now = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    created = 0
    for data in ITEMS:
        if data["code"] in existing:
            continue
        dept = data["department"]
        unit = units.get(HOSPITAL[0]) if dept == "HOSPITAL" else units.get(dept)
        content = {k: data[k] for k in (
            "name", "kind", "level", "legal_basis", "conditions", "procedure", "legal_limit", "legal_limit_unit",
            "committed_limit", "committed_limit_unit", "special_procedures", "extension_allowed", "extension_days",
            "default_class", "channels", "required_visits", "visits_reason", "appointment", "courier",
            "online_payment", "place", "hours", "enquiry_phone", "complaint_phone", "result_type", "result_name")}
        content["implementing_unit"] = unit
        content["implementing_organ"] = data["implementing_organ"]
        content["lower_review_days"] = data.get("lower_review_days", 0)
        materials = [{**m, "order": i} for i, m in enumerate(data["materials"], start=1)]
        fees = [{**f, "amount": Decimal(f["amount"])} for f in data["fees"]]
        faqs = [{**q, "order": i} for i, q in enumerate(data["faq"], start=1)]
        joint = [units[c] for c in data["joint_departments"] if c in units]
        create_item(actor=None, code=data["code"], basic_code=data["basic_code"], content=content,
                    materials=materials, fees=fees, faqs=faqs, joint_units=joint, now=now, publish=True)
        created += 1
    return created


def seed_calendar(now: dt.datetime) -> bool:
    """Import the official calendar once."""
    if CalendarYear.objects.exists():
        return False
    days, years = chinesecalendar_days()
    import_official(days, years, notice="chinesecalendar 数据包", now=now)
    return True


def seed_chiefs() -> int:
    """Name the demo leader 首席责任人 of the county and town centers that have none; return how many were set."""
    leader = StaffProfile.objects.filter(user__username="leader1").first()
    if leader is None:
        return 0
    count = 0
    for unit in Unit.objects.filter(kind__in=[UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER],
                                    path__startswith=leader.unit.path, chief_responsible__isnull=True):
        unit.chief_responsible = leader
        save_unit(unit)
        count += 1
    return count


def seed_second_factor() -> int:
    """Enrol every demo account whose roles need a second factor with the one demo TOTP secret
    (``bianmin.demo.totp``), so every role can be tried; return how many were enrolled. Accounts that already have
    a device keep it."""
    names = [group_name(role) for role in SECOND_FACTOR_ROLES]
    users = (get_user_model().objects.filter(groups__name__in=names).exclude(totpdevice__confirmed=True)
             .distinct())
    key = demo_totp_key()
    devices = [TOTPDevice(user=user, name="演示动态验证码", key=key, confirmed=True) for user in users]
    TOTPDevice.objects.bulk_create(devices)
    return len(devices)


def seed_service_types() -> int:
    """Give each demo center its queue's business types (A 综合受理 at the comprehensive window; B at the other
    windows: the stationed departments at the county center, 社会事务 at a town); return how many were made."""
    made = 0
    for unit in Unit.objects.filter(kind__in=[UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER,
                                              UnitKind.INSTITUTION_DESK]).order_by("path"):
        if ServiceType.objects.filter(unit=unit).exists():
            continue
        windows = list(Window.objects.filter(unit=unit, is_active=True).order_by("number"))
        if not windows:
            continue
        general = ServiceType.objects.create(unit=unit, letter="A", name="综合受理", default_minutes=12, position=1)
        general.windows.set(windows[:1])
        made += 1
        if len(windows) > 1:
            other = "部门业务" if unit.kind == UnitKind.COUNTY_CENTER else "社会事务"
            second = ServiceType.objects.create(unit=unit, letter="B", name=other, default_minutes=15, position=2)
            second.windows.set(windows[1:])
            made += 1
    return made


@transaction.atomic
def seed_demo(now: dt.datetime) -> dict[str, object]:
    """Load the whole demo county; safe to run again (nothing duplicated, nothing wiped)."""
    calendar, org = seed_calendar(now), seed_org()
    staff = seed_staff() + seed_hospital()  # the hospital's 科室 and logins (issue 14), also on an older database
    result: dict[str, object] = {"calendar": calendar, "org": org, "staff": staff, "items": seed_items()}
    seed_chiefs()  # only centers without a chief get one, so running again changes nothing
    seed_service_types()  # 取号叫号 (issue 18): only centers without business types get them
    seed_second_factor()  # also enrols accounts of a database seeded before the second factor existed
    return result
