"""API endpoints generated from the action catalogues (``cases.actions``): one ``POST`` per declared action.

Each endpoint's request body is the action's input schema (so the OpenAPI document lists its fields, their
Chinese titles and enumerated values), its summary is the action's label and its description says what the
service refuses. The body is validated by the schema and the action runs through ``core.actions.run`` — the same
path the staff screens take — so both doors give the same errors.

Each generated view's parameters are an ``inspect.Signature`` built from the catalogue (``_endpoint``): one
view body for every action, whose signature names the subject's key and carries the schema classes themselves,
which is what django-ninja reads and documents. No ``from __future__ import annotations`` here: the output
schemas below keep their annotations as objects too.
"""
import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any, Optional

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status as Answer_

from bianmin.cases.actions import CASE_ACTIONS, EXTENSION_ACTIONS, RETURN_ACTIONS, TRANSFER_ACTIONS
from bianmin.cases.models import ExtensionStatus, ReturnRequestStatus, TransferStatus
from bianmin.cases.policies import get_case_for
from bianmin.cases.workflow import CaseClass, Status
from bianmin.core.actions import ActionSpec, Catalogue, run
from bianmin.core.timeutils import now
from bianmin.inquiries.actions import INQUIRY_ACTIONS

from .auth import StaffToken
from .routes_cases import ERRORS, CaseOut, HandlerOut, case_out
from .routes_inquiries import InquiryOut
from .routes_inquiries import out as inquiry_out
from .schemas_oversight import MeetingActionDoneOut, ViolationOut, action_done_out, violation_result

router = Router(tags=["办件"], auth=StaffToken())


class ReturnRequestOut(Schema):
    id: int
    status: ReturnRequestStatus
    case: str


class ExtensionOut(Schema):
    id: int
    status: ExtensionStatus
    days: int
    case: str
    committed_deadline: Optional[dt.date] = None  # noqa: UP045 - evaluated at runtime by ninja
    legal_deadline: Optional[dt.date] = None  # noqa: UP045


class AcceptOut(Schema):
    """What the window needs after 受理: the limits and the first handler (the whole case is one GET away)."""

    number: str
    status: Status
    case_class: CaseClass
    accepted_at: Optional[dt.datetime]  # noqa: UP045 - evaluated at runtime by ninja
    first_handler: Optional[HandlerOut]  # noqa: UP045
    committed_deadline: Optional[dt.date]  # noqa: UP045
    legal_deadline: Optional[dt.date]  # noqa: UP045
    provisional: bool  # the committed deadline was counted over a year not yet published
    legal_provisional: bool  # the same for the legal deadline
    urgent: bool


def _accept_out(case: Any) -> dict[str, Any]:
    handler = case.first_handler
    return {"number": case.number, "status": case.status, "case_class": case.case_class,
            "accepted_at": case.accepted_at, "committed_deadline": case.committed_deadline,
            "legal_deadline": case.legal_deadline, "provisional": case.deadline_provisional,
            "legal_provisional": case.legal_deadline_provisional, "urgent": case.urgent,
            "first_handler": {"name": handler.name, "badge": handler.badge_number} if handler else None}


class TransferOut(Schema):
    id: int
    status: TransferStatus
    case: str


def _request_out(obj: Any) -> dict[str, Any]:
    return {"id": obj.pk, "status": obj.status, "case": obj.case.number}


def _extension_out(obj: Any) -> dict[str, Any]:
    return {**_request_out(obj), "days": obj.days, "committed_deadline": obj.case.committed_deadline,
            "legal_deadline": obj.case.legal_deadline}


# What an action returns when it is not the case again: (schema, how to build it from the service's result).
RESULTS: dict[tuple[str, str], tuple[type[Schema], Any]] = {
    ("case", "accept"): (AcceptOut, _accept_out),  # slim: acceptance is the busiest write (decision 0011)
    ("case", "return_request"): (ReturnRequestOut, _request_out),
    ("case", "extension"): (ExtensionOut, _extension_out),
}
SUBJECT_RESULTS: dict[str, tuple[type[Schema], Any]] = {
    "inquiry": (InquiryOut, inquiry_out),
    "transfer": (TransferOut, _request_out),
    "return_request": (ReturnRequestOut, _request_out),
    "extension": (ExtensionOut, _extension_out),
    "violation": (ViolationOut, violation_result),
    "meeting_action": (MeetingActionDoneOut, action_done_out),
}


def _output(catalogue: Catalogue[Any], spec: ActionSpec[Any]) -> tuple[type[Schema], Any]:
    if catalogue.subject != "case":
        return SUBJECT_RESULTS[catalogue.subject]
    if spec.result == "result":
        return RESULTS[(catalogue.subject, spec.name)]

    def out(result: Any, *, request: Any, key: str) -> dict[str, Any]:
        return case_out(get_case_for(request.auth, key))
    return CaseOut, out


def _respond(catalogue: Catalogue[Any], spec: ActionSpec[Any], build: Any, request: Any, key: Any,
             result: Any) -> Any:
    if catalogue.subject == "case" and spec.result != "result":
        return build(result, request=request, key=key)
    return build(result)


