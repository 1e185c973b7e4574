"""Settings for Chuangcheng.

Values come from the environment with safe development defaults:

- ``DATABASE_URL``: unset means SQLite at ``var/db.sqlite3`` (WAL mode, busy timeout).
- ``REDIS_URL``: unset means Celery uses kombu's filesystem transport under ``var/`` and the
  cache is file-based, so web, worker and beat still share state without any server.
- ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``, ``CSRF_TRUSTED_ORIGINS``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import leaflet
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core ----------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-change-me-3b1f0c9e6a7d4e2f8a5b"  # noqa: S105 (DEBUG only)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "rest_framework_api_key",
    "axes",
    # Ours, from the ground floor up (imports point this way only; DESIGN §3).
    "web",
    "districts",
    "accounts",
    "notifications",
    "inspections",
    "oversight",
    "volunteers",
    "surveys",
    "campaign",
    "open311",
    "neighbourhood",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A refusal a page did not catch gets its page (409, 400), not a server error.
    "web.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
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
                "notifications.context_processors.bell",
                "web.navigation.context",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so the project's own widget templates are found.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database ------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside the writer, IMMEDIATE
    # transactions take the write lock up front (no deadlock on upgrade), and the timeout
    # waits for the lock instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ----------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "chuangcheng",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
else:
    # No server at all: a file cache and a filesystem broker that every process can reach.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    BROKER_DIR = VAR_DIR / "broker"
    for sub in ("queue", "processed"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }

CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "volunteer-sweep": {"task": "volunteers.tasks.sweep", "schedule": timedelta(minutes=1)},
    "heartbeat": {"task": "config.tasks.heartbeat", "schedule": timedelta(minutes=1)},
    "deliver-outbox": {"task": "notifications.tasks.deliver_due", "schedule": timedelta(minutes=1)},
    "enforce-deadlines": {"task": "inspections.tasks.enforce_deadlines", "schedule": timedelta(minutes=1)},
    "purge-report-drafts": {"task": "inspections.tasks.purge_drafts", "schedule": timedelta(hours=1)},
    "refresh-rollup": {"task": "inspections.tasks.refresh_rollup", "schedule": timedelta(minutes=1)},
    "daily-briefing": {"task": "campaign.tasks.make_daily_briefings", "schedule": crontab(hour=8, minute=0)},
}

# The deadline ladder (inspections.deadlines): a reminder this long before the deadline; at the
# deadline the finding is overdue; this long after it, escalated to the district.
DEADLINE_REMIND_BEFORE = timedelta(hours=float(os.environ.get("DEADLINE_REMIND_BEFORE_HOURS", "2")))
DEADLINE_ESCALATE_AFTER = timedelta(hours=float(os.environ.get("DEADLINE_ESCALATE_AFTER_HOURS", "24")))

# The volunteer service (volunteers.rules): sign-ups close this long before the start for
# cancelling; this many no-shows in the window make a person's sign-ups need approval.
VOLUNTEER_CANCEL_CUTOFF = timedelta(hours=float(os.environ.get("VOLUNTEER_CANCEL_CUTOFF_HOURS", "2")))
VOLUNTEER_NO_SHOW_LIMIT = int(os.environ.get("VOLUNTEER_NO_SHOW_LIMIT", "3"))
VOLUNTEER_NO_SHOW_WINDOW = timedelta(days=int(os.environ.get("VOLUNTEER_NO_SHOW_WINDOW_DAYS", "180")))

# The 15-minute life circle (neighbourhood.circle): the walking reach around a community's
# service centre, in metres (a community may set its own in the admin); how long the residents'
# public page is kept in the cache; the category offered first for a finding made from what the
# circle lacks (the person reporting may choose another).
CIRCLE_RADIUS_M = int(os.environ.get("CIRCLE_RADIUS_M", "1000"))
CIRCLE_PUBLIC_CACHE_SECONDS = int(os.environ.get("CIRCLE_PUBLIC_CACHE_SECONDS", "300"))
CIRCLE_FINDING_CATEGORY = os.environ.get("CIRCLE_FINDING_CATEGORY", "broken-facility")

# --- Notifications (the outbox) ------------------------------------------------------------

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
NOTIFICATION_CHANNELS = env_list("NOTIFICATION_CHANNELS", "in_app,email,sms")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.channels.LoggingSmsBackend")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "chuangcheng@localhost")
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_BACKOFF_SECONDS = int(os.environ.get("OUTBOX_BACKOFF_SECONDS", "30"))
CALLBACK_TIMEOUT = float(os.environ.get("CALLBACK_TIMEOUT", "10"))
# The 12345 hotline's feedback endpoint and the secret its callbacks are signed with.
HOTLINE_CALLBACK_URL = os.environ.get("HOTLINE_CALLBACK_URL", "")
HOTLINE_CALLBACK_SECRET = os.environ.get("HOTLINE_CALLBACK_SECRET", "")

# --- Auth ----------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out login is refused before the password is checked.
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

# Failed logins: five wrong passwords for one username from one address lock that pair for
# fifteen minutes; a success resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False

# --- Internationalisation ------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root
# django-leaflet ships Leaflet itself; only its static files are used (its admin and form
# widgets need GDAL, which this project does without), so the app is not installed.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    Path(leaflet.__file__).resolve().parent / "static",
    # Front-end packages from the npm registry (package.json; ``npm ci`` in ``make setup``).
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/gcoord", BASE_DIR / "node_modules" / "gcoord" / "dist"),
]
# Photos are never served from a public URL: ``inspections.views.photo`` checks who asks. Behind
# nginx, set MEDIA_ACCEL_REDIRECT to its internal location (docker-compose.yml does) and nginx
# sends the file; otherwise the portal sends it itself.
MEDIA_URL = "media/"
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Maps ----------------------------------------------------------------------------------

# Tiles come from a configurable URL (an intranet tile server); pages draw polygons and
# markers without them.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "")
MAP_CENTER = (36.651, 116.992)
# The coordinate system of the tiles: "WGS84" (most intranet servers), or "GCJ02" for Chinese
# services (Amap, Tencent); the dashboard's map converts our WGS-84 data to it for display.
MAP_TILES_CRS = os.environ.get("MAP_TILES_CRS", "WGS84").upper()

# --- API -----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    # Refusals of the services (web.errors) become 403 / 409 / 400 answers in every API view.
    "EXCEPTION_HANDLER": "web.errors.api_exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("Chuangcheng API"),
    "DESCRIPTION": _(
        "The findings of the civilization campaign: report, route, rectify and verify. People use their "
        "session; the 12345 hotline uses an API key (Authorization: Api-Key <key>)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's assets come from the sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets of the same field name in several apps, each with its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "FindingStatusEnum": "inspections.models.Finding.Status",
        "FindingEventKindEnum": "inspections.models.FindingEvent.Kind",
        "ActivityKindEnum": "volunteers.models.activities.Activity.Kind",
        "SignUpStatusEnum": "volunteers.models.activities.SignUp.Status",
        "WishStatusEnum": "volunteers.models.wishes.Wish.Status",
    },
}

# --- Security ------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # HTTPS by default; `make run` turns the two off to serve plain HTTP on 127.0.0.1.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if SECURE_SSL_REDIRECT else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # /healthz is probed over plain HTTP by the container's health check.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
