"""大厅设备管理 (decision 0025 §4): a supervisor issues a big screen or a ticket kiosk for a center in their scope (the
one-time activation code is shown on this response only) and revokes it."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from bianmin.accounts.roles import Perm
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.timeutils import now
from bianmin.hall.devices import (
    ACTIVATE_PATHS,
    ACTIVATION_HOURS,
    devices_of,
    issue_device,
    manageable_units,
    revoke_device,
)
from bianmin.hall.models import DeviceKind

from .views import StaffView


class DevicesView(StaffView):
    """The screens and kiosks of the centers in the supervisor's scope, by center, with 发放 and 吊销."""

    permission = Perm.SUPERVISE

    def get(self, request, issued=None, code: str = "", error: DomainError | None = None, status: int = 200):
        units = manageable_units(request.user)
        devices = devices_of(request.user)
        rows = [(u, [d for d in devices if d.unit_id == u.pk]) for u in units]
        response = render(request, "backoffice/devices.html", {
            "rows": rows, "units": units, "kinds": DeviceKind.choices, "issued": issued, "code": code,
            "activate_path": ACTIVATE_PATHS.get(issued.kind) if issued is not None else "",
            "activate_paths": ACTIVATE_PATHS, "hours": ACTIVATION_HOURS, "error": error,
            "posted": request.POST if error else {}}, status=status)
        if code:  # the code is shown once: never cached, never stored in the session or a message
            response["Cache-Control"] = "no-store"
        return response

    def post(self, request):
        action = request.POST.get("action", "")
        try:
            if action == "issue":
                device, code = issue_device(actor=request.user, unit_id=request.POST.get("unit", ""),
                                            kind=request.POST.get("kind", ""), label=request.POST.get("label", ""),
                                            now=now())
                return self.get(request, issued=device, code=code)
            if action == "revoke":
                device = revoke_device(actor=request.user, device_id=request.POST.get("device", ""), now=now())
                messages.success(request, f"已吊销{device.get_kind_display()}：{device.unit.name}（{device.label}）")
                return redirect("backoffice:devices")
        except NotFound as exc:
            if action == "revoke":
                raise Http404 from None
            return self.get(request, error=exc, status=404)
        except DomainError as exc:
            return self.get(request, error=exc, status=exc.status)
        raise Http404
