"""Only the single writers write a case's status and warning level, and the database refuses unknown statuses.

The guard parses every non-test module under ``bianmin/`` (migrations included) and fails on any write of a
``status`` or ``warning_level`` field outside the functions listed in ``WRITERS``:

(a) an assignment, augmented or annotated assignment to ``<anything>.status`` / ``<anything>.warning_level``
    (also inside tuple targets);
(b) ``.update(...)`` / ``.bulk_update(...)`` / ``.update_or_create(defaults=...)`` naming one of them, as a keyword,
    a key of a ``**{...}`` literal or an entry of the field list;
(c) ``setattr(x, "status", ...)`` / ``setattr(x, "warning_level", ...)``;
and on writes it cannot read — ``setattr`` with a computed name, ``update(**mapping)``, ``bulk_update`` with a
computed field list — outside the functions listed in ``DYNAMIC_WRITES``; and on raw SQL that updates the case
table's status or warning level.

Scope: a static scan cannot tell a ``Case`` from another object, so it checks every object's ``status``. Each other
model's own writers are listed explicitly below with the model they write; for ``Case`` the writers are the
transition function and the warning stampers. A new writer of any status fails here until it is listed on purpose.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.db.models import CheckConstraint

from bianmin.cases.models import Case
from bianmin.cases.workflow import Status

ROOT = Path(__file__).resolve().parents[2]  # the ``bianmin`` package
assert ROOT.name == "bianmin"

GUARDED = frozenset({"status", "warning_level"})

S, W = frozenset({"status"}), frozenset({"warning_level"})
# (module under bianmin/, function — nested ones as ``outer.inner``, methods as ``Class.method``)
#   -> (the fields it may write, whose they are).
WRITERS: dict[tuple[str, str], tuple[frozenset[str], str]] = {
    # Case: the one transition function (the status; LATE when a running case ends after its deadline) and the
    # warning stampers (stamp_warning when a deadline moves; the sweep's YELLOW/RED marks and its bulk save of the
    # rows it stamped).
    ("cases/services/core.py", "transition"): (S | W, "Case"),
    ("cases/services/core.py", "stamp_warning"): (W, "Case"),
    ("sweep/services.py", "_mark"): (W, "Case"),
    ("sweep/services.py", "sweep_unstamped.handle"): (W, "Case (saves what stamp_warning set)"),
    # Every other model with a status: its own services, nothing else.
    ("cases/services/clock.py", "_decide_extension"): (S, "Extension"),
    ("cases/services/handlers.py", "_decide"): (S, "Transfer"),
    ("cases/services/returns.py", "_decide"): (S, "ReturnRequest"),
    ("cases/services/lifecycle.py", "withdraw_case"): (S, "ReturnRequest (a pending 退件 request lapses)"),
    ("accountability/services.py", "dismiss_violation"): (S, "Violation"),
    ("accountability/services.py", "propose_sanction"): (S, "Violation"),
    ("accountability/services.py", "decide_sanction"): (S, "Violation"),
    ("accounts/resets.py", "request_reset"): (S, "ResetRequest (expires stale requests)"),
    ("accounts/resets.py", "_pending_request"): (S, "ResetRequest (expires a stale request)"),
    ("accounts/resets.py", "approve_reset"): (S, "ResetRequest"),
    ("accounts/resets.py", "reject_reset"): (S, "ResetRequest"),
    ("catalog/services.py", "publish_version"): (S, "ItemVersion"),
    ("catalog/services.py", "prepare_draft"): (S, "ItemVersion"),
    ("inquiries/services.py", "record_outcome"): (S, "Inquiry"),
    ("inquiries/services.py", "close_inquiry"): (S, "Inquiry"),
    ("inquiries/services.py", "record_escort_result"): (S, "Inquiry (a visit's result may close it)"),
    ("meetings/services.py", "complete_action"): (S, "ActionItem"),
    ("core/idempotency.py", "finish"): (S, "IdempotentRequest (running → done)"),
    ("notifications/services.py", "deliver_due"): (S, "Message"),
    # 全程代理 (decision 0023): a relay request's status and its hops' status and sweep warning.
    ("relay/services.py", "hand_over"): (S, "RelayRequest (in transit)"),
    ("relay/services.py", "sign_for"): (S, "HandOver (signed) and RelayRequest (at the town or opened)"),
    ("relay/services.py", "refuse_hand_over"): (S, "HandOver (refused) and RelayRequest (back with the sender)"),
    ("relay/services.py", "review_relay"): (S, "HandOver (初审 done) and RelayRequest (back at the town)"),
    ("relay/services.py", "send_result"): (S, "RelayRequest (result on its way back, or delivered by post)"),
    ("relay/services.py", "deliver_relay"): (S, "RelayRequest (delivered to the applicant)"),
    ("relay/services.py", "archive_relay"): (S, "RelayRequest (归档上报)"),
    ("relay/services.py", "_delivered_elsewhere"): (S, "RelayRequest (delivered by post or at the deciding window)"),
    # 好差评 and 监督投诉 (decision 0024): a 差评 follow-up's steps, an appeal's decision, a complaint's steps, and
    # their sweep warnings.
    ("ratings/services.py", "record_visit"): (S | W, "BadRatingFollowUp (visited: rectifying)"),
    ("ratings/services.py", "record_rectification"): (W, "BadRatingFollowUp (a late step marked for the sweep)"),
    ("ratings/services.py", "tell_result"): (S, "BadRatingFollowUp (told: a 追评 may follow)"),
    ("ratings/services.py", "rate_again"): (S, "BadRatingFollowUp (closed by the 追评)"),
    ("ratings/services.py", "decide_appeal"): (S, "RatingAppeal (upheld or rejected)"),
    ("ratings/sweep.py", "sweep_rating_follow_ups.record_late"): (W, "BadRatingFollowUp (recorded late)"),
    ("ratings/sweep.py", "sweep_rating_follow_ups.warn"): (W, "BadRatingFollowUp (yellow)"),
    ("complaints/services.py", "investigate_complaint"): (S, "Complaint (调查)"),
    ("complaints/services.py", "handle_complaint"): (S, "Complaint (处置)"),
    ("complaints/services.py", "transfer_complaint"): (S | W, "Complaint (转办: received anew, warning reset)"),
    ("complaints/services.py", "reply_complaint"): (S | W, "Complaint (反馈; a late reply marked for the sweep)"),
    ("complaints/services.py", "archive_complaint"): (S, "Complaint (归档)"),
    ("complaints/sweep.py", "sweep_complaint_replies.warn"): (W, "Complaint (yellow)"),
    ("complaints/sweep.py", "sweep_complaint_replies.record_late"): (W, "Complaint (recorded late)"),
    ("relay/services.py", "_late"): (W, "HandOver (answered after its due date: for the sweep to record)"),
    ("sweep/services.py", "sweep_relay_hops.warn"): (W, "HandOver (yellow)"),
    ("sweep/services.py", "sweep_relay_hops.record_late"): (W, "HandOver (recorded late)"),
    # 预约办结, 预约联动, 组团服务 (decision 0025 §6): the joint appointment's and the outreach visit's close and
    # cancel, and the sweep settling a completion appointment (kept or late).
    ("hall/promises.py", "close_joint"): (S, "JointAppointment (held, or not held)"),
    ("hall/promises.py", "cancel_joint"): (S, "JointAppointment (cancelled)"),
    ("hall/promises.py", "close_outreach"): (S, "OutreachVisit (done)"),
    ("hall/promises.py", "cancel_outreach"): (S, "OutreachVisit (cancelled)"),
    ("hall/sweep.py", "settle_completion_appointments.handle"): (S, "CompletionAppointment (kept or late)"),
    ("hall/booking.py", "book"): (S, "Appointment (the person's stale holds expire)"),
    ("hall/booking.py", "confirm"): (S, "Appointment (held → booked, or expired)"),
    ("hall/booking.py", "cancel"): (S, "Appointment (cancelled)"),
    ("hall/booking.py", "mark_no_show"): (S, "Appointment (no-show)"),
    ("hall/booking.py", "excuse_no_show"): (S, "Appointment (no-show excused)"),
    ("hall/booking.py", "sweep_no_shows"): (S, "Appointment (no-shows, expired holds)"),
    ("hall/queue.py", "check_in"): (S, "Appointment (arrived)"),
    ("hall/queue.py", "call_next"): (S, "Ticket (served → done, waiting → called)"),
    ("hall/queue.py", "_end"): (S, "Ticket (done, skipped, dropped)"),
    ("hall/queue.py", "start"): (S, "Ticket (serving)"),
    ("hall/queue.py", "requeue"): (S, "Ticket (waiting again)"),
    ("hall/queue.py", "link"): (S, "Ticket (serving once linked)"),
    # The hospital desk (decision 0026): a coordination request's replies and closing, its reminders and late marks;
    # the 便民活动 lifecycle.
    ("hospital/services.py", "_reply"): (S, "CoordinationRequest (answered or refused)"),
    ("hospital/services.py", "tell_family"): (S, "CoordinationRequest (told)"),
    ("hospital/services.py", "withdraw_request"): (S, "CoordinationRequest (withdrawn)"),
    ("hospital/services.py", "escalate_request"): (W, "CoordinationRequest (a raised request starts unwarned)"),
    ("hospital/services.py", "record_late"): (W, "CoordinationRequest (late: RED)"),
    ("hospital/sweep.py", "sweep_reminders"): (W, "CoordinationRequest (reminded: YELLOW)"),
    ("hospital/sweep.py", "close_ended.handle"): (S, "CoordinationRequest (its case ended: withdrawn)"),
    ("hospital/services.py", "publish_event"): (S, "CareEvent (published)"),
    ("hospital/services.py", "record_attendance"): (S, "CareEvent (held)"),
    ("hospital/services.py", "cancel_event"): (S, "CareEvent (cancelled)"),
}

# Writes whose field names are computed, each read and found not to touch a status or warning level.
DYNAMIC_WRITES: dict[tuple[str, str], str] = {
    ("cases/services/core.py", "transition"): "the transition's own ``changes`` (it is the single writer anyway)",
    ("sweep/services.py", "_record_missed_limit.handle"): "clears the limit date field a sweep step recorded",
    ("core/management/commands/rotate_field_keys.py", "Command.handle"): "re-encrypted personal-data columns",
    ("stats/selectors.py", "_Rows.build"): "adds up counts on report rows (no model)",
    ("stats/ratings.py", "GroupedRows.build"): "adds up counts on report rows (no model)",
    ("ratings/sweep.py", "sweep_rating_follow_ups.record_late"): "marks the late step's flag on a 差评 follow-up",
    ("core/distribution.py", "_install"): "puts the county-keyed relation descriptors on model classes (no row)",
    ("core/prepared.py", "Prepared.objects"): "a read's annotations on the instances it loads, as the ORM's own",
    ("core/inserts.py", "_insert"): "the columns the database returns for new rows (the primary key), as bulk_create",
}

# Raw SQL that updates the case table and names a guarded field.
RAW_CASE_UPDATE = re.compile(r'(?is)\bupdate\s+"?cases_case"?\s+set\b.*\b(status|warning_level)\b')


@dataclass(frozen=True)
class Write:
    module: str
    function: str
    line: int
    what: str
    fields: frozenset[str] = frozenset()  # the guarded fields written; empty for a computed write

    @property
    def dynamic(self) -> bool:
        return not self.fields

    def __str__(self) -> str:
        return f"{self.module}:{self.line} in {self.function}: {self.what}"


def _strings(node: ast.AST | None) -> set[str] | None:
    """Return the string constants of a literal (a string, or a list/tuple/set of them); None when computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        out: set[str] = set()
        for element in node.elts:
            found = _strings(element)
            if found is None:
                return None
            out |= found
        return out
    return None


