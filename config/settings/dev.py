"""Local development: SQLite under var/, demo logins enabled."""
import os

from .base import *  # noqa: F403
from .base import BIANMIN
from .keys import derived_keys

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-bianmin")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
BIANMIN = {**BIANMIN, "DEMO_MODE": True, "SMS_BACKEND": "bianmin.notifications.backends.FileBackend",
           **derived_keys(SECRET_KEY)}  # personal-data keys (decision 0018)
