import datetime as dt
from decimal import Decimal

import pytest

from bianmin.catalog.services import create_item
from bianmin.workdays.services import chinesecalendar_days, import_official
from conftest import NOW

ID = "11010519491231002X"
# Monday 2026-03-02 09:00 Beijing time.
MONDAY = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def calendar(db):
    days, years = chinesecalendar_days()
    import_official(days, years, now=NOW)


def _content(**overrides):
    data = {"name": "食品经营许可", "kind": "LICENSE", "level": "COUNTY",
            "implementing_organ": "测试县市场监督管理局", "legal_basis": "《中华人民共和国食品安全法》",
            "conditions": "具有经营场所", "procedure": "申请、受理、审查",
            "legal_limit": 20, "legal_limit_unit": "WORKING", "committed_limit": 10,
            "committed_limit_unit": "WORKING", "special_procedures": ["INSPECTION", "TESTING"],
            "extension_allowed": True, "extension_days": 10, "default_class": "PROMISED", "channels": ["WINDOW"],
            "required_visits": 1,
            "visits_reason": "现场核查", "appointment": False, "courier": False, "online_payment": False,
            "place": "二楼", "hours": "工作日", "enquiry_phone": "0799-6000001", "complaint_phone": "0799-6000000",
            "result_type": "CERTIFICATE", "result_name": "食品经营许可证"}
    data.update(overrides)
    return data


MATERIALS = [
    {"name": "申请书", "original": "ORIGINAL", "form": "PAPER", "copies": 1, "necessity": "REQUIRED",
     "source": "APPLICANT", "standard": "填写完整并签字"},
    {"name": "营业执照", "original": "COPY", "form": "EITHER", "copies": 1, "necessity": "REQUIRED",
     "source": "GOVERNMENT", "standard": "在有效期内"},
    {"name": "场所平面图", "original": "ORIGINAL", "form": "PAPER", "copies": 1, "necessity": "DEFERRABLE",
     "source": "APPLICANT", "standard": "标明功能分区"},
]


@pytest.fixture
def item(cast, calendar, org):
    return create_item(actor=cast["sysadmin"], code="SP-01", basic_code="1", content=_content(
        implementing_unit=org["dept"]), materials=MATERIALS,
        fees=[{"name": "工本费", "amount": Decimal("10.00"), "basis": "文件", "waivable": True}],
        faqs=[], now=NOW, publish=True)


@pytest.fixture
def immediate_item(cast, calendar):
    return create_item(actor=cast["sysadmin"], code="JB-01", basic_code="2", content=_content(
        name="生育登记", committed_limit=0, legal_limit=0, default_class="IMMEDIATE", special_procedures=[],
        extension_allowed=False, extension_days=0), materials=MATERIALS[:1], fees=[], faqs=[], now=NOW,
        publish=True)


def applicant(**overrides):
    data = {"kind": "PERSON", "name": "张三", "id_type": "RESIDENT_ID", "id_number": ID, "phone": "13800138000",
            "address": "测试县测试路1号"}
    data.update(overrides)
    return data


ALL_GOOD = [{"material": "申请书", "received_as": "PAPER", "copies": 1},
            {"material": "场所平面图", "received_as": "PAPER", "copies": 1}]
