"""Settings of the onboarding portal, read from the environment (and `.env`).

Every value an operator may change is documented in `.env.example`.
"""

import hashlib
import hmac
import importlib.util
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from portal import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# No fallback: a known key would let anyone forge sessions and status links and
# derive the simulator's secrets. `make run` writes a random one into `.env`.
SECRET_KEY = secret_key.required(env("SECRET_KEY", default=""))
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",  # django.contrib.admin, see there
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_q",
    "axes",
    "csp",
    "portal",
    "restaurants",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The webhook answered here, without the page middleware below (its docstring).
    "integrations.webhook_first.PartnersWebhookFirst",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]


# Database -------------------------------------------------------------------
def budgets_database_name(name):
    """The budgets' SQLite file beside the main one: budgets-db.sqlite3 for db.sqlite3.
    (A prefix, so that a suffix the test runner adds to both names keeps them paired.)"""
    path = Path(name)
    return str(path.with_name(f"budgets-{path.name}"))


DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the queue workers and their fetch threads all write to
    # one file: WAL lets readers go on during a write, IMMEDIATE transactions
    # take the write lock up front instead of failing on upgrade, and the
    # timeout makes a writer wait its turn rather than raise "locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Rate-limit budgets, taken before every platform request, live in a file
    # of their own so that they do not queue for the main file's write lock.
    _name = str(DATABASES["default"]["NAME"])
    if _name != ":memory:" and not _name.startswith("file:"):
        DATABASES["budgets"] = {**DATABASES["default"], "NAME": budgets_database_name(_name)}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DATABASE_ROUTERS = ["portal.routers.BudgetsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and queue --------------------------------------------------------------
# Everything workers share (token, rate-limit budgets, circuit state) lives in
# the cache or the database, never in one process's memory.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.redis_cache.RedisCache",  # Django's, one client kept
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }

Q_CLUSTER = {
    "name": "portal",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT_SECONDS", default=600),
    # `retry` must exceed `timeout`, or a long task is handed out twice.
    "retry": env.int("Q_TIMEOUT_SECONDS", default=600) + 60,
    "max_attempts": env.int("Q_MAX_ATTEMPTS", default=3),
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Task queue",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = env.float("Q_ORM_POLL_SECONDS", default=0.5)

# Auth -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sign-in protection ----------------------------------------------------------
# django-axes counts failed sign-ins on both forms (the portal's and the
# admin's) per user name *and* address: one address guessing one account is
# locked out, while the same account from elsewhere (the real owner) is not.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address is the socket's (axes' default): a header any client
# can write must not choose it, or each guess would come "from" a new address.
# Behind the TLS proxy, the address that proxy appends is the one to trust.
if env.bool("BEHIND_TLS_PROXY", default=False):
    AXES_CLIENT_IP_CALLABLE = "portal.client_address.behind_tls_proxy"

# I18n -----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
# 24-hour times on every page, the admin's too.
FORMAT_MODULE_PATH = ["portal.formats"]

# Static files ---------------------------------------------------------------
STATIC_URL = "static/"
# Leaflet's files come from the pinned django-leaflet package (found without
# importing it: its app needs GDAL), so the delivery map works offline.
_LEAFLET = Path(importlib.util.find_spec("leaflet").submodule_search_locations[0])
# Leaflet.markercluster, for the all-restaurants map, from its pinned XStatic package.
_CLUSTER = Path(importlib.import_module("xstatic.pkg.leaflet_markercluster").BASE_DIR)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    _LEAFLET / "static",
    ("leaflet.markercluster", _CLUSTER),
]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# WhiteNoise serves what `collectstatic` (run by `make run`) gathered, compressed
# and under hashed names that browsers may cache for ever.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "portal.static_files.StaticFilesStorage"},
}

# Serving --------------------------------------------------------------------
# Where `manage.py run_portal` (make run) listens; `make run PORT=8001` overrides it.
PORTAL_HOST = env("PORTAL_HOST", default="127.0.0.1")
PORTAL_PORT = env.int("PORTAL_PORT", default=8000)
# gunicorn worker processes and threads of each (run_portal, make run).
WEB_WORKERS = env.int("WEB_WORKERS", default=2)
WEB_THREADS = env.int("WEB_THREADS", default=4)
# Set by run_portal for each start and echoed by /health/, so its readiness probe
# knows it reached the server it started, not another process on that port.
PORTAL_INSTANCE = env("PORTAL_INSTANCE", default="")

# Security (production) ------------------------------------------------------
# HTTPS=false is for one machine serving plain HTTP on loopback (`make run`'s
# .env): no redirect to HTTPS, no HSTS, cookies sent over plain HTTP.
HTTPS = env.bool("HTTPS", default=True)
if not DEBUG and HTTPS:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The platform must never get a 3xx from the webhook, and a load
    # balancer's health probe speaks plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^webhooks/", r"^health/$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Mail and alerts ------------------------------------------------------------
ADMINS = [(address, address) for address in env.list("ADMIN_EMAILS", default=[])]
SERVER_EMAIL = env("SERVER_EMAIL", default="portal@localhost")
DEFAULT_FROM_EMAIL = SERVER_EMAIL
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))

