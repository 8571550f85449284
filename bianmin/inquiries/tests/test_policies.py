"""Who may take each step on an inquiry (``inquiries.policies``): the page's forms and the services answer alike."""
import pytest

from bianmin.core.errors import DomainError
from bianmin.inquiries import services as svc
from bianmin.inquiries.actions import INQUIRY_ACTIONS
from bianmin.inquiries.policies import acknowledge_refusal, close_refusal, outcome_refusal
from conftest import NOW

pytestmark = pytest.mark.django_db


def steps(user, inquiry) -> set[str]:
    return {spec.name for spec in INQUIRY_ACTIONS.available(user, inquiry)}


def test_the_first_responder_records_and_closes_the_receiver_acknowledges(cast):
    inquiry = svc.register_inquiry(actor=cast["window_a"], channel="WINDOW", matter="个体户怎么办", now=NOW)
    assert steps(cast["window_a"], inquiry) == {"outcome", "close"}
    assert steps(cast["window_b"], inquiry) == set()
    inquiry = svc.record_outcome(actor=cast["window_a"], number=inquiry.number, outcome="REFERRED_INTERNAL",
                                 to_badge="B-window_b", now=NOW)
    assert steps(cast["window_b"], inquiry) == {"acknowledge", "close"}
    inquiry = svc.close_inquiry(actor=cast["window_b"], number=inquiry.number, result="已答复", now=NOW)
    assert steps(cast["window_a"], inquiry) == steps(cast["window_b"], inquiry) == set()
    assert all(isinstance(r(cast["window_a"], inquiry), DomainError)
               for r in (outcome_refusal, close_refusal))


def test_a_referral_goes_only_to_staff_who_handle_inquiries(cast):
    inquiry = svc.register_inquiry(actor=cast["window_a"], channel="WINDOW", matter="个体户怎么办", now=NOW)
    with pytest.raises(DomainError) as refused:  # a supervisor of the center cannot confirm or close it
        svc.record_outcome(actor=cast["window_a"], number=inquiry.number, outcome="REFERRED_INTERNAL",
                           to_badge=cast["supervisor"].staff_profile.badge_number, now=NOW)
    assert "to_badge" in refused.value.fields


def test_without_the_inquiry_permission_no_step_is_offered(cast):
    inquiry = svc.register_inquiry(actor=cast["window_a"], channel="WINDOW", matter="个体户怎么办", now=NOW)
    supervisor = cast["supervisor"]
    assert steps(supervisor, inquiry) == set()
    assert acknowledge_refusal(supervisor, inquiry) is not None
