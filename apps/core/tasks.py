import os

from celery import shared_task


@shared_task(name="core.ping", time_limit=30, soft_time_limit=25)
def ping(value: str = "pong") -> dict:
    """A round trip through the broker and a worker, for health checks and tests."""
    return {"echo": value, "pid": os.getpid()}