# The platform ---------------------------------------------------------------
TOAST_CLIENT_ID = env("TOAST_CLIENT_ID", default="")
TOAST_CLIENT_SECRET = env("TOAST_CLIENT_SECRET", default="")
# Without partner credentials the portal talks to its built-in simulator.
TOAST_USE_SIMULATOR = not (TOAST_CLIENT_ID and TOAST_CLIENT_SECRET)
SIMULATOR_HOST = env("SIMULATOR_HOST", default="127.0.0.1")
SIMULATOR_PORT = env.int("SIMULATOR_PORT", default=8765)
# The simulated world (restaurants, connections) that `make run` keeps across
# restarts: beside the SQLite database it was synced into, else in the project.
_beside = DATABASES["budgets"]["NAME"] if "budgets" in DATABASES else BASE_DIR / "db.sqlite3"
SIMULATOR_STATE_FILE = env(
    "SIMULATOR_STATE_FILE", default=str(Path(_beside).with_name("simulator-state.json"))
)


def _derived_secret(purpose):
    """A per-installation secret for the simulator, never written anywhere."""
    return hmac.new(SECRET_KEY.encode(), purpose.encode(), hashlib.sha256).hexdigest()


if TOAST_USE_SIMULATOR:
    TOAST_CLIENT_ID = "portal-simulator"
    TOAST_CLIENT_SECRET = _derived_secret("simulator-client-secret")
    _default_host = f"http://{SIMULATOR_HOST}:{SIMULATOR_PORT}"
    _default_webhook_secret = _derived_secret("simulator-webhook-secret")
else:
    _default_host = ""
    _default_webhook_secret = ""
TOAST_API_HOSTNAME = env("TOAST_API_HOSTNAME", default=_default_host).rstrip("/")
TOAST_WEBHOOK_SECRET = env("TOAST_WEBHOOK_SECRET", default=_default_webhook_secret)
TOAST_WEBHOOK_MAX_BYTES = env.int("TOAST_WEBHOOK_MAX_BYTES", default=64 * 1024)

# Limits the client keeps, all configurable because accounts with many
# locations may get account-specific limits.
# The guide: at most two new tokens an hour (each token lives about a day).
TOAST_LOGINS_PER_HOUR = env.int("TOAST_LOGINS_PER_HOUR", default=2)
TOAST_RATE_LIMIT_PER_SECOND = env.int("TOAST_RATE_LIMIT_PER_SECOND", default=20)
TOAST_RATE_LIMIT_PER_WINDOW = env.int("TOAST_RATE_LIMIT_PER_WINDOW", default=10_000)
TOAST_RATE_LIMIT_WINDOW_SECONDS = env.int("TOAST_RATE_LIMIT_WINDOW_SECONDS", default=900)
TOAST_CONNECT_TIMEOUT_SECONDS = env.float("TOAST_CONNECT_TIMEOUT_SECONDS", default=5.0)
TOAST_READ_TIMEOUT_SECONDS = env.float("TOAST_READ_TIMEOUT_SECONDS", default=30.0)
TOAST_MAX_RETRIES = env.int("TOAST_MAX_RETRIES", default=4)
TOAST_BACKOFF_BASE_SECONDS = env.float("TOAST_BACKOFF_BASE_SECONDS", default=0.5)
TOAST_BACKOFF_MAX_SECONDS = env.float("TOAST_BACKOFF_MAX_SECONDS", default=30.0)
TOAST_HALT_THRESHOLD = env.int("TOAST_HALT_THRESHOLD", default=5)
TOAST_CIRCUIT_WINDOW_SECONDS = env.int("TOAST_CIRCUIT_WINDOW_SECONDS", default=60)
TOAST_CIRCUIT_MIN_REQUESTS = env.int("TOAST_CIRCUIT_MIN_REQUESTS", default=10)
TOAST_CIRCUIT_ERROR_RATIO = env.float("TOAST_CIRCUIT_ERROR_RATIO", default=0.5)
TOAST_CIRCUIT_BASE_BACKOFF_SECONDS = env.float("TOAST_CIRCUIT_BASE_BACKOFF_SECONDS", default=30)
TOAST_CIRCUIT_MAX_BACKOFF_SECONDS = env.int("TOAST_CIRCUIT_MAX_BACKOFF_SECONDS", default=1800)