class _Scanner(ast.NodeVisitor):
    def __init__(self, module: str):
        self.module = module
        self.scope: list[str] = []
        self.loop_names: list[dict[str, set[str]]] = [{}]  # ``for name in ("a", "b")`` binds name to those strings
        self.writes: list[Write] = []

    # --- where we are --------------------------------------------------------------------------------------------
    def _enter(self, node):
        self.scope.append(node.name)
        self.loop_names.append({})
        self.generic_visit(node)
        self.loop_names.pop()
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _enter

    def visit_For(self, node: ast.For):
        values = _strings(node.iter)
        bound = isinstance(node.target, ast.Name) and values is not None
        if bound:
            self.loop_names[-1][node.target.id] = values
        self.generic_visit(node)
        if bound:
            self.loop_names[-1].pop(node.target.id, None)

    def _found(self, node: ast.AST, what: str, fields: set[str] | frozenset[str] = frozenset()) -> None:
        self.writes.append(Write(self.module, ".".join(self.scope) or "<module>", node.lineno, what,
                                 frozenset(fields)))

    def _names(self, node: ast.AST) -> set[str] | None:
        """Return the strings ``node`` stands for: a literal, a loop variable over a literal, a module constant."""
        if isinstance(node, ast.Name):
            for frame in reversed(self.loop_names):
                if node.id in frame:
                    return frame[node.id]
        return _strings(node)

    def visit_Module(self, node: ast.Module):
        for statement in node.body:  # NAME = "literal" (or A, B = "a", "b") at module level, e.g. a cache attribute
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
                continue
            target, value = statement.targets[0], statement.value
            pairs = zip(target.elts, value.elts, strict=True) if isinstance(target, ast.Tuple) \
                and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts) else [(target, value)]
            for name, literal in pairs:
                if isinstance(name, ast.Name) and (strings := _strings(literal)) is not None:
                    self.loop_names[0][name.id] = strings
        self.generic_visit(node)

    # --- (a) assignments -----------------------------------------------------------------------------------------
    def _target(self, target: ast.AST, node: ast.AST) -> None:
        if isinstance(target, ast.Attribute) and target.attr in GUARDED:
            self._found(node, f".{target.attr} = …", {target.attr})
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._target(element, node)
        elif isinstance(target, ast.Starred):
            self._target(target.value, node)

    def visit_Assign(self, node: ast.Assign):
        for target in node.targets:
            self._target(target, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign):
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign):
        if node.value is not None:
            self._target(node.target, node)
        self.generic_visit(node)

    # --- (b) bulk writes and (c) setattr ---------------------------------------------------------------------------
    def _keywords(self, node: ast.Call, method: str, keywords: list[ast.keyword]) -> None:
        for keyword in keywords:
            if keyword.arg in GUARDED:
                self._found(node, f".{method}({keyword.arg}=…)", {keyword.arg})
            elif keyword.arg is None:  # **mapping
                value = keyword.value
                if isinstance(value, ast.Dict) and all(k is not None for k in value.keys):
                    keys = [self._names(k) for k in value.keys]
                    if any(k is None for k in keys):
                        self._found(node, f".{method}(**{{computed key: …}})")
                    elif hit := set().union(*keys) & GUARDED:
                        self._found(node, f".{method}(**{{{', '.join(sorted(hit))}: …}})", hit)
                else:
                    self._found(node, f".{method}(**mapping)")

    def visit_Call(self, node: ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "update":
            self._keywords(node, "update", node.keywords)
        elif isinstance(func, ast.Attribute) and func.attr == "bulk_update":
            fields = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "fields"), None)
            names = self._names(fields) if fields is not None else set()
            if names is None:
                self._found(node, ".bulk_update(…, computed fields)")
            elif hit := names & GUARDED:
                self._found(node, f".bulk_update(…, [{', '.join(sorted(hit))}])", hit)
        elif isinstance(func, ast.Attribute) and func.attr == "update_or_create":
            for keyword in node.keywords:
                if keyword.arg in ("defaults", "create_defaults") and isinstance(keyword.value, ast.Dict):
                    self._keywords(node, "update_or_create", [ast.keyword(arg=None, value=keyword.value)])
                elif keyword.arg in ("defaults", "create_defaults"):
                    self._found(node, ".update_or_create(defaults=mapping)")
        elif isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
            names = self._names(node.args[1])
            if names is None:
                self._found(node, "setattr(…, computed name, …)")
            elif hit := names & GUARDED:
                self._found(node, f"setattr(…, {', '.join(repr(n) for n in sorted(hit))}, …)", hit)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant):
        if isinstance(node.value, str) and (match := RAW_CASE_UPDATE.search(node.value)):
            self._found(node, "raw SQL updating cases_case", {match.group(1).lower()})


