"""Settings of the HTTP benchmark: production's (DEBUG off, persistent connections, whitenoise),
served over plain HTTP on loopback, with one extra URL: the baseline view."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.web.urls"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
AXES_IPWARE_PROXY_COUNT = 0
LOGGING = {"version": 1, "disable_existing_loggers": False}
