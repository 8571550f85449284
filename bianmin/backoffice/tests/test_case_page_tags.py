"""The case page's lists rendered in Python (issue 16 item 1) give what the template loops gave, escaped."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.template import engines

from bianmin.cases.models import CaseEvent, CaseMaterial, Notice

# The loops case_detail.html held before the tags, kept here as the reference.
OLD = engines["django"].from_string(
    '{% load i18n %}'
    '{% for m in materials %}<tr><td>{{ m.name }}{% if m.supplied_after_notice %} <span class="badge">'
    '{% translate "补正后提交" %}</span>{% endif %}</td><td>{{ m.get_necessity_display }}</td>'
    '<td>{{ m.get_received_as_display }}</td><td>{{ m.copies }}</td><td>{{ m.acceptable|yesno:"✓,✗" }}</td>'
    '<td>{{ m.problem }}</td></tr>{% endfor %}|'
    '{% for n in notices %}{% if n.issued_at %}<li>{{ n.get_kind_display }} {{ n.number }} '
    '{{ n.issued_at|date:"Y-m-d H:i" }}\n <a href="{% url \'backoffice:notice\' n.number %}" target="_blank">'
    '{% translate "打印" %}</a> · <a href="{% url \'backoffice:notice_pdf\' n.number %}">PDF</a></li>{% endif %}'
    '{% empty %}<li class="muted">{% translate "暂无" %}</li>{% endfor %}|'
    '{% for e in events %}<tr><td>{{ e.at|date:"Y-m-d H:i" }}</td><td>{{ e.action_label }}</td>'
    '<td>{{ e.actor_name }}</td><td>{{ e.to_status_label }}</td><td>{{ e.opinion }}</td></tr>{% endfor %}')
NEW = engines["django"].from_string(
    '{% load case_page %}{% case_material_rows materials %}|{% case_notice_items notices %}|'
    '{% case_history_rows events %}')
AT = dt.datetime(2026, 3, 2, 1, 5, tzinfo=dt.UTC)  # 09:05 in Beijing
NASTY = '<script>alert("x")</script> & \'引号\''


def _lists(notices=True):
    materials = [
        CaseMaterial(name=NASTY, necessity="REQUIRED", received_as="ORIGINAL", copies=2, acceptable=True, problem=""),
        CaseMaterial(name="身份证", necessity="OPTIONAL", received_as="COPY", copies=1, acceptable=False,
                     problem=NASTY, supplied_after_notice=True),
        CaseMaterial(name="照片", necessity="REQUIRED", received_as="ORIGINAL", copies=0, acceptable=None, problem=""),
    ]
    issued = [Notice(kind="RECEIPT", number="TZ<1>&", issued_at=AT), Notice(kind="SUPPLEMENT", number="B2"),
              Notice(kind="SUPPLEMENT", number="B3", issued_at=AT + dt.timedelta(days=40))]
    events = [CaseEvent(at=AT, actor_name=NASTY, action="ACCEPT", to_status="ACCEPTED", opinion=NASTY),
              CaseEvent(at=AT, actor_name="系统", action="NOT_AN_ACTION", to_status="", opinion=""),
              CaseEvent(at=AT + dt.timedelta(hours=30), actor_name="甲", action="DECIDE", to_status="ODD",
                        opinion="同意")]
    return {"materials": materials, "notices": issued if notices else [], "events": events}


def test_the_tags_give_what_the_loops_gave():
    for notices in (True, False):
        lists = _lists(notices)
        assert NEW.render(lists) == OLD.render(lists)
    only_drafts = {**_lists(), "notices": [Notice(kind="SUPPLEMENT", number="B2")]}
    assert NEW.render(only_drafts) == OLD.render(only_drafts)  # drafts only: nothing listed, not "暂无"


def test_what_applicants_and_staff_typed_is_escaped():
    html = NEW.render(_lists())
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;引号&#x27;" in html
    assert "TZ&lt;1&gt;&amp;" in html and "2026-03-02 09:05" in html


def test_a_template_namespace_object_works_too():
    row = SimpleNamespace(at=None, action_label=lambda: "受理", actor_name="甲", to_status_label=lambda: "", opinion="")
    assert NEW.render({"materials": [], "notices": [], "events": [row]}).endswith(
        "<tr><td></td><td>受理</td><td>甲</td><td></td><td></td></tr>")


def test_a_notice_url_is_what_reverse_gives():
    """``_url`` (the pattern reversed once) quotes each argument as ``reverse`` does, under another script prefix too;
    what ``reverse`` refuses it refuses."""
    import pytest
    from django.urls import NoReverseMatch, reverse, set_script_prefix

    from bianmin.backoffice.templatetags.case_page import _url

    numbers = ["TZ2026-000123", "TZ<1>&", "中文 号", "a%b?c#d", "~:@!$&'()*+,;=", "0slot0"]
    for prefix in ("/", "/hall/"):
        set_script_prefix(prefix)
        try:
            for name in ("backoffice:notice", "backoffice:notice_pdf"):
                assert [_url(name, n) for n in numbers] == [reverse(name, args=[n]) for n in numbers]
                for refused in ("a/b", ""):
                    with pytest.raises(NoReverseMatch):
                        _url(name, refused)
        finally:
            set_script_prefix("/")
