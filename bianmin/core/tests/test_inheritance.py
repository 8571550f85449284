"""``{% extends %}`` (bianmin/core/templatetags/inheritance.py): the same pages as Django's tag, the root template's
blocks found once per parsed template."""
from __future__ import annotations

import pytest
from django.template import Context, Engine, TemplateSyntaxError, engines
from django.template.base import NodeList

TEMPLATES = {
    "root.html": "<title>{% block title %}根{% endblock %}</title>{% if x %}{% block body %}空{% endblock %}{% endif %}"
                 "<nav>{% block nav %}{% for i in items %}{% block item %}{{ i }}{% endblock %}{% endfor %}"
                 "{% endblock %}</nav>",
    "middle.html": "{% extends 'root.html' %}{% block title %}中·{{ block.super }}{% endblock %}"
                   "{% block nav %}[{{ block.super }}]{% endblock %}",
    "page.html": "{% extends 'middle.html' %}{% block title %}页·{{ block.super }}{% endblock %}"
                 "{% block body %}{{ x }}{% endblock %}{% block item %}<{{ i }}>{% endblock %}",
    "twice.html": "{% extends 'root.html' %}{% extends 'root.html' %}",
}
EXPECTED = "<title>页·中·根</title>7<nav>[<1><2>]</nav>"


def _engine(builtins: list[str]) -> Engine:
    return Engine(loaders=[("django.template.loaders.cached.Loader",
                            [("django.template.loaders.locmem.Loader", TEMPLATES)])], builtins=builtins)


def test_pages_are_what_djangos_extends_draws():
    ours, django = _engine(["bianmin.core.templatetags.inheritance"]), _engine([])
    context = {"x": 7, "items": [1, 2]}
    for _ in range(3):  # drawn again from the kept node lists
        assert ours.get_template("page.html").render(Context(context)) == EXPECTED
        assert ours.get_template("middle.html").render(Context(context)) == "<title>中·根</title>空<nav>[12]</nav>"
    for name in ("page.html", "middle.html", "root.html"):
        assert django.get_template(name).render(Context(context)) == ours.get_template(name).render(Context(context))
    assert ours.get_template("root.html").render(Context({"x": 0, "items": [3]})) == "<title>根</title><nav>3</nav>"
    with pytest.raises(TemplateSyntaxError, match="cannot appear more than once"):
        ours.get_template("twice.html")


def test_the_root_templates_blocks_are_found_once(monkeypatch):
    from bianmin.core.templatetags.inheritance import _IndexedNodeList

    engine = _engine(["bianmin.core.templatetags.inheritance"])
    page, context = engine.get_template("page.html"), {"x": 7, "items": [1, 2]}
    assert page.render(Context(context)) == EXPECTED
    root = engine.get_template("root.html")
    assert type(root.nodelist) is _IndexedNodeList
    walks = []
    walk = NodeList.get_nodes_by_type

    def counted(self, nodetype):
        walks.append(nodetype)
        return walk(self, nodetype)

    monkeypatch.setattr(NodeList, "get_nodes_by_type", counted)
    assert page.render(Context(context)) == EXPECTED
    assert walks == []  # every later page finds the root's blocks kept
    from django.template.loader_tags import BlockNode

    found = root.nodelist.get_nodes_by_type(BlockNode)
    assert [n.name for n in found] == ["title", "body", "nav", "item"] and walks == []
    found.clear()  # a caller's change to its list is its own
    assert page.render(Context(context)) == EXPECTED


def test_the_projects_templates_use_it():
    from bianmin.core.templatetags.inheritance import _ExtendsNode

    template = engines["django"].from_string("{% extends 'base.html' %}{% block content %}内容{% endblock %}")
    assert isinstance(template.template.nodelist[0], _ExtendsNode)
    assert "内容" in template.render({})
