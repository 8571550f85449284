"""``{% constant %}…{% endconstant %}``: markup that depends on nothing but the language, rendered once per
language and process (issue 16 item 1, decision 0034).

A page's headings, table headers, labels and links (``{% translate %}``, ``{% url %}``, ``{% static %}``) cost a
node each on every render; the busiest pages carry dozens. Inside the block they are rendered once, with an empty
context, and the text is reused. Anything that varies — a variable, the CSRF token, a permission test — must stay
outside: the block accepts only text, ``{% translate "literal" %}``, ``{% url 'name' 'literal' … %}`` and
``{% static 'literal' %}`` (anything else is a template syntax error), and renders without the page's context or
request, so no user's data can be kept and shown to another. URLs are reversed with the script prefix of the
request that first rendered the block (one deployment has one prefix). Without the cached template loader a
template is compiled again for each request, and so is its block.
"""
from __future__ import annotations

from typing import Any

from django import template
from django.template import Context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


class ConstantNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[str | None, SafeString] = {}

    def render(self, context: Context) -> SafeString:
        language = get_language()
        html = self.rendered.get(language)
        if html is None:
            bare = Context(autoescape=context.autoescape)  # no values, no request, no user
            bare.template = context.template
            html = self.rendered[language] = mark_safe(  # noqa: S308 - the block's own template output
                self.nodelist.render(bare))
        return html


def _literal(expression: Any) -> bool:
    """Whether a template expression is a quoted constant without filters."""
    if expression is None:
        return True
    if getattr(expression, "filters", None):
        return False
    var = getattr(expression, "var", expression)
    return isinstance(var, str) or getattr(var, "literal", None) is not None


def _check(nodelist: template.NodeList) -> None:
    """Refuse any node that could depend on the request: only text, literal translations, URLs and static paths."""
    from django.template.base import TextNode
    from django.template.defaulttags import URLNode
    from django.templatetags.i18n import TranslateNode
    from django.templatetags.static import StaticNode

    for node in nodelist:
        if isinstance(node, TextNode):
            continue
        if isinstance(node, TranslateNode) and node.asvar is None and node.message_context is None \
                and _literal(node.filter_expression):
            continue
        if isinstance(node, URLNode) and node.asvar is None and _literal(node.view_name) \
                and all(_literal(a) for a in (*node.args, *node.kwargs.values())):
            continue
        if isinstance(node, StaticNode) and node.varname is None and _literal(node.path):
            continue
        raise template.TemplateSyntaxError(
            f"{{% constant %}} may hold only text and literal translate/url/static tags, not {node!r}")


@register.tag("constant")
def constant(parser: Any, token: Any) -> ConstantNode:
    """``{% constant %}…{% endconstant %}``: see the module's docstring."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% constant %} takes no arguments")
    nodelist = parser.parse(("endconstant",))
    parser.delete_first_token()
    _check(nodelist)
    return ConstantNode(nodelist)
