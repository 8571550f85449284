"""``{% kept "transfer" "reason" %}``: what the clerk typed into a case-page form whose action was refused, so the
page comes back with the input in place (nothing typed is lost); empty for every other form."""
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def kept(context, actions: str, field: str) -> str:
    """Return the posted ``field`` when the refused action is one of ``actions`` (space-separated); autoescaped."""
    posted = context.get("posted")
    if not posted or posted.get("action", "") not in actions.split():
        return ""
    return posted.get(field, "")
