"""Settings for the Local Partnership Portal, read from environment variables.

Safe local defaults: a SQLite file in the project, DEBUG off unless asked for.
"""

import os
import re
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from partnership.mailconfig import email_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_rate(name: str, default: str) -> str:
    """A django-ratelimit rate such as ``60/m`` or ``30/15m`` (a count per period)."""
    value = os.environ.get(name, default).strip()
    if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a rate such as 60/m or 30/15m, not {value!r}.")
    return value


DEBUG = env_bool("DEBUG")
# The test suite runs with the same settings; it only needs a throwaway key.
TESTING = "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "partnership.apps.PortalAdminConfig",  # django.contrib.admin, grammatical Polish
    "accounts",  # before django.contrib.auth: its createsuperuser command speaks English
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widgets' templates, for FORM_RENDERER below
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "django_ratelimit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "programmes",
    "workshops",
    "projects",
    "opendata",
    "reports",
    "portal",
    "api",
]

# Order matters (README, "Security"): the header middleware come first so that every
# response carries the headers, 405s and error pages included; axes comes last.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "partnership.middleware.AllowedMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Cached public pages served before the URL is resolved (partnership/caching.py).
    "partnership.caching.PageHitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The second factor (accounts/twofactor.py): django-otp reads the verified device from
    # the session; a user who needs one and has not given it reaches no staff page.
    "django_otp.middleware.OTPMiddleware",
    "accounts.twofactor.SecondFactorMiddleware",
    "partnership.middleware.StaffResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.throttling.LoginAddressLimitMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnership.urls"
WSGI_APPLICATION = "partnership.wsgi.application"
ASGI_APPLICATION = "partnership.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "libraries": {"admin_names": "partnership.admin_names_tags"},
        },
    },
]

# Widgets render through TEMPLATES, so that templates/admin/widgets/ overrides Django's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: DATABASE_URL, defaulting to a SQLite file in the project.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A persistent connection buys nothing for a local file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The portal's queries are small: a parallel plan or JIT compilation costs more than
    # it saves (measured on the catalogue's facet counts and on the staff report).
    # PG_SESSION_OPTIONS="" keeps the server's own settings; options given in
    # DATABASE_URL (?options=...) come first and are kept.
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _session_options = os.environ.get(
        "PG_SESSION_OPTIONS", "-c jit=off -c max_parallel_workers_per_gather=0"
    )
    _db_options["options"] = " ".join(
        part for part in (_db_options.get("options", ""), _session_options) if part
    )
    # PG_PREPARE_THRESHOLD=n (default 2): bind parameters on the server and let psycopg
    # prepare a statement the connection has run n times, so PostgreSQL stops re-planning
    # it (docs/benchmarks.md has what it bought: the county page's database time halved).
    # 0 or empty: Django's client-side binding (e.g. behind a pooler in transaction mode
    # that cannot keep prepared statements).
    _prepare_threshold = os.environ.get("PG_PREPARE_THRESHOLD", "2").strip()
    if _prepare_threshold not in ("", "0"):
        _db_options["server_side_binding"] = True
        _db_options["prepare_threshold"] = int(_prepare_threshold)

# A read replica (partnership/dbrouting.py; docs/deployment.md, "A read replica"):
# DATABASE_REPLICA_URL names a PostgreSQL streaming replica of DATABASE_URL. Public pages
# and reports then read from it; writes, staff screens and a staff member's requests for
# DATABASE_REPLICA_PIN_SECONDS after each of their saves read from the primary. Unset:
# one database, no router, no middleware.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "10"))
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL.")
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must name a PostgreSQL server.")
    _replica_options = DATABASES["replica"].setdefault("OPTIONS", {})
    # A replica that does not answer is passed over for the primary (dbrouting), quickly.
    _replica_options.setdefault("connect_timeout", 3)
    for _key in ("server_side_binding", "prepare_threshold"):  # PG_PREPARE_THRESHOLD too
        if _key in _db_options:
            _replica_options.setdefault(_key, _db_options[_key])
    _replica_options["options"] = " ".join(
        part for part in (_replica_options.get("options", ""), _session_options) if part
    )
    # The test suite uses the primary's test database through both aliases.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["partnership.dbrouting.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "partnership.dbrouting.ReadRoutingMiddleware",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory for one process by default; Redis when REDIS_URL is set, so that
# several app servers share cached pages, reports and the data version that invalidates
# them (partnership/caching.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, one Redis client kept per pool (partnership/redis_cache.py)
            "BACKEND": "partnership.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "partnership"),
        }
    }
    # Staff sessions are read from Redis and written to both Redis and the database, so
    # every app server accepts them and a lost cache loses no login
    # (benchmarks/two_instances.py checks both).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Pages that count or list across every county (home, catalogue, lists, sitemaps, open data,
