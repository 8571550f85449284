"""Public complaint pages: the online form (网上投诉, throttled per client address) and the complainant's follow
page (number + query code, throttled like the case lookup). Nothing about the complainant is ever shown back
except the number and code they need; the text they typed is escaped by the templates."""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from bianmin.cases.lookup import TooManyRequests, throttled
from bianmin.complaints.models import ComplaintKind, SubjectType
from bianmin.complaints.public import public_complaint
from bianmin.complaints.services import CENTER_KINDS, submit_online_complaint
from bianmin.core.errors import DomainError
from bianmin.core.http import client_ip
from bianmin.core.timeutils import now
from bianmin.org.models import Unit
from bianmin.org.selectors import hospital_departments_under
from bianmin.org.terms import terms_for

FIELDS = ("unit", "kind", "subject_type", "staff", "window", "case_number", "matter", "name", "phone",
          "department")


def _centers():
    return Unit.objects.filter(kind__in=CENTER_KINDS, is_active=True).order_by("path")


def _hospital_departments(centers: list[Unit]) -> list[tuple[Unit, list[Unit]]]:
    """The 科室 of each hospital desk among ``centers`` (one query), for the form's 涉及科室 select."""
    desks = {u.pk: u for u in centers if u.is_hospital_desk}
    if not desks:
        return []
    grouped: dict[int, list[Unit]] = {}
    for dept in hospital_departments_under("/").filter(parent_id__in=list(desks)):
        if dept.parent_id is not None:
            grouped.setdefault(dept.parent_id, []).append(dept)
    return [(desk, grouped[pk]) for pk, desk in desks.items() if pk in grouped]


@require_http_methods(["GET", "POST"])
def complaint_new(request):
    """The online complaint form; a success shows the number and (named complaints) the query code. ``?unit=CODE``
    chooses the center (a hospital desk's page links so); a hospital desk's complaint may name its 科室."""
    posted = {f: request.POST.get(f, "") for f in FIELDS} if request.method == "POST" else {
        "unit": request.GET.get("unit", "").strip()[:16]}
    posted["anonymous"] = request.POST.get("anonymous") == "on"
    centers = list(_centers())
    chosen = next((u for u in centers if u.code == posted["unit"]), None)
    context = {"centers": centers, "kinds": ComplaintKind.choices, "subject_types": SubjectType.choices,
               "posted": posted, "errors": {}, "error": "", "done": None,
               "hospital_departments": _hospital_departments(centers), "unit_terms": terms_for(chosen),
               "hospital": chosen is not None and chosen.is_hospital_desk}
    status = 200
    if request.method == "POST":
        try:
            context["done"] = submit_online_complaint(
                unit_code=posted["unit"], kind=posted["kind"], subject_type=posted["subject_type"],
                staff=posted["staff"], window=posted["window"], case_number=posted["case_number"],
                matter=posted["matter"], anonymous=posted["anonymous"], name=posted["name"], phone=posted["phone"],
                department=posted["department"], now=now(), ip=client_ip(request))
            context["posted"] = {}
        except DomainError as exc:
            context["error"], context["errors"], status = exc.message, exc.fields, exc.status
    response = render(request, "public/complaint_new.html", context, status=status)
    if status == 429:
        response["Retry-After"] = "3600"
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def complaint_follow(request):
    """A named complainant follows their complaint by number + query code (wrong code and unknown number answer
    alike; anonymous complaints have no code)."""
    number = (request.POST.get("number") or "").strip()
    code = (request.POST.get("code") or "").strip()
    result, error, status, retry_after = None, "", 200, None
    if request.method == "POST" and number and code:
        try:
            result = throttled(public_complaint, number, code, ip=client_ip(request), now=now())
        except TooManyRequests as exc:
            error, status, retry_after = exc.message, exc.status, exc.retry_after
        except DomainError:
            error = "投诉编号或查询码不正确"
    response = render(request, "public/complaint_follow.html",
                      {"result": result, "error": error, "number": number}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
