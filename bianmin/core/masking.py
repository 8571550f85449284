"""Masking of personal data, done on the server (SECURITY.md "Display masking")."""
from __future__ import annotations


def mask_id_staff(value: str) -> str:
    """Mask an ID for staff lists: first 3 and last 4 characters."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_id_public(value: str) -> str:
    """Mask an ID for the public site: first and last character."""
    if not value:
        return ""
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_phone(value: str) -> str:
    """Mask a phone number as 138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def phone_last4(value: str) -> str:
    """Return the last four digits of a phone, exactly what ``mask_phone`` leaves visible ("" when it shows none),
    stored for the staff search by the last four digits (decision 0022)."""
    tail = (value or "")[-4:]
    return tail if len(value or "") >= 7 and len(tail) == 4 and tail.isascii() and tail.isdigit() else ""


def mask_name_public(value: str) -> str:
    """Mask a person's name for the public site: first character and one star."""
    if not value:
        return ""
    return value[0] + "*"
