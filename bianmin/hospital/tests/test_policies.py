"""Who may do what at a hospital desk (decision 0026 §3, §5, §6): a role × scope matrix over the policy functions."""
import pytest

from bianmin.cases import services as case_services
from bianmin.core.errors import Conflict, DomainError
from bianmin.hospital import policies, services
from bianmin.hospital.models import CoordinationRequest, RequestStatus
from bianmin.testing.cases import receive
from bianmin.testing.factories import MON, at
from bianmin.testing.hospital import SENT

# (user key, where it lives) → desk side, department side of K1, may read the health fields of the case with an open
# request to K1.
MATRIX = [
    ("desk_a", True, False, True),
    ("desk_b", True, False, True),
    ("desk_leader", False, False, False),  # no 受理和办理办件 permission: not the desk's side
    ("k1_staff", False, True, True),
    ("k2_staff", False, False, False),
    ("k9_staff", False, False, False),
    ("other_desk", False, False, False),
    ("window_a", False, False, False),  # county center: sees the case, not the health fields
    ("leader", False, False, False),
    ("supervisor", False, False, False),
    ("auditor", False, False, False),
    ("town_window", False, False, False),
]


@pytest.fixture
def users(hospital, cast, other_desk):
    return {**{k: v for k, v in cast.items() if k != "post"}, **hospital, "other_desk": other_desk}


@pytest.mark.parametrize(("who", "desk_side", "k1_side", "reads"), MATRIX)
def test_the_role_and_scope_matrix(hospital, users, send, who, desk_side, k1_side, reads):
    h = hospital
    send(to="k1")
    user = users[who]
    assert policies.is_desk_side(user, h["desk"].pk) is desk_side
    assert policies.is_department_side(user, h["k1"].pk) is k1_side
    assert policies.may_read_health(user, h["case"]) is reads


def test_a_department_reads_only_while_it_handles_a_request(hospital, send):
    """Minimum necessary (decision 0026 §6): open or answered, on a running case; not once withdrawn or told."""
    h = hospital
    assert not policies.may_read_health(h["k1_staff"], h["case"])  # no request yet
    first = send(to="k1")
    second = send(to="k1")
    services.withdraw_request(actor=h["desk_a"], request_id=first.pk, reason="重复发送", now=SENT)
    assert policies.may_read_health(h["k1_staff"], h["case"])  # the second still holds
    services.answer_request(actor=h["k1_staff"], request_id=second.pk, answer="可以", now=SENT)
    assert policies.may_read_health(h["k1_staff"], h["case"])  # answered, the family not yet told
    services.tell_family(actor=h["desk_a"], request_id=second.pk, note="告知", now=SENT)
    assert not policies.may_read_health(h["k1_staff"], h["case"])  # told: the 科室's part is over
    third = send(to="k1")
    assert policies.may_read_health(h["k1_staff"], h["case"])
    CoordinationRequest.objects.filter(pk=third.pk).update(status=RequestStatus.WITHDRAWN)
    assert not policies.may_read_health(h["k1_staff"], h["case"])


def test_a_request_on_another_case_gives_no_access(hospital, send):
    from bianmin.testing.hospital import transfer_case

    h = hospital
    other_case = transfer_case(h, hour=10)
    send(to="k1", case=other_case)
    assert policies.may_read_health(h["k1_staff"], other_case)
    assert not policies.may_read_health(h["k1_staff"], h["case"])


def test_department_profile_is_only_for_department_staff(hospital, cast):
    h = hospital
    assert policies.department_profile(h["k1_staff"]).unit_id == h["k1"].pk
    assert policies.department_profile(h["k9_staff"]).unit_id == h["k9"].pk
    for user in (h["desk_a"], cast["window_a"], cast["leader"]):
        assert policies.department_profile(user) is None


def test_department_refusal(hospital, org):
    h = hospital
    assert policies.department_refusal(h["desk"], h["k1"]) is None
    assert policies.department_refusal(h["desk"], h["k2"]) is None
    for unit in (None, h["k9"], h["other"], h["desk"], org["dept"], org["center"]):
        refusal = policies.department_refusal(h["desk"], unit)
        assert type(refusal) is DomainError and refusal.status == 400 and "department" in refusal.fields
    assert "to_department" in policies.department_refusal(h["desk"], h["k9"], field="to_department").fields


def test_send_refusal_by_case(hospital, cast, item):
    h = hospital
    assert policies.send_refusal(h["case"]) is None
    government = receive(cast)
    case_services.accept_case(actor=cast["window_a"], number=government.number, now=at(MON))
    government.refresh_from_db()
    refusal = policies.send_refusal(government)
    assert refusal is not None and refusal.status == 400 and "case" in refusal.fields
    assert policies.hospital_case_refusal(government) is not None and policies.hospital_case_refusal(h["case"]) is None
    case_services.withdraw_case(actor=h["desk_a"], number=h["case"].number, reason="撤回", now=SENT)
    h["case"].refresh_from_db()
    assert isinstance(policies.send_refusal(h["case"]), Conflict)


@pytest.mark.parametrize(("status", "reply", "tell", "withdraw"), [
    (RequestStatus.OPEN, True, False, True),
    (RequestStatus.ANSWERED, False, True, True),
    (RequestStatus.REFUSED, False, True, True),
    (RequestStatus.TOLD, False, False, False),
    (RequestStatus.WITHDRAWN, False, False, False),
])
def test_what_each_request_status_allows(hospital, send, status, reply, tell, withdraw):
    request = send()
    request.status = status
    assert (policies.reply_refusal(request) is None) is reply
    assert (policies.tell_refusal(request) is None) is tell
    assert (policies.withdraw_refusal(request) is None) is withdraw
    for refusal in (policies.reply_refusal(request), policies.tell_refusal(request),
                    policies.withdraw_refusal(request)):
        assert refusal is None or refusal.status == 409
