"""审批: a leader's pending transfers, extensions and return requests, decided through the action catalogue."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from bianmin.accountability.selectors import sanctions_awaiting_decision
from bianmin.accounts.roles import Perm
from bianmin.cases.actions import EXTENSION_ACTIONS, RETURN_ACTIONS, TRANSFER_ACTIONS
from bianmin.cases.selectors import (
    pending_deferred_exceptions,
    pending_extensions,
    pending_returns,
    pending_transfers,
)
from bianmin.core.actions import run
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.timeutils import now

from .actions import data_from_post
from .views import StaffView, say_error

CATALOGUES = {c.subject: c for c in (TRANSFER_ACTIONS, EXTENSION_ACTIONS, RETURN_ACTIONS)}


class ApprovalsView(StaffView):
    permission = Perm.APPROVE

    def get(self, request):
        sanctions = sanctions_awaiting_decision(request.user)
        rows = {}
        for name, catalogue, pending in (("transfers", TRANSFER_ACTIONS, pending_transfers),
                                         ("extensions", EXTENSION_ACTIONS, pending_extensions),
                                         ("returns", RETURN_ACTIONS, pending_returns)):
            rows[name] = list(pending(request.user))
            for row in rows[name]:  # the buttons the policy allows this leader on this request
                row.actions = catalogue.available(request.user, row)
        return render(request, "backoffice/approvals.html", {
            **rows, "deferred": pending_deferred_exceptions(request.user), "sanctions": sanctions})

    def post(self, request):
        catalogue = CATALOGUES.get(request.POST.get("subject", ""))
        spec = catalogue.get(request.POST.get("action", "")) if catalogue else None
        if spec is None:
            raise Http404
        key = request.POST.get("id", "").strip()
        try:
            if not key.isdigit() or len(key) > 12:  # a typed word is refused naming the field, never a 500
                raise DomainError.for_field("id", "申请编号应为正整数")
            result = run(spec, actor=request.user, key=int(key), data=data_from_post(spec, request.POST), now=now())
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            say_error(request, exc)
        else:
            messages.success(request, spec.message(result))
        return redirect("backoffice:approvals")
