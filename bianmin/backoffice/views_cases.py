"""Window screens: my work, receive an application, case detail with actions, notices, approvals, 首问."""
from __future__ import annotations

import re
import unicodedata
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianmin.accountability.models import ViolationStatus
from bianmin.accountability.policies import visible_violations
from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.cases import services as svc
from bianmin.cases.models import Extension, Notice
from bianmin.cases.pdf import notice_rows, qr_svg_data_uri, render_notice_pdf
from bianmin.cases.policies import can_transition, get_case_for, is_handler_side, visible_cases
from bianmin.cases.selectors import (
    case_detail_for,
    class_counts,
    intake_queue,
    pending_deferred_exceptions,
    pending_extensions,
    pending_returns,
    pending_transfers,
    with_warning,
    with_warnings,
    workbench_rows,
)
from bianmin.cases.services.core import acting_ids_for
from bianmin.cases.services.lifecycle import may_accept_immediately
from bianmin.cases.workflow import Action, CaseClass, Status, actions_from
from bianmin.catalog.models import SpecialProcedure
from bianmin.catalog.selectors import current_version_by_code, current_versions
from bianmin.core.crypto import decrypt_recent, encrypt, personal_search
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import page_of
from bianmin.core.timeutils import now, today
from bianmin.inquiries import services as inq
from bianmin.inquiries.models import InquiryStatus, Outcome
from bianmin.org.models import StaffProfile
from bianmin.org.selectors import higher_organs

from .forms_cases import RECEIPT_CHOICES, DecideForm, DeliverForm, InquiryForm, OutcomeForm, ReceiveForm
from .templatetags.desk import INQUIRY_COLUMNS, QUEUE_COLUMNS
from .views import StaffView, say_error


def _errors_to_form(form, exc: DomainError) -> None:
    if not exc.fields:
        form.add_error(None, exc.message)
    for field, errors in exc.fields.items():
        short = field.split(".")[-1]
        for error in errors:
            form.add_error(short if short in form.fields else None, f"{error}" if short in form.fields
                           else f"{field}：{error}")


class MyWorkView(StaffView):
    """The window clerk's desk: cases by nearest deadline, applications awaiting review, open inquiries."""

    def get(self, request):
        user, on = request.user, today()
        counts = class_counts(user)
        return render(request, "backoffice/my_work.html", {
            "cases": workbench_rows(user, on),
            "queue": list(intake_queue(user).values_list(*QUEUE_COLUMNS)[:20]),
            "inquiries": list(inq.open_inquiries_for(user).values_list(*INQUIRY_COLUMNS)[:20]),
            "class_counts": [(value, label, counts[value]) for value, label in CaseClass.choices],
            "can_receive": can(user, Perm.HANDLE_CASES),
            "case_url": reverse("backoffice:cases"),
            "inquiry_url": reverse("backoffice:inquiry", args=["_"]).removesuffix("_/")})


SEARCH_LINK_SECONDS = 8 * 3600  # how long a page's sealed query (below) stays usable


def personal_query(request) -> tuple[str, str, str]:
    """Return (query, what the page shows of it, the sealed query) for a search page.

    A full ID or phone is never written back into the page: the search box shows it masked, and the form and the
    pagination links carry it encrypted (``qe``) instead, so neither the page nor an access log holds it
    (decision 0018). Any other query is shown as typed (the sealed query is then "")."""
    q = request.GET.get("q", "").strip() or decrypt_recent(request.GET.get("qe", ""), max_age=SEARCH_LINK_SECONDS) or ""
    personal = personal_search(q)
    return (q, q, "") if personal is None else (q, personal[1], encrypt(q))


def _links(params: dict[str, str], q: str, sealed: str) -> str:
    """Return the query string of a search page's own links (the query sealed if it is personal data)."""
    return urlencode({**({"qe": sealed} if sealed else {"q": q}), **params})


