"""The window clerk's desk and the case search."""
from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.cases import services as svc
from bianmin.cases.selectors import class_counts, desk_cases, intake_queue_rows, with_warnings, workbench_rows
from bianmin.cases.workflow import CaseClass, Status
from bianmin.core.crypto import decrypt_recent, encrypt, personal_search
from bianmin.core.paging import page_of
from bianmin.core.timeutils import now, today
from bianmin.inquiries.selectors import open_inquiry_rows

from .views import StaffView


class MyWorkView(StaffView):
    """The window clerk's desk: cases by nearest deadline, applications awaiting review, open inquiries."""

    def get(self, request):
        user, on = request.user, today()
        counts = class_counts(user)
        return render(request, "backoffice/my_work.html", {
            "cases": workbench_rows(user, on),
            "queue": intake_queue_rows(user, 20),
            "inquiries": open_inquiry_rows(user, 20),
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


# The 工作台's case lists (``cases.selectors.desk_cases``), chosen with ``?desk=``.
DESK_LISTS = {"intake": _("待审查的申请"), "red": _("我的超期办件（红色预警）"),
              "yellow": _("我的临近期限办件（黄色预警）")}


class CaseSearchView(StaffView):
    def get(self, request):
        q, shown, sealed = personal_query(request)
        status, klass, desk = (request.GET.get(k, "").strip() for k in ("status", "class", "desk"))
        desk = desk if desk in DESK_LISTS else ""
        # A search by a full ID or phone is audited; the query string is masked in the logs (decision 0018).
        qs = svc.find_cases(actor=request.user, q=q, now=now(), status=status if status in Status.values else "",
                            case_class=klass if klass in CaseClass.values else "")
        if desk:  # a list the 工作台 counts (its count and these rows come from the same selector)
            qs = desk_cases(qs, request.user, today(), desk)
        if q and not status and not klass and not desk:
            exact = qs.filter(number=q.upper()).first()
            if exact:
                return redirect("backoffice:case", number=exact.number)
        page = page_of(qs, 30, request.GET.get("page"))
        page.object_list = with_warnings(page.object_list, today())
        filters = (("status", status), ("class", klass), ("desk", desk))
        return render(request, "backoffice/case_search.html", {
            "page": page, "q": shown, "sealed": sealed, "status": status, "klass": klass, "statuses": Status.choices,
            "case_url": reverse("backoffice:cases"), "classes": CaseClass.choices, "desk": desk,
            "desk_lists": list(DESK_LISTS.items()),
            "query": _links({k: v for k, v in filters if v}, q, sealed)})


# Service error keys → fields of ReceiveForm (others, such as a material's copies, show above the form).
