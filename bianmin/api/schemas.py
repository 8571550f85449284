"""Response and request schemas of the API (pydantic, kept out of the domain apps)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import WithJsonSchema

from bianmin.accounts.roles import Role
from bianmin.catalog.models import (
    CaseClass,
    Channel,
    ItemKind,
    ItemLevel,
    LimitUnit,
    MaterialForm,
    MaterialOriginal,
    MaterialSource,
    Necessity,
    ResultType,
    SpecialProcedure,
)
from bianmin.workdays.models import DayKind, DaySource

# Two of the catalogue's enums are listed inline rather than as components: the case's CaseClass (六件制) and the
# inquiry's Channel have the same class names, and two components with one name collide in the OpenAPI document.
ItemCaseClass = Annotated[CaseClass, WithJsonSchema({"type": "string", "enum": list(CaseClass.values),
                                                    "description": "默认办件类型"})]
ItemChannel = Annotated[Channel, WithJsonSchema({"type": "string", "enum": list(Channel.values)})]


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
    roles: list[Role]
    unit: str | None
    badge_number: str | None


class DeskCountOut(Schema):
    key: str = Field(description="intake、red、yellow、inquiries、transfers、extensions、returns、deferred、"
                                 "sanctions、violations、relays（待本单位签收的代办交接）"
                                 "（按角色只列出有权处理的种类）")
    label: str
    count: int
    href: str = Field(description="列出这些记录的工作台页面地址")
    alarm: bool = Field(description="超期类：不为零时以红色提示")


class DeskOut(Schema):
    date: dt.date
    counts: list[DeskCountOut]


class WorkdayAddOut(Schema):
    start: dt.date
    days: int
    date: dt.date
    provisional: bool


class SpecialDayOut(Schema):
    date: dt.date
    kind: DayKind
    name: str
    source: DaySource
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
    kind: ItemKind
    kind_label: str
    level: ItemLevel
    level_label: str
    department: str | None
    implementing_organ: str
    committed_limit: int
    committed_limit_unit: LimitUnit
    committed_limit_town: int | None = None  # when a town center accepts (empty: committed_limit)
    committed_limit_village: int | None = None  # when a village station accepts (empty: committed_limit)
    # 行政许可法第四十三条: working days of the lower organ's 初审 before the county decides (0: none)
    lower_review_days: int = Field(0, ge=0, le=60, title="下级机关初审期限（工作日）")
    legal_limit: int
    legal_limit_unit: LimitUnit
    default_class: ItemCaseClass


class ItemPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[ItemSummaryOut]


class MaterialOut(Schema):
    name: str
    original: MaterialOriginal
    form: MaterialForm
    copies: int
    necessity: Necessity
    source: MaterialSource
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
    special_procedures: list[SpecialProcedure]
    extension_allowed: bool
    extension_days: int
    channels: list[ItemChannel]
    required_visits: int
    visits_reason: str
    appointment: bool
    courier: bool
    online_payment: bool
    place: str
    hours: str
    enquiry_phone: str
    complaint_phone: str
    result_type: ResultType
    result_name: str
    materials: list[MaterialOut]
    fees: list[FeeOut]
    faq: list[FaqOut]
