"""全程代理 pages: what passes through my unit, one relay with its hops and the forms its catalogue allows, the new
relay at the village station, and the printable 代办受理回执. Built for a phone: one column, no wide tables."""
from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from bianmin.accounts.roles import Perm
from bianmin.catalog.models import ItemLevel, ItemVersion
from bianmin.core.actions import run
from bianmin.core.errors import NotFound
from bianmin.core.timeutils import now
from bianmin.relay.actions import CREATE_ACTIONS, RELAY_ACTIONS
from bianmin.relay.policies import get_relay_for, may_register
from bianmin.relay.receipt import delivery_receipt_pdf, receipt_pdf
from bianmin.relay.selectors import hand_overs_of, passing_through

from .actions import forms_for, perform_post, refused_page
from .relay_drafts import submit_once
from .views import StaffView

RELAY_PERMS = (Perm.RELAY_CASES, Perm.HANDLE_CASES, Perm.APPROVE, Perm.SUPERVISE)
APPLICANT_FIELDS = ("kind", "name", "id_type", "id_number", "phone", "address", "credit_code", "legal_rep",
                    "contact")


class RelayListView(StaffView):
    permission = RELAY_PERMS

    def get(self, request):
        return render(request, "backoffice/relays.html", {"rows": passing_through(request.user),
                                                          "may_register": may_register(request.user)})


class RelayDetailView(StaffView):
    permission = RELAY_PERMS

    def get(self, request, number: str, posted=None, error=None):
        try:
            relay = get_relay_for(request.user, number)
        except NotFound:
            raise Http404 from None
        return render(request, "backoffice/relay_detail.html", {
            "relay": relay, "hops": hand_overs_of(relay), "materials": list(relay.materials.all()),
            "follow_ups": list(relay.follow_ups.select_related("by")),
            "forms": forms_for(request, RELAY_ACTIONS, relay, posted, error)})

    def post(self, request, number: str):
        return perform_post(request, RELAY_ACTIONS, number,
                            refused=lambda exc: refused_page(self, request, exc, number),
                            done=lambda result: redirect("backoffice:relay", number=number))


class RelayReceiptView(StaffView):
    """The 代办受理回执 as a PDF, after the scope check (a relay out of sight is a 404, like a missing one)."""

    permission = RELAY_PERMS

    def get(self, request, number: str):
        try:
            relay = get_relay_for(request.user, number)
        except NotFound:
            raise Http404 from None
        pdf = receipt_pdf(relay, lookup_url=request.build_absolute_uri("/lookup/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{relay.number}.pdf"'
        return response


def _relay_items() -> list[ItemVersion]:
    return list(ItemVersion.objects.filter(is_current=True, level__in=[ItemLevel.TOWN, ItemLevel.COUNTY])
                .select_related("item").order_by("item__code"))


class RelayNewView(StaffView):
    """登记代办: pick the item (``?item=``), then the applicant, the materials of its checklist and the 委托书."""

    permission = Perm.RELAY_CASES

    def get(self, request, posted=None, error=None):
        data = posted or request.GET
        code = data.get("item", "")
        version = next((v for v in _relay_items() if v.item.code == code), None)
        errors = error.fields if error is not None else {}
        return render(request, "backoffice/relay_new.html", {
            "items": _relay_items(), "version": version,
            "lines": [(m, (posted or {}).get(f"m{m.pk}_copies", m.copies or 1))
                      for m in (version.materials.all() if version else [])],
            "posted": posted or {}, "errors": errors, "may_register": may_register(request.user),
            "error_list": [f"{m}" for ms in errors.values() for m in ms]})

    def post(self, request):
        post = request.POST
        version = next((v for v in _relay_items() if v.item.code == post.get("item", "")), None)
        materials = []
        for m in version.materials.all() if version else []:
            copies = post.get(f"m{m.pk}_copies", "").strip()
            if copies and copies != "0":
                materials.append({"material": m.pk, "copies": copies,
                                  "received_as": post.get(f"m{m.pk}_how", "PAPER")})
        data = {"item": post.get("item", ""), "mandate": post.get("mandate", ""), "materials": materials,
                "applicant": {f: post.get(f"applicant_{f}", "") for f in APPLICANT_FIELDS
                              if post.get(f"applicant_{f}", "") != ""}}
        spec = CREATE_ACTIONS.get("register")
        assert spec is not None
        # The draft's key (relay_drafts): a re-post after a dropped connection never registers a second relay.
        return submit_once(request, perform=lambda: run(spec, actor=request.user, key=None, data=data, now=now()),
                           refused=lambda exc: refused_page(self, request, exc), message=spec.message)


class RelayDeliveryReceiptView(StaffView):
    """The 送达回证 of a relayed case, printed at the station for the recipient and the agent to sign (the case
    itself is out of the agent's sight; the relay's scope check stands for it)."""

    permission = RELAY_PERMS

    def get(self, request, number: str):
        try:
            relay = get_relay_for(request.user, number)
        except NotFound:
            raise Http404 from None
        pdf = delivery_receipt_pdf(relay, lookup_url=request.build_absolute_uri("/lookup/"))
        if pdf is None:
            raise Http404
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{relay.number}-SD.pdf"'
        return response