class CaseSearchView(StaffView):
    def get(self, request):
        q, shown, sealed = personal_query(request)
        status, klass = (request.GET.get(k, "").strip() for k in ("status", "class"))
        # A search by a full ID or phone is audited; the query string is masked in the logs (decision 0018).
        qs = svc.find_cases(actor=request.user, q=q, now=now(), status=status if status in Status.values else "",
                            case_class=klass if klass in CaseClass.values else "")
        if q and not status and not klass:
            exact = qs.filter(number=q.upper()).first()
            if exact:
                return redirect("backoffice:case", number=exact.number)
        page = page_of(qs, 30, request.GET.get("page"))
        page.object_list = with_warnings(page.object_list, today())
        return render(request, "backoffice/case_search.html", {
            "page": page, "q": shown, "sealed": sealed, "status": status, "klass": klass, "statuses": Status.choices,
            "case_url": reverse("backoffice:cases"), "classes": CaseClass.choices,
            "query": _links({k: v for k, v in (("status", status), ("class", klass)) if v}, q, sealed)})


# Service error keys → fields of ReceiveForm (others, such as a material's copies, show above the form).
RECEIVE_FORM_FIELDS = {
    "applicant.kind": "applicant_kind", "applicant.name": "name", "applicant.id_type": "id_type",
    "applicant.id_number": "id_number", "applicant.phone": "phone", "applicant.credit_code": "credit_code",
    "applicant.legal_rep": "legal_rep", "agent.id_type": "agent_id_type", "agent.id_number": "agent_id_number",
    "agent.phone": "agent_phone", "agent.name": "agent_name", "agent.authorization": "agent_authorization"}


RECEIPTS_KEY = "bianmin_receipts"  # session: form token -> case number of the last 30 receipts


class ReceiveView(StaffView):
    permission = Perm.HANDLE_CASES

    def get(self, request, form=None, rows=None):
        code = request.GET.get("item") or request.POST.get("item", "")
        version = current_version_by_code(code) if code else None
        if version is None:
            q = request.GET.get("q", "").strip()
            items = current_versions(q=q)[:50]
            return render(request, "backoffice/case_pick_item.html", {"items": items, "q": q})
        materials = list(version.materials.all())
        for m in materials:  # what the clerk entered when the form comes back with an error, else the defaults
            row = (rows or {}).get(m.pk)
            m.in_how = row["received_as"] if row else ("SHARED" if m.source == "GOVERNMENT" else "PAPER")
            m.in_copies = row["copies"] if row else m.copies
            m.in_ok = row["acceptable"] if row else True
            m.in_problem = row["problem"] if row else ""
        return render(request, "backoffice/case_receive.html", {
            "version": version, "form": form or ReceiveForm(initial={"token": uuid.uuid4().hex}),
            "materials": materials, "choices": RECEIPT_CHOICES})

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
        rows = {}
        materials = []
        for m in version.materials.all():
            how = request.POST.get(f"m{m.pk}_how", "MISSING")
            row = {"material": m.pk, "received_as": how, "copies": request.POST.get(f"m{m.pk}_copies") or 0,
                   "acceptable": request.POST.get(f"m{m.pk}_ok") == "on",
                   "problem": request.POST.get(f"m{m.pk}_problem", "")}
            rows[m.pk] = row
            materials.append(row)
        if form.is_valid():
            d = form.cleaned_data
            applicant = {"kind": d["applicant_kind"], "name": d["name"], "id_type": d["id_type"],
                         "id_number": d["id_number"], "phone": d["phone"], "address": d["address"],
                         "credit_code": d["credit_code"], "legal_rep": d["legal_rep"], "contact": d["contact"],
                         "credit_code_override_reason": d["credit_code_override_reason"]}
            agent = {"name": d["agent_name"], "id_type": d["agent_id_type"] or "RESIDENT_ID",
                     "id_number": d["agent_id_number"], "phone": d["agent_phone"],
                     "authorization": d["agent_authorization"]}
            try:
                case = svc.receive_case(actor=request.user, item_code=code, applicant=applicant, agent=agent,
                                        materials=materials, now=now())
            except DomainError as exc:
                for field, errors in exc.fields.items():
                    name = RECEIVE_FORM_FIELDS.get(field)
                    for error in errors:
                        form.add_error(name, error)
            else:
                if token:
                    request.session[RECEIPTS_KEY] = dict(list(received.items())[-29:]) | {token: case.number}
                messages.success(request, f"已收件，办件编号 {case.number}，查询码 {case.query_code}")
                return redirect("backoffice:case", number=case.number)
        request.GET = request.GET.copy()
        request.GET["item"] = code
        return self.get(request, form=form, rows=rows)


