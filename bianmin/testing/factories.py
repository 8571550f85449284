"""Plain test helpers shared by every app's tests: fixed times, an applicant, an item's content and materials,
the staff receipt form and the API's error shape.

Fixtures (``org``, ``cast``, ``calendar``, ``item``, ``immediate_item``) live in the root ``conftest.py``; a test
module never imports another app's test module. This module imports only the catalogue's services (for
``make_catalog_item``), so the tests of ``bianmin.catalog`` and of the apps above it may use it; the layers
contract of import-linter would see a chain from a lower app's tests up to ``bianmin.catalog``.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from bianmin.catalog.services import create_item

# Monday 2026-03-02 in Beijing: 17:00 (``NOW``, the cast's clock) and 09:00 (``MONDAY``, the window's first hour).
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
MONDAY = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
MON = MONDAY.date()  # a Monday with no holiday nearby
# A resident ID number with a valid GB 11643 check character.
ID = "11010519491231002X"


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """Return ``hour`` o'clock Beijing time on ``day`` (as an aware UTC datetime)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(hours=hour - 8)


def item_content(**overrides: Any) -> dict[str, Any]:
    """Return the content of the food-business licence SP-01 (20/10 working days, 检验 and 检测, +10), overridden."""
    data: dict[str, Any] = {
        "name": "食品经营许可", "kind": "LICENSE", "level": "COUNTY",
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


# SP-01's materials: one required from the applicant, one required that a government body issued, one 容缺.
MATERIALS: list[dict[str, Any]] = [
    {"name": "申请书", "original": "ORIGINAL", "form": "PAPER", "copies": 1, "necessity": "REQUIRED",
     "source": "APPLICANT", "standard": "填写完整并签字"},
    {"name": "营业执照", "original": "COPY", "form": "EITHER", "copies": 1, "necessity": "REQUIRED",
     "source": "GOVERNMENT", "standard": "在有效期内"},
    {"name": "场所平面图", "original": "ORIGINAL", "form": "PAPER", "copies": 1, "necessity": "DEFERRABLE",
     "source": "APPLICANT", "standard": "标明功能分区"},
]

# Everything the applicant brings for SP-01, acceptable (the licence is fetched, not asked for).
ALL_GOOD: list[dict[str, Any]] = [{"material": "申请书", "received_as": "PAPER", "copies": 1},
                                  {"material": "场所平面图", "received_as": "PAPER", "copies": 1}]


def applicant(**overrides: Any) -> dict[str, Any]:
    """Return a person applying (张三, a valid resident ID), overridden."""
    data: dict[str, Any] = {"kind": "PERSON", "name": "张三", "id_type": "RESIDENT_ID", "id_number": ID,
                            "phone": "13800138000", "address": "测试县测试路1号"}
    data.update(overrides)
    return data


def make_item(cast: dict[str, Any], org: dict[str, Any], code: str, **content: Any):
    """Publish an item like SP-01 under ``code`` (implemented by the department D1, no fees), content overridden."""
    return create_item(actor=cast["sysadmin"], code=code, basic_code=code, content=item_content(
        implementing_unit=org["dept"], **content), materials=MATERIALS, fees=[], faqs=[], now=at(MON),
        publish=True)


def catalog_content(**overrides: Any) -> dict[str, Any]:
    """Return the content of the catalogue tests' item (个体工商户登记, 15/3 working days), overridden."""
    data: dict[str, Any] = {
        "name": "个体工商户登记", "kind": "LICENSE", "level": "COUNTY",
        "implementing_organ": "测试县市场监督管理局", "legal_basis": "《促进个体工商户发展条例》",
        "conditions": "有经营能力的公民", "procedure": "申请、受理、决定",
        "legal_limit": 15, "legal_limit_unit": "WORKING", "committed_limit": 3, "committed_limit_unit": "WORKING",
        "special_procedures": [], "extension_allowed": False, "extension_days": 0, "default_class": "PROMISED",
        "channels": ["WINDOW", "ONLINE"], "required_visits": 1, "visits_reason": "核验身份",
        "appointment": True, "courier": False, "online_payment": False, "place": "二楼5号窗口",
        "hours": "工作日", "enquiry_phone": "0799-6000001", "complaint_phone": "0799-6000000",
        "result_type": "CERTIFICATE", "result_name": "营业执照"}
    data.update(overrides)
    return data


CATALOG_MATERIALS: list[dict[str, Any]] = [
    {"name": "身份证", "original": "ORIGINAL", "form": "PAPER", "copies": 1, "necessity": "REQUIRED",
     "source": "APPLICANT", "standard": "有效期内"}]
CATALOG_FEES: list[dict[str, Any]] = [{"name": "工本费", "amount": Decimal("20.00"), "basis": "收费文件",
                                       "waivable": False}]


def make_catalog_item(cast: dict[str, Any], code: str = "YX-0001", publish: bool = True, **overrides: Any):
    """Create the catalogue tests' item as the cast's system administrator (published unless ``publish=False``)."""
    return create_item(actor=cast["sysadmin"], code=code, basic_code="000101", content=catalog_content(**overrides),
                       materials=CATALOG_MATERIALS, fees=CATALOG_FEES,
                       faqs=[{"question": "要多久？", "answer": "3个工作日"}], now=NOW, publish=publish)


def receive_form(item, **overrides: Any) -> dict[str, str]:
    """Return the staff receipt form (收件) for ``item`` (an item version) with every material received and good."""
    data = {"item": "SP-01", "applicant_kind": "PERSON", "name": "张三", "id_type": "RESIDENT_ID", "id_number": ID,
            "phone": "13800138000"}
    for m in item.materials.all():
        data[f"m{m.pk}_how"] = "SHARED" if m.source == "GOVERNMENT" else "PAPER"
        data[f"m{m.pk}_copies"] = "1"
        data[f"m{m.pk}_ok"] = "on"
    data.update(overrides)
    return data


def assert_error(response, status: int, field: str | None = None) -> dict[str, Any]:
    """Assert that ``response`` is the API's error body with ``status`` (naming ``field``); return the error."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    if field:
        assert field in body["error"]["fields"], body
    return body["error"]
