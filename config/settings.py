"""Settings for 学分通, read from environment variables with safe defaults.

DATABASE_URL  default: a SQLite file in the checkout (demo and tests work with nothing set up)
REDIS_URL     default: unset; Celery then runs tasks eagerly in-process and the cache is local
SECRET_KEY    required when DEBUG is off (or SECRET_KEY_FILE: a file holding it); the process
              refuses to start without one. `make` writes a local one to .secret_key.
SECRET_KEY_FALLBACKS  earlier keys, comma-separated, still accepted while rotating
DEBUG         default: off
ALLOWED_HOSTS default: 127.0.0.1,localhost
HTTPS         default: off; on: HSTS, SSL redirect, Secure cookies (docs/security.md)
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def read_secret_key() -> str:
    """Return SECRET_KEY, or the contents of SECRET_KEY_FILE; "" when neither is set."""
    if key := os.environ.get("SECRET_KEY", "").strip():
        return key
    if path := os.environ.get("SECRET_KEY_FILE", "").strip():
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"无法读取 SECRET_KEY_FILE（{path}）：{error.strerror}。"
                f" / SECRET_KEY_FILE {path} cannot be read."
            ) from error
    return ""


DEBUG = env_bool("DEBUG")
# A known key lets anyone sign a certificate's verification code, so no process starts
# without a real one; there is no built-in default (docs/security.md).
SECRET_KEY = read_secret_key()
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "未设置 SECRET_KEY：请设置环境变量 SECRET_KEY（或 SECRET_KEY_FILE 指向保存密钥的文件）。"
        "生成方法：python -c 'import secrets; print(secrets.token_urlsafe(50))'。"
        " / SECRET_KEY is not set: set SECRET_KEY (or SECRET_KEY_FILE). `make run` and"
        " `make test` create a local one in .secret_key."
    )
# Keys used before the current one: signatures made with them (QR verification codes,
# sessions) stay valid while a bureau rotates the key.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "import_export",
    "simple_history",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "institutions",
    "notices",
    "trainees",
    "projects",
    "platforms",
    "credits",
    "imports",
    "certificates",
    "audit",
    "demo",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # With OTP_REQUIRED: superusers and region officers finish two-factor login first.
    "institutions.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Logs each call of an API client with its status and duration (docs/api.md).
    "platforms.middleware.ApiCallLogMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "config.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept-alive connection is checked before a request reuses it, so the first request
        # after a database restart reconnects instead of failing (docs/operations.md, "Faults").
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a seed or import writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "institutions.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account + address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    # django-redis with IGNORE_EXCEPTIONS: when Redis is down the cache misses instead of
    # failing, so pages keep serving (rate limits then count per process, nothing breaks).
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 300,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with REDIS_URL the broker is Redis; without it every task runs eagerly in-process,
# so a fresh clone works with nothing but Python.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker keeps reconnecting however long Redis is down (Celery's default gives up after 100
# tries, about 50 minutes, and the worker exits).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Redis down: sending a task gives up within about 3 s instead of hanging a page for 20 s
# (connect 2 s, two more tries); the page then says so (docs/operations.md, "Faults").
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 10
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": CELERY_TASK_PUBLISH_RETRY_POLICY}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task whose worker died unacknowledged is handed to another worker after this long;
    # workers look for such tasks every 10 s. It exceeds the longest retry back-off (a task
    # waiting for its retry is held unacknowledged); a task still running after it may run
    # twice at once, which the audit's and the import's steps allow (docs/operations.md).
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "300")),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
    # A Redis that vanished without closing the connection (failover, firewall) is noticed.
    "socket_timeout": 10,
}
CELERY_RESULT_EXPIRES = 24 * 3600

# The address printed in certificate QR codes; the nightly audit has no request to take it from.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# Nightly audit: a teacher whose credits reach this share of what the elapsed time calls for
# is "at risk" rather than "behind" (docs/operations.md).
AUDIT_AT_RISK_RATIO = os.environ.get("AUDIT_AT_RISK_RATIO", "0.8")
# Memory PostgreSQL may use per sort/hash while auditing one county (SET LOCAL work_mem).
AUDIT_WORK_MEM = os.environ.get("AUDIT_WORK_MEM", "64MB")
# An audit task that meets a database or broker error retries after AUDIT_RETRY_BACKOFF
# seconds, doubling up to AUDIT_RETRY_BACKOFF_MAX, AUDIT_RETRY_MAX times (about 10 minutes:
# a database restart). A run still running after AUDIT_RUN_TIMEOUT_MINUTES is marked failed.
AUDIT_RETRY_BACKOFF = int(os.environ.get("AUDIT_RETRY_BACKOFF", "10"))
AUDIT_RETRY_BACKOFF_MAX = int(os.environ.get("AUDIT_RETRY_BACKOFF_MAX", "120"))
AUDIT_RETRY_MAX = int(os.environ.get("AUDIT_RETRY_MAX", "8"))
AUDIT_RUN_TIMEOUT_MINUTES = int(os.environ.get("AUDIT_RUN_TIMEOUT_MINUTES", "180"))
# The API's hottest reads run as PostgreSQL prepared statements (core/api_sql.py); turn off
# behind a pooler in transaction mode, where a session's statements may not be there.
API_PREPARED_STATEMENTS = env_bool("API_PREPARED_STATEMENTS", True)
# How long API call-log lines are kept before the nightly purge.
API_CALL_LOG_RETENTION_DAYS = int(os.environ.get("API_CALL_LOG_RETENTION_DAYS", "180"))

# Reverse proxies in front of the portal that append the client's address to
# X-Forwarded-For (nginx with `proxy_add_x_forwarded_for`). 0: trust no header and use the
# socket's address. The certificate verification rate limit and DRF's throttles read it.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

REST_FRAMEWORK = {
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Platforms by bearer token (API clients), people by their session; read-only clients
    # are refused writes; each client at its own rate (docs/api.md).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "platforms.authentication.ApiClientAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "platforms.authentication.ReadOnlyClientPermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["platforms.authentication.ApiClientThrottle"],
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "学分通 API",
    "DESCRIPTION": "教师继续教育学分管理平台接口 / Continuing-education credit portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
# A large upload queued for a worker that has not started it after this long (its task was
# lost with a Redis restart) is given up with a message: upload again, or confirm again.
IMPORT_QUEUE_TIMEOUT_SECONDS = int(os.environ.get("IMPORT_QUEUE_TIMEOUT_SECONDS", "900"))
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# The admin shows every version of a row but never writes one back: a revert would bypass
# the services' rules (declared records, grade quotas, the append-only ledger).
SIMPLE_HISTORY_REVERT_DISABLED = True

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# HTTPS=1 when the portal is served over HTTPS (directly or behind TRUSTED_PROXY_COUNT proxies
# that terminate TLS and set X-Forwarded-Proto): docs/security.md.
HTTPS = env_bool("HTTPS")
if HTTPS:
    SECURE_SSL_REDIRECT = True
    # Load balancers probe /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if TRUSTED_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts and styles only from the portal's own static
# files, no inline code, nothing from another origin, never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Logins (django-axes): 10 wrong passwords for one account from one address lock that
# account at that address for 15 minutes; another school behind the same county address
# keeps logging in. The address is REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the
# address the outermost one saw (core.addresses); a forged X-Forwarded-For changes nothing.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.addresses.client_address"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

# Two-factor login (django-otp, TOTP): any staff account may turn it on; with
# OTP_REQUIRED=1 superusers and region officers must (off in the demo).
OTP_REQUIRED = env_bool("OTP_REQUIRED")
OTP_TOTP_ISSUER = "学分通"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The ledger's covering index (INCLUDE columns) exists on PostgreSQL; SQLite, the demo's
# database, builds it without them, which is all W040 says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
