"""Screens built from the action catalogue (``core.actions``): one form per allowed action, one parser per post.

Nothing here knows a particular action. The fields, their Chinese labels, the widgets, the choices, the button,
the confirmation question and the message after success all come from the action's declaration; the post is
turned into the action's input schema and handed to ``core.actions.run`` — the path the API takes too.
"""
from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, QueryDict

from bianmin.core.actions import ActionSpec, Catalogue
from bianmin.core.errors import DomainError


@dataclass
class FieldView:
    """One input of an action's form, ready for the template."""

    name: str
    label: str
    widget: str  # text | textarea | number | date | datetime | checkbox | checkboxes | select | file
    required: bool = False
    value: Any = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    selected: set[str] = field(default_factory=set)
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class FormView:
    """One action's form on a page."""

    spec: ActionSpec[Any]
    fields: list[FieldView]
    errors: list[str] = field(default_factory=list)  # the refusal's messages naming no field of the form
    typed: bool = False  # holds what the user typed in a refused post: never kept beyond its request

    @property
    def name(self) -> str:
        return self.spec.name


def _shape(annotation: Any) -> tuple[str, Any]:
    """Return (kind, inner type) of a schema field: bool, int, date, datetime, list, choice (enum/Literal) or
    text."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _shape(args[0])
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if all(a in (str, int, float) for a in inner):
            return ("int" if inner == [int] else "text"), None
        return _shape(inner[0])
    if origin is list:
        return "list", args[0] if args else str
    if origin is typing.Literal:
        return "choice", [(str(a), str(a)) for a in args]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "choice", [(m.value, getattr(m, "label", m.value)) for m in annotation]
    if annotation is bool:
        return "bool", None
    if annotation is dt.datetime:
        return "datetime", None
    if annotation is dt.date:
        return "date", None
    if annotation is int:
        return "int", None
    return "text", None


def _bounds(info: Any) -> tuple[int | None, int | None, int | None]:
    low = high = length = None
    for m in info.metadata:
        low = getattr(m, "ge", low)
        high = getattr(m, "le", high)
        length = getattr(m, "max_length", length)
    return low, high, length


def form_view(spec: ActionSpec[Any], subject: Any, posted: QueryDict | None = None,
              error: DomainError | None = None) -> FormView:
    """Return the form of ``spec`` for ``subject``, holding what was typed when the same action was refused, with
    each of the refusal's messages beside the field it names."""
    kept = posted if posted is not None and posted.get("action") == spec.name else None
    named = (error.fields if error is not None else {}) if kept is not None else {}
    fields = []
    for name, info in spec.schema.model_fields.items():
        if name in spec.show_if and not spec.show_if[name](subject):
            continue
        kind, inner = _shape(info.annotation)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        provider = spec.choices.get(name)
        choices = [(str(v), str(lab)) for v, lab in provider(subject)] if provider else (
            inner if kind == "choice" else [])
        low, high, length = _bounds(info)
        start = spec.initial[name](subject) if name in spec.initial and kept is None else None
        view = FieldView(name=name, label=str(info.title or name), widget="text", required=info.is_required(),
                         min=low, max=high, max_length=length)
        view.errors = [m for key, ms in named.items() if key.split(".")[0] == name for m in ms]
        if kind == "list" and extra.get("widget") == "lines":  # objects typed one a line ("户口簿 2份")
            view.widget = "textarea"
            view.value = kept.get(name, "") if kept is not None else (start if start is not None else "")
        elif kind == "list":
            view.widget, view.choices = "checkboxes", choices
            view.selected = set(kept.getlist(name)) if kept is not None else (
                {str(v) for v in start} if start is not None else
                {v for v, _ in choices} if extra.get("checked") else set())
        elif kind == "bool":
            view.widget = "checkbox"
            view.value = (kept.get(name) == "on") if kept is not None else bool(info.default)
        else:
            default = "" if info.is_required() or info.default is None else info.default
            default = start if start is not None else default
            view.value = kept.get(name, "") if kept is not None else getattr(default, "value", default)
            if choices:
                view.widget, view.choices = "select", choices
            elif kind == "int":
                view.widget = "number"
            elif kind == "date":
                view.widget = "date"
            elif kind == "datetime" and extra.get("widget") == "datetime-local":
                view.widget = "datetime"
            elif extra.get("widget") == "textarea":
                view.widget = "textarea"
        fields.append(view)
    if spec.upload:
        fields.append(FieldView(name=spec.upload, label="文件", widget="file", required=True,
                                errors=named.get(spec.upload, [])))
    shown = {f.name for f in fields}
    rest = [m for key, ms in named.items() if key.split(".")[0] not in shown for m in ms]
    return FormView(spec=spec, fields=fields, errors=rest, typed=kept is not None)


