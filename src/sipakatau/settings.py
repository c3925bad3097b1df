"""Sipakatau settings: one module, every value from the environment (see docs/operator.md).

SIPAKATAU_ENV selects the safety level:
- ``development`` (default): local machine, demo data allowed, secrets generated under var/.
- ``test``: what the test suite runs with.
- ``production``: HTTPS-only cookies, HSTS, secure proxy header; every secret must be given;
  demo accounts are refused.
"""

from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.http import is_same_domain
from django.utils.translation import gettext_lazy as _

from sipakatau.lib.client_address import parse_trusted_proxies
from sipakatau.lib.crypto import check_rings_apart, local_key_file, parse_key_ring
from sipakatau.lib.env import (
    env_bool,
    env_choice,
    env_int,
    env_key,
    env_list,
    env_networks,
    env_str,
    key_file,
    local_key,
    local_secret,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("SIPAKATAU_VAR_DIR") or BASE_DIR / "var")

SIPAKATAU_ENV = env_choice("SIPAKATAU_ENV", "development", ("development", "test", "production"))
PRODUCTION = SIPAKATAU_ENV == "production"
DEMO_MODE = env_bool("SIPAKATAU_DEMO", not PRODUCTION)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured(
        "SIPAKATAU_DEMO cannot be on in production: demo passwords are public."
    )

# bench/http_bench.py mounts a minimal signed-in page at /bench-floor/ (its floor).
BENCH_FLOOR = env_bool("SIPAKATAU_BENCH_FLOOR", False) and not PRODUCTION

