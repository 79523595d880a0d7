"""Settings, read from the environment.

The defaults are for the embedded run only (`make run`): a SQLite file and a Celery broker that needs
no server, both under `var/`. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY and DEBUG=0; see the
README for the full list.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only the embedded run gets here; the key is not secret and must never reach production.
    SECRET_KEY = "embedded-run-only-insecure-key-do-not-use-in-production"
# Keys being rotated out, comma separated: sessions and signed values made with them stay valid.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    # Counts failed logins per account and per address in the database and locks them out.
    "axes",
    "outlets",
    "mapping",
    "sync",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /healthz, /readyz and /metrics, probed by address: before the host check (sync/ops/middleware.py).
    "sync.ops.middleware.OpsMiddleware",
    # Errors under /api/v1/ that never reach a DRF view (404, 500, …) in the API's JSON shape.
    "outlets.api.middleware.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The merchant's language: the cookie set_language writes, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "iseller_accurate.csp.ContentSecurityPolicyMiddleware",
    # Last: answers a locked-out login with the log-in page and when to try again (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iseller_accurate.urls"
WSGI_APPLICATION = "iseller_accurate.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded run has web, worker and beat writing one file: wait for the lock, don't fail.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # An unreachable database host fails within seconds, not after the OS's connect timeout (minutes):
    # /readyz answers "not ready" in time for its probe, and a request fails instead of hanging.
    # A `?connect_timeout=` in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("id", "Bahasa Indonesia")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Log-in lockout (django-axes) ---
# The lockout backend goes first: it refuses a locked-out account or address before the password is
# checked. `client.login()` and the shell authenticate without a request; they skip the lockout.
AUTHENTICATION_BACKENDS = [
    "outlets.login_lockout.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After LOGIN_FAILURE_LIMIT wrong passwords in a row, the account (from any address) and the address
# (for any account) are locked for LOGIN_LOCKOUT_MINUTES; each try while locked starts the wait again.
# A right password resets the account's count.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "outlets.login_lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "outlets.login_lockout.client_ip"
# Proxies in front of the web server that append to X-Forwarded-For; the login lockout and the API
# throttles count the address the outermost one saw. Production runs behind one TLS-terminating proxy
# (1); 0 counts the address that connected, which behind a proxy is the proxy's own, shared by all.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0" if DEBUG else "1"))
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "outlets:dashboard"
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "iSeller Accurate <no-reply@localhost>")

# --- Production hardening (`manage.py check --deploy` is clean when DEBUG is off) ---
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Load balancers and Prometheus reach each web process directly, over plain HTTP like the proxy's own
# hop: the health answers and the metrics are not redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# --- Redis: broker, cache and the shared rate limiter. Unset for the embedded run. ---
REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery (read by iseller_accurate/celery.py with the CELERY_ namespace) ---
# A task that a dead worker held comes back after the visibility timeout. It must be longer than
# the longest task (a push of one batch, with retries inside the rate limiter), and it is set in one
# place so the broker and result transports agree.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Without it kombu creates control/ in whatever folder the process runs from.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Celery's own scheduler, which also writes the beat's heartbeat for /readyz (sync/ops/beat.py).
CELERY_BEAT_SCHEDULER = "sync.ops.beat:HeartbeatScheduler"
# Workers and beat write a heartbeat this often; /readyz wants one younger than twice this.
HEALTH_HEARTBEAT_SECONDS = float(os.environ.get("HEALTH_HEARTBEAT_SECONDS", "15"))
if not HEALTH_HEARTBEAT_SECONDS > 0:
    raise ImproperlyConfigured("HEALTH_HEARTBEAT_SECONDS must be a positive number of seconds.")
# The bearer token /metrics asks for (Prometheus' `authorization` credentials); unset: /metrics is 404.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# A push task renews its lane every third of this; a worker that dies stops renewing, and once the
# lane runs out the rows it held are taken back and sent again (after a lookup in Accurate).
SYNC_LEASE_SECONDS = float(os.environ.get("SYNC_LEASE_SECONDS", "30"))
# A connection whose Accurate takes this long per request on average (a batch's) is slow: it gets one
# lane and one batch per turn until it answers faster (sync/engine/fairness.py) [U: Accurate's usual
# answer time for a bulk-save of 100; the request-duration histogram shows it].
SYNC_SLOW_REQUEST_SECONDS = float(os.environ.get("SYNC_SLOW_REQUEST_SECONDS", "1.5"))
# The beat looks for rows of dead workers this often: a killed worker costs at most a lease and this.
SYNC_TAKE_BACK_EVERY_SECONDS = float(os.environ.get("SYNC_TAKE_BACK_EVERY_SECONDS", "15"))
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "sync-requeue-stale": {
        "task": "sync.tasks.requeue_stale_activities",
        "schedule": SYNC_TAKE_BACK_EVERY_SECONDS,
    },
    "sync-resume-product-pushes": {"task": "sync.tasks.resume_product_pushes", "schedule": 60.0},
    "sync-dispatch": {"task": "sync.tasks.dispatch", "schedule": 60.0},
    "sync-failure-digests": {"task": "sync.tasks.send_failure_digests", "schedule": 600.0},
    # The daily reconciliation: each outlet day once its schedule ran and its documents synced.
    "sync-reconcile-due": {"task": "sync.tasks.reconcile_due", "schedule": 900.0},
}

# A product push batch left "running" this long (a killed worker) goes back to Pending; so does a
# document row claimed without a lane name (rows of earlier releases). Documents are taken back by
# their lease (SYNC_LEASE_SECONDS), much sooner.
SYNC_RUNNING_TIMEOUT_SECONDS = int(os.environ.get("SYNC_RUNNING_TIMEOUT_SECONDS", "900"))
# Documents due this long with nothing reaching Accurate: the pages say syncing has stopped.
SYNC_STALLED_AFTER_SECONDS = int(os.environ.get("SYNC_STALLED_AFTER_SECONDS", "600"))
# The one retry policy (iseller_accurate/retry.py): a wait doubling from the base to the maximum, plus
# up to a quarter more at random. Documents back off through their due time; a product push batch
# through Celery retries, kept short (it has few attempts and the merchant watches its progress).
SYNC_RETRY_BASE_SECONDS = float(os.environ.get("SYNC_RETRY_BASE_SECONDS", "30"))
SYNC_RETRY_MAX_SECONDS = float(os.environ.get("SYNC_RETRY_MAX_SECONDS", "1800"))
PRODUCT_PUSH_RETRY_BASE_SECONDS = float(os.environ.get("PRODUCT_PUSH_RETRY_BASE_SECONDS", "5"))
PRODUCT_PUSH_RETRY_MAX_SECONDS = float(os.environ.get("PRODUCT_PUSH_RETRY_MAX_SECONDS", "300"))

# --- Accurate Online ---
# The embedded run talks to the local sandbox (`python -m accurate_sandbox --port 8001`), which knows
# this client id and secret; they are not secrets. Production sets the real ones.
ACCURATE_ACCOUNT_URL = os.environ.get(
    "ACCURATE_ACCOUNT_URL", "http://127.0.0.1:8001" if DEBUG else "https://account.accurate.id"
)
ACCURATE_CLIENT_ID = os.environ.get("ACCURATE_CLIENT_ID", "sandbox-client" if DEBUG else "")
ACCURATE_CLIENT_SECRET = os.environ.get("ACCURATE_CLIENT_SECRET", "sandbox-secret" if DEBUG else "")

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline; the
# pages' <style> blocks stay inline. Everything else from this origin only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # And Accurate's login, as ACCURATE_ACCOUNT_URL names it (iseller_accurate/csp.py).
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Accurate allows 8 requests started per second and 8 in flight per token; leave room for the
# merchant's other apps.
ACCURATE_RATE_PER_SECOND = int(os.environ.get("ACCURATE_RATE_PER_SECOND", "8"))
ACCURATE_MAX_IN_FLIGHT = int(os.environ.get("ACCURATE_MAX_IN_FLIGHT", "7"))

# Fernet keys that encrypt Accurate tokens at rest, comma separated, newest first: add a new key in
# front, run `manage.py accurate_reencrypt_tokens`, then drop the old one. Required in production.
ACCURATE_TOKEN_KEYS = env_list("ACCURATE_TOKEN_KEYS", "")
# What each active outlet after the first costs per month, in rupiah.
ACCURATE_EXTRA_OUTLET_FEE = int(os.environ.get("ACCURATE_EXTRA_OUTLET_FEE", "99000"))

# --- API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["outlets.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["outlets.api.auth.HasStoreApiKey"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["outlets.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "outlets.api.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": None,
    # Per API key; calls without a valid key are throttled per address in outlets.api.auth, before
    # they are refused. Beyond the rate: 429 with Retry-After. A batch counts as one request.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_CLASSES": ["outlets.api.auth.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": os.environ.get("API_THROTTLE_KEY_RATE", "1200/min"),
        "api_unauthenticated": os.environ.get("API_THROTTLE_UNAUTHENTICATED_RATE", "60/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "iSeller Accurate add-on: POS ingestion API",
    "DESCRIPTION": "The API the iSeller POS posts its documents to. Every document is idempotent "
    "by outlet and POS number.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "outlets.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {"PaymentMethodEnum": "outlets.models.fields.PaymentMethod.choices"},
}
# The ingestion API's limits (README, "The ingestion API in short"); each refusal names its limit.
API_BATCH_MAX_ORDERS = 500
API_BATCH_MAX_PRODUCTS = 1000
API_MAX_ORDER_LINES = 1000
API_MAX_DOCUMENT_LINES = 1000  # refunds, transfers, adjustments, stock takes; stock entries per product
API_MAX_ORDER_PAYMENTS = 50
# The largest request body Django reads, the API's included (answered 413 there): a batch of 500
# orders of a dozen lines each is under 1 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# LOG_FORMAT=json: one JSON object per line (iseller_accurate/logs.py), with the store, connection and
# activity ids a record carries. Either way the handler's filter redacts anything secret-looking.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "iseller_accurate.logs.RedactSecrets"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "iseller_accurate.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
