"""The case page: what the case is, and a form for each action the catalogue allows this user now."""
from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.cases import services as svc
from bianmin.cases.actions import CASE_ACTIONS, case_context
from bianmin.cases.models import Extension
from bianmin.cases.policies import get_case_for, open_pause_of
from bianmin.cases.selectors import case_detail_for, with_warning
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.timeutils import now, today
from bianmin.org.models import StaffProfile
from bianmin.relay.selectors import relay_of_case

from .actions import forms_for, perform_post, refused_page
from .views import StaffView, say_error
from .views_hospital import case_panel
from .views_promises import completion_panel


class CaseDetailView(StaffView):
    def get(self, request, number: str, revealed: dict[str, str] | None = None, posted=None, error=None,
            hospital: dict | None = None):
        day = today()
        try:
            case = with_warning(case_detail_for(request.user, number, day), day)
        except NotFound:
            raise Http404 from None
        ctx = case_context(case, day)
        giving = posted is not None and posted.get("action") == "give"  # a refused 预约办结: its panel shows it
        acting_names = list(StaffProfile.objects.filter(pk__in=ctx.acting_ids).order_by("pk")
                            .values_list("name", flat=True)) if ctx.acting_ids else []
        try:
            extension = case.extension
        except Extension.DoesNotExist:
            extension = None
        return render(request, "backoffice/case_detail.html", {
            "case": case, "acting_names": acting_names, "extension": extension,
            "draft": next((n for n in case.notices.all() if n.kind == "SUPPLEMENT" and not n.issued_at), None),
            "open_pause": open_pause_of(case),
            "pending_return": next((r for r in case.return_requests.all() if r.status == "PENDING"), None),
            # The buttons: the catalogue's actions that the policy allows this user on this case now.
            "forms": forms_for(request, CASE_ACTIONS, ctx, *((None, None) if giving else (posted, error))),
            # The stored masked copies: showing the page never decrypts (only the reveal action does).
            "id_masked": (revealed or {}).get("id_number") or case.applicant_id_masked,
            "phone_masked": (revealed or {}).get("phone") or case.applicant_phone_masked,
            "revealed": bool(revealed), "can_reveal": can(request.user, Perm.VIEW_FULL_PERSONAL_DATA),
            "relay": relay_of_case(case),
            "completion": completion_panel(request, ctx, *((posted, error) if giving else (None, None))),
            # A hospital desk's case: the patient (never the health fields) and its coordination requests.
            "hospital": case_panel(request, case, **(hospital or {})) if case.unit.is_hospital_desk else None})

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
        return perform_post(request, CASE_ACTIONS, number, refused=lambda exc: refused_page(self, request, exc, number),
                            done=lambda result: redirect("backoffice:case", number=number))


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
