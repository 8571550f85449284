"""CSP and Permissions-Policy on every response, and pages that need no inline script (issue 11 item 10).

Every staff page (as each role), every admin page (as the system administrator), the public pages, the API, a
static file and an error page: the two headers are there, nothing answers 5xx (also with an absurd ``page``), and
no HTML carries an inline ``<script>``, an ``on…=`` handler or a ``javascript:`` URL that the policy would block.
"""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, reverse

from bianmin.backoffice import urls as staff_urls
from bianmin.cases import services as svc
from bianmin.core.middleware import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY
from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant
from conftest import sign_in

pytestmark = pytest.mark.django_db
HUGE = "9" * 30
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)
TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR, "bianmin").glob("*/templates")]


def assert_headers_and_no_inline_script(response, url):
    assert response.status_code < 500, (url, response.status_code)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY, url
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        html = response.content.decode()
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
            found = pattern.search(html)
            assert found is None, (url, html[max(0, found.start() - 80):found.end() + 80])


def test_the_policy_says_what_the_baseline_asks():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["img-src"] == "'self' data:" and directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'" and directives["base-uri"] == "'none'"
    assert "unsafe" not in directives["script-src"] and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert PERMISSIONS_POLICY == "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def test_no_template_carries_inline_script_or_handlers():
    templates = [p for d in TEMPLATE_DIRS for p in d.rglob("*.html")]
    assert len(templates) > 30
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
            assert pattern.search(text) is None, (str(path), pattern.pattern)


@pytest.fixture
def case(cast, item):
    return svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=MONDAY)


def test_public_pages_api_static_files_and_errors(client, case):
    for url in ["/", "/items/", f"/items/?page={HUGE}", "/items/SP-01/", "/lookup/",
                f"/lookup/?n={case.number}&c={case.query_code}", "/no-such-page/", "/api/v1/items",
                "/api/v1/no-such-thing", "/api/v1/docs", "/static/js/bianmin.js", "/static/css/bianmin.css"]:
        assert_headers_and_no_inline_script(client.get(url), url)
    assert_headers_and_no_inline_script(client.post("/lookup/", {"number": case.number, "code": "WRONG123"}),
                                        "/lookup/ (POST)")


STAFF_PAGES = [p.name for p in staff_urls.urlpatterns
               if isinstance(p, URLPattern) and "<" not in str(p.pattern) and p.name not in ("logout",)]


@pytest.mark.parametrize("role", ["window_a", "leader", "supervisor", "sysadmin", "secadmin", "auditor", "agent"])
def test_every_staff_page_as_every_role(client, cast, case, role):
    sign_in(client, cast[role])
    urls = [reverse(f"backoffice:{name}") for name in STAFF_PAGES]
    urls += [reverse("backoffice:case", args=[case.number])]
    notice = case.notices.first() if hasattr(case, "notices") else None
    if notice is not None:
        urls.append(reverse("backoffice:notice", args=[notice.number]))
    for url in urls:
        for query in ("", f"?page={HUGE}", "?page=-1&year=99999999&from=0001-01-01&to=9999-12-31",
                      "?from=0001-01-01&to=0001-01-01&month=0001-01", "?from=9999-12-31&to=9999-12-31&month=9999-12",
                      f"?day={HUGE}&level={HUGE}&unit=%00&q=%00&status=%00"):
            assert_headers_and_no_inline_script(client.get(url + query), url + query)


def test_the_admin_renders_under_the_policy(client, cast):
    sign_in(client, cast["sysadmin"])
    urls = ["/admin/"]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_changelist") + f"?p={HUGE}",
                 reverse(f"{prefix}_add")]
        first = model._default_manager.first()
        if first is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
    for url in urls:
        assert_headers_and_no_inline_script(client.get(url), url)


@pytest.mark.parametrize("who,url", [
    (None, "/items/"), ("window_a", "/staff/cases/"), ("window_a", "/staff/inquiries/"),
    ("supervisor", "/staff/overview/"), ("supervisor", "/staff/messages/"), ("supervisor", "/staff/accountability/"),
    ("supervisor", "/staff/meetings/"), ("auditor", "/staff/audit/"), ("secadmin", "/staff/roles/"),
])
def test_a_page_number_that_is_not_one_is_a_400_naming_it(client, cast, who, url):
    if who:
        sign_in(client, cast[who])
    assert client.get(url, {"page": "2"}).status_code == 200  # past the end: the last page
    response = client.get(url, {"page": HUGE})
    assert response.status_code == 400 and "页码（page）" in response.content.decode()
    assert_headers_and_no_inline_script(response, url)
