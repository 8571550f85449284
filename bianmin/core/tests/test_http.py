"""The client's address behind a trusted reverse proxy (core.http.client_ip)."""
import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from bianmin.core.http import client_ip


def address(remote, forwarded=None, proxies=()):
    meta = {"REMOTE_ADDR": remote} if remote is not None else {}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    if remote is None:
        request.META.pop("REMOTE_ADDR", None)
    with override_settings(BIANMIN={**settings.BIANMIN, "TRUSTED_PROXIES": list(proxies)}):
        return client_ip(request)


@pytest.mark.parametrize("remote,forwarded,proxies,expected", [
    ("203.0.113.9", None, (), "203.0.113.9"),
    ("203.0.113.9", "198.51.100.1", (), "203.0.113.9"),  # no proxy configured: the header is ignored
    ("203.0.113.9", "198.51.100.1", ("10.0.0.1",), "203.0.113.9"),  # not from the proxy: ignored
    ("10.0.0.1", "198.51.100.1", ("10.0.0.1",), "198.51.100.1"),
    ("10.0.0.1", "6.6.6.6, 198.51.100.1", ("10.0.0.1",), "198.51.100.1"),  # the forged left-most hop loses
    ("10.0.0.2", "198.51.100.1, 10.0.0.7", ("10.0.0.0/24",), "198.51.100.1"),  # two proxies of one network
    ("10.0.0.1", "10.0.0.3", ("10.0.0.0/24",), "10.0.0.1"),  # nothing but proxies: the proxy itself
    ("10.0.0.1", "", ("10.0.0.1",), "10.0.0.1"),
    ("10.0.0.1", "garbage", ("10.0.0.1",), "10.0.0.1"),  # a malformed hop is never believed
    ("10.0.0.1", "198.51.100.1, garbage", ("10.0.0.1",), "10.0.0.1"),
    ("::ffff:10.0.0.1", "2001:db8::5", ("10.0.0.1",), "2001:db8::5"),
    ("2001:DB8::1", None, (), "2001:db8::1"),
    ("not an address", None, (), None),
    (None, "198.51.100.1", (), None),
])
def test_client_ip(remote, forwarded, proxies, expected):
    assert address(remote, forwarded, proxies) == expected


def test_every_place_that_needs_the_client_address_asks_client_ip():
    """REMOTE_ADDR is read in one place only, so the trusted-proxy rule cannot be forgotten somewhere."""
    from pathlib import Path

    root = Path(settings.BASE_DIR) / "bianmin"
    readers = [str(p.relative_to(root)) for p in root.rglob("*.py")
               if "tests" not in p.parts and "REMOTE_ADDR" in p.read_text(encoding="utf-8")]
    assert readers == ["core/http.py"]
