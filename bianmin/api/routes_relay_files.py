"""``POST /api/v1/relays/{number}/files``: a photo or scan of a relay's material (issue 13 item 7), generated from
``relay.actions_files`` like the case's upload. An ``Idempotency-Key`` makes a retry on a weak network safe.

No ``from __future__ import annotations`` (as in ``routes_actions``): the schemas' annotations stay objects."""
import datetime as dt
from typing import Any

from ninja import Router, Schema

from bianmin.relay.actions_files import RELAY_FILE_ACTIONS
from bianmin.relay.models import RelayFile

from .auth import StaffToken
from .routes_actions import register

router = Router(tags=["全程代理"], auth=StaffToken())


class RelayFileOut(Schema):
    id: int
    relay: str  # the relay's number
    material_name: str  # "" when not tied to a material line
    original_name: str
    size: int  # bytes as stored (an image without its metadata)
    uploaded_at: dt.datetime


def relay_file_out(stored: RelayFile) -> dict[str, Any]:
    return {"id": stored.pk, "relay": stored.relay.number, "material_name": stored.material_name,
            "original_name": stored.original_name, "size": stored.size, "uploaded_at": stored.uploaded_at}


register(router, RELAY_FILE_ACTIONS, {"attach_file": (201, RelayFileOut, relay_file_out)})
