"""``{% constant %}…{% endconstant %}``: markup that depends on nothing but the language, rendered once per
language and process (issue 16 item 1, decision 0031).

A page's headings, table headers, labels and links (``{% translate %}``, ``{% url %}``, ``{% static %}``) cost a
node each on every render; the busiest pages carry dozens. Inside the block they are rendered once, with an empty
context, and the text is reused. Anything that varies — a variable, the CSRF token, a permission test — must stay
outside: inside it finds no value (an empty string, or the test settings' error for an unknown variable). URLs
are reversed with the script prefix of the request that first rendered the block (one deployment has one
prefix). Without the cached template loader (DEBUG) a template is compiled again for each request, and so is its
block.
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
            html = self.rendered[language] = mark_safe(  # noqa: S308 - the block's own template output
                self.nodelist.render(context.new()))  # the same template and settings, none of the page's values
        return html


@register.tag("constant")
def constant(parser: Any, token: Any) -> ConstantNode:
    """``{% constant %}…{% endconstant %}``: see the module's docstring."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% constant %} takes no arguments")
    nodelist = parser.parse(("endconstant",))
    parser.delete_first_token()
    return ConstantNode(nodelist)