def _int(value, field: str) -> int:
    """Return a posted whole number, or refuse naming the field (a typed "abc" is a 400, never a 500)."""
    text = (value or "0").strip()
    if not text.isdigit() or len(text) > 9:
        raise DomainError.for_field(field, "应为正整数")
    return int(text)


# Action -> (service call, form fields it reads). Buttons come from the same table and policy as the server.
def _run(action: str, user, number: str, post) -> str:
    t = now()
    if action == "accept":
        days = post.get("urgent_days", "").strip()
        if days and not days.isdigit():
            raise DomainError.for_field("urgent_days", "急办时限应为天数（整数）")
        svc.accept_case(actor=user, number=number, now=t, urgent=post.get("urgent") == "on",
                        urgent_days=int(days) if days else None)
        return "已受理，已生成受理通知书和首办回执"
    if action == "accept_immediately":
        svc.accept_immediately(actor=user, number=number, now=t, certificate_number=post.get("certificate_number", ""))
        return "已即办办结"
    if action == "fix_on_spot":
        svc.fix_on_spot(actor=user, number=number, note=post.get("note", ""), now=t,
                        materials=post.getlist("material"))
        return "已记录当场更正"
    if action == "supplement_from_checklist":
        added = svc.draft_supplement_from_checklist(actor=user, number=number, now=t)
        return f"已将收件时标注的{added}项材料问题加入补正通知书（送达前可继续添加）"
    if action == "supplement_line":
        svc.add_supplement_line(actor=user, number=number, material=post.get("material", ""),
                                problem=post.get("problem", ""), standard=post.get("standard", ""), now=t)
        return "已加入补正通知书（送达前可继续添加）"
    if action == "supplement_serve":
        svc.serve_supplement_notice(actor=user, number=number, now=t, justification=post.get("justification", ""))
        return "补正通知书已送达"
    if action == "resubmit":
        names = post.getlist("material")
        svc.resubmit(actor=user, number=number, now=t, materials=[
            {"material": n, "received_as": "PAPER", "acceptable": True} for n in names])
        return "已登记补正材料"
    if action in ("not_licensed", "outside_powers", "reject"):
        svc.refuse_case(actor=user, number=number, action=Action(action.upper()), reason=post.get("reason", ""),
                        competent_organ=post.get("competent_organ", ""),
                        competent_organ_contact=post.get("competent_organ_contact", ""), now=t)
        return "已作出不予受理处理"
    if action == "start":
        svc.start_case(actor=user, number=number, now=t, opinion=post.get("opinion", ""))
        return "已开始办理"
    if action == "decide":
        svc.decide_case(actor=user, number=number, outcome=post.get("outcome", ""), reasons=post.get("reasons", ""),
                        certificate_number=post.get("certificate_number", ""),
                        decided_by_organ=post.get("decided_by_organ", ""),
                        decision_document=post.get("decision_document", ""), now=t)
        return "已作出决定"
    if action == "deliver":
        svc.deliver_case(actor=user, number=number, method=post.get("method", ""),
                         received_by=post.get("received_by", ""), now=t)
        return "已送达"
    if action == "archive":
        svc.archive_case(actor=user, number=number, now=t)
        return "已归档"
    if action == "withdraw":
        svc.withdraw_case(actor=user, number=number, reason=post.get("reason", ""), now=t)
        return "已登记撤回"
    if action == "return":
        svc.return_case(actor=user, number=number, reason=post.get("reason", ""), now=t)
        return "已退件"
    if action == "return_request":
        svc.request_return(actor=user, number=number, reason=post.get("reason", ""), now=t)
        return "退件申请已提交，等待领导批准"
    if action == "deferred_supply":
        svc.supply_deferred_materials(actor=user, number=number, materials=post.getlist("material"), now=t)
        return "已登记补交的补办材料"
    if action == "deferred_exception":
        svc.allow_delivery_before_deferred(actor=user, number=number, reason=post.get("reason", ""), now=t)
        return "已批准未补齐补办材料先行送达"
    if action == "transfer":
        svc.request_transfer(actor=user, number=number, to_badge=post.get("to_badge", ""),
                             reason=post.get("reason", ""), now=t)
        return "移交申请已提交，等待领导审批"
    if action == "fee":
        svc.record_fee(actor=user, number=number, fee_id=_int(post.get("fee"), "fee"), amount=post.get("amount", ""),
                       receipt_number=post.get("receipt_number", ""), now=t)
        return "已登记收费"
    if action == "upload":
        upload = post.files.get("file") if hasattr(post, "files") else None
        if upload is None:
            raise DomainError.for_field("file", "请选择要上传的文件")
        svc.upload_file(actor=user, number=number, upload=upload, material_name=post.get("material", ""), now=t)
        return "已上传"
    if action == "pause_start":
        svc.start_pause(actor=user, number=number, kind=post.get("kind", ""), basis=post.get("basis", ""),
                        expected_days=_int(post.get("expected_days"), "expected_days"), now=t)
        return "已启动特别程序，已生成特别程序告知书"
    if action == "pause_end":
        svc.end_pause(actor=user, number=number, result=post.get("result", ""), now=t)
        return "特别程序已结束，办理期限已顺延"
    if action == "extension":
        svc.request_extension(actor=user, number=number, reason=post.get("reason", ""), now=t)
        return "延期申请已提交，等待机关负责人批准"
    if action == "comment":
        svc.add_comment(actor=user, number=number, text=post.get("text", ""), now=t)
        return "已添加备注"
    raise Http404


class CaseDetailView(StaffView):
    def get(self, request, number: str, revealed: dict[str, str] | None = None, posted=None):
        try:
            case = with_warning(case_detail_for(request.user, number), today())
        except NotFound:
            raise Http404 from None
        acting = acting_ids_for(case, today())
        acting_names = list(StaffProfile.objects.filter(pk__in=acting).order_by("pk").values_list("name", flat=True)
                            ) if acting else []
        allowed = {a.value for a in actions_from(case.status)
                   if can_transition(request.user, case, a, acting_ids=acting)}
        draft = next((n for n in case.notices.all() if n.kind == "SUPPLEMENT" and not n.issued_at), None)
        open_pause = next((p for p in case.pauses.all() if p.ended_at is None), None)
        handler_side = is_handler_side(request.user, case, acting) and can(request.user, Perm.HANDLE_CASES)
        pending_return = next((r for r in case.return_requests.all() if r.status == "PENDING"), None)
        deferred_open = case.deferred_materials and case.deferred_supplied_at is None and case.status in (
            "ACCEPTED", "IN_PROGRESS", "DECIDED")
        try:
            extension = case.extension
        except Extension.DoesNotExist:
            extension = None
        return render(request, "backoffice/case_detail.html", {
            "case": case, "allowed": allowed, "draft": draft, "acting_names": acting_names, "open_pause": open_pause,
            "extension": extension,
            "can_clock": handler_side and case.status in ("ACCEPTED", "IN_PROGRESS"),
            "procedures": [(c, SpecialProcedure(c).label) for c in case.item_version.special_procedures or []
                           if c in SpecialProcedure.values],
            # The stored masked copies: showing the page never decrypts (only the reveal action does).
            "id_masked": (revealed or {}).get("id_number") or case.applicant_id_masked,
            "phone_masked": (revealed or {}).get("phone") or case.applicant_phone_masked,
            "revealed": bool(revealed), "posted": posted,
            "decide_form": DecideForm(posted if posted and posted.get("action") == "decide" else None,
                                      reported=case.reported,
                                      organs=higher_organs(case.unit, also=case.item_version.implementing_unit_id)
                                      if case.reported and "DECIDE" in allowed else ()),
            "may_immediate": may_accept_immediately(case.item_version, case.unit.kind),
            "can_reveal": can(request.user, Perm.VIEW_FULL_PERSONAL_DATA),
            "pending_return": pending_return,
            "can_request_return": handler_side and case.status in ("ACCEPTED", "IN_PROGRESS") and not pending_return,
            "deferred_open": deferred_open,
            "deferred_lines": [m for m in case.materials.all() if m.necessity == "DEFERRABLE"
                               and (m.received_as == "MISSING" or not m.acceptable)] if deferred_open else [],
            "can_supply_deferred": deferred_open and handler_side,
            "can_deferred_exception": deferred_open and case.deferred_exception_at is None
                                      and can(request.user, Perm.APPROVE),
            "deliver_form": DeliverForm(posted) if posted and posted.get("action") == "deliver" else DeliverForm(),
            "fees": case.item_version.fees.all(),
            "is_open": case.status not in ("DECIDED", "DELIVERED", "ARCHIVED", "NOT_ACCEPTED", "WITHDRAWN",
                                           "RETURNED")})

    def post(self, request, number: str):
        action = request.POST.get("action", "")
        if action == "reveal":  # shown on this response only: never stored in the session or a message
            field = request.POST.get("field", "")
            try:
                value = svc.reveal_personal_data(actor=request.user, number=number, field=field,
                                                 reason=request.POST.get("reason", ""), now=now())
            except NotFound:
                raise Http404 from None
            except DomainError as exc:
                say_error(request, exc)
                return redirect("backoffice:case", number=number)
            response = self.get(request, number, revealed={field: value})
            response["Cache-Control"] = "no-store"
            return response
        post = request.POST.copy()
        post.files = request.FILES
        try:
            message = _run(action, request.user, number, post)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:  # the page comes back with the message and what was typed (see kept.py)
            say_error(request, exc)
            response = self.get(request, number, posted=request.POST)
            response.status_code = 400
            return response
        messages.success(request, message)
        return redirect("backoffice:case", number=number)