def writes_in(source: str, module: str) -> list[Write]:
    """Return every write of a guarded field (and every computed write) in ``source``, parsed as ``module``."""
    scanner = _Scanner(module)
    scanner.visit(ast.parse(source, module))
    return scanner.writes


def offenders(writes: list[Write]) -> list[Write]:
    """Return the writes outside the listed writers (or of a field their entry does not name)."""
    def allowed(w: Write) -> bool:
        key = (w.module, w.function)
        return key in DYNAMIC_WRITES if w.dynamic else key in WRITERS and w.fields <= WRITERS[key][0]

    return [w for w in writes if not allowed(w)]


def scanned_modules():
    """Yield (path, module) for every non-test module of the package."""
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or rel.name.startswith("test_") or rel.name == "conftest.py" \
                or rel.parts[0] == "testing":
            continue
        yield path, rel.as_posix()


@pytest.fixture(scope="module")
def all_writes() -> list[Write]:
    return [w for path, module in scanned_modules() for w in writes_in(path.read_text(encoding="utf-8"), module)]


# --- the guard -----------------------------------------------------------------------------------------------------

def test_the_scan_covers_every_app_and_skips_only_tests():
    modules = {module for _, module in scanned_modules()}
    apps = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "testing"}
    assert apps <= {module.split("/")[0] for module in modules}
    assert {"cases/services/core.py", "cases/workflow.py", "cases/models.py", "sweep/services.py",
            "catalog/admin.py"} <= modules
    assert any("/migrations/" in module for module in modules)
    assert not [m for m in modules if "/tests/" in m or m.rsplit("/", 1)[-1].startswith(("test_", "conftest"))]


