"""Only the services write a case's status, and the database refuses unknown statuses."""
import re
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.db.models import CheckConstraint

from bianmin.cases.models import Case
from bianmin.cases.workflow import Status

ROOT = Path(__file__).resolve().parents[2]  # the ``bianmin`` package
assert ROOT.name == "bianmin"

STATUS_WRITE = re.compile(r"\.status\s*=(?!=)")
# Bulk and reflective writes that would bypass the transition function just the same.
OTHER_WRITES = [re.compile(r"(?i)case.*\.update\([^)]*\bstatus\s*="),
                re.compile(r"(?i)setattr\(\s*\w*case\w*\s*,\s*[\"']status[\"']")]
# Another model's status set from its own enum (e.g. ``obj.status = VersionStatus.DRAFT``) is not a case's.
OTHER_MODEL_STATUS = re.compile(r"\.status\s*=\s*(\w+Status)\.[A-Z_]+\b")
CASE_STATUS_ENUMS = {"Status", "S"}


def _is_services(rel: Path) -> bool:
    return any(part == "services" or part == "services.py" for part in rel.parts)


def _scanned_files():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if {"migrations", "tests"} & set(rel.parts) or rel.name.startswith("test_") or rel.name == "conftest.py":
            continue
        if _is_services(rel):
            continue
        yield path, rel


def _code(line: str) -> str:
    return line.split("#", 1)[0]


def test_the_scan_covers_the_code_and_skips_only_services():
    scanned = {str(rel) for _, rel in _scanned_files()}
    assert "cases/policies.py" in scanned and "cases/workflow.py" in scanned and "cases/models.py" in scanned
    assert "catalog/admin.py" in scanned and "cases/selectors.py" in scanned
    assert not any(name.startswith("cases/services/") or name.endswith("services.py") for name in scanned)
    assert len(scanned) > 20


def test_the_pattern_catches_assignments_and_ignores_comparisons():
    assert STATUS_WRITE.search("case.status = Status.ACCEPTED")
    assert STATUS_WRITE.search("obj.status=target")
    assert not STATUS_WRITE.search("if case.status == Status.RECEIVED:")
    assert not STATUS_WRITE.search("case.status != Status.RECEIVED")
    assert OTHER_WRITES[0].search("Case.objects.filter(pk=1).update(status='ARCHIVED')")
    assert OTHER_WRITES[1].search("setattr(case, 'status', value)")
    assert not OTHER_WRITES[1].search("setattr(case, name, value)")


def test_nothing_outside_services_assigns_a_case_status():
    offenders = []
    for path, rel in _scanned_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = _code(line)
            if STATUS_WRITE.search(code):
                other = OTHER_MODEL_STATUS.search(code)
                if other and other.group(1) not in CASE_STATUS_ENUMS:
                    continue  # e.g. catalog/admin.py sets a new ItemVersion to VersionStatus.DRAFT
                offenders.append(f"{rel}:{number}: {line.strip()}")
            elif any(p.search(code) for p in OTHER_WRITES):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == [], "status is assigned outside the services:\n" + "\n".join(offenders)


def test_within_case_services_only_the_transition_function_assigns_status():
    services = ROOT / "cases" / "services"
    hits = [(p.name, line.strip()) for p in sorted(services.glob("*.py"))
            for line in p.read_text(encoding="utf-8").splitlines()
            if STATUS_WRITE.search(_code(line))
            and not line.strip().startswith(("transfer.", "extension.", "request.status = ReturnRequestStatus"))]
    assert hits == [("core.py", "case.status = target")]  # transfers, extensions, return requests: own statuses


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

    from .conftest import ALL_GOOD, MONDAY, applicant

    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=MONDAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status="REOPENED")
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED
