"""Settings shared by every environment.

With no environment variables the app runs on an embedded SQLite file and Celery tasks run
eagerly; DATABASE_URL and REDIS_URL switch to PostgreSQL and a real broker and worker.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "apps.core",
    "apps.unions",
    "apps.competitions",
    "apps.model_workers",
    "apps.hardship",
    "apps.insurance",
    "apps.services",
    "apps.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.core.middleware.AuditContextMiddleware",
    # After the user is known: a user who must change an initial password gets the password
    # change page (pages) or a 403 (API) for everything else.
    "apps.core.password_change.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out login into our answer (apps.core.lockout.lockout_response).
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager task share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
# The grassroots union a union user works for: named here, as AUTH_USER_MODEL is, so that core
# (users, change requests) refers to it without importing the unions app (docs/architecture.md).
UNION_MODEL = "unions.GrassrootsUnion"
# The lockout check first: it refuses a locked-out user name before any password is checked.
AUTHENTICATION_BACKENDS = ["apps.core.lockout.LockoutBackend", "apps.core.auth.RoleBackend"]
# Django's hashers, plus one for generated initial passwords only (apps/core/hashers.py says
# why it is safe); last, so that no password a user chooses is ever hashed with it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "apps.core.hashers.InitialPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes, glue in apps/core/lockout.py): after AXES_FAILURE_LIMIT wrong
# passwords for one user name from one address, that pair is refused for the cool-off, on every
# door that takes a password (login page, API token, admin login). Keyed by name *and* address,
# so nobody can lock a colleague out from elsewhere; a success clears the count; an administrator
# unlocks in the admin (Axes: access attempts) or with `manage.py unlock_login`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A lock lasts the cool-off from the failure that caused it, as the message says; attempts while
# locked are refused without restarting it (an attacker gets no more tries either way).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "apps.core.lockout.lockout_response"
# The client address; our callable reads the AXES_IPWARE_* settings (no django-ipware needed):
# REMOTE_ADDR here, production reads the proxy's X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "apps.core.lockout.client_ip"
AXES_IPWARE_PROXY_COUNT = 0
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# ECharts from npm (package.json, `npm ci` by dev.py install): /static/vendor/echarts/echarts.min.js
if (BASE_DIR / "node_modules" / "echarts" / "dist").is_dir():
    STATICFILES_DIRS.append(("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files (attachments, generated reports) in an S3-compatible object store when S3_BUCKET is set,
# so that several web and worker machines share them; the endpoint is for MinIO and the like
# (empty: AWS itself). Keys and credentials may also come from boto3's usual sources.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        # django-storages' S3 backend; the import pipeline's working files stay local (its docstring)
        "BACKEND": "apps.core.storage.ObjectStorage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
            "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env("S3_REGION", default="") or None,
            "location": env("S3_LOCATION", default=""),
            # private objects: every download goes through the app (scope and audit)
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            # path-style URLs: what MinIO and other S3-compatible servers expect
            "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
        },
    }

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker when REDIS_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BEAT_SCHEDULE: dict = {
    # The provincial yearly report of the year that just ended, every January 1.
    "reports-yearly-provincial": {
        "task": "apps.reports.tasks.yearly_report_last_year_task",
        "schedule": crontab(minute=30, hour=1, day_of_month=1, month_of_year=1),
    },
    # The dashboards read precomputed summaries: refresh them every night.
    "reports-refresh-summaries": {
        "task": "apps.reports.tasks.indicator_summaries_refresh_task",
        "schedule": crontab(minute=0, hour=2),
    },
    # Yearly reports whose task was lost (broker restarted without persistence, worker killed):
    # queue them again. Cheap when there are none; generation is idempotent.
    "reports-requeue-stale": {
        "task": "apps.reports.tasks.yearly_reports_requeue_task",
        "schedule": crontab(minute="*"),
    },
}

# Content-Security-Policy: every script and style comes from our own static files (the app
# runs on intranets and loads nothing from elsewhere); no inline script, style or handler.
# The API docs pages relax style-src for their own vendored UI (config/urls.py).
_CSP_SELF = ("'self'",)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": _CSP_SELF,
        "script-src": _CSP_SELF,
        "style-src": _CSP_SELF,
        "img-src": ("'self'", "data:", "blob:"),
        "font-src": ("'self'", "data:"),
        "connect-src": _CSP_SELF,
        "worker-src": ("'self'", "blob:"),
        "object-src": ("'none'",),
        "base-uri": ("'self'",),
        "form-action": ("'self'",),
        "frame-ancestors": ("'self'",),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "apps.core.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.api.permissions.RolePermission"],
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.api.parsers.JSONParser",
        "apps.core.api.parsers.FormParser",
        "apps.core.api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "apps.core.api.search.ResidentIdSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gonghui API",
    "DESCRIPTION": "工会业务系统 REST API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.document_personal_data",
        "apps.core.api.schema.document_errors",
    ],
    # Several domains have a "status" or "level"; name each choice set after its meaning.
    "ENUM_NAME_OVERRIDES": {
        "RegionLevelEnum": "apps.core.choices.RegionLevel",
        "MemberStatusEnum": "apps.unions.choices.MemberStatus",
        "TransferStatusEnum": "apps.unions.choices.TransferStatus",
        "ApplicationStatusEnum": "apps.unions.choices.ApplicationStatus",
        "WorkerLevelEnum": "apps.model_workers.choices.WorkerLevel",
        "WorkerStatusEnum": "apps.model_workers.choices.WorkerStatus",
        "HonourLevelEnum": "apps.model_workers.choices.HonourLevel",
        "StudioLevelEnum": "apps.model_workers.choices.StudioLevel",
        "HealthEnum": "apps.hardship.choices.Health",
        "HouseholdStatusEnum": "apps.hardship.choices.Status",
        "ClaimStatusEnum": "apps.insurance.choices.ClaimStatus",
        "ReportStatusEnum": "apps.reports.choices.ReportStatus",
    },
}

IMPORT_EXPORT_USE_TRANSACTIONS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Domain settings
HARDSHIP_NOTICE_DAYS = env.int("HARDSHIP_NOTICE_DAYS", default=7)

# Reports
REPORTS_TASK_TIME_LIMIT = env.int("REPORTS_TASK_TIME_LIMIT", default=30 * 60)
# A pending report queued longer ago than this is queued again (by a re-request or the beat job).
REPORTS_REQUEUE_AFTER_MINUTES = env.int("REPORTS_REQUEUE_AFTER_MINUTES", default=5)
REPORTS_DASHBOARD_YEARS = env.int("REPORTS_DASHBOARD_YEARS", default=5)
REPORTS_CJK_FONT = env("REPORTS_CJK_FONT", default="")
# Dotted paths of the indicator selectors; unset means the five domains (apps.reports.indicators).
REPORTS_INDICATOR_SOURCES = env.list("REPORTS_INDICATOR_SOURCES", default=None)
# After a write or an import, recompute the dashboard summaries of the regions written to (and
# the regions above them) in the worker, REPORTS_REFRESH_DELAY_SECONDS later, one task for a
# burst of writes. Off here: without a worker (eager Celery) it would recompute in every
# request that writes; production turns it on. The nightly refresh runs either way.
REPORTS_REFRESH_ON_WRITE = env.bool("REPORTS_REFRESH_ON_WRITE", default=False)
REPORTS_REFRESH_DELAY_SECONDS = env.int("REPORTS_REFRESH_DELAY_SECONDS", default=300)

# Imports (apps/core/importing/, ../shared/spec/IMPORT.md): limits answered with a message
# before any row is read, and the time limit of the browser's import task.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=1_000_000)
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=100)
# An .xlsx: the sum of its zip members' unpacked sizes, and the largest ratio of one member
# (a zip bomb is refused from the zip directory, before openpyxl opens it).
IMPORT_MAX_UNCOMPRESSED_MB = env.int("IMPORT_MAX_UNCOMPRESSED_MB", default=1024)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=200)
IMPORT_TASK_TIME_LIMIT = env.int("IMPORT_TASK_TIME_LIMIT", default=60 * 60)
# Import jobs (uploaded files, error files, results) are deleted this many days after they began.
IMPORT_JOB_KEEP_DAYS = env.int("IMPORT_JOB_KEEP_DAYS", default=7)
CELERY_BEAT_SCHEDULE["imports-delete-old-jobs"] = {
    "task": "apps.core.tasks.import_jobs_delete_old_task",
    "schedule": crontab(minute=15, hour=3),
}