DEBUG = env_bool("SIPAKATAU_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("SIPAKATAU_DEBUG cannot be on in production: error pages show data.")

SECRET_KEY = env_str("SIPAKATAU_SECRET_KEY") or ""
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SIPAKATAU_SECRET_KEY (or SIPAKATAU_SECRET_KEY_FILE) is required."
        )
    SECRET_KEY = local_secret(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env_list(
    "SIPAKATAU_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("SIPAKATAU_ALLOWED_HOSTS is required in production.")
CSRF_TRUSTED_ORIGINS = env_list("SIPAKATAU_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    # Request, response and database metrics at /metrics (lib.observability).
    "django_prometheus",
    # The job queue; its OrmQ table is the ORM broker's queue (the health check reads it).
    "django_q",
    "sipakatau.lib",
    "sipakatau.areas",
    "sipakatau.audit",
    "sipakatau.accounts",
    "sipakatau.people",
    "sipakatau.notifications",
    "sipakatau.directory",
    "sipakatau.mechanisms",
    "sipakatau.mapping",
    "sipakatau.cases",
    "sipakatau.referrals",
    "sipakatau.social",
    "sipakatau.public",
    "sipakatau.reports",
    "sipakatau.api",
    "sipakatau.demo",
    "sipakatau.jobs",
]

MIDDLEWARE = [
    # First and last: the metrics time the whole request, every other middleware included.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sipakatau.lib.middleware.no_store",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sipakatau.accounts.middleware.idle_timeout",
    "sipakatau.lib.middleware.language_from_cookie",
    "sipakatau.lib.middleware.method_not_allowed",
    "sipakatau.lib.middleware.api_text_guard",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sipakatau.accounts.middleware.active_membership",
    "sipakatau.accounts.middleware.require_verified_staff",
    # A staff form sent twice (a double tap, a resend) does its work once.
    "sipakatau.accounts.once.send_once",
    # After the view (and the API's token auth): a refused attempt on a case, referral,
    # person or public report is audited, and a burst alerts the account's admins.
    "sipakatau.audit.middleware.refused_access",
    # An API write sent again with the same Idempotency-Key is answered, not done again.
    "sipakatau.lib.idempotency.api_idempotency",
    # Axes must be last: it turns a locked-out login attempt into the lockout answer.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# django-ninja is not an installed app: that would import it, with pydantic and the test
# client, in every worker at start-up, API or no API (issue 19). The API imports it on its
# first request (sipakatau/urls.py); its templates and static files (the API's docs page,
# served from here, as the CSP allows no CDN) are found by path, without importing it.
NINJA_DIR = Path(find_spec("ninja").origin or "").parent  # type: ignore[union-attr]

ROOT_URLCONF = "sipakatau.urls"
WSGI_APPLICATION = "sipakatau.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sipakatau.accounts.context_processors.membership",
                "sipakatau.notifications.context_processors.unread_count",
            ],
            # One date and time format everywhere: {{ x|when }}, {{ x|day }} (lib/dates.py).
            "builtins": [
                "sipakatau.lib.templatetags.dates",
                "sipakatau.lib.templatetags.phones",
                # Replaces {% csrf_token %}: it also writes the form's one-time key.
                "sipakatau.lib.templatetags.once",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# SQLite by default so one kelurahan runs on a laptop; PostgreSQL for a hub via DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "sipakatau.sqlite3"),
            "OPTIONS": {
                # WAL lets readers work while one writer commits; FULL makes a commit
                # survive power loss (a lost report is the one failure we cannot afford).
                # recursive_triggers: an INSERT OR REPLACE that deletes a row fires its
                # delete triggers too, so the audit trail's append-only triggers hold.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                    "PRAGMA recursive_triggers=ON;"
                ),
                # Take the write lock at BEGIN, so two writers queue instead of failing
                # half-way with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "TEST": {"NAME": env_str("SIPAKATAU_TEST_SQLITE") or None},
        }
    }
# A read replica for the statistics (reports.queries): their reads may lag the primary by
# a moment, and take the load of the city's or province's dashboards off it. Writes, and
# every other read, stay on "default" (lib.replica).
REPLICA_DATABASE_URL = env_str("SIPAKATAU_REPLICA_DATABASE_URL")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(REPLICA_DATABASE_URL, conn_max_age=60)
    # Tests read the test database through this alias (the replica test makes a real one).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["sipakatau.lib.replica.ReplicaRouter"]
# The same databases through django-prometheus' wrappers: query counts, errors and
# durations by alias and vendor, never the SQL or its values.
for _database in DATABASES.values():
    _database["ENGINE"] = _database["ENGINE"].replace(
        "django.db.backends.", "django_prometheus.db.backends.", 1
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sign-in ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    # NIST SP 800-63B: length and a blocklist of common passwords, no composition rules.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "sipakatau.accounts.passwords.ContextWordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Sign-in limits (accounts.lockout; docs/security.md, "Guessing passwords"). Three counts
# of failed sign-ins, each answering a different attack, all the same for real and made-up
# usernames so that no answer tells which accounts exist:
# - one username from one address (django-axes' own count): 5 failures pause that pair for
#   15 minutes after the last one. Someone elsewhere cannot lock the owner out this way.
# - one address, any usernames (password spraying): 20 failures within the hour pause the
#   address, except for a username this device has fully signed in as (device cookie).
# - one username, all addresses (a distributed attack): past 10 failures within the hour a
#   password alone no longer answers; the page asks for it together with the code, so the
#   guesses learn nothing, and the owner's own device (its cookie) signs in as usual.
AXES_HANDLER = "sipakatau.accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env_int("SIPAKATAU_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIPAKATAU_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A sign-in is successful once the second factor is given (accounts.views.auth.verify),
# not after the password alone: that is where the pair's failures are forgotten.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "sipakatau.accounts.views.auth.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
SIPAKATAU_LOCKOUT_WINDOW = timedelta(minutes=60)
SIPAKATAU_LOCKOUT_ADDRESS_FAILURES = env_int("SIPAKATAU_LOCKOUT_ADDRESS_FAILURES", 20, minimum=2)
SIPAKATAU_LOCKOUT_ACCOUNT_FAILURES = env_int("SIPAKATAU_LOCKOUT_ACCOUNT_FAILURES", 10, minimum=2)
# How long a device stays known after a full sign-in (password and second factor) on it.
SIPAKATAU_DEVICE_COOKIE_DAYS = env_int("SIPAKATAU_DEVICE_COOKIE_DAYS", 90, minimum=1)
# django-otp's throttle (the default, stated): each wrong code doubles the wait before the
# next one is even checked (1 s, 2 s, 4 s ...), per authenticator and per backup code set.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The visitor's address, for axes as for every other limit: REMOTE_ADDR, or behind one of
# the SIPAKATAU_TRUSTED_PROXIES the X-Forwarded-For hop that proxy vouches for
# (lib/client_address.py; docs/security.md, "Behind a reverse proxy").
AXES_CLIENT_IP_CALLABLE = "sipakatau.lib.client_address.client_address"
SIPAKATAU_TRUSTED_PROXIES = env_list("SIPAKATAU_TRUSTED_PROXIES", [])
parse_trusted_proxies(SIPAKATAU_TRUSTED_PROXIES, setting="SIPAKATAU_TRUSTED_PROXIES")
# A count of proxies trusts the header from whoever connects, the proxy or not: replaced
# by the list of the proxies' addresses above, and refused so that it is not set in vain.
if env_int("SIPAKATAU_PROXY_COUNT", 0, minimum=0):
    raise ImproperlyConfigured(
        "SIPAKATAU_PROXY_COUNT is replaced by SIPAKATAU_TRUSTED_PROXIES: list the reverse "
        "proxy's addresses (e.g. 127.0.0.1) instead. See docs/operator.md."
    )

# An account refused this many times (403/404 on case data) within the window is reported
# to its administrators, once per window (audit.refusals).
SIPAKATAU_PROBING_REFUSALS = env_int("SIPAKATAU_PROBING_REFUSALS", 10, minimum=2)
SIPAKATAU_PROBING_WINDOW_MINUTES = env_int("SIPAKATAU_PROBING_WINDOW_MINUTES", 10, minimum=1)
# A web intake never completed is removed after this many days (remove_stale_intake_drafts).
SIPAKATAU_INTAKE_DRAFT_DAYS = env_int("SIPAKATAU_INTAKE_DRAFT_DAYS", 14, minimum=1)

# Social protection: the day of the month by which the kelurahan's proposals (usulan) must
# be entered in SIKS-NG for Dinsos (domain notes: the 17th).
SIPAKATAU_PROPOSAL_CUTOFF_DAY = env_int("SIPAKATAU_PROPOSAL_CUTOFF_DAY", 17, minimum=1)
# Aggregates leave the system with small cells hidden (reports.suppression); 5 is the usual floor.
SIPAKATAU_SUPPRESSION_THRESHOLD = env_int("SIPAKATAU_SUPPRESSION_THRESHOLD", 5, minimum=1)

OTP_TOTP_ISSUER = "Sipakatau"
# Bearer tokens of the API (POST /api/v1/auth/token) expire this many hours after issue.
SIPAKATAU_API_TOKEN_HOURS = env_int("SIPAKATAU_API_TOKEN_HOURS", 12, minimum=1)

# Idle timeout: the session lives SESSION_COOKIE_AGE seconds after the last request. It is
# saved when it changes, and at most once a minute to push its end further
# (accounts.middleware.idle_timeout), not on every request.
SESSION_COOKIE_AGE = env_int("SIPAKATAU_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin": no other site ever learns which page a visitor came from. (Strict
# "no-referrer" makes Chromium send "Origin: null" on form posts, which Django's CSRF
# protection must refuse; same-origin keeps both protections.)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "manifest-src": [SELF],
    },
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SIPAKATAU_SSL_REDIRECT", True)
    # A monitor on the machine itself asks the app directly over plain HTTP (the proxy
    # holds the certificate): a redirect to https://127.0.0.1 would only break it. Neither
    # answer carries a cookie or personal data, and /metrics answers only to
    # SIPAKATAU_METRICS_ALLOWED.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SIPAKATAU_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SIPAKATAU_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True

# --- Public portal ------------------------------------------------------------------------
# Reports accepted per hour from one address and for one kelurahan before the form asks
# the reporter to wait (and points to SAPA 129 / 112). Repeats of one report never count.
PUBLIC_REPORTS_PER_ADDRESS = env_int("SIPAKATAU_REPORTS_PER_ADDRESS_HOUR", 5, minimum=1)
PUBLIC_REPORTS_PER_KELURAHAN = env_int("SIPAKATAU_REPORTS_PER_KELURAHAN_HOUR", 30, minimum=1)
# Where "Quick exit" leads: an everyday page on another site, so that the screen and the
# browser history show a weather forecast, never this portal (public/base.html).
QUICK_EXIT_URL = (
    env_str("SIPAKATAU_QUICK_EXIT_URL", "https://www.bmkg.go.id/cuaca/prakiraan-cuaca") or ""
)
_exit = urlsplit(QUICK_EXIT_URL)
if (
    _exit.scheme not in {"http", "https"}
    or not _exit.hostname
    or "@" in _exit.netloc
    or any(character.isspace() or character in "\"'<>`" for character in QUICK_EXIT_URL)
):
    raise ImproperlyConfigured(
        f"SIPAKATAU_QUICK_EXIT_URL={QUICK_EXIT_URL!r} is not an absolute http(s) URL."
    )
if any(is_same_domain(_exit.hostname, host) for host in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "SIPAKATAU_QUICK_EXIT_URL must lead to another site: Back would return to this one."
    )

# --- Language and time ------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # stored in UTC; shown in the area's zone (accounts.middleware)
DEFAULT_AREA_TIME_ZONE = env_str("SIPAKATAU_DEFAULT_TIME_ZONE", "Asia/Makassar")

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static", NINJA_DIR / "static"]
STATIC_ROOT = Path(env_str("SIPAKATAU_STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Email ------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("SIPAKATAU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("SIPAKATAU_FROM_EMAIL", "Sipakatau <no-reply@localhost>")
# Used when SIPAKATAU_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend. STARTTLS
# is on by default: a notification names a register number and a staff address, which
# should not cross the network in the clear. The timeout keeps a hung mail server from
# stalling the outbox worker (and every message queued behind it).
EMAIL_HOST = env_str("SIPAKATAU_EMAIL_HOST", "localhost") or "localhost"
EMAIL_PORT = env_int("SIPAKATAU_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("SIPAKATAU_EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("SIPAKATAU_EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("SIPAKATAU_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("SIPAKATAU_EMAIL_TIMEOUT", 20, minimum=1)

# --- Notifications (notifications/; docs/security.md, "Notifications") -------------------
# Master switch for staff email copies; each person opts in on /pemberitahuan/pengaturan/
# (notifications.DeliveryPreference).
SIPAKATAU_NOTIFY_EMAIL = env_bool("SIPAKATAU_NOTIFY_EMAIL", True)
# Absolute links in emails and SMS; the in-app list keeps relative ones.
SIPAKATAU_BASE_URL = (env_str("SIPAKATAU_BASE_URL") or "").rstrip("/")
# What a survivor's phone shows as the sender: whoever picks the phone up must not learn
# that its owner is in touch with a violence service (DESIGN.md §5).
SIPAKATAU_NEUTRAL_SENDER = env_str("SIPAKATAU_NEUTRAL_SENDER", "Info Layanan") or "Info Layanan"
SIPAKATAU_SMS_GATEWAY_URL = env_str("SIPAKATAU_SMS_GATEWAY_URL", "") or ""
SIPAKATAU_SMS_GATEWAY_TOKEN = env_str("SIPAKATAU_SMS_GATEWAY_TOKEN", "") or ""
SIPAKATAU_SMS_GATEWAY_TIMEOUT = env_int("SIPAKATAU_SMS_GATEWAY_TIMEOUT", 10, minimum=1)
if SIPAKATAU_SMS_GATEWAY_URL:
    _gateway = urlsplit(SIPAKATAU_SMS_GATEWAY_URL)
    _loopback = _gateway.hostname in {"127.0.0.1", "::1", "localhost"}
    # The request carries the bearer token and a survivor's phone number: plain HTTP is
    # only acceptable to a gateway on this very machine.
    if _gateway.scheme not in {"http", "https"} or not _gateway.hostname:
        raise ImproperlyConfigured(
            f"SIPAKATAU_SMS_GATEWAY_URL={SIPAKATAU_SMS_GATEWAY_URL!r} is not an http(s) URL."
        )
    if PRODUCTION and _gateway.scheme != "https" and not _loopback:
        raise ImproperlyConfigured("SIPAKATAU_SMS_GATEWAY_URL must use https in production.")

# --- Jobs (django-q2; docs/operator.md, "One command runs everything") -------------------
# The queue lives in the app's own database (SQLite or PostgreSQL) unless a hub names a
# Redis server; the schedules and the results are always in the database. Two workers and
# one web process per CPU fit a 1 GB server; a job that runs longer than ``timeout`` is
# stopped, and ``retry`` (longer) is when the database queue hands an unfinished job to
# another worker. Schedules missed while the system was down run once, not once per miss.
SIPAKATAU_REDIS_URL = env_str("SIPAKATAU_REDIS_URL") or ""
Q_CLUSTER: dict[str, object] = {
    # The queue's name: two installations on one Redis server need different ones.
    "name": env_str("SIPAKATAU_JOB_QUEUE", "sipakatau") or "sipakatau",
    "workers": env_int("SIPAKATAU_JOB_WORKERS", 2, minimum=1),
    "recycle": 200,
    "timeout": env_int("SIPAKATAU_JOB_TIMEOUT", 1800, minimum=10),
    "max_attempts": 1,
    "catch_up": False,
    "save_limit": 200,
    "label": "Jobs",
}
Q_CLUSTER["retry"] = int(str(Q_CLUSTER["timeout"])) + 60
if SIPAKATAU_REDIS_URL:
    Q_CLUSTER["redis"] = SIPAKATAU_REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    # The database queue is read by polling: once a second is light on SQLite.
    Q_CLUSTER["poll"] = 1

# --- Logging: never personal data; request bodies and query strings are not logged --------
# SIPAKATAU_LOG_FORMAT=json writes one JSON object a line, for a hub's log collector.
LOG_FORMAT = env_choice("SIPAKATAU_LOG_FORMAT", "text", ("text", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {
            "()": "sipakatau.lib.logs.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger", "asctime": "time"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("SIPAKATAU_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint reports every layout step at INFO: noise in the server log.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SILENCED_SYSTEM_CHECKS: list[str] = []

# --- Health and metrics (docs/operator.md, "Health, metrics and logs") -------------------
# /healthz fails when a watched disk has less free space than this.
SIPAKATAU_HEALTH_DISK_FREE_MB = env_int("SIPAKATAU_HEALTH_DISK_FREE_MB", 1024, minimum=0)
# The PostgreSQL data directory, when the database runs on this machine (its disk is
# watched too); a SQLite database's directory is watched without being named.
SIPAKATAU_DATABASE_DIR = env_str("SIPAKATAU_DATABASE_DIR") or ""
# A daily backup plus slack: older than this, the last successful backup fails /healthz.
SIPAKATAU_HEALTH_BACKUP_MAX_HOURS = env_int("SIPAKATAU_HEALTH_BACKUP_MAX_HOURS", 26, minimum=1)
# A job waiting longer than this in the ORM queue means no worker takes jobs.
SIPAKATAU_HEALTH_QUEUE_MAX_MINUTES = env_int("SIPAKATAU_HEALTH_QUEUE_MAX_MINUTES", 30, minimum=1)
# One answer serves every /healthz request for this long: a flood of them costs nothing.
SIPAKATAU_HEALTH_CACHE_SECONDS = env_int("SIPAKATAU_HEALTH_CACHE_SECONDS", 10, minimum=0)
# Who may read /metrics (addresses or networks); everyone else gets a 404.
SIPAKATAU_METRICS_ALLOWED = env_networks("SIPAKATAU_METRICS_ALLOWED", ["127.0.0.1", "::1"])

if SIPAKATAU_ENV == "test":
    # Tests create hundreds of users; a slow hash only slows the suite, it protects nothing.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Keys -------------------------------------------------------------------------------
# The audit key makes the audit chain unforgeable; keep it apart from the database.
AUDIT_KEY = env_str("SIPAKATAU_AUDIT_KEY") or ""
if not AUDIT_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SIPAKATAU_AUDIT_KEY (or SIPAKATAU_AUDIT_KEY_FILE) is required.")
    AUDIT_KEY = local_secret(VAR_DIR / "audit_key")

# The backup key seals every backup file (manage.py backup). Keep it apart from the
# backups: a backup with its key is the whole database, and a backup whose key is lost can
# never be read again. See docs/security.md ("Backup and restore").
BACKUP_KEY: bytes = env_key("SIPAKATAU_BACKUP_KEY") or b""
if not BACKUP_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SIPAKATAU_BACKUP_KEY (or SIPAKATAU_BACKUP_KEY_FILE) is required: 32 random bytes "
            "in base64 (openssl rand -base64 32), kept apart from the backups."
        )
    BACKUP_KEY = local_key(VAR_DIR / "backup_key")
BACKUP_DIR = Path(env_str("SIPAKATAU_BACKUP_DIR") or VAR_DIR / "backups")
# The daily backup job (sipakatau.jobs) writes one only where backups are configured: in
# production (where the key is given) or where SIPAKATAU_BACKUP_DIR names a place for them.
# A development machine's backups would lie beside the key generated under var/.
BACKUP_SCHEDULED = env_bool(
    "SIPAKATAU_BACKUP_SCHEDULED", PRODUCTION or bool(env_str("SIPAKATAU_BACKUP_DIR"))
)

# Field keys encrypt names, NIKs, addresses (AES-256-GCM); index keys make the blind indexes
# used to search them. Both stay out of the database and its backups, so a stolen copy
# reveals no one (UU 27/2022 art. 35-39). Format "keyid:base64key", several newest first;
# see docs/security.md ("The keys").
FIELD_KEYS = env_str("SIPAKATAU_FIELD_KEYS") or ""
if not FIELD_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SIPAKATAU_FIELD_KEYS (or SIPAKATAU_FIELD_KEYS_FILE) is required: without it no "
            "personal data can be stored or read. See docs/security.md ('The keys')."
        )
    FIELD_KEYS = local_key_file(VAR_DIR / "field_keys")
INDEX_KEYS = env_str("SIPAKATAU_INDEX_KEY") or ""
if not INDEX_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SIPAKATAU_INDEX_KEY (or SIPAKATAU_INDEX_KEY_FILE) is required: without it no "
            "person can be searched. See docs/security.md ('The keys')."
        )
    INDEX_KEYS = local_key_file(VAR_DIR / "index_key")
check_rings_apart(
    parse_key_ring(FIELD_KEYS, setting="SIPAKATAU_FIELD_KEYS"),
    parse_key_ring(INDEX_KEYS, setting="SIPAKATAU_INDEX_KEY", max_bytes=None),
    settings_names="SIPAKATAU_FIELD_KEYS and SIPAKATAU_INDEX_KEY",
)
# The files the secrets above were read from (None: given in the environment itself).
# /healthz checks they can still be read: the next restart needs them.
SIPAKATAU_KEY_FILES = {
    "secret": key_file("SIPAKATAU_SECRET_KEY", VAR_DIR / "secret_key"),
    "audit": key_file("SIPAKATAU_AUDIT_KEY", VAR_DIR / "audit_key"),
    "backup": key_file("SIPAKATAU_BACKUP_KEY", VAR_DIR / "backup_key"),
    "field": key_file("SIPAKATAU_FIELD_KEYS", VAR_DIR / "field_keys"),
    "index": key_file("SIPAKATAU_INDEX_KEY", VAR_DIR / "index_key"),
}
CSRF_FAILURE_VIEW = "sipakatau.lib.views.csrf_failure"
