"""Test settings: fast hashing, demo mode on, in-memory SQLite unless DATABASE_URL is set."""
import os

from .base import *  # noqa: F403
from .base import BIANMIN, DATABASES
from .keys import derived_keys

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
BIANMIN = {**BIANMIN, "DEMO_MODE": True, "SMS_BACKEND": "bianmin.notifications.backends.LocmemBackend",
           **derived_keys(SECRET_KEY)}  # personal-data keys (decision 0018)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not os.environ.get("DATABASE_URL"):
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:",
                            "TEST": {"NAME": ":memory:"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # fast; prod uses the table
WHITENOISE_USE_FINDERS = True  # serve static files without collectstatic in tests