# Sync -----------------------------------------------------------------------
TOAST_SYNC_CONCURRENCY = env.int("TOAST_SYNC_CONCURRENCY", default=8)
TOAST_SYNC_CHUNK_SIZE = env.int("TOAST_SYNC_CHUNK_SIZE", default=1000)
# A refresh chunk with no heartbeat for this long lost its worker: its rest is queued
# again (sync/recovery.py). Its heartbeat comes every 5 s or more often.
TOAST_SYNC_LOST_AFTER_SECONDS = env.int("TOAST_SYNC_LOST_AFTER_SECONDS", default=30)
# Finished and failed sync runs are deleted this long after they started (daily).
SYNC_RUN_RETENTION_DAYS = env.int("SYNC_RUN_RETENTION_DAYS", default=90)
# A restaurant's snapshots (its fetched payloads, its history) past the newest this many,
# or older than this many days, are deleted (daily); its newest is always kept.
SNAPSHOT_RETENTION_COUNT = env.int("SNAPSHOT_RETENTION_COUNT", default=100)
SNAPSHOT_RETENTION_DAYS = env.int("SNAPSHOT_RETENTION_DAYS", default=365)
TOAST_POLL_INTERVAL_MINUTES = env.int("TOAST_POLL_INTERVAL_MINUTES", default=360)
TOAST_REFRESH_INTERVAL_MINUTES = env.int("TOAST_REFRESH_INTERVAL_MINUTES", default=1440)
TOAST_DISCOVERY_INTERVAL_MINUTES = env.int("TOAST_DISCOVERY_INTERVAL_MINUTES", default=1440)
# Data older than this counts as stale on the dashboard.
TOAST_STALE_AFTER_HOURS = env.int("TOAST_STALE_AFTER_HOURS", default=36)


# Staff pages and documentation ----------------------------------------------
def _required_with_the_platform(name, simulator_default):
    """A setting restaurants read (the docs tell them what to search for in Toast): set
    it for the real platform, or the portal does not start; the simulator has a stand-in."""
    value = env(name, default="").strip()
    if value:
        return value
    if TOAST_USE_SIMULATOR:
        return simulator_default
    raise ImproperlyConfigured(
        f"{name} is not set: with platform credentials it is required (in .env or the "
        "environment), as the integration's name restaurants find in the Toast marketplace."
    )


PORTAL_NAME = env("PORTAL_NAME", default="Onboarding Portal")
INTEGRATION_NAME = _required_with_the_platform("INTEGRATION_NAME", "Demo Integration")
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="support@example.com")
SUPPORT_PHONE = env("SUPPORT_PHONE", default="")
SUPPORT_URL = env("SUPPORT_URL", default="")
MAP_TILE_URL = env("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="&copy; OpenStreetMap contributors")
STATUS_LINK_MAX_AGE_DAYS = env.int("STATUS_LINK_MAX_AGE_DAYS", default=30)
# A restaurant being onboarded is stuck after this many days in one stage.
ONBOARDING_STUCK_AFTER_DAYS = env.int("ONBOARDING_STUCK_AFTER_DAYS", default=14)

# Talking to restaurants (portal/outreach/) -------------------------------------
# Where restaurants and staff reach the portal: the links in emails are made from it.
PORTAL_URL = env("PORTAL_URL", default=f"http://{PORTAL_HOST}:{PORTAL_PORT}").rstrip("/")
# The name emails to restaurants are sent in (the integration partner's).
PARTNER_NAME = env("PARTNER_NAME", default=PORTAL_NAME)
# Automatic reminders while a restaurant's checklist is incomplete: the first this
# many days after it connected, then every REMINDER_EVERY_DAYS, at most REMINDER_MAX.
REMINDER_AFTER_DAYS = env.int("REMINDER_AFTER_DAYS", default=3)
REMINDER_EVERY_DAYS = env.int("REMINDER_EVERY_DAYS", default=4)
REMINDER_MAX = env.int("REMINDER_MAX", default=3)
REMINDER_CHECK_MINUTES = env.int("REMINDER_CHECK_MINUTES", default=60)

# Telling staff (portal/notifications/) -----------------------------------------
# A Slack-compatible incoming webhook (a secret: its URL is the credential).
NOTIFY_WEBHOOK_URL = env("NOTIFY_WEBHOOK_URL", default="")
# Each delivery (a mail, the webhook) is tried this many times, waiting
# NOTIFY_BACKOFF_SECONDS, then twice as long each time.
NOTIFY_ATTEMPTS = env.int("NOTIFY_ATTEMPTS", default=4)
NOTIFY_BACKOFF_SECONDS = env.float("NOTIFY_BACKOFF_SECONDS", default=5.0)
NOTIFY_TIMEOUT_SECONDS = env.float("NOTIFY_TIMEOUT_SECONDS", default=10.0)


# Response headers -------------------------------------------------------------
def _origins(url):
    """[scheme://host] of a URL, or none for an empty one."""
    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.netloc else []


# Content-Security-Policy (django-csp 4): only the portal's own files run. The
# delivery map's document, which folium writes with inline scripts and styles,
# marks each of them with the request's nonce (restaurants/delivery_map.py).
# Style attributes stay allowed: the schedule grid places its bars with
# computed percentages, and a style attribute cannot run code. No page may be
# framed (like X-Frame-Options) but the map, by the restaurant page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", *_origins(MAP_TILE_URL)],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Logging --------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "integrations.redaction.RedactSecretsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"handlers": ["console", "mail_admins"], "propagate": False},
        # django-axes announces its version at INFO in every process that starts
        # (each worker, each command); its lockout lines come from other loggers.
        "axes.apps": {"level": "WARNING"},
    },
}
