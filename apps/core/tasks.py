import logging
import os

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)

IMPORT_TIME_LIMIT = getattr(settings, "IMPORT_TASK_TIME_LIMIT", 60 * 60)


@shared_task(name="core.ping", time_limit=30, soft_time_limit=25)
def ping(value: str = "pong") -> dict:
    """A round trip through the broker and a worker, for health checks and tests."""
    return {"echo": value, "pid": os.getpid()}


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=IMPORT_TIME_LIMIT,
    soft_time_limit=IMPORT_TIME_LIMIT - 60,
)
def import_job_run_task(job_id: str) -> dict:
    """Run the pending step of a browser import (the check of every row, or the confirmed
    import). Safe to run twice: a finished step is left alone, and an import's rows commit
    together with the job's result."""
    from .import_jobs import import_job_run

    job = import_job_run(job_id=job_id)
    if job is None:
        logger.warning("import job %s no longer exists: nothing to do", job_id)
        return {"id": job_id, "status": None}
    return {"id": str(job.pk), "step": job.step, "status": job.status}


@shared_task(acks_late=True, time_limit=30 * 60)
def import_jobs_delete_old_task() -> int:
    """Beat, nightly: delete old import jobs with their uploaded and error files."""
    from .import_jobs import import_jobs_delete_old

    return import_jobs_delete_old()