def test_status_and_warning_level_are_written_only_by_the_listed_writers(all_writes):
    found = offenders(all_writes)
    assert found == [], ("status or warning_level written outside the single writers (cases: transition(); "
                         "warnings: stamp_warning and the sweep) — go through them, or list a new model's own "
                         "writer in WRITERS:\n" + "\n".join(map(str, found)))


def test_every_listed_writer_still_writes(all_writes):
    """The lists stay exact: a writer that moved or stopped writing is taken off."""
    written: dict[tuple[str, str], set[str]] = {}
    for w in all_writes:
        written.setdefault((w.module, w.function), set()).update(w.fields)
    assert {key: fields for key, (fields, _) in WRITERS.items() if fields != written.get(key)} == {}
    assert set(DYNAMIC_WRITES) - {(w.module, w.function) for w in all_writes if w.dynamic} == set()


def test_only_transition_writes_a_case_status(all_writes):
    case_status = [key for key, (fields, whose) in WRITERS.items() if "status" in fields and whose == "Case"]
    assert case_status == [("cases/services/core.py", "transition")]
    in_core = [w for w in all_writes if w.module == "cases/services/core.py" and w.what == ".status = …"]
    assert [w.function for w in in_core] == ["transition"]


# --- the guard catches what it must (synthetic modules, parsed, never written into the tree) ----------------------

