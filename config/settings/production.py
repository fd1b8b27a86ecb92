"""Production settings: PostgreSQL, Redis, a Celery worker, HTTPS behind a proxy."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

# The login lockout is keyed by user name and client address. Behind the reverse proxy every
# connection comes from the proxy, so the client is read from X-Forwarded-For instead: the entry
# the outermost of DJANGO_PROXY_COUNT trusted proxies appended (what the client put before it is
# ignored, it could be forged). Set the number of proxies in front of gunicorn (default 1, the
# TLS terminator SECURE_PROXY_SSL_HEADER already trusts); 0 if clients connect directly. If
# clients can also reach gunicorn without the proxy, list the proxies' address prefixes in
# DJANGO_TRUSTED_PROXY_IPS (e.g. 10.0.0.5,172.18.) so that only their header is believed.
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=1)
AXES_IPWARE_PROXY_TRUSTED_IPS = env.list("DJANGO_TRUSTED_PROXY_IPS", default=[]) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Persistent database connections: a connection per request cost most of a member detail
# request (issue 15's A/B: ~24 ms → 8–11 ms p50). Health checks drop a connection the database
# closed (a restart, a pooler's idle timeout) before a request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# The dashboards follow writes and imports a few minutes later (a worker recomputes the
# summaries of the regions written to); see base.py.
REPORTS_REFRESH_ON_WRITE = env.bool("REPORTS_REFRESH_ON_WRITE", default=True)
