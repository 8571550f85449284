"""Who may attach photos of materials to a relay request (issue 13 item 7): kept apart from ``policies`` so the
file rules stay in one small module."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .policies import worker_profile

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser

    from .models import RelayRequest


def attach_refusal(user: AnyUser, relay: RelayRequest) -> str | None:
    """Return why the user may not attach a photo or scan of a material to the relay now, or None when they may:
    an agent or window clerk of the unit holding the materials, until the deciding unit has opened the case (from
    then on the files are the case's)."""
    if relay.case_id is not None:
        return "决定机关已收件，材料照片已转入办件，请在办件中上传"
    profile = worker_profile(user)
    if profile is None or profile.unit_id != relay.holder_unit_id:
        return "只有当前持件单位的代办员或窗口人员可以上传材料照片"
    return None


def may_attach(user: AnyUser, relay: RelayRequest) -> bool:
    """Return whether the user may attach a file to the relay now."""
    return attach_refusal(user, relay) is None