def _notice_for(user, notice_number: str) -> Notice:
    notice = (Notice.objects.select_related("case").filter(number=notice_number, issued_at__isnull=False,
                                                            case__in=visible_cases(user)).first())
    if notice is None:
        raise Http404
    return notice


def _lookup_url(request, notice: Notice) -> str:
    return request.build_absolute_uri(reverse("public:lookup")) + \
        f"?n={notice.content.get('case_number', '')}&c={notice.content.get('query_code', '')}"


class NoticePrintView(StaffView):
    def get(self, request, notice_number: str):
        notice = _notice_for(request.user, notice_number)
        lookup_url = _lookup_url(request, notice)
        return render(request, "backoffice/notice_print.html", {
            "n": notice.content, "notice": notice, "rows": notice_rows(notice.content), "lookup_url": lookup_url,
            "qr": qr_svg_data_uri(lookup_url)})


class NoticePdfView(StaffView):
    def get(self, request, notice_number: str):
        notice = _notice_for(request.user, notice_number)
        pdf = render_notice_pdf(notice.content, lookup_url=_lookup_url(request, notice))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{notice.number}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ApprovalsView(StaffView):
    permission = Perm.APPROVE

    def get(self, request):
        sanctions = (visible_violations(request.user).filter(status=ViolationStatus.PROPOSED)
                     .exclude(staff__user=request.user).select_related("staff"))
        return render(request, "backoffice/approvals.html", {"transfers": pending_transfers(request.user),
                                                             "extensions": pending_extensions(request.user),
                                                             "returns": pending_returns(request.user),
                                                             "deferred": pending_deferred_exceptions(request.user),
                                                             "sanctions": sanctions})

    def post(self, request):
        try:
            transfer_id = _int(request.POST.get("transfer"), "transfer")
            if request.POST.get("return_request"):
                req_id, note = _int(request.POST["return_request"], "return_request"), request.POST.get("note", "")
                if request.POST.get("decision") == "approve":
                    svc.approve_return(actor=request.user, request_id=req_id, now=now(), note=note)
                    messages.success(request, "已批准退件，已生成退件通知书")
                else:
                    svc.reject_return(actor=request.user, request_id=req_id, now=now(), note=note)
                    messages.success(request, "已不同意退件，办件继续办理")
            elif request.POST.get("extension"):
                ext_id, note = _int(request.POST["extension"], "extension"), request.POST.get("note", "")
                if request.POST.get("decision") == "approve":
                    svc.approve_extension(actor=request.user, extension_id=ext_id, now=now(), note=note)
                    messages.success(request, "已批准延期，已生成延期告知书")
                else:
                    svc.reject_extension(actor=request.user, extension_id=ext_id, now=now(), note=note)
                    messages.success(request, "已不批准延期")
            elif request.POST.get("decision") == "approve":
                svc.approve_transfer(actor=request.user, transfer_id=transfer_id, now=now(),
                                     note=request.POST.get("note", ""))
                messages.success(request, "已批准移交，接收人成为首办负责人")
            else:
                svc.reject_transfer(actor=request.user, transfer_id=transfer_id, now=now(),
                                    note=request.POST.get("note", ""))
                messages.success(request, "已驳回移交")
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            say_error(request, exc)
        return redirect("backoffice:approvals")


