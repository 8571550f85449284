"""材料照片 on a relay (issue 13 item 7): the upload from the relay page (the phone's camera input, drawn by
``_relay_files.html`` from the catalogue ``relay.actions_files``) and the download after the scope check."""
from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect

from bianmin.core.errors import DomainError, NotFound
from bianmin.relay.actions_files import RELAY_FILE_ACTIONS
from bianmin.relay.policies import get_relay_for

from .actions import perform_post
from .views import StaffView, say_error
from .views_relay import RELAY_PERMS, RelayDetailView

FORM_FIELDS = {"file", "material_name"}


class RelayFilesView(StaffView):
    """Take a photo or scan of a material; a refusal shows the relay page again with the error beside the field."""

    permission = RELAY_PERMS

    def post(self, request, number: str):
        return perform_post(request, RELAY_FILE_ACTIONS, number, only="attach_file",
                            refused=lambda exc: self.refused(request, number, exc),
                            done=lambda stored: redirect(f"/staff/relays/{number}/#relay-files"))

    @staticmethod
    def refused(request, number: str, exc: DomainError):
        if exc.fields and set(exc.fields) <= FORM_FIELDS:
            request.relay_file_refusal = (request.POST, exc)  # read by the relay_files tag, beside the field
            messages.error(request, "材料照片未上传：" + "；".join(m for ms in exc.fields.values() for m in ms))
        else:
            say_error(request, exc)
        page = RelayDetailView()
        page.setup(request, number=number)
        response = page.get(request, number)
        response.status_code = exc.status if 400 <= exc.status < 500 else 400
        return response


class RelayFileView(StaffView):
    """Serve a relay's photo only after the relay's scope check, as an attachment (a file of a relay out of sight
    is a 404, like a missing one)."""

    permission = RELAY_PERMS

    def get(self, request, number: str, file_id: int):
        try:
            relay = get_relay_for(request.user, number)
        except NotFound:
            raise Http404 from None
        stored = relay.files.filter(pk=file_id).first()
        if stored is None:
            raise Http404
        response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        return response
