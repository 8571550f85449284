"""``{% constant %}`` (bianmin/core/templatetags/fragments.py): rendered once per language and process, and only
what cannot vary may be inside."""
from __future__ import annotations

import pytest
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.utils import translation


def _node(template: Template):
    from bianmin.core.templatetags.fragments import ConstantNode

    return next(n for n in template.nodelist if isinstance(n, ConstantNode))


def test_the_block_is_rendered_once_and_reused():
    template = Template('{% load i18n fragments %}<p>{{ x }}</p>{% constant %}<a href="{% url "backoffice:cases" %}">'
                        '{% translate "办件查询" %}</a>{% endconstant %}')
    first = template.render(Context({"x": 1}))
    assert first == '<p>1</p><a href="/staff/cases/">办件查询</a>'
    node = _node(template)
    node.rendered[translation.get_language()] = "kept"
    assert template.render(Context({"x": 2})) == "<p>2</p>kept"  # not rendered again


@pytest.mark.parametrize("inside", [
    "{{ x }}", "{{ user }}", "{% csrf_token %}", "{% if x %}a{% endif %}", "{% translate x %}",
    '{% translate "状态" as label %}', '{% url "backoffice:case" number %}', "{% url view_name %}",
    '{% translate "状态"|upper %}', "{% get_current_language as lang %}", "{% static path %}",
    '{% url "backoffice:case" "C1" as link %}'])
def test_anything_that_could_vary_is_refused(inside):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load i18n static fragments %}{% constant %}" + inside + "{% endconstant %}")


def test_it_renders_without_the_pages_request_or_values(rf):
    template = Template('{% load i18n static fragments %}{% constant %}<a href="{% url "backoffice:case" "C1" %}">'
                        '{% translate "状态" %}</a> {% static "css/bianmin.css" %}{% endconstant %}')
    html = template.render(RequestContext(rf.get("/"), {"x": "secret"}))
    assert html.startswith('<a href="/staff/cases/C1/">状态</a> ') and html.endswith("bianmin.css")


def test_each_language_has_its_own_text():
    template = Template('{% load i18n fragments %}{% constant %}{% translate "状态" %}{% endconstant %}')
    with translation.override("zh-hans"):
        assert template.render(Context()) == "状态"
    _node(template).rendered["zh-hans"] = "kept"
    with translation.override("en"):  # rendered again for this language (no catalogue: the message itself)
        assert template.render(Context()) == "状态"
    with translation.override("zh-hans"):
        assert template.render(Context()) == "kept"
    assert set(_node(template).rendered) == {"zh-hans", "en"}


def test_it_takes_no_arguments():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}{% constant x %}{% endconstant %}")
