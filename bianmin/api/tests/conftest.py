import pytest

from bianmin.workdays.services import chinesecalendar_days, import_official
from conftest import NOW

from .openapi_contract import TOLERATED, checked_client_calls, fetch_contract, unreached


@pytest.fixture
def calendar(db):
    days, years = chinesecalendar_days()
    import_official(days, years, now=NOW)


# The OpenAPI contract (issue 15 item 5): every /api/v1/ call a test makes through Django's test client is checked
# against the published document (``openapi_contract.checked_client_calls``).

MARKERS = (
    "endpoint(method, path): the test covers this operation of the OpenAPI document; it must get a 2xx from it "
    "(test_openapi_contract.py lists the operations no test covers)",
    "invalid_request: the test sends requests the OpenAPI document forbids on purpose; they are not checked "
    "(their responses are)",
    "undocumented_status(*codes): the test provokes these status codes on purpose (a server error, a body over "
    "the size limit); the response must still be the one error body",
)
PASSED = pytest.StashKey[bool]()


def pytest_configure(config):
    for line in MARKERS:
        config.addinivalue_line("markers", line)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[PASSED] = report.passed
    return report


def pytest_terminal_summary(terminalreporter):
    if TOLERATED:
        terminalreporter.section("responses that do not match the OpenAPI document (KNOWN_MISMATCHES)")
        for (method, path), problems in sorted(TOLERATED.items()):
            terminalreporter.write_line(f"{method} {path}: {sorted(set(problems))[:3]}")


@pytest.fixture(scope="session")
def openapi_contract():
    """The published OpenAPI document, fetched and parsed once per session."""
    return fetch_contract()


@pytest.fixture(autouse=True)
def api_calls_match_the_document(request, openapi_contract):
    """Check every /api/v1/ request and response of the test against the OpenAPI document.

    ``@pytest.mark.invalid_request`` exempts the requests (not the responses); ``@pytest.mark.undocumented_status
    (500)`` lets a response have a status the operation does not document (it must still be the error body);
    ``@pytest.mark.endpoint(method, path)`` requires a 2xx from that operation.
    """
    marker = request.node.get_closest_marker("undocumented_status")
    with checked_client_calls(openapi_contract,
                              invalid_request_ok=request.node.get_closest_marker("invalid_request") is not None,
                              undocumented_ok=frozenset(marker.args) if marker else frozenset()) as seen:
        yield seen
    if request.node.stash.get(PASSED, False):  # a failed test's own failure says more
        declared = [m.args for m in request.node.iter_markers("endpoint")]
        problems = unreached(declared, seen, openapi_contract)
        assert problems == [], problems