ROGUE = '''
from bianmin.cases.models import Case


def reopen(case, level, fields):
    case.status = "RECEIVED"
    Case.objects.filter(pk=case.pk).update(status="RECEIVED")
    setattr(case, "status", "RECEIVED")
    case.warning_level = ""
    case.warning_level += "X"
    case.version, case.status = 2, "ACCEPTED"
    Case.objects.filter(pk=case.pk).update(version=1, warning_level=level)
    Case.objects.bulk_update([case], ["yellow_on", "warning_level"])
    Case.objects.bulk_update([case], fields=("status",))
    Case.objects.filter(pk=case.pk).update(**{"status": "ARCHIVED"})
    Case.objects.update_or_create(pk=1, defaults={"status": "ARCHIVED"})
    for name in ("status",):
        setattr(case, name, "ARCHIVED")
    Case.objects.raw("UPDATE cases_case SET status = 'ARCHIVED'")
    setattr(case, fields[0], "ARCHIVED")
    Case.objects.filter(pk=case.pk).update(**fields)
    Case.objects.bulk_update([case], fields)
    setattr(case, STATUS_FIELD, "ARCHIVED")


STATUS_FIELD = "status"
'''

HARMLESS = '''
from bianmin.cases.models import Case

CACHE_ATTR, OTHER_ATTR = "_cached_roles", "_cached_perms"


def read(case, other):
    if case.status == "RECEIVED" or case.warning_level != "RED":
        status = case.status
    Case.objects.filter(status="RECEIVED", warning_level="").count()
    Case.objects.filter(pk=case.pk).update(version=2, yellow_on=None)
    Case.objects.bulk_update([case], ["yellow_on"])
    setattr(case, "note", "x")
    setattr(case, CACHE_ATTR, other)
    for name in ("first_handler", "received_by"):
        setattr(case, name, other)
    other.update({"status": "a dict, not a queryset"})
    case.statuses = []
    return status, "status = 'RECEIVED' in a message"
'''


