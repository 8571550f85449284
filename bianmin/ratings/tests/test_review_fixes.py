"""The holes a review found in the first version (decision 0024 §2): nobody unmasks who rated them, the service's
number (which names the applicant) is the supervisors', a relayed case is rated once through its relay, and an
appeal cannot undo a confirmed 差评."""
from __future__ import annotations

import pytest

from bianmin.accounts.roles import Role
from bianmin.core.errors import Conflict, Forbidden, NotFound
from bianmin.ratings import services as svc
from bianmin.ratings.models import Channel, Subject
from bianmin.ratings.policies import case_rating_refusal, may_see_instance, reveal_refusal
from bianmin.testing.factories import MON, at
from conftest import make_user, sign_in

from .helpers import EVALUATOR_NAME, EVALUATOR_PHONE, bad_rating, delivered

pytestmark = pytest.mark.django_db


def test_a_supervisor_cannot_reveal_who_rated_them(cast, item, org, django_user_model):
    rating = bad_rating(cast)
    assert reveal_refusal(cast["supervisor"], rating) is None
    # the same rating, now of a supervisor: they may not unmask their own evaluator
    rating.staff = cast["supervisor"].staff_profile
    rating.save(update_fields=["staff"])
    assert reveal_refusal(cast["supervisor"], rating) is not None
    with pytest.raises((Forbidden, NotFound)):
        svc.reveal_evaluator(actor=cast["supervisor"], rating_id=rating.pk, reason="核实情况", now=at(MON, 16))


def test_the_service_number_is_shown_to_supervisors_only(client, cast, item):
    rating = bad_rating(cast)
    number = rating.case.number
    assert may_see_instance(cast["supervisor"], rating) and not may_see_instance(cast["leader"], rating)
    assert not may_see_instance(cast["window_a"], rating)
    for user in (cast["leader"], cast["window_a"]):
        sign_in(client, user)
        pages = [client.get("/staff/ratings/").content.decode() if user is cast["leader"] else "",
                 client.get(f"/staff/ratings/{rating.pk}/").content.decode(),
                 client.get("/staff/ratings/mine/").content.decode() if user is cast["window_a"] else ""]
        for page in pages:
            assert number not in page and EVALUATOR_NAME not in page and EVALUATOR_PHONE not in page
        client.logout()
    sign_in(client, cast["supervisor"])
    assert number in client.get(f"/staff/ratings/{rating.pk}/").content.decode()


def test_a_relayed_case_is_rated_through_its_relay_only(cast, item, org, django_user_model):
    from bianmin.relay.models import RelayRequest

    case = delivered(cast)
    assert case_rating_refusal(case) is None
    RelayRequest.objects.create(
        number="DBV1202600001", query_code="ABCDEFGH", item_version=case.item_version, origin_unit=org["station"],
        origin_path=org["station"].path, deciding_unit=org["center"], deciding_path=org["center"].path,
        holder_unit=org["station"], agent=cast["agent"].staff_profile, created_at=at(MON), case=case,
        mandate_signed_on_screen=True, mandate_signed_at=at(MON), applicant_kind="PERSON", applicant_name="张三",
        applicant_phone="13800138000")
    assert case_rating_refusal(case) is not None
    with pytest.raises(Conflict):
        svc.record_rating(subject=Subject.CASE, instance=case, level=5, channel=Channel.QR, now=at(MON, 16))


def test_an_appeal_cannot_undo_a_confirmed_bad_rating(cast, item, org, django_user_model):
    rating = bad_rating(cast)
    svc.confirm_bad_rating(actor=cast["supervisor"], rating_id=rating.pk, description="经核实属实", now=at(MON, 16))
    with pytest.raises(Conflict):
        svc.appeal_rating(actor=cast["window_a"], rating_id=rating.pk, reason_kind="MISTAKEN",
                          reason="群众误评", now=at(MON, 17))


def test_a_clerk_cannot_invite_a_rating_of_a_colleagues_service(cast, item, org, django_user_model):
    from bianmin.ratings.pads import invite_refusal

    case = delivered(cast)  # handled and delivered by window_a on Monday
    other = make_user(django_user_model, "window_c", Role.WINDOW, org["center"])
    assert invite_refusal(other, Subject.CASE, case, today=MON) == "只能请群众评价本人办理的服务"
    later = MON.replace(day=MON.day + 1)
    assert "服务当天" in (invite_refusal(cast["window_a"], Subject.CASE, case, today=later) or "")
