"""The hash that chains one audit row to the previous one (pure: no database)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def entry_digest(*, seq: int, at: dt.datetime, actor_username: str, action: str, object_type: str,
                 object_id: str, summary: str, data: dict[str, Any], ip: str | None, prev_hash: str) -> str:
    """Return the SHA-256 hex digest that chains one row to ``prev_hash``."""
    payload = json.dumps(
        [seq, at.astimezone(dt.UTC).isoformat(timespec="microseconds"), actor_username, action, object_type,
         object_id, summary, data, ip or "", prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
