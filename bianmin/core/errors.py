"""Domain errors raised by services and policies; interfaces translate them to HTTP."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


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


class PartlyDone(Exception):
    """A system step over many items did what it could: ``count`` items went through (``done`` names them when the
    caller needs them), ``failed`` (item: error) did not. Raised after every item was tried, so one item's bad data
    never holds back the others. ``retry``: the next run tries the failed items again (else they need a person)."""

    def __init__(self, count: int, failed: dict[str, str], *, done: Sequence[str] = (), retry: bool = True):
        shown = "；".join(f"{item}：{error}" for item, error in list(failed.items())[:5])
        more = f" 等 {len(failed)} 项" if len(failed) > 5 else ""
        then = "下次运行重试" if retry else "不会自动重试，请核对数据"
        super().__init__(f"{len(failed)} 项未能处理（已处理 {count} 项，{then}）：{shown}{more}")
        self.count, self.failed, self.done, self.retry = count, failed, list(done), retry


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


class FieldErrors:
    """Collects every field's refusal of one input, so a form or a request is told all of them at once; nothing is
    written until ``raise_if_any`` has passed."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def check(self, field: str, func: Callable[..., str], value: str, **kwargs: Any) -> str:
        """Return ``func(value)`` (a validator), or ``value`` with the validator's message recorded."""
        from django.core.exceptions import ValidationError

        try:
            return str(func(value, **kwargs))
        except ValidationError as exc:
            self.add(field, exc.messages[0])
            return value

    def text(self, field: str, value: str | None, limit: int, label: str) -> str:
        """Return ``value`` stripped; longer than ``limit`` characters is refused naming the field (never cut)."""
        text = (value or "").strip()
        if len(text) > limit:
            self.add(field, f"{label}不能超过{limit}个字（现有{len(text)}个字）")
        return text

    def raise_if_any(self, message: str = "提交的信息有误，请按提示修改") -> None:
        if self.fields:
            raise DomainError(message, fields=self.fields)
