"""Benchmark settings: production-like (DEBUG off, PostgreSQL via DATABASE_URL) on plain HTTP loopback."""
from .base import *  # noqa: F403
from .base import BIANMIN

DEBUG = False
SECRET_KEY = "bench-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
BIANMIN = {**BIANMIN, "DEMO_MODE": True}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "ERROR"}}
