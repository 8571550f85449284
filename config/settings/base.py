"""Settings shared by every environment."""
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The second factor (decision 0016): before bianmin.accounts, whose admin unregisters their device admins.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "bianmin.core",
    "bianmin.users",
    "bianmin.audit",
    "bianmin.accounts",
    "bianmin.org",
    "bianmin.workdays",
    "bianmin.catalog",
    "bianmin.notifications",
    "bianmin.inquiries",
    "bianmin.cases",
    "bianmin.relay",
    "bianmin.ratings",
    "bianmin.complaints",
    "bianmin.hall",
    "bianmin.hospital",
    "bianmin.accountability",
    "bianmin.sweep",
    "bianmin.stats",
    "bianmin.meetings",
    "bianmin.api",
    "bianmin.public",
    "bianmin.backoffice",
    "bianmin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bianmin.core.middleware.SecurityHeadersMiddleware",  # CSP and Permissions-Policy, static files included
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bianmin.api.middleware.ApiErrorBodyMiddleware",  # every error under /api/ is the JSON error body
    "bianmin.core.middleware.NullCharacterMiddleware",  # a NUL in a parameter is a 400, not a PostgreSQL 500
    "bianmin.api.idempotency.IdempotencyMiddleware",  # a POST retried with its Idempotency-Key runs once
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bianmin.core.replica.ReplicaMiddleware",  # read-your-writes cookie and X-Replica-Lag (decision 0027)
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "bianmin.accounts.middleware.StaffAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bianmin.accounts.middleware.SessionLimitsMiddleware",
    "bianmin.accounts.middleware.SecondFactorRequiredMiddleware",
    "bianmin.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bianmin.backoffice.context.navigation",
            ],
            # ``{% extends %}`` finding the root template's blocks once (bianmin/core/templatetags/inheritance.py).
            "builtins": ["bianmin.core.templatetags.inheritance"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'bianmin.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE avoids lock-upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
# A streaming read replica (decision 0027): statistics, the overview, exports, the public catalogue and the big
# screen read from it through bianmin.core.replica. Tests do not create it: it mirrors the primary's test database
# (physical replication copies it), so ordinary runs read the primary's and the replica tests find it replayed.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"],
                                                 conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)  # a dead replica costs 2 s
    DATABASE_ROUTERS = ["bianmin.core.replica.ReplicaRouter"]
# Every PostgreSQL alias uses Django's backend with small bulk inserts as plain VALUES (bianmin/core/pgbackend).
# JIT compilation is off: these are short transactional statements, and at 10 M cases the planner's cost estimates
# switched it on for the monthly statistics, which then spent up to 1.6 s compiling (docs/scaling.md).
for _alias in DATABASES.values():
    if _alias["ENGINE"] == "django.db.backends.postgresql":
        _alias["ENGINE"] = "bianmin.core.pgbackend"
        _given = _alias.setdefault("OPTIONS", {}).get("options", "")  # ?options=… in the URL is kept
        # Prepared reads (bianmin.core.prepared) are the only statements with server-side parameters; each is
        # planned once per connection for all its arguments (decision 0036). Django's own statements bind on the
        # client and are planned for their values, as before.
        _alias["OPTIONS"]["options"] = f"{_given} -c jit=off -c plan_cache_mode=force_generic_plan".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = ["bianmin.accounts.backends.StaffBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "full_name", "email")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "bianmin.accounts.passwords.CharacterClassValidator"},
    {"NAME": "bianmin.accounts.passwords.MaximumLengthValidator"},
    {"NAME": "bianmin.accounts.passwords.GuessabilityValidator", "OPTIONS": {"min_score": 3}},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # reset links expire in 60 minutes (SECURITY.md)
OTP_TOTP_ISSUER = "便民"  # the name authenticator apps show beside the code
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "backoffice:login"

# Sessions: 30 minutes idle, 12 hours absolute (middleware). The idle expiry is pushed forward by a request at
# most once a minute (SessionLimitsMiddleware), not rewritten on every request (docs/decisions/0011).
SESSION_ENGINE = "bianmin.accounts.sessions"  # database sessions, refreshed with one UPDATE
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("BIANMIN_STATIC_ROOT") or VAR_DIR / "staticfiles")
# Uploads: with several app nodes, one directory every node mounts (NFS or the like; deploy/README.md).
MEDIA_ROOT = Path(os.environ.get("BIANMIN_MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media/"  # nothing is routed here: uploads are served only through permission-checking views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Caches shared by every worker and node (issue 16 item 3): a table made by migration core 0003, not
# createcachetable. The test settings keep local memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "bianmin_cache",
                      "OPTIONS": {"MAX_ENTRIES": 10_000}}}

FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Every handler masks full ID numbers and phones (a search's query string in an access log included): Django's own
# console and mail handlers are dropped so its records reach the root handler; runserver's and gunicorn's access
# logs write through filtered handlers (decision 0018).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "bianmin.core.logfilters.MaskPersonalData"}},
    "formatters": {"django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}",
                                     "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
                 "django.server": {"class": "logging.StreamHandler", "formatter": "django.server",
                                   "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django": {"handlers": [], "level": "INFO"},
                "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
                "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
                "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
                # Audit anchors go to the log too, which the audit administrator keeps apart (decision 0017).
                "bianmin.audit.anchor": {"level": "INFO"}},
}

# --- Bianmin settings (SECURITY.md defaults; may be tightened, never loosened) ---
BIANMIN: dict[str, Any] = {
    # The hot reads are prepared on the PostgreSQL server (decision 0034). Set BIANMIN_SERVER_PREPARED_READS=0
    # behind a pooler in transaction mode without prepared-statement support (PgBouncer < 1.21, or without
    # max_prepared_statements): they are then sent like every other statement.
    "SERVER_PREPARED_READS": os.environ.get("BIANMIN_SERVER_PREPARED_READS", "1") != "0",
    "DEMO_MODE": False,
    "LOCKOUT_FAILURES": 5,
    "LOCKOUT_MINUTES": 30,
    "SESSION_ABSOLUTE_HOURS": 12,
    "SESSION_REFRESH_SECONDS": 60,
    "PASSWORD_MAX_AGE_DAYS": 90,
    "PASSWORD_WARN_DAYS": 14,
    "API_TOKEN_HOURS": 12,
    # Sign-in failures per client address (login page and token issue) before it is refused for the window.
    "LOGIN_ADDRESS_FAILURES": 20,
    "LOGIN_ADDRESS_MINUTES": 15,
    # A security administrator's reset: the one-time temporary password's validity; how long a reset of an
    # administrator waits for the second security administrator (双人复核).
    "TEMPORARY_PASSWORD_MINUTES": 60,
    "RESET_APPROVAL_HOURS": 24,
    "CALENDAR_FIRST_YEAR": 2004,
    "CALENDAR_LAST_YEAR": 2060,
    "CALENDAR_WARN_FROM_MONTH": 11,
    "HOTLINE": "12345",
    # The public site's address as citizens reach it, for links written into SMS texts (the rating link after
    # delivery, decision 0024); set BIANMIN_PUBLIC_BASE_URL in production.
    "PUBLIC_BASE_URL": os.environ.get("BIANMIN_PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
    # 全程代理 (decision 0023 §2): working days a hop may take, by the kind of the unit that sends it (village →
    # town 3 is DOMAIN.md §2.7's local number; town → county or department 3 is ours).
    "RELAY_HOP_WORKING_DAYS": {"VILLAGE_STATION": 3, "TOWN_CENTER": 3, "COUNTY_CENTER": 3, "DEPARTMENT": 3},
    # ... and the station delivers a result that reached it within this many working days (ours).
    "RELAY_DELIVER_WORKING_DAYS": 3,
    # 好差评 (decision 0024, DOMAIN.md §2.11): a real-name 差评 is visited within 1 working day and rectified within
    # N working days (local: 5, 7 or 15); the optional default rating after N natural days is off (None) by
    # default (e.g. {"days": 7, "level": 3} for 基本满意 after 7 days, as Guangdong does).
    "RATING_VISIT_WORKING_DAYS": 1,
    "RATING_RECTIFY_WORKING_DAYS": 15,
    "RATING_DEFAULT": None,
    # 监督投诉 (DOMAIN.md §2.9): the reply within the committed time (local, 5 working days); a simple complaint on
    # the spot or the next working day.
    "COMPLAINT_REPLY_WORKING_DAYS": 5,
    "COMPLAINT_SIMPLE_REPLY_WORKING_DAYS": 1,
    # The hall (decision 0025, DOMAIN.md §2.8, §2.12): bulletins are published at least 7 days; bookings at least
    # 1 day and at most 5 working days ahead, held 15 minutes until confirmed, cancelled at least 2 hours before,
    # a cancelled place released after 30 minutes; 3 no-shows within 90 days suspend booking (ours: the issue names
    # no numbers); an appointment joins the call order 2 minutes before its time; a ticket is called at most 3 times.
    "HALL": {
        "BULLETIN_MIN_DAYS": 7,
        "BOOK_MIN_DAYS": 1,
        "BOOK_MAX_WORKING_DAYS": 5,
        "BOOKING_HOLD_MINUTES": 15,
        "CANCEL_MIN_HOURS": 2,
        "CANCEL_RELEASE_MINUTES": 30,
        "NO_SHOW_LIMIT": 3,
        "NO_SHOW_DAYS": 90,
        "APPOINTMENT_JOIN_MINUTES": 2,
        "MAX_CALLS": 3,
        "BOOKINGS_PER_ADDRESS_HOUR": 20,
        "COMMENTS_PER_ADDRESS_HOUR": 5,
        "TICKETS_PER_KIOSK_MINUTE": 30,
    },
    # The hospital desk (decision 0026): a 科室 replies to a coordination request within the hours the desk sets
    # (default 24, at most 168); a reminder goes out when a quarter of the time or 1 hour is left, whichever is more;
    # a request is raised to another 科室 at most 3 times.
    "HOSPITAL": {
        "REPLY_HOURS_DEFAULT": 24,
        "REPLY_HOURS_MAX": 168,
        "WARN_FRACTION": 0.25,
        "WARN_MIN_MINUTES": 60,
        "MAX_ESCALATIONS": 3,
    },
    # Yellow warning when this many working days are left, or a quarter of the limit, whichever comes first.
    "WARN_WORKING_DAYS": 2,
    "WARN_FRACTION": 0.25,
    # Notifications outbox: SMS backend (dotted path), retries with exponential backoff, staff digests only
    # in working hours on working days.
    "SMS_BACKEND": "bianmin.notifications.backends.HttpGatewayBackend",
    "SMS_FILE": str(VAR_DIR / "sms.jsonl"),
    "SMS_GATEWAY_URL": "",
    "SMS_GATEWAY_TOKEN": "",
    "OUTBOX_MAX_ATTEMPTS": 6,
    "OUTBOX_BACKOFF_SECONDS": 30,
    "WORKING_HOURS": ("08:30", "17:30"),
    # The scheduler's pause between rounds (seconds).
    "SCHEDULER_INTERVAL_SECONDS": 300,
    "OUTBOX_INTERVAL_SECONDS": 30,  # between full rounds, due messages are sent this often
    # Graduated internal sanctions (过错责任追究) by 情节 (seed Art. 9), mildest first: a proposal may use only
    # its severity's sanctions. Keys are accountability.models.Severity codes; checked by accountability.E001.
    "SANCTION_LADDER": {
        "MINOR": ("口头告诫", "书面告诫"),  # 情节较轻
        "SERIOUS": ("离岗培训", "调离岗位", "免职"),  # 情节严重
        "VERY_SERIOUS": ("辞退",),  # 情节特别严重
    },
    # Meeting cadences (联席会议, 工作例会) are set per unit kind in the admin: org.MeetingCadence (decision 0014).
    # Audit trail (decision 0017): the chain head is anchored, HMAC-signed, to an append-only file outside the
    # database every scheduler round. The key comes from the environment; empty means derived from SECRET_KEY.
    # Rows are kept AUDIT_RETENTION_DAYS (never under 184) before `manage.py purge_audit` may remove them.
    "AUDIT_ANCHOR_KEY": os.environ.get("BIANMIN_AUDIT_ANCHOR_KEY", ""),
    "AUDIT_ANCHOR_FILE": os.environ.get("BIANMIN_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl")),
    "AUDIT_RETENTION_DAYS": 184,
    # Reverse proxies (addresses or networks) whose X-Forwarded-For names the client (core.http.client_ip).
    "TRUSTED_PROXIES": [],
    # The read replica (decision 0027): a browser's reads stay on the primary this long after it changed something;
    # a replica further behind than this (or unreachable) is not read.
    "REPLICA_STICKY_SECONDS": 5,
    "REPLICA_MAX_LAG_SECONDS": 30,
}
