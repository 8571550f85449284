"""``{% extends %}`` that finds the root template's blocks once, not on every render (issue 16 item 1).

Django's ``ExtendsNode.render`` walks the whole node tree of the root template (``base.html``) for its blocks each
time a page that extends it is drawn (``nodelist.get_nodes_by_type(BlockNode)``); on the case page that walk was
about a tenth of the template's time. A compiled template never changes once parsed (the cached loader keeps it for
the process), so its node list can keep what the walk found. This library is a template builtin
(``TEMPLATES[…]["OPTIONS"]["builtins"]``), so its ``extends`` replaces Django's in every template; the tag's
parsing and rendering are Django's own.
"""
from __future__ import annotations

from typing import Any

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.loader_tags import ExtendsNode, do_extends

register = template.Library()


class _IndexedNodeList(NodeList):
    """A parsed template's node list that keeps, per node type, the nodes ``get_nodes_by_type`` found in it."""

    def get_nodes_by_type(self, nodetype: Any) -> list[Any]:
        found: dict[Any, list[Any]] = self.__dict__.setdefault("_nodes_by_type", {})
        nodes = found.get(nodetype)
        if nodes is None:
            nodes = found[nodetype] = super().get_nodes_by_type(nodetype)
        return list(nodes)  # a copy: the caller may change its list


class _ExtendsNode(ExtendsNode):
    def get_parent(self, context: Any) -> Any:
        parent = super().get_parent(context)
        if type(parent.nodelist) is NodeList:  # a parent's node list once: every later render finds its blocks kept
            parent.nodelist.__class__ = _IndexedNodeList
        return parent


@register.tag("extends")
def extends(parser: Parser, token: Token) -> ExtendsNode:
    """Django's ``{% extends %}`` (``do_extends``: the same syntax and checks), drawn by ``_ExtendsNode``."""
    node = do_extends(parser, token)
    return _ExtendsNode(node.nodelist, node.parent_name, node.template_dirs)
