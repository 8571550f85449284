"""``backoffice.actions.perform_post`` for an action that asks on a page of its own (``confirm_page``, decision 0043):
the page drops the dialog for such an action, so a view that forgot the confirmation page must not run it unasked."""
from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from bianmin.backoffice.actions import perform_post
from bianmin.core.actions import ActionSpec, Catalogue, NoInput, error_message


def _catalogue(ran: list) -> Catalogue:
    catalogue: Catalogue = Catalogue(subject="thing", key="pk", key_type=int)
    catalogue.add(ActionSpec("drop", "撤回", NoInput, lambda **kw: ran.append(kw), lambda actor, subject: True,
                             "drop", confirm="确定撤回？", confirm_page=True))
    return catalogue


def _post(data):
    request = RequestFactory().post("/", data)
    request.user = object()
    return request


def test_an_action_asking_on_its_own_page_is_not_run_before_it_is_confirmed():
    ran: list = []
    asked = perform_post(_post({"action": "drop"}), _catalogue(ran), 1, refused=lambda e: HttpResponse(status=400),
                         done=lambda r: HttpResponse(status=302), confirming=lambda spec: HttpResponse(spec.confirm))
    assert asked.content.decode() == "确定撤回？" and ran == []


def test_a_view_that_forgot_the_confirmation_page_fails_instead_of_running_the_action_unasked():
    ran: list = []
    with pytest.raises(ImproperlyConfigured):
        perform_post(_post({"action": "drop"}), _catalogue(ran), 1, refused=lambda e: HttpResponse(status=400),
                     done=lambda r: HttpResponse(status=302))
    assert ran == []


def test_a_time_in_the_wrong_format_is_named_as_a_time():
    assert error_message({"type": "datetime_parsing"}) == "时间格式应为 YYYY-MM-DD HH:MM"
    assert error_message({"type": "datetime_from_date_parsing"}) == "时间格式应为 YYYY-MM-DD HH:MM"
    assert error_message({"type": "date_parsing"}) == "日期格式应为 YYYY-MM-DD"