def test_the_guard_catches_status_and_warning_writes_planted_in_another_app():
    found = offenders(writes_in(ROGUE, "stats/rogue.py"))
    static = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19]  # line 17 is the loop that line 18 writes in
    assert [(w.line, w.dynamic) for w in found] == ([(n, False) for n in static] + [(n, True) for n in (20, 21, 22)]
                                                    + [(23, False)])
    assert all(w.function == "reopen" for w in found)
    assert "stats/rogue.py:7 in reopen: .update(status=…)" in [str(w) for w in found]
    assert "stats/rogue.py:6 in reopen: .status = …" in [str(w) for w in found]


def test_the_guard_ignores_reads_filters_and_other_fields():
    assert writes_in(HARMLESS, "stats/harmless.py") == []


def test_a_listed_writer_is_allowed_only_in_its_own_module_and_function():
    planted = "def transition(case):\n    case.status = 'X'\n\n\ndef helper(case):\n    case.status = 'X'\n"
    assert [w.line for w in offenders(writes_in(planted, "stats/rogue.py"))] == [2, 6]
    assert [w.line for w in offenders(writes_in(planted, "cases/services/core.py"))] == [6]
    nested = "def sweep_unstamped():\n    case.warning_level = ''\n\n    def handle(rows):\n        x.status = 1\n"
    assert [w.line for w in offenders(writes_in(nested, "sweep/services.py"))] == [2, 5]


# --- the admin and the database ------------------------------------------------------------------------------------

def test_case_status_is_not_editable_in_the_admin(rf):
    from django.contrib import admin

    model_admin = admin.site._registry.get(Case)
    if model_admin is not None:  # registering Case is allowed, an editable status is not
        request = rf.get("/")
        assert "status" in model_admin.get_readonly_fields(request, None)


def test_case_has_a_check_constraint_limiting_status_to_the_known_values():
    checks = [c for c in Case._meta.constraints if isinstance(c, CheckConstraint)]
    on_status = [c for c in checks if any(isinstance(child, tuple) and child[0] == "status__in"
                                          for child in c.condition.children)]
    assert len(on_status) == 1, [c.name for c in checks]
    (_, values), = [child for child in on_status[0].condition.children
                    if isinstance(child, tuple) and child[0] == "status__in"]
    assert sorted(values) == sorted(Status.values)
    assert not on_status[0].condition.negated


@pytest.mark.django_db
def test_the_database_refuses_an_unknown_status(cast, item):
    from bianmin.cases import services as svc
    from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant

    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=MONDAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status="REOPENED")
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED
