"""Settings for the Openness Scorecard, read from the environment.

With no environment at all the site runs as the embedded default: SQLite in var/, an in-process
cache, Celery tasks executed eagerly. Set DATABASE_URL and REDIS_URL for the full stack.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from openness.envconfig import database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# The embedded default (`make run`) runs on one machine with no secrets to keep; a deployment
# sets EMBEDDED=0 and must then provide SECRET_KEY.
EMBEDDED = env_bool("EMBEDDED", default=True)
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY") or ("embedded-default-insecure-key" if EMBEDDED else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when EMBEDDED=0")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Security headers and cookies. A deployment (EMBEDDED=0) is served over HTTPS, usually behind
# a proxy that sets X-Forwarded-Proto; the embedded default runs on plain http://127.0.0.1.
HTTPS = env_bool("HTTPS", default=not EMBEDDED)
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/?$"]
if env_bool("BEHIND_TLS_PROXY", default=HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "catalog",
]

MIDDLEWARE = [
    "openness.observability.RequestIdMiddleware",
    "catalog.data_version.DataVersionPerRequest",
    # Outside the session and CSRF middleware, so that it sees the Vary: Cookie they add.
    "catalog.middleware.CachePolicyMiddleware",
    "openness.health.LoopbackHealthMiddleware",  # before anything that checks the Host header
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "catalog.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "catalog.middleware.OpenReadCorsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "openness.urls"
WSGI_APPLICATION = "openness.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", "sqlite:///var/openness.sqlite3"), BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "openness.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "openness",
            "TIMEOUT": 300,
            # Short timeouts, so that a dead Redis costs a request milliseconds, not seconds.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a rendered directory page is kept (its key changes with the data anyway); 0 turns the
# page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# How long a shared cache (the proxy in front, a CDN) or a browser may keep a public answer before
# it asks again (by its ETag): a curator's save is public everywhere within this bound. When the
# site is down, a cache may go on serving what it has for STALE_IF_ERROR_SECONDS.
SHARED_CACHE_SECONDS = env_int("SHARED_CACHE_SECONDS", 60)
STALE_IF_ERROR_SECONDS = env_int("STALE_IF_ERROR_SECONDS", 24 * 3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Deployments serve collected files; the embedded default serves them straight from static/.
WHITENOISE_USE_FINDERS = EMBEDDED
if EMBEDDED:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# The curated catalogue: organisations, licences and one YAML file per model.
CATALOG_DIR = Path(env_str("CATALOG_DIR", str(BASE_DIR / "catalog" / "data")))

# Celery: Redis as broker; without one, tasks run in-process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL) or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# A task whose worker dies mid-run is delivered again rather than lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery closes a worker's database connection around every task unless told to reuse it for up
# to this many tasks. Between tasks the worker closes it when Django would close a request's
# (CONN_MAX_AGE, a failed health check: openness/celery.py), so this is only an upper bound.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
# Must stay above the longest task's hard time limit (discover_models, 480 s, in catalog/tasks.py;
# CELERY_TASK_TIME_LIMIT for tasks that set none), or a slow task is delivered twice while it
# still runs; the default, twice CELERY_TASK_TIME_LIMIT, is 600 s. Unacknowledged messages are
# looked for every interval x throttle seconds (kombu's defaults, 10 x 10); a message older than
# the visibility timeout found then is delivered again.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT * 2),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Hubs. Only the hosts of the configured endpoints are ever contacted, unless more are listed.
HF_ENDPOINT = env_str("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
HF_TOKEN = env_str("HF_TOKEN") or None
HF_WEBHOOK_SECRET = env_str("HF_WEBHOOK_SECRET")
GITHUB_API_URL = env_str("GITHUB_API_URL", "https://api.github.com").rstrip("/")
GITHUB_TOKEN = env_str("GITHUB_TOKEN") or None
HUB_ALLOWED_HOSTS = env_list(
    "HUB_ALLOWED_HOSTS",
    default=[urlsplit(HF_ENDPOINT).hostname, urlsplit(GITHUB_API_URL).hostname],
)
HUB_TIMEOUT = env_int("HUB_TIMEOUT", 10)
# The dispatcher refreshes records not fetched for this long, at most this many per run.
REFRESH_STALE_AFTER_HOURS = env_int("REFRESH_STALE_AFTER_HOURS", 24)
REFRESH_BATCH_SIZE = env_int("REFRESH_BATCH_SIZE", 100)
REFRESH_MAX_RETRIES = env_int("REFRESH_MAX_RETRIES", 5)
# A refresh that met a transient error retries after this many seconds, doubling each time.
REFRESH_RETRY_BASE_SECONDS = env_int("REFRESH_RETRY_BASE_SECONDS", 30)
# A hub saying a repository is not there (401/404: deleted, made private, or a passing fault)
# is believed only when it still says so this many hours later, or when a curator confirms it.
HUB_GONE_CONFIRM_AFTER_HOURS = env_int("HUB_GONE_CONFIRM_AFTER_HOURS", 6)
# What other indexes say, imported by a periodic task from their public repositories (and, for
# OSI's validation list, from a data file kept with the code); nothing is fetched at request time.
# GitHub answers an archive request with a redirect to codeload.github.com, so that host is
# allowed too.
INDEXES_GITHUB_API_URL = env_str("INDEXES_GITHUB_API_URL", GITHUB_API_URL).rstrip("/")
INDEXES_ALLOWED_HOSTS = env_list(
    "INDEXES_ALLOWED_HOSTS",
    default=[urlsplit(INDEXES_GITHUB_API_URL).hostname, "codeload.github.com"],
)
INDEXES_TIMEOUT = env_int("INDEXES_TIMEOUT", 60)
INDEXES_MAX_ARCHIVE_BYTES = env_int("INDEXES_MAX_ARCHIVE_BYTES", 100_000_000)
INDEXES_IMPORT_EVERY_HOURS = env_int("INDEXES_IMPORT_EVERY_HOURS", 24)
EOSAI_REPOSITORY = env_str("EOSAI_REPOSITORY", "Language-Technology-Assessment/main-database")
EOSAI_BRANCH = env_str("EOSAI_BRANCH", "main")
MOT_REPOSITORY = env_str("MOT_REPOSITORY", "lfai/model_openness_tool")
MOT_BRANCH = env_str("MOT_BRANCH", "main")
OSI_VALIDATION_FILE = Path(
    env_str("OSI_VALIDATION_FILE", str(BASE_DIR / "catalog" / "indexes" / "osi_validation.yaml"))
)
# The machine-read tier: every Hub model with at least this many downloads (in the Hub's reported
# window, the last 30 days) and the first trending ones, read a listing page at a time.
HUB_DISCOVERY_MIN_DOWNLOADS = env_int("HUB_DISCOVERY_MIN_DOWNLOADS", 10_000)
HUB_DISCOVERY_TRENDING = env_int("HUB_DISCOVERY_TRENDING", 200)
HUB_DISCOVERY_MAX_PAGES = env_int("HUB_DISCOVERY_MAX_PAGES", 1000)
HUB_LISTING_PAGE_SIZE = env_int("HUB_LISTING_PAGE_SIZE", 500)
# Every machine-read entry is refreshed at least once in this period (curated ones once in
# REFRESH_STALE_AFTER_HOURS, first).
REFRESH_MACHINE_READ_PERIOD_HOURS = env_int("REFRESH_MACHINE_READ_PERIOD_HOURS", 7 * 24)
CELERY_BEAT_SCHEDULE = {
    "dispatch-refreshes": {"task": "catalog.tasks.dispatch_refreshes", "schedule": 300.0},
    "discover-models": {"task": "catalog.tasks.discover_models", "schedule": 6 * 3600.0},
    "discover-hub-models": {"task": "catalog.tasks.discover_hub_models", "schedule": 24 * 3600.0},
    # Defined in catalog/publishing.py, under the name it has always had.
    "rescore-all": {"task": "catalog.tasks.rescore_all", "schedule": 3600.0},
    "import-indexes": {
        "task": "catalog.tasks.import_indexes",
        "schedule": INDEXES_IMPORT_EVERY_HOURS * 3600.0,
    },
}
# Workers find catalog/tasks.py by autodiscovery; the rescore tasks live beside evidence_changed.
CELERY_IMPORTS = ["catalog.publishing"]
# Beat wakes at least once a minute and touches this file each time: its health check.
CELERY_BEAT_SCHEDULER = "openness.celery:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 60
BEAT_HEARTBEAT_FILE = env_str("BEAT_HEARTBEAT_FILE", str(BASE_DIR / "var" / "beat-heartbeat"))

# How many reverse proxies stand in front of the site and append to X-Forwarded-For. The client's
# address is read that many hops from the right of the header; with 0 the header is ignored and
# REMOTE_ADDR is the client, so a client cannot pick its own address for throttles and lockouts.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Counted in the cache (Redis in a deployment), per client address or per token.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "catalog.api.throttling.TokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "120/minute"),
        "user": env_str("API_TOKEN_RATE", "1200/minute"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Openness Scorecard API",
    "DESCRIPTION": "How open each AI model is, component by component, with evidence. "
    "Read-only; slugs identify models; data licensed CC-BY-4.0.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"RestrictionFlagEnum": "catalog.clauses.RESTRICTIONS"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "catalog.api.schema.add_common_responses",
    ],
}

# JSON lines for deployments (LOG_FORMAT=json); plain text for a person at a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if EMBEDDED else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "openness.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # In-process tasks would log a line each; a worker logs them through its own set-up.
    "loggers": {
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        # One line per hub request is noise; failures are recorded on the hub record.
        "httpx2": {"level": "WARNING"},
        # One line per request in deployments; the development server logs its own.
        "openness.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}
