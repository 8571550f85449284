"""``{% action_form %}`` (issue 16 item 1): the same markup as the template itself, each request's own CSRF token,
and nothing a user typed kept beyond its request."""
from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from django.middleware.csrf import get_token
from django.template import engines
from django.template.loader import get_template
from django.test import RequestFactory

from bianmin.backoffice import actions as screens
from bianmin.backoffice.templatetags import action_forms
from bianmin.cases.actions import CASE_ACTIONS
from bianmin.core.errors import DomainError

PAGE = engines["django"].from_string('{% load action_forms %}{% for form in forms %}{% action_form form %}{% endfor %}'
                                     '{% action_form forms.0 key_name="item" key_value=7 %}')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _empty():
    action_forms._kept.clear()
    yield
    action_forms._kept.clear()


def _request():
    request = RequestFactory().get("/")
    get_token(request)
    return request


def _forms(posted=None, error=None):
    return [screens.form_view(spec, None, posted, error) for spec in _plain()]


def _plain():
    """Actions whose form needs no subject (no choices, initial values or conditions drawn from a case), with fields."""
    names = ("start", "withdraw", "transfer", "comment")  # their first field is a text
    return [s for s in CASE_ACTIONS if s.name in names and not (s.choices or s.initial or s.show_if)]


def _same(html, request):
    """``html`` with each CSRF token checked against ``request``'s secret (every render masks it anew) and
    replaced by a mark."""
    from django.middleware.csrf import _unmask_cipher_token

    for token in TOKEN.findall(html):
        assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    return TOKEN.sub('name="csrfmiddlewaretoken" value="T"', html)


def _included(forms, request):
    """What ``{% include "backoffice/_action_form.html" %}`` renders for these forms on this request."""
    template = get_template(action_forms.TEMPLATE)
    html = "".join(template.render({"form": f}, request) for f in forms)
    return html + template.render({"form": forms[0], "key_name": "item", "key_value": 7}, request)


def test_the_markup_is_the_templates_with_each_requests_own_token():
    forms = _forms()
    assert forms, "the catalogue's actions to draw"
    first, second = _request(), _request()
    one = PAGE.render({"forms": forms}, first)
    assert len(forms) == 4 and _same(one, first) == _same(_included(forms, first), first)
    assert len(action_forms._kept) == len(forms) + 1  # kept: the same content comes back on the next page
    two = PAGE.render({"forms": _forms()}, second)  # drawn from what was kept, with the second request's token
    assert _same(two, second) == _same(_included(forms, second), second) == _same(one, first)
    assert len(TOKEN.findall(two)) == len(forms) + 1
    assert action_forms._PLACEHOLDER not in one + two


def test_another_language_or_content_is_another_entry():
    from django.utils import translation

    request = _request()
    PAGE.render({"forms": _forms()}, request)
    kept = len(action_forms._kept)
    with translation.override("en"):
        PAGE.render({"forms": _forms()}, request)
    assert len(action_forms._kept) == 2 * kept
    forms = _forms()
    forms[0].fields[0].value = "另一个值"
    html = PAGE.render({"forms": forms}, request)
    assert "另一个值" in html and len(action_forms._kept) == 2 * kept + 2  # the first form is drawn twice


def test_what_a_user_typed_and_error_messages_are_never_kept():
    spec = _plain()[0]
    field = next(iter(spec.schema.model_fields))
    posted = QueryDict(mutable=True)
    posted.update({"action": spec.name, field: "张三的手机13800138000"})
    form = screens.form_view(spec, None, posted, DomainError("错误", fields={field: ["此项有误"]}))
    assert form.typed
    html = PAGE.render({"forms": [form]}, _request())
    assert "13800138000" in html and "此项有误" in html
    assert action_forms._kept == {}  # rendered for its request only
    untyped = screens.form_view(spec, None)
    untyped.errors = ["整张表的错误"]
    PAGE.render({"forms": [untyped]}, _request())
    assert action_forms._kept == {}


def test_the_kept_forms_are_bounded(monkeypatch):
    monkeypatch.setattr(action_forms, "SIZE", 3)
    request = _request()
    for n in range(6):
        forms = _forms()[:1]
        forms[0].fields[0].value = f"v{n}"
        PAGE.render({"forms": forms}, request)
    assert len(action_forms._kept) == 3


def test_a_form_pre_filled_with_a_long_text_is_drawn_but_not_kept():
    forms = _forms()[:1]
    forms[0].fields[0].value = "会议纪要" * 60  # 240 characters from a record
    html = PAGE.render({"forms": forms}, _request())
    assert "会议纪要" * 60 in html
    assert action_forms._kept == {}


def _drawn(field) -> str:
    """The markup of one field, as ``_action_form.html`` draws it in a form of its own."""
    from bianmin.backoffice.actions import FieldView, FormView

    spec = _plain()[0]
    return get_template(action_forms.TEMPLATE).render(
        {"form": FormView(spec=spec, fields=[FieldView(**field)])}, _request())


def test_a_required_choice_with_nothing_chosen_starts_blank_so_the_user_must_choose():
    choices = [("YY1K1", "心内科"), ("YY1K2", "骨科")]
    html = _drawn({"name": "department", "label": "科室", "widget": "select", "required": True, "choices": choices})
    assert '<select name="department" required><option value="">请选择</option><option value="YY1K1">' in html
    # A choice already made (an initial value, or what a refused post typed) and a single choice need no blank.
    chosen = _drawn({"name": "department", "label": "科室", "widget": "select", "required": True,
                     "choices": choices, "value": "YY1K2"})
    assert "请选择" not in chosen and '<option value="YY1K2" selected>' in chosen
    assert "请选择" not in _drawn({"name": "d", "label": "科室", "widget": "select", "required": True,
                                   "choices": choices[:1]})
    assert "请选择" not in _drawn({"name": "d", "label": "科室", "widget": "select", "choices": choices})


def test_text_inputs_carry_the_schemas_length_limit():
    assert 'maxlength="255"' in _drawn({"name": "reason", "label": "原因", "widget": "textarea", "max_length": 255})
    assert '<input name="note" value="" maxlength="64">' in _drawn(
        {"name": "note", "label": "备注", "widget": "text", "max_length": 64})
    assert "maxlength" not in _drawn({"name": "note", "label": "备注", "widget": "text"})
