"""Response and request schemas of the API (pydantic, kept out of the domain apps)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorDetail


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = Field(None, max_length=32, description=(
        "第二因素：验证器显示的6位动态验证码，或一个恢复码。系统管理员、安全管理员、审计管理员、中心领导、"
        "监督员必填；缺少或错误时返回 401，fields 中指明 otp"))


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]
    unit: str | None
    badge_number: str | None


class WorkdayAddOut(Schema):
    start: dt.date
    days: int
    date: dt.date
    provisional: bool


class SpecialDayOut(Schema):
    date: dt.date
    kind: str
    name: str
    source: str
    reason: str = ""  # why the day was added: set for the provisional rule's 补假 days, empty otherwise


class WorkdayYearOut(Schema):
    year: int
    region: str | None
    provisional: bool
    rest_days: list[SpecialDayOut]
    workdays: list[SpecialDayOut]


class ItemSummaryOut(Schema):
    code: str
    name: str
    version: int
    kind: str
    kind_label: str
    level: str
    level_label: str
    department: str | None
    implementing_organ: str
    committed_limit: int
    committed_limit_unit: str
    committed_limit_town: int | None = None  # when a town center accepts (empty: committed_limit)
    committed_limit_village: int | None = None  # when a village station accepts (empty: committed_limit)
    legal_limit: int
    legal_limit_unit: str
    default_class: str


class ItemPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[ItemSummaryOut]


class MaterialOut(Schema):
    name: str
    original: str
    form: str
    copies: int
    necessity: str
    source: str
    basis: str
    standard: str


class FeeOut(Schema):
    name: str
    amount: Decimal
    basis: str
    waivable: bool


class FaqOut(Schema):
    question: str
    answer: str


class ItemDetailOut(ItemSummaryOut):
    basic_code: str
    published_at: dt.datetime | None
    legal_basis: str
    conditions: str
    procedure: str
    joint_departments: list[str]
    special_procedures: list[str]
    extension_allowed: bool
    extension_days: int
    channels: list[str]
    required_visits: int
    visits_reason: str
    appointment: bool
    courier: bool
    online_payment: bool
    place: str
    hours: str
    enquiry_phone: str
    complaint_phone: str
    result_type: str
    result_name: str
    materials: list[MaterialOut]
    fees: list[FeeOut]
    faq: list[FaqOut]
