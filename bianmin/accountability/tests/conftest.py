# The official calendar and a published item, shared with the case tests (a case can be linked to a violation).
from bianmin.cases.tests.conftest import calendar, item  # noqa: F401
