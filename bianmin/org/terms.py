"""The words a screen uses for a unit: a hospital's desk says 患者/家属 and 科室 where a center says 申请人 and 部门.

One table, read by the templates through the ``terms`` context (``backoffice.context``) and by services that write
text to people (decision 0026)."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Sector, Unit


@dataclass(frozen=True)
class Terms:
    applicant: str | Promise
    department: str | Promise
    center: str | Promise
    citizen: str | Promise


GOVERNMENT = Terms(applicant=_("申请人"), department=_("部门"), center=_("便民服务中心"), citizen=_("办事群众"))
HOSPITAL = Terms(applicant=_("患者/家属"), department=_("科室"), center=_("医院便民服务中心"), citizen=_("患者和家属"))


def terms_for(unit: Unit | None) -> Terms:
    """Return the words for ``unit`` (government words when there is no unit)."""
    return HOSPITAL if unit is not None and unit.sector == Sector.HOSPITAL else GOVERNMENT
