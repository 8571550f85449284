"""Production: everything secret or host-specific comes from the environment."""
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY 环境变量未设置")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MIDDLEWARE = list(MIDDLEWARE)

# Personal data at rest (decision 0018): Fernet keys, comma-separated, the first encrypts and all decrypt (rotate by
# putting a new key first, then `manage.py rotate_field_keys`); the blind-index key keys the search hashes.
FIELD_KEYS = [k.strip() for k in os.environ.get("BIANMIN_FIELD_KEYS", "").split(",") if k.strip()]
if not FIELD_KEYS:
    raise ImproperlyConfigured("BIANMIN_FIELD_KEYS 环境变量未设置（个人信息加密密钥，逗号分隔，第一个用于加密）")
BLIND_INDEX_KEY = os.environ.get("BIANMIN_BLIND_INDEX_KEY", "")
if len(BLIND_INDEX_KEY) < 32:
    raise ImproperlyConfigured("BIANMIN_BLIND_INDEX_KEY 环境变量未设置或少于32个字符（个人信息检索索引密钥）")

# SMS gateway of the provincial platform (the outbox worker retries when it is down).
BIANMIN = {**BIANMIN, "SMS_GATEWAY_URL": os.environ.get("SMS_GATEWAY_URL", ""),  # noqa: F405
           "SMS_GATEWAY_TOKEN": os.environ.get("SMS_GATEWAY_TOKEN", ""),
           "FIELD_KEYS": FIELD_KEYS, "BLIND_INDEX_KEY": BLIND_INDEX_KEY}
# Reverse proxies in front of the nodes (comma-separated addresses or networks): their X-Forwarded-For is believed.
BIANMIN = {**BIANMIN, "TRUSTED_PROXIES": [
    p.strip() for p in os.environ.get("BIANMIN_TRUSTED_PROXIES", "").split(",") if p.strip()]}
