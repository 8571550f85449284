"""Domain errors raised by services and policies; interfaces translate them to HTTP."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request; ``fields`` names the offending inputs."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code

    @classmethod
    def for_field(cls, field: str, message: str, **kwargs) -> DomainError:
        """Build an error that names one field."""
        return cls(message, fields={field: [message]}, **kwargs)


class NotFound(DomainError):
    """The object does not exist or the user may not see it (the two are never told apart)."""

    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The user may see the object but not do this to it."""

    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The object's state does not allow the action."""

    code = "conflict"
    status = 409


def bounded(field: str, value: str, limit: int, label: str) -> str:
    """Return ``value`` stripped, or raise DomainError naming ``field`` when it is longer than ``limit`` characters:
    a value longer than its column is refused with the limit, never cut."""
    text = (value or "").strip()
    if len(text) > limit:
        raise DomainError.for_field(field, f"{label}不能超过{limit}个字（现有{len(text)}个字）")
    return text
