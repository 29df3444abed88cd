"""Settings shared by every mode. Everything that differs between machines comes from the
environment; see README.md for the variables."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "partners",
    "governance",
    "delegations",
    "design",
    "console",
    "demo",
]

MIDDLEWARE = [
    # First, so every later middleware and view sees text with nothing unstorable in it.
    "core.text_input.UnstorableTextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.htmx.VaryOnHtmxMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "partners.middleware.TwoFactorMiddleware",
    "partners.middleware.ContentSecurityPolicyMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "partners.context_processors.navigation",
            ],
            "builtins": ["django.contrib.humanize.templatetags.humanize"],
        },
    }
]

# Form templates (templates/forms/) render NHS.UK frontend markup.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite (`make run`, `make test`) has one writer at a time. Without these, people
    # autosaving at once got 500 "database is locked": a transaction that read first cannot
    # wait for the write lock. BEGIN IMMEDIATE takes that lock at the start of every
    # transaction, so the others wait for it up to `timeout` seconds; WAL lets pages be read
    # while someone writes. synchronous=NORMAL is safe with WAL and much faster.
    # (tests/core/test_concurrent_autosave.py)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
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
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "14"))

# django-guardian: we never grant anonymous object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-axes: lock an account+address pair after repeated failures, for a cool-off period.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the e-mail address in the field Django calls "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
# Failures count against the address as stored (trimmed, lower case), not as typed: one
# count per account whatever its spelling. The lockout page says how long to wait.
AXES_USERNAME_CALLABLE = "partners.throttling.axes_username"
AXES_LOCKOUT_CALLABLE = "partners.throttling.sign_in_locked_out"

# Password reset requests (partners.throttling): this many per normalised address and per
# client address in each window, then a page saying how long to wait.
PASSWORD_RESET_LIMIT_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_EMAIL", "3"))
PASSWORD_RESET_LIMIT_PER_IP = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_IP", "20"))
PASSWORD_RESET_THROTTLE_WINDOW_MINUTES = int(
    os.environ.get("PASSWORD_RESET_THROTTLE_WINDOW_MINUTES", "15")
)
# Two-factor codes (partners.two_factor): this many wrong codes for one account since its
# last right one pause code entry for the window after the last wrong one, in every session.
TWO_FACTOR_FAILURE_LIMIT = int(os.environ.get("TWO_FACTOR_FAILURE_LIMIT", "5"))
TWO_FACTOR_LOCKOUT_MINUTES = int(os.environ.get("TWO_FACTOR_LOCKOUT_MINUTES", "15"))

# Two-factor sign-in (partners.two_factor): the name authenticator apps show for the account.
OTP_TOTP_ISSUER = "Place Governance Designer"

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 8)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token is sent in hx-headers
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
WHITENOISE_USE_FINDERS = True  # lets a bare checkout serve static files before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Place Governance Designer <no-reply@localhost>"
)
# The address people follow from e-mails; tasks have no request to build it from.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The cache every server process shares, where the password-reset throttle counts: Redis when
# CACHE_URL is set (docker compose sets it); otherwise each process keeps its own, which is
# right for the one process of `make run`.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: with no broker configured, tasks run eagerly in-process (first run on a bare machine).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery beat (the `beat` service): open and close consultation rounds on time, remind
# place leads before their deadline, and publish the tasks kept while the broker was down.
# Every one of these tasks is idempotent.
CELERY_BEAT_SCHEDULE = {
    "rounds-advance": {
        "task": "governance.tasks.rounds_advance_task",
        "schedule": 5 * 60.0,  # every 5 minutes
    },
    "pending-tasks-retry": {
        "task": "partners.tasks.pending_tasks_retry_task",
        "schedule": 5 * 60.0,  # every 5 minutes
    },
    "invitations-retry-unsent": {
        "task": "partners.tasks.invitations_retry_unsent_task",
        "schedule": 10 * 60.0,  # every 10 minutes
    },
    "round-reminders": {
        "task": "governance.tasks.round_reminders_task",
        "schedule": 60 * 60.0,  # hourly
    },
}
# A message a worker took but never acknowledged (the worker was killed) goes back on the
# queue after this many seconds. It must exceed the longest job (a compilation takes well
# under a minute), or a slow job would be run twice; jobs are idempotent either way.
#
# Tasks are published inside a person's request. A Redis that stops answering without
# closing the connection (a frozen server, a dropped network) would hold that request for as
# long as it stays silent: the socket timeouts make publishing fail within seconds instead,
# and core.outbox keeps the message. The read timeout stays above the one-second wait (BRPOP)
# a worker polls the queue with.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": 1 if os.environ.get("CELERY_VISIBILITY_TIMEOUT") else 10,
    "unacked_restore_throttle": 1 if os.environ.get("CELERY_VISIBILITY_TIMEOUT") else 10,
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
}
# One attempt per publish: each retry waits out the timeouts again (a hung Redis held a
# request 10 s with Celery's default three retries), redis-py already reconnects a pooled
# connection Redis dropped, and what the broker does not take is kept by core.outbox or
# retried by the scheduler.
CELERY_TASK_PUBLISH_RETRY = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