PREFIXES = {"case": "/cases/{number}", "inquiry": "/inquiries/{number}", "transfer": "/transfers/{transfer_id}",
            "return_request": "/return-requests/{request_id}", "extension": "/extensions/{extension_id}",
            "violation": "/violations/{pk}", "meeting": "/meetings/{pk}", "meeting_action": "/meeting-actions/{pk}",
            "relay": "/relays/{number}", "complaint": "/complaints/{number}",
            "rating": "/ratings/{rating_id}"}

# The view's parameters are built at run time from the catalogue (the schema of each action is a value here), so
# ninja's markers and ``Optional`` are applied through these names: mypy reads a subscript of the originals as a
# type written in the code, which a variable cannot be.
_FORM: Any = Form
_OPTIONAL: Any = Optional
_PARAM = inspect.Parameter.POSITIONAL_OR_KEYWORD


def _input_parameters(spec: ActionSpec[Any]) -> list[inspect.Parameter]:
    """Return the parameters that carry the action's input, as ninja reads (and documents) them."""
    schema = spec.schema
    if spec.upload:  # a multipart form: the schema's fields and the file
        return [inspect.Parameter("payload", _PARAM, annotation=_FORM[schema]),
                inspect.Parameter("file", _PARAM, annotation=File[UploadedFile], default=None)]
    if not schema.model_fields:  # nothing but the subject
        return []
    if all(not f.is_required() for f in schema.model_fields.values()):  # a body that may be left out
        return [inspect.Parameter("payload", _PARAM, annotation=_OPTIONAL[schema], default=None)]
    return [inspect.Parameter("payload", _PARAM, annotation=schema)]


# An action's answer where it is not the catalogue's usual one: (status, schema, body from the service's result).
Answer = tuple[int, type[Schema], Callable[[Any], Any]]


def _endpoint(catalogue: Catalogue[Any], spec: ActionSpec[Any], answer: Answer | None) -> Callable[..., Any]:
    """Return the view function of one action. Its signature is what ninja reads and documents: the subject's key
    under the catalogue's name (``number``, ``transfer_id``…; none for a subject-less catalogue, whose actions
    create their subject) and the input (``_input_parameters``)."""
    build = None if answer else _output(catalogue, spec)[1]
    key_name = catalogue.key

    def view(request: Any, **params: Any) -> Any:
        key = params.pop(key_name) if key_name else None
        payload = params.pop("payload", None)
        extra = {"upload": params.pop("file", None)} if spec.upload else {}
        result = run(spec, actor=request.auth, key=key, data=payload if payload is not None else {}, now=now(),
                     **extra)
        if answer is not None:
            return Answer_(answer[0], answer[2](result))
        return _respond(catalogue, spec, build, request, key, result)

    view.__name__ = f"{catalogue.subject}_{spec.name}"
    key = [inspect.Parameter(key_name, _PARAM, annotation=catalogue.key_type)] if key_name else []
    # inspect.signature() (which ninja calls) answers a function's ``__signature__`` attribute when it has one.
    view.__dict__["__signature__"] = inspect.Signature([
        inspect.Parameter("request", _PARAM), *key, *_input_parameters(spec)])
    return view


def register(target: Router, catalogue: Catalogue[Any], answers: dict[str, Answer] | None = None) -> None:
    """Add one ``POST`` endpoint per action of ``catalogue`` to ``target``: ``PREFIXES[subject]/<path>``, or
    ``/<path>`` for a subject-less catalogue. ``answers`` gives an action another status and body than the
    catalogue's usual answer (a new row: 201 and the row)."""
    for spec in catalogue:
        answer = (answers or {}).get(spec.name)
        status, out = (answer[0], answer[1]) if answer else (200, _output(catalogue, spec)[0])
        prefix = PREFIXES[catalogue.subject] if catalogue.key else ""
        target.post(f"{prefix}/{spec.path}", response={status: out, **ERRORS},
                    summary=spec.label, description=spec.description,
                    operation_id=f"{catalogue.subject}_{spec.name}")(_endpoint(catalogue, spec, answer))


def register_at(target: Router, prefix: str, catalogue: Catalogue[Any], answers: dict[str, Answer]) -> None:
    """Add one ``POST prefix/<path>`` per action of ``catalogue`` to ``target``, each with its answer (``register``
    for a subject whose prefix and answers are its router's own rather than this module's)."""
    for spec in catalogue:
        status, out, _build = answers[spec.name]
        target.post(f"{prefix}/{spec.path}", response={status: out, **ERRORS}, summary=spec.label,
                    description=spec.description, operation_id=f"{catalogue.subject}_{spec.name}")(
            _endpoint(catalogue, spec, answers[spec.name]))


for _catalogue in (CASE_ACTIONS, TRANSFER_ACTIONS, RETURN_ACTIONS, EXTENSION_ACTIONS):
    register(router, _catalogue)
inquiry_router = Router(tags=["首问"], auth=StaffToken())
register(inquiry_router, INQUIRY_ACTIONS)
