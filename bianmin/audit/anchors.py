"""Anchor the audit chain's head outside the database (decision 0017).

Each anchor is one JSON line ``{"v": 1, "kind": "head", "seq": …, "hash": …, "at": …, "hmac": …}`` appended to
``BIANMIN["AUDIT_ANCHOR_FILE"]`` and written to the ``bianmin.audit.anchor`` log. The HMAC-SHA256 is keyed with
``BIANMIN["AUDIT_ANCHOR_KEY"]`` (from the environment; when empty, a key derived from ``SECRET_KEY``), so somebody
who can write to the database but does not hold the key cannot delete the newest rows or rewrite rows and recompute
the chain without ``verify_audit`` noticing. A ``purge`` line records where a retention purge cut the chain.
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.crypto import salted_hmac

from .chain import GENESIS
from .models import AuditEntry

logger = logging.getLogger("bianmin.audit.anchor")
SALT = "bianmin.audit.anchor"
HEAD, PURGE = "head", "purge"


@dataclass(frozen=True)
class Anchor:
    """A signed statement: at ``at`` row ``seq`` had hash ``hash`` (``head``), or the chain starts at row
    ``seq`` whose predecessor, removed by a retention purge, had hash ``hash`` (``purge``)."""

    kind: str
    seq: int
    hash: str
    at: dt.datetime
    line: int = 0


@dataclass
class AnchorFile:
    """What ``read_anchors`` found: the anchors whose signature holds, and the lines that are not acceptable."""

    path: Path
    exists: bool
    anchors: list[Anchor] = field(default_factory=list)
    bad_lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def anchor_path() -> Path:
    """Return the configured anchor file."""
    return Path(settings.BIANMIN.get("AUDIT_ANCHOR_FILE") or Path(settings.BASE_DIR) / "var" / "audit-anchors.jsonl")


def _keys() -> list[str]:
    """Return the signing key first, then older keys still accepted when reading (rotation)."""
    conf = settings.BIANMIN
    if conf.get("AUDIT_ANCHOR_KEY"):
        return [conf["AUDIT_ANCHOR_KEY"], *conf.get("AUDIT_ANCHOR_KEY_FALLBACKS", [])]
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _body(kind: str, seq: int, hash_: str, at: str) -> str:
    return json.dumps({"v": 1, "kind": kind, "seq": seq, "hash": hash_, "at": at}, sort_keys=True,
                      separators=(",", ":"))


def _sign(body: str, key: str) -> str:
    return salted_hmac(SALT, body, secret=key, algorithm="sha256").hexdigest()


def _append(kind: str, seq: int, hash_: str, now: dt.datetime, path: Path | None) -> Anchor:
    path = path or anchor_path()
    at = now.astimezone(dt.UTC).isoformat(timespec="seconds")
    body = _body(kind, seq, hash_, at)
    line = json.dumps({**json.loads(body), "hmac": _sign(body, _keys()[0])}, sort_keys=True, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:  # append only; the operator may also set chattr +a
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    logger.info("审计锚点 audit anchor %s", line)
    return Anchor(kind=kind, seq=seq, hash=hash_, at=dt.datetime.fromisoformat(at))


def _last_line(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 4096))
            lines = fh.read().decode("utf-8", "replace").strip().splitlines()
    except FileNotFoundError:
        return ""
    return lines[-1] if lines else ""


def anchor_audit_head(*, now: dt.datetime, path: Path | None = None, force: bool = False) -> Anchor | None:
    """Append a signed anchor of the newest audit row to the anchor file and the log.

    Returns the anchor, or None when the file's last line already anchors the same row (unless ``force``).
    Raises OSError when the file cannot be written (the scheduler reports it and tries again next round).
    """
    seq, hash_ = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first() or (0, GENESIS)
    if not force:
        try:
            last = json.loads(_last_line(path or anchor_path()) or "{}")
        except ValueError:
            last = {}
        if last.get("kind") == HEAD and last.get("seq") == seq and last.get("hash") == hash_:
            return None
    return _append(HEAD, seq, hash_, now, path)


def write_purge_anchor(*, first_seq: int, prev_hash: str, now: dt.datetime, path: Path | None = None) -> Anchor:
    """Record, signed, that rows before ``first_seq`` are removed by a retention purge and the chain continues
    from ``prev_hash``."""
    return _append(PURGE, first_seq, prev_hash, now, path)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                yield number, line.strip()


def read_anchors(path: Path | None = None) -> AnchorFile:
    """Read and check every line of the anchor file: a line that is not an anchor or whose HMAC does not match
    any accepted key is reported, not used."""
    path = path or anchor_path()
    result = AnchorFile(path=path, exists=path.exists())
    if not result.exists:
        return result
    keys = _keys()
    for number, line in _lines(path):
        try:
            item = json.loads(line)
            body = _body(item["kind"], item["seq"], item["hash"], item["at"])
            mac = item["hmac"]
            at = dt.datetime.fromisoformat(item["at"])
            if item["kind"] not in (HEAD, PURGE) or not isinstance(item["seq"], int):
                raise ValueError(item["kind"])
        except (ValueError, KeyError, TypeError):
            result.bad_lines.append((number, "不是有效的锚点记录 / not an anchor record"))
            continue
        if not any(hmac.compare_digest(_sign(body, key), str(mac)) for key in keys):
            result.bad_lines.append((number, "签名（HMAC）不符，锚点被伪造或改动 / HMAC mismatch: forged or altered"))
            continue
        result.anchors.append(Anchor(kind=item["kind"], seq=item["seq"], hash=item["hash"], at=at, line=number))
    return result
