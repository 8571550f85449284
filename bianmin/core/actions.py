"""One definition per action (CONVENTIONS.md): what a user can do, declared once, read by screens and the API.

An :class:`ActionSpec` names a verb (``accept``), its Chinese label, its input schema (a pydantic model whose
fields carry their Chinese titles), the policy that says who may do it now, the service that does it, and
whether the screen asks for confirmation. The staff screens (``backoffice.actions``) draw the buttons and forms
and parse the posts from it; the API (``api.routes_actions``) generates one endpoint per action with its OpenAPI
entry. Both validate through :func:`parse_input`, so a bad input gets the same errors, named by the same field,
whichever door it came through. No HTTP here: the interfaces adapt.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import DomainError

Subject = TypeVar("Subject")


class ActionInput(BaseModel):
    """Base of every action's input schema: unknown fields are refused (a typo is an error, not ignored)."""

    model_config = ConfigDict(extra="forbid")


class NoInput(ActionInput):
    """An action that takes nothing but its subject."""


Perform = Callable[..., Any]  # (actor=, key=, data=, now=) -> the service's result
Allowed = Callable[[Any, Any], bool]  # (actor, subject context) -> whether the button shows


@dataclass(frozen=True)
class ActionSpec(Generic[Subject]):
    """One action: the single declaration screens and API are built from."""

    name: str  # the verb, also the screen form's ``action`` value: "accept"
    label: str  # Chinese label (title of the form and the OpenAPI summary)
    schema: type[ActionInput]  # validated input
    perform: Perform  # calls the one service that does it
    allowed: Allowed  # the policy: may this actor do it to this subject now (the service refuses alike)
    path: str  # API path below the subject, e.g. "accept" -> /cases/{number}/accept
    button: str = ""  # the button's text (default: the label)
    confirm: str = ""  # a confirmation question before a step that cannot be undone
    # Ask ``confirm`` on a page of its own (the post comes back with ``confirmed=1``) rather than in a dialog: it
    # works without script and by keyboard, and the page can show the input once more before the final button.
    confirm_page: bool = False
    done: str | Callable[[Any], str] = "已保存"  # the screen's message after success
    help: str = ""  # one line under the title
    accesskey: str = ""
    upload: str = ""  # name of a file field, sent as multipart
    secondary: bool = False  # a refusal-type step: drawn as a secondary button
    choices: Mapping[str, Callable[[Any], Iterable[tuple[str, str]]]] = field(default_factory=dict)
    # What a field starts with on the screen for this subject (a callable per field; the API has no form).
    initial: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    # Fields that apply only to some subjects (the screen leaves them out elsewhere; the service still decides).
    show_if: Mapping[str, Callable[[Any], bool]] = field(default_factory=dict)
    result: str = "subject"  # what the API returns: the subject again, or the service's result ("result")
    description: str = ""  # what the service refuses (the OpenAPI description)

    @property
    def button_text(self) -> str:
        return self.button or self.label

    def message(self, result: Any) -> str:
        return self.done(result) if callable(self.done) else str(self.done)


@dataclass
class Catalogue(Generic[Subject]):
    """The actions on one kind of subject (a case, an inquiry, a transfer request), in display order."""

    subject: str  # "case"
    key: str  # the subject's key in paths: "number"
    key_type: type = str
    actions: dict[str, ActionSpec[Subject]] = field(default_factory=dict)

    def add(self, spec: ActionSpec[Subject]) -> ActionSpec[Subject]:
        if spec.name in self.actions:
            raise ValueError(f"action {spec.name!r} declared twice")
        self.actions[spec.name] = spec
        return spec

    def get(self, name: str) -> ActionSpec[Subject] | None:
        return self.actions.get(name)

    def __iter__(self) -> Iterator[ActionSpec[Subject]]:
        return iter(self.actions.values())

    def available(self, actor: Any, subject: Subject) -> list[ActionSpec[Subject]]:
        """Return the actions the policy allows this actor on this subject now (the buttons to draw)."""
        return [spec for spec in self.actions.values() if spec.allowed(actor, subject)]


def run(spec: ActionSpec[Any], *, actor: Any, key: Any, data: Mapping[str, Any] | ActionInput | None,
        now: dt.datetime, **extra: Any) -> Any:
    """Validate ``data`` against the action's schema and call its service (the one path for every door)."""
    payload = data if isinstance(data, spec.schema) else parse_input(spec.schema, dict(data or {}))
    return spec.perform(actor=actor, key=key, data=payload, now=now, **extra)


def parse_input(schema: type[ActionInput], data: Mapping[str, Any]) -> ActionInput:
    """Return ``data`` validated by ``schema``; raise DomainError naming each field in Chinese otherwise."""
    try:
        return schema.model_validate(dict(data))
    except ValidationError as exc:
        raise validation_error(exc.errors()) from None


def validation_error(errors: Iterable[Mapping[str, Any]]) -> DomainError:
    """Return the DomainError for pydantic's ``errors`` (the API's request validation uses it too)."""
    fields: dict[str, list[str]] = {}
    for err in errors:
        fields.setdefault(field_name(err.get("loc", ())), []).append(error_message(err))
    return DomainError("请求参数有误：" + "、".join(fields), fields=fields)


def field_name(loc: Iterable[Any]) -> str:
    """Return a field's dotted name from a pydantic location (framework prefixes dropped): "materials.0.copies"."""
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "form", "payload", "file")]
    return ".".join(parts) or "body"


_BOUNDS = {"greater_than_equal": "不能小于 {}", "greater_than": "应大于 {}", "less_than_equal": "不能大于 {}",
           "less_than": "应小于 {}", "too_long": "过长", "string_too_long": "不能超过 {} 个字符",
           "string_too_short": "至少 {} 个字符"}


def error_message(err: Mapping[str, Any]) -> str:
    """Return the Chinese message for one pydantic error."""
    kind = str(err.get("type", ""))
    if kind == "missing":
        return "此项为必填项"
    if kind == "extra_forbidden":
        return "不认识的字段"
    if kind.startswith("int"):
        return "应为整数"
    if kind.startswith("bool"):
        return "应为是或否"
    if kind.startswith("datetime"):
        return "时间格式应为 YYYY-MM-DD HH:MM"
    if kind.startswith("date"):
        return "日期格式应为 YYYY-MM-DD"
    if kind in ("literal_error", "enum"):
        expected = str((err.get("ctx") or {}).get("expected", ""))
        values = expected.replace("' or '", "、").replace("', '", "、").strip("'")
        return f"取值应为 {values}" if values else "取值不在可选范围内"
    if kind.startswith("list"):
        return "应为列表"
    if kind.startswith("string"):
        bound = _BOUNDS.get(kind)
        if bound is not None:
            return bound.format(next(iter((err.get("ctx") or {}).values()), ""))
        return "应为文本"
    bound = _BOUNDS.get(kind)
    if bound is not None:
        return bound.format(next(iter((err.get("ctx") or {}).values()), ""))
    if kind.startswith("json"):
        return "请求体不是有效的 JSON"
    if kind.startswith(("decimal", "float")):
        return "应为数字"
    return str(err.get("msg", "格式不正确"))
