"""The 材料照片 panel of the relay page (``_relay_files.html``): the relay's files, the upload form when the policy
allows it (with a refused upload's errors beside its fields), and the draft the page confirms as registered."""
from __future__ import annotations

from typing import Any

from django import template

from bianmin.relay.actions_files import RELAY_FILE_ACTIONS

from ..actions import form_view
from ..relay_drafts import DONE_PARAMETER, KEY

register = template.Library()


@register.simple_tag(takes_context=True)
def relay_files_panel(context: Any, relay: Any) -> dict[str, Any]:
    """Return {files, form, material, file, sent} for the relay page of the signed-in user."""
    request = context["request"]
    spec = RELAY_FILE_ACTIONS.get("attach_file")
    assert spec is not None
    form = None
    if spec.allowed(request.user, relay):
        posted, error = getattr(request, "relay_file_refusal", (None, None))
        form = form_view(spec, relay, posted, error)
    fields = {f.name: f for f in form.fields} if form else {}
    sent = request.GET.get(DONE_PARAMETER, "")
    return {"files": list(relay.files.all()), "form": form, "material": fields.get("material_name"),
            "file": fields.get("file"), "sent": sent if KEY.fullmatch(sent) else ""}
