"""首问 screens: register, list, and the inquiry page with its steps."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.audit.services import audited_atomic
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import page_of
from bianmin.core.timeutils import now
from bianmin.hall.queue import link as link_ticket
from bianmin.hall.queue import reserve_link
from bianmin.inquiries import services as inq
from bianmin.inquiries.actions import INQUIRY_ACTIONS
from bianmin.inquiries.models import Channel, InquiryStatus

from .actions import forms_for, perform_post, refused_page
from .forms_cases import InquiryForm
from .views import StaffView, say_error
from .views_queue import ticket_number, ticket_param
from .views_work import _links, personal_query


def _errors_to_form(form, exc: DomainError) -> None:
    if not exc.fields:
        form.add_error(None, exc.message)
    for field, errors in exc.fields.items():
        short = field.split(".")[-1]
        for error in errors:
            form.add_error(short if short in form.fields else None, f"{error}" if short in form.fields
                           else f"{field}：{error}")



class InquiryNewView(StaffView):
    permission = Perm.HANDLE_INQUIRIES

    def get(self, request, form=None):
        ticket = ticket_param(request)  # 登记咨询 from the queue console: the inquiry will be linked to the ticket
        initial = {"channel": Channel.WINDOW} if ticket else None
        return render(request, "backoffice/inquiry_new.html", {
            "form": form or InquiryForm(initial=initial), "ticket": ticket,
            "ticket_number": ticket_number(request.user, ticket)})

    def post(self, request):
        form = InquiryForm(request.POST)
        if form.is_valid():
            ticket, moment = ticket_param(request), now()
            try:
                with audited_atomic():  # the inquiry and the ticket's link commit together or not at all
                    if ticket:  # locked before the inquiry: the queue's lock order (no deadlock)
                        reserve_link(actor=request.user, ticket_id=ticket, now=moment, kind="inquiry")
                    inquiry = inq.register_inquiry(actor=request.user, now=moment, **form.cleaned_data)
                    if ticket:
                        link_ticket(actor=request.user, ticket_id=ticket, now=moment, inquiry=inquiry)
            except DomainError as exc:
                if "ticket" in exc.fields:  # the link was refused: nothing was registered
                    form.add_error(None, f"排队号：{exc.message}" + "".join(
                        f"（{m}）" for m in exc.fields["ticket"] if m != exc.message)
                        + "。已取消与该号的关联，再次提交即只登记首问。")
                    request.POST = request.POST.copy()
                    request.POST["ticket"] = ""  # the form comes back without it: the clerk's work is not lost
                else:
                    _errors_to_form(form, exc)
            else:
                messages.success(request, f"已登记首问 {inquiry.number}")
                return redirect("backoffice:inquiry", number=inquiry.number)
        return self.get(request, form=form)


class InquiryListView(StaffView):
    """首问记录: every visible inquiry with search, status and "mine" filters, 30 a page."""

    permission = (Perm.HANDLE_INQUIRIES, Perm.SUPERVISE)

    def get(self, request):
        (q, shown, sealed), status = personal_query(request), request.GET.get("status", "")
        mine = request.GET.get("mine") == "1"
        page = page_of(inq.find_inquiries(actor=request.user, q=q, now=now(), status=status, mine=mine), 30,
                       request.GET.get("page"))
        return render(request, "backoffice/inquiries.html", {
            "page": page, "q": shown, "sealed": sealed, "status": status, "mine": mine,
            "statuses": InquiryStatus.choices,
            "query": _links({k: v for k, v in (("status", status), ("mine", "1" if mine else "")) if v}, q, sealed)})


class InquiryDetailView(StaffView):
    permission = (Perm.HANDLE_INQUIRIES, Perm.SUPERVISE)  # supervisors read; the services decide who acts

    def get(self, request, number: str, phone: str = "", posted=None, error=None):
        try:
            inquiry = inq.get_inquiry_for(request.user, number)
        except NotFound:
            raise Http404 from None
        # The escort visits (信访陪同) are read once: the page lists them and the policies ask for the pending one.
        prefetch_related_objects([inquiry], "escorts__escort__unit", "escorts__destination", "escorts__result_by")
        return render(request, "backoffice/inquiry_detail.html", {
            "i": inquiry, "events": inquiry.events.select_related("actor"), "escorts": inquiry.escorts.all(),
            "today": timezone.localdate(now()),
            "forms": forms_for(request, INQUIRY_ACTIONS, inquiry, posted, error),
            "phone_masked": phone or inquiry.phone_masked, "revealed": bool(phone),
            "can_reveal": can(request.user, Perm.VIEW_FULL_PERSONAL_DATA)})

    def post(self, request, number: str):
        action = request.POST.get("action", "")
        if action == "reveal":  # shown on this response only
            try:
                phone = inq.reveal_phone(actor=request.user, number=number, reason=request.POST.get("reason", ""),
                                         now=now())
            except NotFound:
                raise Http404 from None
            except DomainError as exc:
                say_error(request, exc)
                return redirect("backoffice:inquiry", number=number)
            response = self.get(request, number, phone=phone)
            response["Cache-Control"] = "no-store"
            return response
        return perform_post(request, INQUIRY_ACTIONS, number,
                            refused=lambda exc: refused_page(self, request, exc, number),
                            done=lambda result: redirect("backoffice:inquiry", number=number))
