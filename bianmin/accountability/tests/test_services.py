"""过错责任追究 end to end (DOMAIN.md §2.10): a supervisor records, the staff member files a statement (申辩),
the supervisor dismisses or proposes a sanction of the severity's tier (seed Art. 9), a leader approves or sends it
back; commendations; the sweep's records. Every refused call leaves nothing behind."""
import datetime as dt
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction

from bianmin.accountability import policies
from bianmin.accountability import services as svc
from bianmin.accountability.ladder import sanction_tiers, sanctions_for
from bianmin.accountability.models import (
    SYSTEM_KINDS,
    Commendation,
    Severity,
    Source,
    Statement,
    Violation,
    ViolationKind,
    ViolationStatus,
)
from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.audit.services import verify_chain
from bianmin.cases import services as case_svc
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.notifications.models import Channel, Message, MessageStatus
from bianmin.org.models import Region, RegionLevel, Unit, UnitKind
from bianmin.org.services import save_region, save_unit
from bianmin.testing.factories import ALL_GOOD, applicant
from conftest import make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Monday 2026-03-02 10:00 Beijing time
LATER = NOW + dt.timedelta(hours=2)
LAST_FRIDAY = dt.date(2026, 2, 27)


def badge(user) -> str:
    return user.staff_profile.badge_number


def fresh(user):
    """A new user object, as a new request would have (per-request caches start empty)."""
    return type(user).objects.get(pk=user.pk)


def report(cast, staff: str | int = "window_a", *, actor="supervisor", **overrides) -> Violation:
    """The supervisor (or ``actor``) records a violation about ``staff``: a cast name, else a badge or profile id."""
    data = {"kind": ViolationKind.ATTITUDE, "occurred_on": LAST_FRIDAY, "description": "  对群众态度生硬，推诿答复  "}
    data.update(overrides)
    actor_user = cast[actor] if isinstance(actor, str) else actor
    staff_ref = badge(cast[staff]) if isinstance(staff, str) and staff in cast else staff
    return svc.record_violation(actor=actor_user, staff=staff_ref, now=NOW, **data)


def proposed(cast, violation: Violation, sanction: str = "书面告诫", severity: str = Severity.MINOR) -> Violation:
    return svc.propose_sanction(actor=cast["supervisor"], pk=violation.pk, severity=severity, sanction=sanction,
                                reason="多次被投诉，情节较重", now=LATER)


def snapshot():
    """Everything the services write, so a refused call can be shown to have written nothing."""
    return (list(Violation.objects.order_by("pk").values_list(
                "pk", "status", "resolution_note", "severity", "sanction", "sanction_reason", "proposed_by",
                "decided_by",
                "decision_note", "external_reference")),
            Statement.objects.count(), Commendation.objects.count(), Message.objects.count(),
            AuditEntry.objects.count())


@contextmanager
def refused(error: type[DomainError], field: str | None = None):
    """Expect exactly ``error`` (naming ``field``) and no row written or changed."""
    before = snapshot()
    with pytest.raises(error) as info:
        yield info
    assert type(info.value) is error, info.value
    if field is not None:
        assert field in info.value.fields, info.value.fields
    assert snapshot() == before


def told(user) -> list[Message]:
    return list(Message.objects.filter(recipient=user, channel=Channel.INAPP).order_by("id"))


def audited(violation) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.ACCOUNTABILITY, object_type="accountability.Violation",
                                          object_id=str(violation.pk)).order_by("seq"))


@pytest.fixture
def far_away(org, django_user_model):
    """A staff member of another county's center, outside the cast's scope."""
    county = save_region(Region(code="102", name="邻县", level=RegionLevel.COUNTY))
    center = save_unit(Unit(code="C2", name="邻县政务服务中心", kind=UnitKind.COUNTY_CENTER, region=county))
    return make_user(django_user_model, "far_window", Role.WINDOW, center)


@pytest.fixture
def supervisor2(cast, org, django_user_model):
    return make_user(django_user_model, "supervisor2", Role.SUPERVISOR, org["center"])


@pytest.fixture
def town_supervisor(cast, org, django_user_model):
    return make_user(django_user_model, "town_supervisor", Role.SUPERVISOR, org["town_center"])


# --- recording ----------------------------------------------------------------------------------------------


