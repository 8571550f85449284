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


def mask_name_public(value: str) -> str:
    """Mask a person's name for the public site: first character and one star."""
    if not value:
        return ""
    return value[0] + "*"
