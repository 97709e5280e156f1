"""Settings for the Victims' Hub: one module, driven by environment variables.

Defaults are safe for the embedded run (`make run`): local only, no Redis, console email.
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY (or SECRET_KEY_FILE), ALLOWED_HOSTS and
the SMTP variables; nothing else behaves differently there.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
import pgtrigger

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """A setting from the environment, or from the file named by NAME_FILE (Docker secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    # A variable set but empty counts as unset, so `FOO=` in a .env file keeps the default.
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    key = env("SECRET_KEY")
    if key:
        return key
    # The embedded run keeps a random key in the (git-ignored) checkout so sessions survive
    # a restart; production must set SECRET_KEY, which `check --deploy` verifies.
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
HUB_EMBEDDED = env_bool("HUB_EMBEDDED", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_prometheus",
    "core",
    "accounts",
    "audit",
    "directory",
    "cases",
    "intake",
    "assessments",
    "referrals",
    "complaints",
    "rights",
    "scheduling",
    "contact",
    "support",
    "volunteers",
    "casework",
    "reporting",
    "privacy",
    "demo",
]

MIDDLEWARE = [
    # First and last: request counts and latencies by view for /metrics (django-prometheus).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id on every log line of the request, and in the answer (core/logs.py).
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.AppendSlashMiddleware",  # CommonMiddleware, the slash added with a 308
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.RefuseNulCharacters",  # before any view reads a field (core/error_pages.py)
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SessionLimitMiddleware",
    "core.middleware.MethodNotAllowedPage",  # a GET on a form-only address: the hub's 405 page
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, so asked first: PostgreSQL down is a 503 with Retry-After, never a traceback
    # (core/unavailable.py; handler500 in hub/urls.py for errors met in other middleware).
    "core.unavailable.DatabaseUnavailableMiddleware",
]

# History triggers (django-pghistory) fire once a statement, reading the changed rows from its
# transition table, rather than once a row: the daily transfer stores 500 IVNAs in a few
# statements, and its 3,500 entitlement rows cost 241 ms in row triggers against about 20
# in the insert itself (issue 17). The events recorded are the same, row for row.
PGHISTORY_LEVEL = pgtrigger.Statement

AUTHENTICATION_BACKENDS = [
    # Axes first: a locked-out username/address pair is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Then password spraying: too many failed sign-ins from one address, across usernames.
    "accounts.spraying.AddressThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Every staff account signs in with a password and a TOTP code from an authenticator app.
HUB_REQUIRE_TWO_FACTOR = env_bool("HUB_REQUIRE_TWO_FACTOR", True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Victims' Hub")
# An enrolment link a hub manager issues (accounts/enrolment.py) works once, for this long.
HUB_ENROLMENT_LINK_HOURS = int(env("HUB_ENROLMENT_LINK_HOURS", "24"))
# Lockout: 5 failures for the same username from the same address lock that pair for 30
# minutes. Locking the pair, not the username alone, means nobody can lock a colleague out
# from elsewhere. PROXY_COUNT is how many proxies stand in front of the hub (the address is
# then taken from X-Forwarded-For at that depth, so a client cannot forge it).
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failed sign-ins from one address across all usernames within the cool-off before every
# sign-in from it is refused (password spraying: accounts/spraying.py). Higher than the
# per-username limit, as a whole office may share one address.
HUB_ADDRESS_FAILURE_LIMIT = int(env("HUB_ADDRESS_FAILURE_LIMIT", "20"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(env("PROXY_COUNT", "0")) or None
# Our proxy appends the address it saw: read X-Forwarded-For from the right, so whatever a
# client wrote into the header itself is ignored.
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if env("PROXY_COUNT") else ("REMOTE_ADDR",)
)
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "accounts.lockout.attempt_username"  # cut to Axes's column

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# PostgreSQL everywhere: the embedded run, the tests and production.
DATABASE_URL = env("DATABASE_URL")
if not DATABASE_URL and sys.argv[1:2] == ["makemigrations"]:
    # Comparing the models with the migration files needs no database: a PostgreSQL address
    # nothing listens on (Django warns that it could not check the applied history).
    DATABASE_URL = "postgres://makemigrations@127.0.0.1:1/no-database"
if not DATABASE_URL:
    raise RuntimeError(
        "DATABASE_URL is not set. Use `make run` / `make test`, which start an embedded "
        "PostgreSQL, or point DATABASE_URL at a PostgreSQL server."
    )
# Connections are kept for a minute between requests; the health check before a kept
# connection's first use in a request finds one that PostgreSQL dropped (a restart, a failover)
# and opens a new one, so the hub recovers from a database restart by itself (issue 17).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Every request is one transaction: a failed save leaves nothing half-written, and the read
# log of a page is committed with the page or not at all.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# The reporting reads (dashboard, flow API, quarterly return: reporting/replica.py) go to a
# read replica when REPORTING_DATABASE_URL names one; writes always go to "default". Without
# it the alias is a second connection setting for the primary that nothing opens. In tests it
# mirrors the test database, so a test can turn the routing on (HUB_REPORTING_REPLICA).
REPORTING_DATABASE_URL = env("REPORTING_DATABASE_URL")
HUB_REPORTING_REPLICA = bool(REPORTING_DATABASE_URL)
DATABASES["reporting"] = {
    **dj_database_url.parse(
        REPORTING_DATABASE_URL or DATABASE_URL, conn_max_age=60, conn_health_checks=True
    ),
    "TEST": {"MIRROR": "default"},
}
DATABASE_ROUTERS = ["reporting.replica.ReportingReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "static_build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Victims' Hub API",
    "DESCRIPTION": (
        "Version 1 of the Victims' Hub API: IVNA intake from police crime systems and "
        "aggregate performance figures for the OPCC. Authenticate with "
        "`Authorization: Token <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs hold no personal data: integrators read them before they have
    # a token (issue 14). Every operation in them still needs one.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Request objects are components of their own (`IvnaRequest`), so that they can be
    # closed without closing the answers.
    "COMPONENT_SPLIT_REQUEST": True,
    # Fields named "status" carry several choice sets (a return's, a Victims' Code right's,
    # a batch item's): each its own enum name.
    "ENUM_NAME_OVERRIDES": {"ReturnStatusEnum": ["provisional", "final", "revised"]},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",  # drf-spectacular's default
        "core.openapi.close_request_objects",  # additionalProperties: false (issue 14)
        "core.openapi.examples_on_components",  # an example on every schema (issue 14)
    ],
}
# While the database is unreachable, pages and the API answer 503 with this Retry-After
# (seconds): "try again in a minute" (core/unavailable.py).
HUB_RETRY_AFTER_SECONDS = int(env("HUB_RETRY_AFTER_SECONDS", "60"))
# Seconds an item offered to the workers waits before it is offered again (a lost message, a
# killed worker, a task that met the database down): scheduling.services.DISPATCH_LEASE.
HUB_DISPATCH_LEASE_SECONDS = int(env("HUB_DISPATCH_LEASE_SECONDS", "300"))
# Seconds the figures worked out live (dashboard, flow API, a provisional return) are kept
# in the cache, and how often the defaults are worked out ahead (reporting/cache.py). 0 turns
# the cache off: every request works them out.
HUB_FIGURES_CACHE_SECONDS = int(env("HUB_FIGURES_CACHE_SECONDS", "300"))
# Backups (core/backups.py, docs/operations.md): where `manage.py backup` writes them, the key
# that encrypts them at rest (unset: not encrypted; set it in production, from a secret file
# with BACKUP_KEY_FILE), and how many the retention keeps: the newest of each of the last
# BACKUP_KEEP_DAILY days, BACKUP_KEEP_WEEKLY weeks and BACKUP_KEEP_MONTHLY months.
BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / "backups")))
BACKUP_KEY = env("BACKUP_KEY")
BACKUP_KEEP_DAILY = int(env("BACKUP_KEEP_DAILY", "7"))
BACKUP_KEEP_WEEKLY = int(env("BACKUP_KEEP_WEEKLY", "5"))
BACKUP_KEEP_MONTHLY = int(env("BACKUP_KEEP_MONTHLY", "12"))
# Figures taken with each backup beside the database's own, compared after a restore.
HUB_BACKUP_FIGURES = ["reporting.backup_figures.flow_figures"]
# Largest request body accepted (an IVNA is a few kilobytes).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", str(64 * 1024)))
API_MAX_BODY_BYTES = int(env("API_MAX_BODY_BYTES", str(64 * 1024)))
# POST /api/v1/ivnas/batch/: up to 500 IVNAs (about 1 kB each; 8 kB allows long notes).
API_MAX_BATCH_BODY_BYTES = int(env("API_MAX_BATCH_BODY_BYTES", str(4 * 1024 * 1024)))

# The cache (rate limits on public pages) is shared through Redis where there is one.
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: Redis in production. Without REDIS_URL (the embedded run) tasks run in-process,
# so the scheduled-work dispatcher still fires.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # with late acks: a lost worker holds back one task
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Visibility timeout above the longest task (a letter renders in well under a minute);
# a bounded connect timeout so the dispatcher never hangs on an unreachable Redis.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
# The worker logs through LOGGING below (JSON, with the task id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The console backend only in the embedded run: elsewhere an unset EMAIL_HOST fails loudly
# rather than writing letters to victims into the logs.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if HUB_EMBEDDED and not env("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "media" / "outbox"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "victims.hub@example.police.uk")

# Sessions: short-lived, and never readable by page script. Idle for 30 minutes ends the
# session (the cookie is renewed on every request); HUB_SESSION_ABSOLUTE_HOURS ends it anyway.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
HUB_SESSION_ABSOLUTE_HOURS = int(env("HUB_SESSION_ABSOLUTE_HOURS", "10"))
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and not HUB_EMBEDDED)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# A police service on its own domain: once HSTS is on it stays on, so preload with it.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Logs carry ids, never names, addresses or free text about a victim: one JSON object a line
# with the request id, the user's id and the route (core/logs.py says what is written and
# what is withheld). Django's own "django" and "django.server" loggers lose the handlers
# Django gives them (plain text; mail to ADMINS with the request) and write through ours.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
    # PostgreSQL down: one line per request from core.unavailable, not a traceback.
    "filters": {"database_down": {"()": "core.unavailable.QuietWhileDatabaseDown"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["database_down"]},
        "django.security.SessionInterrupted": {"filters": ["database_down"]},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Prometheus metrics at /metrics (casework/metrics.py): django-prometheus's request figures
# and the hub's own gauges. Only for a scraper that sends `Authorization: Bearer <token>`
# with this token; with none set, /metrics answers 404.
METRICS_TOKEN = env("METRICS_TOKEN")

# Errors to Sentry when SENTRY_DSN is set (core/sentry.py: started in core.apps, personal
# data scrubbed from every event before it leaves). Off when unset.
SENTRY_DSN = env("SENTRY_DSN")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", "production")
SENTRY_TRACES_SAMPLE_RATE = float(env("SENTRY_TRACES_SAMPLE_RATE", "0"))

# Hub-specific settings.
HUB_NAME = env("HUB_NAME", "Victims' Hub")
HUB_CASE_LIST_PAGE_SIZE = 25
# How long a merge of two person records can be undone (cases.people.undo_merge), in days.
PERSON_MERGE_UNDO_DAYS = int(env("HUB_PERSON_MERGE_UNDO_DAYS", "30"))


def _contact_bands(raw: str) -> dict[str, tuple[str, str]]:
    bands = {}
    for part in raw.split(","):
        name, _, span = part.strip().partition("=")
        start, _, end = span.partition("-")
        bands[name.strip()] = (start.strip(), end.strip())
    return bands


# Parts of the day for phone attempts (three attempts at differing times and days).
HUB_CONTACT_BANDS = _contact_bands(
    env("HUB_CONTACT_BANDS", "morning=09:00-12:00,afternoon=12:00-17:00,evening=17:00-20:00")
)
HUB_MAX_FAILED_ATTEMPTS = 3
# A victim the hub cannot phone is written to, inviting them to call; with no reply within
# this many working days the case moves to no contact, with the follow-up letter.
HUB_INVITE_RESPONSE_WORKING_DAYS = int(env("HUB_INVITE_RESPONSE_WORKING_DAYS", "10"))
# Cases the hub did not support close by themselves (contact.closures, issue 12 "every case
# ends"): this many working days after the case entered the status, unless it has moved on
# (the victim got in touch, an outcome, an escalation...). Letter only: no response to the
# letter; no contact: counted from the move to no contact, when the follow-up letter is
# queued; declined, signposted, supported elsewhere: the hub's part is done, the wait lets a
# victim change their mind; high risk: handed to MASH / Public Protection, the hub's record
# closes unless they step the case down.
HUB_CLOSE_AFTER_WORKING_DAYS = {
    status: int(env(f"HUB_CLOSE_{status.upper()}_AFTER_WORKING_DAYS", str(days)))
    for status, days in {
        "letter_only": 20,
        "no_contact": 20,
        "declined": 10,
        "signposted": 10,
        "supported_elsewhere": 10,
        "high_risk": 20,
    }.items()
}
# Postal letters wait for a VCC's check of the address before the post room prints them.
HUB_POSTAL_LETTERS_NEED_APPROVAL = env_bool("HUB_POSTAL_LETTERS_NEED_APPROVAL", True)
HUB_ADDRESS = env(
    "HUB_ADDRESS", "Victims' Hub, Cambridgeshire Constabulary, Huntingdon PE29 6NP"
)
HUB_PHONE = env("HUB_PHONE", "0800 000 0000")
HUB_EMAIL = env("HUB_EMAIL", "victims.hub@example.police.uk")
# Referrals: a referral the service has not answered within this many working days is
# chased by the VCC (a "Chase a referral" item on My work).
HUB_REFERRAL_CHASE_WORKING_DAYS = int(env("HUB_REFERRAL_CHASE_WORKING_DAYS", "5"))
# The quarterly return (reporting/versions.py, docs/returns.md): a quarter stays provisional
# until this many working days after it ends, when the daily job finalises it (version 1);
# the job then revises (version 2, ...) any of the last HUB_RETURN_REVISION_QUARTERS
# finalised quarters whose figures have changed.
HUB_RETURN_FINAL_AFTER_WORKING_DAYS = int(env("HUB_RETURN_FINAL_AFTER_WORKING_DAYS", "20"))
HUB_RETURN_REVISION_QUARTERS = int(env("HUB_RETURN_REVISION_QUARTERS", "8"))

# Complaints about the hub (Victims' Code right 12; complaints.services): acknowledged
# within this many working days of receipt (2: inside the 3 working days the NHS complaints
# regulations 2009, reg. 13, set, and near the hub's own 1 / 5 day contact standards), and
# answered in full within this many (20: four working weeks, the usual public-service
# standard, e.g. the CPS's and most police forces' complaint policies).
HUB_COMPLAINT_ACKNOWLEDGE_WORKING_DAYS = int(env("HUB_COMPLAINT_ACKNOWLEDGE_WORKING_DAYS", "2"))
HUB_COMPLAINT_ANSWER_WORKING_DAYS = int(env("HUB_COMPLAINT_ANSWER_WORKING_DAYS", "20"))
# The public self-referral page: at most this many submissions per client address per hour.
HUB_SELF_REFERRAL_RATE_LIMIT = 5
# ... and at most this many self-referrals in one clock hour from everyone together: beyond
# it the page asks people to phone, and the managers are told once that hour (issue 13).
HUB_SELF_REFERRAL_HOURLY_CEILING = int(env("HUB_SELF_REFERRAL_HOURLY_CEILING", "60"))