def test_supervisor_records_a_violation_by_badge_number(cast, org):
    violation = report(cast, evidence=[{"label": "  现场录像  ", "url": "https://video.example/1.mp4"},
                                       {"label": "投诉记录", "url": "/staff/complaints/7/"}])
    violation = Violation.objects.get(pk=violation.pk)
    assert violation.staff == cast["window_a"].staff_profile
    assert (violation.unit, violation.unit_path) == (org["center"], org["center"].path)
    assert (violation.kind, violation.status, violation.source) == (ViolationKind.ATTITUDE, ViolationStatus.OPEN,
                                                                    Source.SUPERVISOR)
    assert violation.description == "对群众态度生硬，推诿答复"
    assert (violation.created_by, violation.created_at, violation.occurred_on) == (cast["supervisor"], NOW,
                                                                                   LAST_FRIDAY)
    assert violation.evidence == [{"label": "现场录像", "url": "https://video.example/1.mp4"},
                                  {"label": "投诉记录", "url": "/staff/complaints/7/"}]
    assert violation.dedupe_key is None and violation.case is None

    (message,) = told(cast["window_a"])
    assert (message.kind, message.status, message.created_at) == ("ACCOUNTABILITY", MessageStatus.PENDING, NOW)
    assert message.link == f"/staff/accountability/{violation.pk}/" and message.cause == f"violation:{violation.pk}"
    assert "服务态度生硬" in message.body and "申辩" in message.body
    (entry,) = audited(violation)
    assert (entry.actor, entry.at) == (cast["supervisor"], NOW) and "window_a姓名" in entry.summary
    assert verify_chain() is None


def test_staff_can_also_be_named_by_profile_id(cast):
    violation = report(cast, staff=cast["window_b"].staff_profile.pk, kind=ViolationKind.BUCK_PASSING)
    assert violation.staff == cast["window_b"].staff_profile


