"""Codes and tokens of the devices bound to a place (rating pads, hall screens, ticket kiosks): a one-time activation
code a supervisor reads from the screen and types on the device, and the SHA-256 digest that is all the database
keeps of it and of the device token. No business rules here."""
from __future__ import annotations

import hashlib
import secrets

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: typed on a device from the supervisor's screen
CODE_LENGTH = 10


def digest(secret: str) -> str:
    """Return the SHA-256 hex digest of ``secret`` (what is stored of a code or token)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_code() -> str:
    """Return a new random activation code of ``CODE_LENGTH`` characters from ``CODE_ALPHABET``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(code: str) -> str:
    """Return the code as typed without spaces or dashes, upper-cased, at most 32 characters."""
    return "".join((code or "").split()).replace("-", "").upper()[:32]


def new_token() -> str:
    """Return a new device token (kept only in the device's cookie; the database holds its digest)."""
    return secrets.token_urlsafe(32)