# the API) show a write within this many seconds, and are rebuilt at most once in that
# time however often staff write (partnership/caching.py); 0: after every write.
PUBLIC_AGGREGATE_MAX_AGE = int(os.environ.get("PUBLIC_AGGREGATE_MAX_AGE", "60"))
# CACHE_BACKEND=dummy turns the cache off: every page and report is computed on every
# request (benchmarks/web_benchmark.py measures pages "uncached" that way). Not for
# production.
if os.environ.get("CACHE_BACKEND", "").strip().lower() == "dummy":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# The audit trail (django-simple-history): who changed what, when, on every staff record.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    # Hashing test passwords slowly protects nothing.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Internationalisation: Polish first, English second.
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

# Static files, served by whitenoise with hashed names.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Attendee lists are checked before they are read (workshops.importing.MAX_FILE_BYTES).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Larger uploads are spooled to FILE_UPLOAD_TEMP_DIR (the system's temporary directory by
# default); when that disk is full the file is skipped and the view says so, not a 500.
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "partnership.uploads.TemporaryFileUploadHandler",
]

# Security defaults that do not depend on HTTPS (README, "Security").
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A staff session ends after a working day (and at logout, when Django deletes it).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
if env_bool("HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Load balancers poll /ping on the app server itself, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^ping$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# Content-Security-Policy (django-csp 4): everything from this site, nothing inline, no
# plugins, no framing. The public pages and the admin use no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Reverse proxies in front of the app that append the client's address to
# X-Forwarded-For; 0 (the default) ignores that header, which a client can forge.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username
# from one address, that pair is refused for the cool-off, also with the right password.
# The pair, not the address alone (a county office shares one address) nor the username
# alone (anyone could lock a colleague out).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Last: reached only when the password was checked and found wrong; it counts the
    # failure against the address (LOGIN_FAILURES_PER_ADDRESS below).
    "accounts.throttling.FailedLoginCounter",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lockout; attempts during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_HTTP_RESPONSE_CODE = 429
# Axes' log lines carry no username or address; the security log has what is needed.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]
# No table of every successful login with address and browser (data minimisation).
AXES_DISABLE_ACCESS_LOG = True

# Per-address limits (django-ratelimit; README, "Security"), counted in the default cache
# in fixed windows, by the address accounts.security.client_ip reads (TRUSTED_PROXY_COUNT)
# and, for IPv6, its /64 (one client usually holds a whole /64).
#
# Public certificate checks: at most this many per address (submissions of the lookup
# form and the verification page together), then 429 until the minute is over.
CERTIFICATE_VERIFY_RATE = env_rate("CERTIFICATE_VERIFY_RATE", "60/m")
# Failed logins per address, whatever the username, on top of axes' lockout of one
# username at one address. Once reached, every login posted from that address is refused
# with 429 (the password is not checked) until the window ends; a successful login does
# not reset it. 30 in 15 minutes: a county office on one shared address, where each clerk
# mistypes a password now and then, stays far below it (a clerk who keeps failing is
# locked out by axes after AXES_FAILURE_LIMIT, and attempts refused by that lockout are
# not counted here: only passwords actually checked and found wrong); someone trying
# one or two passwords on each of many usernames, which axes alone never stops, gets at
# most 30 guesses a quarter of an hour.
LOGIN_FAILURES_PER_ADDRESS = env_rate("LOGIN_FAILURES_PER_ADDRESS", "30/15m")
# django-ratelimit's system checks accept memcached and django-redis only:
# * Django's own RedisCache (REDIS_URL) is "not officially supported" (W001), though its
#   add and incr are all the counts need, shared by every app server and worker;
# * local memory, the default, "is not a shared cache" (E003): each gunicorn worker keeps
#   its own counts, so an address may get up to (workers × a limit); set REDIS_URL for
#   exact limits whenever gunicorn runs more than one worker;
# * the dummy cache (CACHE_BACKEND=dummy, for measuring pages uncached) keeps no counts at
#   all: the limits are switched off there, so no benchmark request is ever refused.
# Also silenced, Django's models.W040: the catalogue's covering indexes (INCLUDE, projects
# migrations 0004 and 0006–0011) are for PostgreSQL; SQLite indexes their key columns alone.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003", "models.W040"]
RATELIMIT_ENABLE = CACHES["default"]["BACKEND"] != "django.core.cache.backends.dummy.DummyCache"

# The public API (api/, /api/v1/): read-only, anonymous, JSON only, throttled per address
# like the limits above (partnership.ratelimits; off with the dummy cache). At most
# API_ANON_RATE requests per address, then 429 with Retry-After until the window ends.
API_ANON_RATE = env_rate("API_ANON_RATE", "120/m")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AddressRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.views.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": None,
    "ORDERING_PARAM": "ordering",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal Partnerstwa Lokalnego — API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": False,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.postprocess",
    ],
    "PREPROCESSING_HOOKS": ["api.schema.only_the_api"],
}

# Personal data of attendees is anonymised this many years after their cycle ended
# (manage.py anonymise_attendees, run daily from cron in production).
ATTENDEE_RETENTION_YEARS = int(os.environ.get("ATTENDEE_RETENTION_YEARS", "5"))

# The licence of the published open data and API answers (an SPDX identifier: CC-BY-4.0,
# CC0-1.0 or CC-BY-SA-4.0; opendata/licence.py).
OPEN_DATA_LICENCE = os.environ.get("OPEN_DATA_LICENCE", "CC-BY-4.0")