@pytest.mark.parametrize(("overrides", "field"), [
    *[({"kind": kind}, "kind") for kind in sorted(SYSTEM_KINDS)],  # the sweep records these itself
    ({"kind": "SLEEPING"}, "kind"),
    ({"description": "   "}, "description"),
    ({"occurred_on": dt.date(2026, 3, 3)}, "occurred_on"),  # tomorrow in Beijing
    ({"evidence": [{"label": "", "url": "/staff/x/"}]}, "evidence.0"),
    ({"evidence": [{"label": "照片", "url": "javascript:alert(1)"}]}, "evidence.0"),
    ({"evidence": [{"label": "照片", "url": "/ok/"}, {"label": "录音", "url": "ftp://files/1.mp3"}]}, "evidence.1"),
    ({"case_number": "YX01209901010001"}, "case_number"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_record_refusals_name_the_field_and_write_nothing(cast, overrides, field):
    with refused(DomainError, field):
        report(cast, **overrides)


# Regression (found by the test writer, fixed in the service).
@pytest.mark.parametrize("evidence", [["https://video.example/1.mp4"], {"label": "录像", "url": "/x/"}],
                         ids=["bare-url", "dict-not-list"])
def test_malformed_evidence_is_a_field_error(cast, evidence):
    with refused(DomainError) as info:
        report(cast, evidence=evidence)
    assert any(name.startswith("evidence") for name in info.value.fields)


def test_occurred_on_today_in_beijing_is_accepted(cast):
    late_evening = dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC)  # 23:30 Beijing, still Monday
    violation = svc.record_violation(actor=cast["supervisor"], staff=badge(cast["window_a"]), kind="OTHER",
                                     occurred_on=dt.date(2026, 3, 2), description="当日发生", now=late_evening)
    assert violation.occurred_on == dt.date(2026, 3, 2)
    with refused(DomainError, "occurred_on"):  # 01:00 UTC on 3/3 is 09:00 Beijing: 3/3 is today, 3/4 is not
        svc.record_violation(actor=cast["supervisor"], staff=badge(cast["window_a"]), kind="OTHER",
                             occurred_on=dt.date(2026, 3, 4), description="x",
                             now=dt.datetime(2026, 3, 3, 1, 0, tzinfo=dt.UTC))


def test_only_staff_in_the_supervisors_scope(cast, far_away, town_supervisor):
    with refused(DomainError, "staff"):
        report(cast, staff=badge(far_away))
    with refused(DomainError, "staff"):  # by id too
        report(cast, staff=far_away.staff_profile.pk)
    with refused(DomainError, "staff"):
        report(cast, staff="B-no-such-badge")
    with refused(DomainError, "staff"):  # a town supervisor sees the town, not the county center above it
        report(cast, actor=town_supervisor)
    assert report(cast, "town_window", actor=town_supervisor).staff == cast["town_window"].staff_profile
    assert report(cast, "agent").unit_path == cast["agent"].staff_profile.unit.path  # the village below C1


@pytest.mark.parametrize("actor", ["window_a", "leader", "auditor", "sysadmin", "nobody"])
def test_only_supervisors_record_violations(cast, actor):
    with refused(Forbidden):
        report(cast, "window_b", actor=actor)


def test_a_violation_can_cite_a_case_in_scope(cast, item):
    case = case_svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(),
                                 materials=ALL_GOOD, now=NOW)
    violation = report(cast, case_number=f" {case.number} ", kind=ViolationKind.IMPROPER_FEE,
                       evidence=[{"label": "收据", "url": "/staff/files/1/"}])
    assert violation.case == case
    assert violation.evidence == [{"label": f"办件 {case.number}", "url": f"/staff/cases/{case.number}/"},
                                  {"label": "收据", "url": "/staff/files/1/"}]


# --- seeing and 申辩 ----------------------------------------------------------------------------------------


def test_staff_member_sees_their_record_and_files_a_statement(cast):
    violation = report(cast)
    a = fresh(cast["window_a"])
    assert list(policies.visible_violations(a)) == [violation]
    assert policies.get_violation_for(a, violation.pk) == violation
    statement = svc.file_statement(actor=a, pk=violation.pk, text="  当时系统故障，并非有意推诿  ", now=LATER)
    statement = Statement.objects.get(pk=statement.pk)
    assert (statement.violation, statement.author, statement.text, statement.at) == (
        violation, cast["window_a"], "当时系统故障，并非有意推诿", LATER)
    assert Violation.objects.get(pk=violation.pk).status == ViolationStatus.OPEN  # a statement decides nothing
    assert [e.actor for e in audited(violation)] == [cast["supervisor"], cast["window_a"]]
    with refused(DomainError, "text"):
        svc.file_statement(actor=a, pk=violation.pk, text="  ", now=LATER)


def test_others_cannot_see_a_record_nor_file_on_it(cast, town_supervisor):
    violation = report(cast)
    for name in ("window_b", "auditor", "nobody", "sysadmin"):
        user = fresh(cast[name])
        assert not policies.visible_violations(user).exists()
        with pytest.raises(NotFound) as hidden:
            policies.get_violation_for(user, violation.pk)
        with pytest.raises(NotFound) as missing:
            policies.get_violation_for(user, violation.pk + 1000)
        assert (str(hidden.value), hidden.value.code) == (str(missing.value), missing.value.code)
    assert not policies.visible_violations(town_supervisor).exists()
    with refused(NotFound):
        svc.file_statement(actor=cast["window_b"], pk=violation.pk, text="替同事申辩", now=LATER)


def test_overseers_see_their_scope_but_cannot_file_a_statement_for_someone(cast):
    violation = report(cast)
    for name in ("supervisor", "leader"):
        assert policies.get_violation_for(fresh(cast[name]), violation.pk) == violation
    with refused(Forbidden):
        svc.file_statement(actor=cast["supervisor"], pk=violation.pk, text="代为申辩", now=LATER)


# --- dismissing ---------------------------------------------------------------------------------------------


def test_supervisor_dismisses_with_a_reason(cast):
    violation = report(cast)
    with refused(DomainError, "reason"):
        svc.dismiss_violation(actor=cast["supervisor"], pk=violation.pk, reason="  ", now=LATER)
    for name in ("window_a", "leader"):
        with refused(Forbidden):
            svc.dismiss_violation(actor=cast[name], pk=violation.pk, reason="撤销", now=LATER)
    with refused(NotFound):
        svc.dismiss_violation(actor=cast["supervisor"], pk=violation.pk + 1000, reason="撤销", now=LATER)

    svc.dismiss_violation(actor=cast["supervisor"], pk=violation.pk, reason=" 系申请人原因导致延误 ", now=LATER)
    violation.refresh_from_db()
    assert (violation.status, violation.resolution_note) == (ViolationStatus.DISMISSED, "系申请人原因导致延误")
    assert (violation.decided_by, violation.decided_at) == (cast["supervisor"], LATER)
    assert "系申请人原因导致延误" in told(cast["window_a"])[-1].body
    assert len(audited(violation)) == 2

    with refused(Conflict):
        svc.dismiss_violation(actor=cast["supervisor"], pk=violation.pk, reason="再撤一次", now=LATER)
    with refused(Conflict):
        proposed(cast, violation)
    with refused(Conflict):
        svc.file_statement(actor=cast["window_a"], pk=violation.pk, text="申辩", now=LATER)


def test_a_proposal_awaiting_the_leader_can_still_be_dismissed(cast):
    violation = proposed(cast, report(cast))
    svc.dismiss_violation(actor=cast["supervisor"], pk=violation.pk, reason="经核实不属实", now=LATER)
    with refused(Conflict):
        svc.decide_sanction(actor=cast["leader"], pk=violation.pk, approve=True, now=LATER)


# --- sanctions ----------------------------------------------------------------------------------------------


DEFAULT_TIERS = {"MINOR": ("口头告诫", "书面告诫"), "SERIOUS": ("离岗培训", "调离岗位", "免职"),
                 "VERY_SERIOUS": ("辞退",)}


def test_the_ladder_is_the_configured_one_by_severity():
    assert [(code, sanctions) for code, _, sanctions in sanction_tiers()] == list(DEFAULT_TIERS.items())
    assert [label for _, label, _ in sanction_tiers()] == ["情节较轻", "情节严重", "情节特别严重"]
    # The flat ladder, mildest first, is still there for callers that do not ask about severity.
    assert svc.sanction_ladder() == ("口头告诫", "书面告诫", "离岗培训", "调离岗位", "免职", "辞退")
    assert sanctions_for("MINOR") == ("口头告诫", "书面告诫") and sanctions_for("NOPE") == ()


@pytest.mark.parametrize("sanction", ["记大过", "警告", "", "书面告诫 "])  # 政务处分 are decided elsewhere
def test_sanctions_outside_the_ladder_are_refused(cast, sanction):
    violation = report(cast)
    with refused(DomainError, "sanction"):
        proposed(cast, violation, sanction)


def test_dismissal_for_a_minor_case_is_refused(cast):
    """辞退 is for 情节特别严重 only: a first 推诿 judged 情节较轻 cannot be met with it."""
    violation = report(cast, kind=ViolationKind.BUCK_PASSING)
    with refused(DomainError, "sanction") as info:
        proposed(cast, violation, "辞退", Severity.MINOR)
    assert info.value.message == "情节较轻的，处理方式须从以下选择：口头告诫、书面告诫"
    assert "severity" not in info.value.fields


@pytest.mark.parametrize(("severity", "sanction"), [
    (severity, sanction) for severity in DEFAULT_TIERS for other, sanctions in DEFAULT_TIERS.items()
    if other != severity for sanction in sanctions])
def test_each_severity_allows_only_its_own_sanctions(cast, severity, sanction):
    violation = report(cast)
    with refused(DomainError, "sanction") as info:
        proposed(cast, violation, sanction, severity)
    assert Severity(severity).label in info.value.message


@pytest.mark.parametrize(("severity", "sanction"), [
    (severity, sanction) for severity, sanctions in DEFAULT_TIERS.items() for sanction in sanctions])
def test_every_sanction_of_the_tier_may_be_proposed(cast, severity, sanction):
    violation = proposed(cast, report(cast), sanction, severity)
    violation = Violation.objects.get(pk=violation.pk)
    assert (violation.status, violation.severity, violation.sanction) == (ViolationStatus.PROPOSED, severity,
                                                                          sanction)


@pytest.mark.parametrize("severity", ["", "minor", "MILD", "情节较轻", None])
def test_a_proposal_states_a_known_severity(cast, severity):
    violation = report(cast)
    with refused(DomainError, "severity") as info:
        proposed(cast, violation, "口头告诫", severity)
    assert info.value.fields["severity"] == ["请选择情节：情节较轻、情节严重、情节特别严重"]


def test_every_missing_part_of_a_proposal_is_named_at_once(cast):
    violation = report(cast)
    with refused(DomainError) as info:
        svc.propose_sanction(actor=cast["supervisor"], pk=violation.pk, severity="", sanction="", reason=" ",
                             now=LATER)
    assert set(info.value.fields) == {"severity", "reason"} and info.value.status == 400
    with refused(DomainError) as info:
        svc.propose_sanction(actor=cast["supervisor"], pk=violation.pk, severity="SERIOUS", sanction="口头告诫",
                             reason="", now=LATER)
    assert set(info.value.fields) == {"sanction", "reason"}


def test_a_deployment_sets_its_own_tiers(cast, settings):
    settings.BIANMIN = {**settings.BIANMIN, "SANCTION_LADDER": {
        "MINOR": ("口头告诫",), "SERIOUS": ("书面告诫", "离岗培训"), "VERY_SERIOUS": ("调离岗位", "辞退")}}
    violation = report(cast)
    with refused(DomainError, "sanction"):
        proposed(cast, violation, "书面告诫", Severity.MINOR)
    assert proposed(cast, report(cast), "书面告诫", Severity.SERIOUS).severity == Severity.SERIOUS
    assert svc.sanction_ladder() == ("口头告诫", "书面告诫", "离岗培训", "调离岗位", "辞退")


def test_the_severity_travels_with_the_proposal_to_the_leader_and_the_staff_member(cast):
    violation = proposed(cast, report(cast), "离岗培训", Severity.SERIOUS)
    assert "情节严重" in told(cast["window_a"])[-1].body and "离岗培训" in told(cast["window_a"])[-1].body
    (to_leader,) = Message.objects.filter(recipient=cast["leader"], kind="SANCTION_PROPOSED")
    assert "情节严重" in to_leader.body and "离岗培训" in to_leader.body
    entry = audited(violation)[-1]
    assert "情节严重" in entry.summary and entry.data == {"severity": "SERIOUS", "sanction": "离岗培训"}
    svc.decide_sanction(actor=cast["leader"], pk=violation.pk, approve=True, now=LATER)
    assert Violation.objects.get(pk=violation.pk).severity == Severity.SERIOUS
    assert "离岗培训（情节严重）" in told(cast["window_a"])[-1].body


def test_a_withdrawn_proposal_takes_its_severity_with_it(cast):
    rejected = proposed(cast, report(cast), "免职", Severity.SERIOUS)
    svc.decide_sanction(actor=cast["leader"], pk=rejected.pk, approve=False, note="情节认定过重", now=LATER)
    dismissed = proposed(cast, report(cast), "辞退", Severity.VERY_SERIOUS)
    svc.dismiss_violation(actor=cast["supervisor"], pk=dismissed.pk, reason="经核实不属实", now=LATER)
    assert list(Violation.objects.filter(pk__in=[rejected.pk, dismissed.pk]).values_list(
        "severity", "sanction")) == [("", ""), ("", "")]


def test_the_database_refuses_an_unknown_severity(cast):
    violation = report(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Violation.objects.filter(pk=violation.pk).update(severity="HUGE")


def test_propose_then_leader_approves(cast):
    violation = report(cast)
    with refused(DomainError, "reason"):
        svc.propose_sanction(actor=cast["supervisor"], pk=violation.pk, severity="MINOR", sanction="书面告诫",
                             reason=" ", now=LATER)
    for name in ("window_a", "leader"):
        with refused(Forbidden):
            svc.propose_sanction(actor=cast[name], pk=violation.pk, severity="MINOR", sanction="书面告诫", reason="x",
                                 now=LATER)
    with refused(Conflict):  # nothing proposed yet
        svc.decide_sanction(actor=cast["leader"], pk=violation.pk, approve=True, now=LATER)
    messages_before = len(told(cast["window_a"]))

    proposed(cast, violation)
    violation.refresh_from_db()
    assert (violation.status, violation.severity, violation.sanction, violation.sanction_reason) == (
        ViolationStatus.PROPOSED, Severity.MINOR, "书面告诫", "多次被投诉，情节较重")
    assert (violation.proposed_by, violation.proposed_at) == (cast["supervisor"], LATER)
    with refused(Conflict):
        proposed(cast, violation, "口头告诫")

    for name in ("window_a", "window_b", "supervisor"):  # no APPROVE permission: accounts.policies.require
        with refused(Forbidden) as info:
            svc.decide_sanction(actor=cast[name], pk=violation.pk, approve=True, now=LATER)
        assert info.value.code == "forbidden" and info.value.status == 403

    decided_at = LATER + dt.timedelta(hours=1)
    svc.decide_sanction(actor=cast["leader"], pk=violation.pk, approve=True, note=" 同意 ", now=decided_at)
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.SANCTIONED
    assert (violation.decided_by, violation.decided_at, violation.decision_note) == (cast["leader"], decided_at, "同意")
    messages = told(cast["window_a"])
    assert len(messages) == messages_before + 2  # told of the proposal and of the decision
    assert "书面告诫" in messages[-1].body and "多次被投诉，情节较重" in messages[-1].body
    assert [e.actor for e in audited(violation)] == [cast["supervisor"], cast["supervisor"], cast["leader"]]

    with refused(Conflict):
        svc.decide_sanction(actor=cast["leader"], pk=violation.pk, approve=True, now=decided_at)
    with refused(Conflict):
        svc.dismiss_violation(actor=cast["supervisor"], pk=violation.pk, reason="撤销", now=decided_at)
    # The staff member may still put their account on record.
    svc.file_statement(actor=cast["window_a"], pk=violation.pk, text="对处理决定有异议", now=decided_at)


def test_leader_rejecting_needs_a_note_and_reopens_the_record(cast):
    violation = proposed(cast, report(cast))
    with refused(DomainError, "note"):
        svc.decide_sanction(actor=cast["leader"], pk=violation.pk, approve=False, note="  ", now=LATER)
    svc.decide_sanction(actor=cast["leader"], pk=violation.pk, approve=False, note="处理过重，建议口头告诫", now=LATER)
    violation.refresh_from_db()
    assert (violation.status, violation.decision_note) == (ViolationStatus.OPEN, "处理过重，建议口头告诫")
    assert violation.decided_by is None and violation.decided_at is None
    assert "被退回" in audited(violation)[-1].summary
    # The supervisor can propose again.
    assert proposed(cast, violation, "口头告诫").status == ViolationStatus.PROPOSED


def test_nobody_acts_on_a_record_about_themselves(cast, supervisor2):
    own = report(cast, "supervisor", actor=supervisor2)
    supervisor = fresh(cast["supervisor"])
    assert policies.get_violation_for(supervisor, own.pk) == own  # they see it: it is their own
    with refused(Forbidden):
        svc.dismiss_violation(actor=supervisor, pk=own.pk, reason="与我无关", now=LATER)
    with refused(Forbidden):
        svc.propose_sanction(actor=supervisor, pk=own.pk, severity="MINOR", sanction="口头告诫", reason="x",
                             now=LATER)
    svc.file_statement(actor=supervisor, pk=own.pk, text="本人申辩", now=LATER)  # but may file a statement

    about_leader = report(cast, "leader")
    proposed(cast, about_leader, "口头告诫")
    with refused(Forbidden):
        svc.decide_sanction(actor=cast["leader"], pk=about_leader.pk, approve=True, now=LATER)
    with refused(Forbidden):
        svc.decide_sanction(actor=cast["leader"], pk=about_leader.pk, approve=False, note="不同意", now=LATER)


def test_supervisors_out_of_scope_act_as_if_the_record_did_not_exist(cast, town_supervisor):
    violation = report(cast)
    with refused(NotFound):
        svc.dismiss_violation(actor=town_supervisor, pk=violation.pk, reason="撤销", now=LATER)
    with refused(NotFound):
        svc.propose_sanction(actor=town_supervisor, pk=violation.pk, severity="MINOR", sanction="口头告诫",
                             reason="x", now=LATER)
    with refused(NotFound):
        svc.set_external_reference(actor=town_supervisor, pk=violation.pk, reference="x", now=LATER)


# --- 政务处分 reference -------------------------------------------------------------------------------------


def test_external_reference_is_only_recorded(cast):
    violation = proposed(cast, report(cast))
    svc.set_external_reference(actor=cast["supervisor"], pk=violation.pk, reference=" 测监发〔2026〕3号 ", now=LATER)
    violation.refresh_from_db()
    assert violation.external_reference == "测监发〔2026〕3号"
    assert (violation.status, violation.sanction) == (ViolationStatus.PROPOSED, "书面告诫")  # nothing decided here
    assert audited(violation)[-1].data == {"reference": "测监发〔2026〕3号"}
    svc.set_external_reference(actor=cast["supervisor"], pk=violation.pk, reference="文" * 200, now=LATER)
    assert len(Violation.objects.get(pk=violation.pk).external_reference) == 128
    for name in ("window_a", "leader"):
        with refused(Forbidden):
            svc.set_external_reference(actor=cast[name], pk=violation.pk, reference="x", now=LATER)


# Regression (found by the test writer, fixed in the service).
def test_nobody_sets_the_external_reference_on_their_own_record(cast, supervisor2):
    own = report(cast, "supervisor", actor=supervisor2)
    svc.set_external_reference(actor=supervisor2, pk=own.pk, reference="测监发〔2026〕9号", now=LATER)
    with refused(Forbidden):
        svc.set_external_reference(actor=cast["supervisor"], pk=own.pk, reference="", now=LATER)


# --- commendations ------------------------------------------------------------------------------------------


def test_supervisors_and_leaders_commend(cast):
    first = svc.commend(actor=cast["supervisor"], staff=badge(cast["window_a"]), reason="  主动延时服务  ",
                        on_date=LAST_FRIDAY, now=NOW)
    second = svc.commend(actor=cast["leader"], staff=cast["window_a"].staff_profile.pk, reason="群众来信表扬",
                         on_date=dt.date(2026, 3, 1), now=NOW)
    first = Commendation.objects.get(pk=first.pk)
    assert (first.staff, first.reason, first.created_by, first.unit_path) == (
        cast["window_a"].staff_profile, "主动延时服务", cast["supervisor"], cast["window_a"].staff_profile.unit.path)
    messages = told(cast["window_a"])
    assert [(m.kind, m.body) for m in messages] == [("COMMENDATION", "主动延时服务"), ("COMMENDATION", "群众来信表扬")]
    assert messages[0].cause == f"commendation:{first.pk}"
    assert AuditEntry.objects.filter(action=AuditAction.ACCOUNTABILITY, object_type="accountability.Commendation",
                                     object_id=str(first.pk)).exists()

    assert list(policies.visible_commendations(fresh(cast["window_a"]))) == [second, first]  # newest first
    assert not policies.visible_commendations(fresh(cast["window_b"])).exists()
    assert set(policies.visible_commendations(fresh(cast["leader"]))) == {first, second}


def test_commendation_refusals(cast, far_away):
    for name in ("window_a", "auditor", "nobody"):
        with refused(Forbidden):
            svc.commend(actor=cast[name], staff=badge(cast["window_b"]), reason="好", on_date=LAST_FRIDAY, now=NOW)
    with refused(DomainError, "reason"):
        svc.commend(actor=cast["supervisor"], staff=badge(cast["window_b"]), reason=" ", on_date=LAST_FRIDAY, now=NOW)
    with refused(DomainError, "staff"):
        svc.commend(actor=cast["supervisor"], staff=badge(far_away), reason="好", on_date=LAST_FRIDAY, now=NOW)
    for name in ("supervisor", "leader"):
        with refused(Forbidden):
            svc.commend(actor=cast[name], staff=badge(cast[name]), reason="自我表扬", on_date=LAST_FRIDAY, now=NOW)


# --- the sweep's records ------------------------------------------------------------------------------------


def detected(cast, key: str, staff: str = "window_a", **overrides) -> svc.Detected:
    data = {"kind": ViolationKind.OVERDUE_CASE, "staff_id": cast[staff].staff_profile.pk, "occurred_on": LAST_FRIDAY,
            "description": f"办件{key}超期未办结", "dedupe_key": f"OVERDUE:case:{key}",
            "evidence": [{"label": f"办件 {key}", "url": f"/staff/cases/{key}/"}]}
    data.update(overrides)
    return svc.Detected(**data)


def test_record_detected_writes_each_fact_once(cast):
    assert svc.record_detected([], now=NOW) == []
    created = svc.record_detected([detected(cast, "1"), detected(cast, "1"), detected(cast, "2", "window_b")],
                                  now=NOW)
    assert sorted(v.dedupe_key for v in created) == ["OVERDUE:case:1", "OVERDUE:case:2"]
    one = Violation.objects.get(dedupe_key="OVERDUE:case:1")
    assert (one.source, one.created_by, one.status, one.kind) == (Source.SYSTEM, None, ViolationStatus.OPEN,
                                                                  ViolationKind.OVERDUE_CASE)
    assert (one.unit_path, one.evidence) == (cast["window_a"].staff_profile.unit.path,
                                             [{"label": "办件 1", "url": "/staff/cases/1/"}])
    assert [m.cause for m in told(cast["window_a"])] == [f"violation:{one.pk}"]
    (entry,) = AuditEntry.objects.filter(action=AuditAction.ACCOUNTABILITY)
    assert entry.actor_username == "system" and sorted(entry.data["ids"]) == sorted(v.pk for v in created)

    audit_before, messages_before = AuditEntry.objects.count(), Message.objects.count()
    assert svc.record_detected([detected(cast, "1"), detected(cast, "2", "window_b")], now=LATER) == []
    assert (AuditEntry.objects.count(), Message.objects.count()) == (audit_before, messages_before)

    again = svc.record_detected([detected(cast, "1"), detected(cast, "3")], now=LATER)
    assert [v.dedupe_key for v in again] == ["OVERDUE:case:3"]  # only what was created now
    assert Violation.objects.count() == 3
    assert Violation.objects.filter(dedupe_key="OVERDUE:case:1").count() == 1


def test_system_records_follow_the_same_flow(cast):
    (violation,) = svc.record_detected([detected(cast, "9")], now=NOW)
    a = fresh(cast["window_a"])
    assert policies.get_violation_for(a, violation.pk) == violation
    with pytest.raises(NotFound):
        policies.get_violation_for(fresh(cast["window_b"]), violation.pk)
    svc.file_statement(actor=a, pk=violation.pk, text="申请人未按期补正", now=LATER)
    svc.dismiss_violation(actor=cast["supervisor"], pk=violation.pk, reason="申请人原因", now=LATER)
    assert Violation.objects.get(pk=violation.pk).status == ViolationStatus.DISMISSED
    assert verify_chain() is None


def test_who_proposed_a_sanction_cannot_approve_it(cast):
    from django.contrib.auth.models import Group

    from bianmin.accounts.roles import group_name

    both = cast["supervisor"]
    both.groups.add(Group.objects.get(name=group_name(Role.LEADER)))  # holds LEADER and SUPERVISOR
    violation = proposed(cast, report(cast))
    with refused(Forbidden):
        svc.decide_sanction(actor=fresh(both), pk=violation.pk, approve=True, now=LATER)


def test_protocol_relative_evidence_links_are_refused(cast):
    with refused(DomainError, "evidence.0"):
        report(cast, evidence=[{"label": "录像", "url": "//evil.example/x"}])


# --- kinds only the sweep records -------------------------------------------------------------------------------

NEW_SYSTEM_KINDS = {"NOT_HANDED_OVER": "未及时将事项移交承办人（受理后未按时开始办理）",
                    "RESULT_NOT_TOLD": "未及时回复办理结果", "DEFERRED_OVERDUE": "补办材料逾期未督促补齐",
                    "LATE_ACCEPTANCE": "超过收件审查期限才受理"}


def test_the_sweeps_new_kinds_are_system_kinds_with_their_labels():
    assert {code: ViolationKind(code).label for code in NEW_SYSTEM_KINDS} == NEW_SYSTEM_KINDS
    assert set(NEW_SYSTEM_KINDS) <= SYSTEM_KINDS
    assert all(len(code) <= Violation._meta.get_field("kind").max_length for code in ViolationKind.values)


@pytest.mark.parametrize("kind", sorted(NEW_SYSTEM_KINDS))
def test_supervisors_cannot_record_the_sweeps_new_kinds(cast, kind):
    with refused(DomainError, "kind") as info:
        report(cast, kind=kind)
    assert NEW_SYSTEM_KINDS[kind] in info.value.message  # the message lists what the sweep records


@pytest.mark.parametrize("kind", sorted(NEW_SYSTEM_KINDS))
def test_the_sweep_records_the_new_kinds(cast, kind):
    (violation,) = svc.record_detected([detected(cast, "7", kind=kind, dedupe_key=f"{kind}:case:7")], now=NOW)
    violation = Violation.objects.get(pk=violation.pk)  # the database constraint lets the kind through
    assert (violation.kind, violation.get_kind_display(), violation.source) == (kind, NEW_SYSTEM_KINDS[kind],
                                                                                 Source.SYSTEM)
