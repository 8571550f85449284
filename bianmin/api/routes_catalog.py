"""Public catalogue endpoints."""
from __future__ import annotations

from ninja import Router

from bianmin.catalog.models import ItemKind, ItemLevel
from bianmin.catalog.selectors import current_version_by_code, current_versions
from bianmin.core.errors import DomainError, NotFound

from .bounds import Page, PageSize, page_rows
from .schemas import ErrorOut, ItemDetailOut, ItemPageOut

router = Router(tags=["事项目录"])


def _summary(v) -> dict:
    return {"code": v.item.code, "name": v.name, "version": v.number, "kind": v.kind,
            "kind_label": v.get_kind_display(), "level": v.level, "level_label": v.get_level_display(),
            "department": v.implementing_unit.code if v.implementing_unit else None,
            "implementing_organ": v.implementing_organ, "committed_limit": v.committed_limit,
            "committed_limit_unit": v.committed_limit_unit, "committed_limit_town": v.committed_limit_town,
            "committed_limit_village": v.committed_limit_village, "lower_review_days": v.lower_review_days,
            "legal_limit": v.legal_limit,
            "legal_limit_unit": v.legal_limit_unit, "default_class": v.default_class}


@router.get("/items", response={200: ItemPageOut, 400: ErrorOut}, auth=None, summary="事项目录（分页）")
def list_items(request, q: str = "", department: str = "", level: str = "", kind: str = "", page: Page = 1,
               page_size: PageSize = 20):
    if level and level not in ItemLevel.values:
        raise DomainError.for_field("level", "层级应为 " + "、".join(ItemLevel.values))
    if kind and kind not in ItemKind.values:
        raise DomainError.for_field("kind", "事项类型应为 " + "、".join(ItemKind.values))
    qs = current_versions(q=q.strip(), department=department, level=level, kind=kind)
    count = qs.count()
    rows = qs[page_rows(page, page_size)]
    return {"count": count, "page": page, "page_size": page_size, "results": [_summary(v) for v in rows]}


@router.get("/items/{code}", response={200: ItemDetailOut, 404: ErrorOut}, auth=None, summary="事项现行版本详情")
def item_detail(request, code: str):
    v = current_version_by_code(code)
    if v is None:
        raise NotFound("事项不存在")
    return {**_summary(v), "basic_code": v.item.basic_code, "published_at": v.published_at,
            "legal_basis": v.legal_basis, "conditions": v.conditions, "procedure": v.procedure,
            "joint_departments": [u.code for u in v.joint_units.all()],
            "special_procedures": v.special_procedures, "extension_allowed": v.extension_allowed,
            "extension_days": v.extension_days, "channels": v.channels, "required_visits": v.required_visits,
            "visits_reason": v.visits_reason, "appointment": v.appointment, "courier": v.courier,
            "online_payment": v.online_payment, "place": v.place, "hours": v.hours,
            "enquiry_phone": v.enquiry_phone, "complaint_phone": v.complaint_phone,
            "result_type": v.result_type, "result_name": v.result_name,
            "materials": list(v.materials.all()), "fees": list(v.fees.all()), "faq": list(v.faqs.all())}
