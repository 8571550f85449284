"""收件: pick an item, then register the application against its checklist."""
from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from bianmin.accounts.roles import Perm
from bianmin.audit.services import audited_atomic
from bianmin.cases import services as svc
from bianmin.cases.actions import AgentIn, ApplicantIn
from bianmin.cases.models import MaterialReceipt
from bianmin.catalog.models import MaterialSource
from bianmin.catalog.selectors import current_version_by_code, current_versions, receivable_at
from bianmin.core.errors import DomainError
from bianmin.core.timeutils import now
from bianmin.hall.queue import link as link_ticket
from bianmin.hall.queue import reserve_link
from bianmin.org.policies import staff_profile_of

from .forms_cases import RECEIPT_CHOICES, ReceiveForm
from .views import StaffView
from .views_queue import ticket_number, ticket_param

# Service error keys → fields of ReceiveForm (others, such as a material's copies, show above the form).
RECEIVE_FORM_FIELDS = {
    "applicant.kind": "applicant_kind", "applicant.name": "name", "applicant.id_type": "id_type",
    "applicant.id_number": "id_number", "applicant.phone": "phone", "applicant.credit_code": "credit_code",
    "applicant.legal_rep": "legal_rep", "agent.id_type": "agent_id_type", "agent.id_number": "agent_id_number",
    "agent.phone": "agent_phone", "agent.name": "agent_name", "agent.authorization": "agent_authorization"}


AGENT_FIELDS = ("agent_name", "agent_id_number", "agent_phone", "agent_authorization")

RECEIPTS_KEY = "bianmin_receipts"  # session: form token -> case number of the last 30 receipts


def _with_details(exc: DomainError) -> str:
    return exc.message + "".join(f"（{m}）" for ms in exc.fields.values() for m in ms if m != exc.message)


class ReceiveView(StaffView):
    permission = Perm.HANDLE_CASES

    def get(self, request, form=None, rows=None):
        code = request.GET.get("item") or request.POST.get("item", "")
        version = current_version_by_code(code) if code else None
        ticket = ticket_param(request)  # 受理办件 from the queue console: the case will be linked to the ticket
        if version is None:
            q = request.GET.get("q", "").strip()
            profile = staff_profile_of(request.user)
            items = current_versions(q=q)
            if profile is not None:  # the hospital boundary (decision 0026 §1): the same rule receive_case checks
                items = items.filter(receivable_at(profile.unit))
            items = items[:50]
            return render(request, "backoffice/case_pick_item.html", {"items": items, "q": q, "ticket": ticket})
        materials = list(version.materials.all())
        for m in materials:  # what the clerk entered when the form comes back with an error, else the defaults:
            row = (rows or {}).get(m.pk)  # nothing handed in; a material the government supplies is fetched (共享)
            shared = m.source == MaterialSource.GOVERNMENT
            m.in_how = row["received_as"] if row else (MaterialReceipt.SHARED if shared else MaterialReceipt.MISSING)
            m.in_copies = row["copies"] if row else None
            m.in_ok = bool(row["acceptable"]) if row else shared
            m.in_problem = row["problem"] if row else ""
        form = form or ReceiveForm(initial={"token": uuid.uuid4().hex})
        agent_open = form.is_bound and any(form[f].value() or form[f].errors for f in AGENT_FIELDS)
        return render(request, "backoffice/case_receive.html", {
            "version": version, "form": form, "materials": materials, "choices": RECEIPT_CHOICES,
            "agent_open": agent_open, "ticket": ticket, "ticket_number": ticket_number(request.user, ticket)})

    def post(self, request):
        form = ReceiveForm(request.POST)
        code = request.POST.get("item", "")
        version = current_version_by_code(code)
        if version is None:
            raise Http404
        # The same form sent twice (the back button, a double click) opens the case received the first time.
        token = request.POST.get("token", "")
        received = request.session.get(RECEIPTS_KEY, {})
        if token and token in received:
            messages.info(request, f"该申请已于刚才收件（办件编号 {received[token]}），没有重复收件")
            return redirect("backoffice:case", number=received[token])
        # One line per material of the checklist; the copies as typed (the service names a wrong number).
        # A row left "未提交" is not received (the service decides whether that is a gap); a received row is as
        # acceptable as the clerk ticked it; copies left empty are the number the checklist asks for.
        rows = {}
        for m in version.materials.all():
            how = request.POST.get(f"m{m.pk}_how", MaterialReceipt.MISSING)
            rows[m.pk] = svc.MaterialRow(
                material=m.pk, received_as=how, copies=request.POST.get(f"m{m.pk}_copies") or None,
                acceptable=None if how == MaterialReceipt.MISSING else request.POST.get(f"m{m.pk}_ok") == "on",
                problem=request.POST.get(f"m{m.pk}_problem", ""))
        if form.is_valid():
            d = form.cleaned_data
            # The same inputs as the API's POST /cases (cases.actions), from the form's fields.
            applicant = ApplicantIn(kind=d["applicant_kind"], name=d["name"], id_type=d["id_type"],
                                    id_number=d["id_number"], phone=d["phone"], address=d["address"],
                                    credit_code=d["credit_code"], legal_rep=d["legal_rep"], contact=d["contact"],
                                    credit_code_override_reason=d["credit_code_override_reason"])
            agent = AgentIn(name=d["agent_name"], id_type=d["agent_id_type"] or "RESIDENT_ID",
                            id_number=d["agent_id_number"], phone=d["agent_phone"],
                            authorization=d["agent_authorization"])
            ticket = ticket_param(request)
            accepting = request.POST.get("accept") == "1"
            moment = now()
            try:
                # From a queue ticket: the case and the ticket's link commit together; a refused link (another
                # clerk's ticket, one already linked) leaves no case behind.
                with audited_atomic():
                    if ticket:  # locked before the case: the queue's lock order (no deadlock)
                        reserve_link(actor=request.user, ticket_id=ticket, now=moment, kind="case")
                    given = {"actor": request.user, "item_code": code, "applicant": applicant.data(),
                             "agent": agent.data(), "materials": list(rows.values()), "now": moment}
                    # 收件并受理: the API's POST /cases with accept, the same service.
                    case = (svc.receive_and_accept(**given) if accepting else svc.receive_case(**given))
                    if ticket:
                        link_ticket(actor=request.user, ticket_id=ticket, now=moment, case=case)
            except DomainError as exc:
                if "ticket" in exc.fields:  # the link was refused: the case went back with it
                    form.add_error(None, f"排队号：{_with_details(exc)}。已取消与该号的关联，再次提交即只收件。")
                    request.POST = request.POST.copy()
                    request.POST["ticket"] = ""  # the form comes back without it: the clerk's work is not lost
                elif not exc.fields:
                    form.add_error(None, exc.message)
                for field, errors in exc.fields.items():
                    name = RECEIVE_FORM_FIELDS.get(field)
                    for error in errors if field != "ticket" else ():
                        form.add_error(name, error)
            else:
                if token:
                    request.session[RECEIPTS_KEY] = dict(list(received.items())[-29:]) | {token: case.number}
                messages.success(request, f"已收件并受理，办件编号 {case.number}，查询码 {case.query_code}；"
                                          "受理通知书和首办回执已生成" if accepting else
                                 f"已收件，办件编号 {case.number}，查询码 {case.query_code}")
                return redirect("backoffice:case", number=case.number)
        request.GET = request.GET.copy()
        request.GET["item"] = code
        return self.get(request, form=form, rows=rows)


