"""Benchmark settings: production-like (DEBUG off, PostgreSQL via DATABASE_URL) on plain HTTP loopback."""
from .base import *  # noqa: F403
from .base import BIANMIN
from .keys import derived_keys

DEBUG = False
SECRET_KEY = "bench-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
BIANMIN = {**BIANMIN, "DEMO_MODE": True,
           **derived_keys(SECRET_KEY)}  # personal-data keys (decision 0018)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "ERROR"}}
