"""The Celery app: JSON only, time limits, late acknowledgement (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("gonghui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# With acks_late, a task whose worker died is redelivered once the broker's visibility timeout
# has passed (Redis default: one hour). Tasks are idempotent, so a shorter one is safe; tests
# that kill a worker set it to a few seconds.
if os.environ.get("CELERY_BROKER_VISIBILITY_TIMEOUT"):
    app.conf.broker_transport_options = {
        **(app.conf.broker_transport_options or {}),
        "visibility_timeout": int(os.environ["CELERY_BROKER_VISIBILITY_TIMEOUT"]),
    }