class InquiryNewView(StaffView):
    permission = Perm.HANDLE_INQUIRIES

    def get(self, request, form=None):
        return render(request, "backoffice/inquiry_new.html", {"form": form or InquiryForm()})

    def post(self, request):
        form = InquiryForm(request.POST)
        if form.is_valid():
            try:
                inquiry = inq.register_inquiry(actor=request.user, now=now(), **form.cleaned_data)
            except DomainError as exc:
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


MATERIAL_LINE = re.compile(r"^(.+?)\s*(?:([0-9]+)\s*[份张本件]?)?$")


class InquiryDetailView(StaffView):
    permission = (Perm.HANDLE_INQUIRIES, Perm.SUPERVISE)  # supervisors read; the services decide who acts

    def get(self, request, number: str, form=None, phone: str = ""):
        try:
            inquiry = inq.get_inquiry_for(request.user, number)
        except NotFound:
            raise Http404 from None
        return render(request, "backoffice/inquiry_detail.html", {
            "i": inquiry, "events": inquiry.events.select_related("actor"), "form": form or OutcomeForm(),
            "phone_masked": phone or inquiry.phone_masked, "revealed": bool(phone), "outcomes": Outcome,
            "can_reveal": can(request.user, Perm.VIEW_FULL_PERSONAL_DATA),
            "closers": {p.user_id for p in (inquiry.first_responder, inquiry.referred_to, inquiry.escalated_to) if p}})

    def post(self, request, number: str):
        step = request.POST.get("step")
        try:
            if step == "reveal":  # shown on this response only
                phone = inq.reveal_phone(actor=request.user, number=number, reason=request.POST.get("reason", ""),
                                         now=now())
                response = self.get(request, number, phone=phone)
                response["Cache-Control"] = "no-store"
                return response
            if step == "acknowledge":
                inq.acknowledge_referral(actor=request.user, number=number, now=now())
            elif step == "close":
                inq.close_inquiry(actor=request.user, number=number, result=request.POST.get("result", ""), now=now())
            else:
                form = OutcomeForm(request.POST)
                if not form.is_valid():
                    response = self.get(request, number, form=form)
                    response.status_code = 400
                    return response
                d = form.cleaned_data
                materials = []
                for line in (d["materials"] or "").splitlines():  # "户口簿 2份", "户口簿2份" or "户口簿 2"
                    match = MATERIAL_LINE.match(unicodedata.normalize("NFKC", line).strip())
                    if match:
                        materials.append({"name": match.group(1).strip(), "count": match.group(2) or ""})
                inq.record_outcome(actor=request.user, number=number, now=now(), outcome=d["outcome"],
                                   result=d["result"], to_badge=d["to_badge"], materials=materials,
                                   authority=d["authority"], contact=d["contact"], reply_days=d["reply_days"] or 0)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            if step in ("acknowledge", "close", "reveal"):
                say_error(request, exc)
                return redirect("backoffice:inquiry", number=number)
            # The outcome form comes back as typed, each error beside its field.
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.message)
            response = self.get(request, number, form=form)
            response.status_code = 400
            return response
        messages.success(request, "已保存")
        return redirect("backoffice:inquiry", number=number)


class CaseFileView(StaffView):
    """Serve an uploaded material only after the case scope check, as an attachment."""

    def get(self, request, number: str, file_id: int):
        try:
            case = get_case_for(request.user, number)
        except NotFound:
            raise Http404 from None
        stored = case.files.filter(pk=file_id).first()
        if stored is None:
            raise Http404
        response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        return response