# Who runs the portal: named as the publisher of the open data (the data package and the
# DCAT-AP catalogue for dane.gov.pl). The defaults are placeholders (".invalid" addresses
# and a name saying it is unset) for the operator to replace.
OPERATOR_NAME = os.environ.get("OPERATOR_NAME", "Operator portalu (OPERATOR_NAME nieustawione)")
OPERATOR_EMAIL = os.environ.get("OPERATOR_EMAIL", "operator@example.invalid")
OPERATOR_URL = os.environ.get("OPERATOR_URL", "https://operator.example.invalid/")
# The rest of what the accessibility declaration, the privacy notice and the contact page
# say about the operator (portal/legal.py). Placeholders again: `manage.py check --deploy`
# names every one still unset (portal.W001).
OPERATOR_ADDRESS = os.environ.get("OPERATOR_ADDRESS", "(OPERATOR_ADDRESS nieustawione)")
OPERATOR_PHONE = os.environ.get("OPERATOR_PHONE", "(OPERATOR_PHONE nieustawione)")
# The data protection officer (inspektor ochrony danych, RODO art. 37).
OPERATOR_DPO_EMAIL = os.environ.get("OPERATOR_DPO_EMAIL", "iod@example.invalid")
# The person who answers about accessibility, and the declaration's dates (YYYY-MM-DD):
# when the portal was first published and when it was last substantially updated.
ACCESSIBILITY_CONTACT_NAME = os.environ.get(
    "ACCESSIBILITY_CONTACT_NAME", "(ACCESSIBILITY_CONTACT_NAME nieustawione)"
)
ACCESSIBILITY_PUBLISHED = os.environ.get("ACCESSIBILITY_PUBLISHED", "")
ACCESSIBILITY_UPDATED = os.environ.get("ACCESSIBILITY_UPDATED", "")
# Where the operator describes its buildings' architectural accessibility (its own
# accessibility declaration); unset, the declaration points to OPERATOR_URL.
ACCESSIBILITY_BUILDINGS_URL = os.environ.get("ACCESSIBILITY_BUILDINGS_URL", "")
# E-mail (partnership/mailconfig.py): EMAIL_URL names the SMTP server, e.g.
# smtp+tls://user:password@mail.example.org:587; unset, messages are printed to the
# console (the embedded default sends nothing).
_EMAIL = email_config(os.environ.get("EMAIL_URL", ""))
EMAIL_BACKEND = _EMAIL.backend
EMAIL_HOST = _EMAIL.host
EMAIL_PORT = _EMAIL.port
EMAIL_HOST_USER = _EMAIL.user
EMAIL_HOST_PASSWORD = _EMAIL.password
EMAIL_USE_TLS = _EMAIL.use_tls
EMAIL_USE_SSL = _EMAIL.use_ssl
EMAIL_TIMEOUT = _EMAIL.timeout
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Portal Partnerstwa Lokalnego <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's address as its users reach it, for the links in e-mails sent by the
# background worker, which has no request to take it from.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not re.fullmatch(r"https?://[^/?#\s]+", PORTAL_BASE_URL):
    raise ImproperlyConfigured(
        f"PORTAL_BASE_URL must be http(s)://host[:port], not {PORTAL_BASE_URL!r}."
    )

# Background tasks (django-tasks): e-mails are queued in the database and sent by the
# worker, `manage.py db_worker` (`make worker`; a systemd service in production), never
# within a request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Password reset for staff (accounts/password_reset.py): requests per client address,
# and reset e-mails per account (further requests are answered alike but send nothing).
PASSWORD_RESET_RATE = env_rate("PASSWORD_RESET_RATE", "10/h")
PASSWORD_RESET_EMAILS_PER_ACCOUNT = env_rate("PASSWORD_RESET_EMAILS_PER_ACCOUNT", "3/h")
# A reset link works for this long (and once).
LOGIN_URL = "admin:login"
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(2 * 60 * 60)))

# Two-factor authentication (accounts/twofactor.py): a code from an authenticator app
# after the password, always for superusers, administrators and coordinators; for county
# staff when STAFF_2FA_REQUIRED is on.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED")
OTP_TOTP_ISSUER = "Portal Partnerstwa Lokalnego"
# Neither a device's secret nor its recovery codes are shown in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Wrong codes in one login before the session ends and the password is asked again (on
# top of django-otp's growing delay after each wrong code of a device).
OTP_FAILURES_PER_LOGIN = int(os.environ.get("OTP_FAILURES_PER_LOGIN", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Certificate codes and query strings are cut out of every line (logfilters.py).
    "filters": {"redact_paths": {"()": "partnership.logfilters.RedactPaths"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_paths"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Logins, lockouts, logouts and refused requests (accounts/security.py), kept
        # whatever LOG_LEVEL says.
        "partnership.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# The staff start page (portal/desk.py, /admin/desk/, where a login lands): an open project
# idea whose status has not changed for this many months is listed as needing a look.
LOGIN_REDIRECT_URL = "desk:home"
DESK_STALE_IDEA_MONTHS = int(os.environ.get("DESK_STALE_IDEA_MONTHS", "6"))