def data_from_post(spec: ActionSpec[Any], post: QueryDict) -> dict[str, Any]:
    """Return the action's input as the schema expects it from a posted form (a field left empty takes its
    default; a required one is passed on empty, so the service names it as the API would)."""
    data: dict[str, Any] = {}
    for name, info in spec.schema.model_fields.items():
        kind, _ = _shape(info.annotation)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if kind == "list" and extra.get("widget") == "lines":
            data[name] = post.get(name, "")  # the schema reads the lines
        elif kind == "list":
            data[name] = post.getlist(name)
        elif kind == "bool":
            data[name] = post.get(name) == "on"
        else:
            value = post.get(name)
            # Left empty: an optional field takes its default; a required number, date or choice is missing
            # ("此项为必填项", as from the API); a required text goes on empty and the service names it.
            if value is None or (value.strip() == "" and (not info.is_required() or kind != "text")):
                continue
            data[name] = value.strip() if kind in ("int", "choice") else value
    return data


def forms_for(request: Any, catalogue: Catalogue[Any], subject: Any, posted: QueryDict | None = None,
              error: DomainError | None = None) -> list[FormView]:
    """Return the forms of the actions ``catalogue`` allows the user on ``subject``. A refusal is shown once:
    beside the fields it names when the refused form is drawn, otherwise as the page's message."""
    from .views import say_error

    forms = [form_view(spec, subject, posted, error) for spec in catalogue.available(request.user, subject)]
    if error is not None and posted is not None:
        refused = next((f for f in forms if f.name == posted.get("action")), None)
        shown = {f.name for f in refused.fields} if refused else set()
        if refused is None or not error.fields or {k.split(".")[0] for k in error.fields} - shown:
            say_error(request, error)
            if refused is not None:
                refused.errors = []
                for f in refused.fields:
                    f.errors = []
    return forms


def perform_post(request: Any, catalogue: Any, key: Any, *, refused: Callable[[DomainError], HttpResponse],
                 done: Callable[[Any], HttpResponse], only: str = "",
                 confirming: Callable[[ActionSpec[Any]], HttpResponse] | None = None) -> HttpResponse:
    """Run the posted ``action`` of ``catalogue`` on ``key`` — the one path of every catalogued screen post.

    Success: the action's message, then ``done(result)`` (a redirect). Refusal: ``refused(error)`` (the page again,
    as typed, status 400). An unknown action, or one other than ``only`` when given, and a subject the user may
    not see are a 404, like a missing page. An action asking on a page of its own (``confirm_page``) is first
    answered with ``confirming(spec)``, the question and the final button, until it comes back ``confirmed=1``.
    """
    from django.contrib import messages
    from django.http import Http404

    from bianmin.core.actions import run
    from bianmin.core.errors import NotFound
    from bianmin.core.timeutils import now

    name = request.POST.get("action", "")
    spec = catalogue.get(name) if not only or name == only else None
    if spec is None:
        raise Http404
    if spec.confirm_page and request.POST.get("confirmed") != "1":
        if confirming is None:  # fail closed: the page's dialog is left out for these actions (_action_form.html)
            raise ImproperlyConfigured(f"{spec.name} asks on a page of its own: pass perform_post(confirming=…)")
        return confirming(spec)
    extra = {"upload": request.FILES.get(spec.upload)} if spec.upload else {}
    try:
        result = run(spec, actor=request.user, key=key, data=data_from_post(spec, request.POST), now=now(), **extra)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return refused(exc)
    messages.success(request, spec.message(result))
    return done(result)


def refused_page(view: Any, request: Any, exc: DomainError, *args: Any) -> HttpResponse:
    """Return ``view``'s page again with the refused form as typed, each error beside its field (status 400)."""
    response: HttpResponse = view.get(request, *args, posted=request.POST, error=exc)
    response.status_code = 400
    return response
