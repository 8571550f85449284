"""``{% constant %}`` (bianmin/core/templatetags/fragments.py): rendered once per language and process."""
from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
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


def test_variables_inside_render_as_nothing_so_misuse_shows():
    template = Template("{% load fragments %}{% constant %}[{{ x }}]{% endconstant %}")
    assert template.render(Context({"x": "secret"})) == "[]"


def test_each_language_has_its_own_text():
    template = Template("{% load i18n fragments %}{% constant %}{% get_current_language as lang %}{{ lang }}"
                        "{% endconstant %}")
    with translation.override("zh-hans"):
        assert template.render(Context()) == "zh-hans"
    with translation.override("en"):
        assert template.render(Context()) == "en"
    assert set(_node(template).rendered) == {"zh-hans", "en"}


def test_it_takes_no_arguments():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}{% constant x %}{% endconstant %}")
