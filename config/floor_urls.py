"""The floor page of `make bench` (issue 16 item 1): one indexed query for 25 rows, one template, no middleware.

Every product page is measured against it in the same run: its CPU per request is what Django, gunicorn and
PostgreSQL cost for the least a page can do on this stack."""
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path

from bianmin.cases.models import Case


def floor(request, start: int) -> HttpResponse:
    """25 cases by primary key from ``start`` down: an index range scan whatever the table's size."""
    rows = list(Case.objects.filter(pk__lte=start).order_by("-pk")
                .values_list("number", "applicant_name", "status", "received_at")[:25])
    return HttpResponse(render_to_string("floor.html", {"rows": rows}))


urlpatterns = [path("floor/<int:start>/", floor)]
