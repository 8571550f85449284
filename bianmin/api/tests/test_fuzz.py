"""Fuzz every operation of the OpenAPI document in-process: no input may produce a server error (issue 11 item 8).

Schemathesis drives the WSGI application (DEBUG off, as in production) through its examples, coverage (boundary
and malformed values, other methods) and fuzzing phases, signed in as a window clerk and as a supervisor, over a
small org with a published item and a received case, built once for the module; each test rolls back its writes.
The normal suite runs a few examples per operation; `.ci/run` runs it again with BIANMIN_FUZZ_EXAMPLES higher.
"""
import os

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from bianmin.accounts.roles import Role
from bianmin.cases import services as svc
from bianmin.catalog.services import create_item
from bianmin.org.models import Region, RegionLevel, Unit, UnitKind
from bianmin.org.services import save_region, save_unit
from bianmin.testing.factories import ALL_GOOD, MATERIALS, MONDAY, applicant
from bianmin.testing.factories import item_content as _content
from bianmin.workdays.services import chinesecalendar_days, import_official
from config.wsgi import application
from conftest import NOW, api_token_headers, make_user

EXAMPLES = int(os.environ.get("BIANMIN_FUZZ_EXAMPLES", "0"))
# The normal suite: the window clerk, two examples an operation (with the coverage phase's boundary values);
# the CI fuzzing step: both users and BIANMIN_FUZZ_EXAMPLES examples.
USERS = ("window_a", "supervisor") if EXAMPLES else ("window_a",)
EXAMPLES = EXAMPLES or 2
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Build the data once for the module, inside a transaction rolled back at its end, and sign in."""
    with django_db_blocker.unblock(), transaction.atomic():
        county = save_region(Region(code="101", name="测试县", level=RegionLevel.COUNTY))
        center = save_unit(Unit(code="C1", name="测试县政务服务中心", kind=UnitKind.COUNTY_CENTER, region=county))
        dept = save_unit(Unit(code="D1", name="测试县市场监督管理局", kind=UnitKind.DEPARTMENT, region=county,
                              parent=center))
        users = {"window_a": make_user(get_user_model(), "window_a", Role.WINDOW, center),
                 "supervisor": make_user(get_user_model(), "supervisor", Role.SUPERVISOR, center),
                 "sysadmin": make_user(get_user_model(), "sysadmin", Role.SYSADMIN, center)}
        days, years = chinesecalendar_days()
        import_official(days, years, now=NOW)
        create_item(actor=users["sysadmin"], code="SP-01", basic_code="1",
                    content=_content(implementing_unit=dept), materials=MATERIALS, fees=[], faqs=[], now=NOW,
                    publish=True)
        svc.receive_case(actor=users["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                         now=MONDAY)
        headers = {who: api_token_headers(Client(), who) for who in USERS}
        # Django's test client reconnects these after each request; schemathesis' WSGI client does not disconnect
        # them, and closing the connection would end the module's transaction.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
        try:
            yield headers
        finally:
            for signal in (request_started, request_finished):
                signal.connect(close_old_connections)
            transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("who", USERS)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error(case, world, who):
    case.call_and_validate(headers=world[who], checks=[not_a_server_error])
