"""Writes of browser imports: an ImportJob holds the uploaded file; a task checks every row (the
preview, a dry run) and, once the user confirms, imports it. Both steps run in
``import_job_run_task`` (apps/core/tasks.py), enqueued after commit; with the embedded default
(eager Celery) they run at once, in the request.

Idempotent: a finished step is never run again, and the import's rows are committed in the
same transaction as the job's result, so a redelivered task (worker lost) either finds the
step done or starts it again from a rolled-back state.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from . import freshness
from .exceptions import ApplicationError
from .importing import (
    ImportFileError,
    ImportResource,
    ImportResult,
    check_file,
    check_upload_size,
    get_resource,
    run_import,
)
from .models import AuditEntry, ImportJob, ImportJobStatus, ImportJobStep
from .scoping import is_union_user

logger = logging.getLogger(__name__)

SUFFIXES = (".xlsx", ".csv")
MAX_ATTEMPTS = 3  # a step whose worker died this often (e.g. killed for memory) is given up

# Why a step failed, stored on the job as the English msgid (the worker has no reader's language)
# and translated when shown (job_error_message). A refusal by the file's rules (ImportFileError,
# ApplicationError) is stored as its text, worded by the import pipeline.
QUEUE_REFUSED = gettext_noop(
    "The import queue is not available at the moment and nothing was imported; upload the file "
    "again in a few minutes."
)
TOO_MANY_ATTEMPTS = gettext_noop(
    "The import was tried %(attempts)s times without finishing and nothing was written; split the "
    "file into several files and import them one by one."
)
OVER_TIME_LIMIT = gettext_noop(
    "The import went over its time limit of %(minutes)s minutes and nothing was written; split the "
    "file into several files and import them one by one."
)
UNEXPECTED = gettext_noop(
    "An unexpected error stopped the import and nothing was written; try again later or ask the "
    "system administrator."
)
STORED_MESSAGES = frozenset({QUEUE_REFUSED, TOO_MANY_ATTEMPTS, OVER_TIME_LIMIT, UNEXPECTED})


def time_limit() -> int:
    return getattr(settings, "IMPORT_TASK_TIME_LIMIT", 60 * 60)


def _progress_key(job_id: Any) -> str:
    return f"import-job:{job_id}:progress"


def job_error_message(job: ImportJob) -> str:
    """Why the job failed, in the active language: a stored msgid is translated (its numbers are
    today's settings: the attempts and the time limit); any other text is shown as stored."""
    if job.error in STORED_MESSAGES:
        return gettext(job.error) % {"attempts": MAX_ATTEMPTS, "minutes": time_limit() // 60}
    return job.error


def import_job_progress(job: ImportJob) -> dict[str, Any]:
    """What the progress page shows: the step, its status, rows done and rows in all."""
    done, total = 0, job.rows_total
    if job.finished:
        done = (job.result or {}).get("total", 0) if job.status == ImportJobStatus.DONE else 0
    elif job.status == ImportJobStatus.RUNNING:
        done, total = cache.get(_progress_key(job.pk)) or (0, total)
    return {
        "step": job.step,
        "status": job.status,
        "finished": job.finished,
        "done": done,
        "total": total,
    }


def import_job_create(*, user: Any, resource: ImportResource, upload: UploadedFile, source: str) -> ImportJob:
    """Store the upload and enqueue the check of its rows; file-level limits are refused here
    (ImportFileError), before anything is stored or read."""
    if is_union_user(user):  # their writes wait for the county one by one (proposals.py)
        raise ImportFileError(
            _(
                "Grassroots union accounts cannot import in bulk: register the records one by one, "
                "for the county union to approve."
            )
        )
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError(
            _("The file type “%(suffix)s” is not supported: upload an .xlsx or .csv file.")
            % {"suffix": suffix}
        )
    check_upload_size(upload.size or 0)
    job = ImportJob(user=user, resource=resource.name, source=source, filename=(upload.name or "")[:255])
    job.file.save(f"{job.pk.hex}{suffix}", upload, save=False)
    try:
        check_file(Path(job.file.path))
    except ImportFileError:
        job.file.delete(save=False)
        raise
    with transaction.atomic():
        job.save()
        _enqueue(job)
    return job


def own_job(*, job_id: Any, user: Any) -> ImportJob | None:
    """The user's own job, or None (someone else's job is not revealed)."""
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError:
        return None
    return ImportJob.objects.filter(pk=pk, user=user).first()


def import_job_confirm(*, job_id: Any, user: Any, skip_invalid: bool) -> ImportJob | None:
    """Start the import of a checked file, once: None for a job that is not the user's, not
    checked yet, or already confirmed (a confirmation cannot be replayed)."""
    with transaction.atomic():
        job = own_job(job_id=job_id, user=user)
        if job is not None:
            job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job is None or job.step != ImportJobStep.PREVIEW or job.status != ImportJobStatus.DONE:
            return None
        job.step = ImportJobStep.IMPORT
        job.status = ImportJobStatus.PENDING
        job.skip_invalid = skip_invalid
        job.attempts = 0
        job.save(update_fields=["step", "status", "skip_invalid", "attempts"])
        _enqueue(job)
    return job


def _enqueue(job: ImportJob) -> None:
    """Queue the job's step once the job is committed (ids only). A broker that refuses the
    task fails the job with a message, instead of leaving it waiting for ever."""
    from kombu.exceptions import OperationalError as BrokerError

    from .tasks import import_job_run_task

    job_id = str(job.pk)

    def send() -> None:
        try:
            # nobody waits for the result: the job row is the result
            import_job_run_task.apply_async(args=[job_id], ignore_result=True)
        except BrokerError as exc:
            logger.warning("import job %s: the broker refused its task: %s", job_id, exc)
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJobStatus.FAILED,
                error=QUEUE_REFUSED,
                finished_at=timezone.now(),
            )

    transaction.on_commit(send)


def _start(job_id: str) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("user").filter(pk=job_id).first()
        if job is None or job.finished:
            return job
        job.attempts += 1
        job.status = ImportJobStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["attempts", "status", "started_at"])
    cache.delete(_progress_key(job.pk))
    return job


def _finish(job: ImportJob, result: ImportResult, error_name: str = "") -> None:
    job.status = ImportJobStatus.DONE
    job.rows_total = result.total
    job.result = result.to_json()
    job.finished_at = timezone.now()
    if result.error_file is not None:
        job.error_file.name = error_name
    job.save(update_fields=["status", "rows_total", "result", "finished_at", "error_file"])


def _fail(job: ImportJob, message: str) -> None:
    job.status = ImportJobStatus.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def _written_region_ids(job: ImportJob) -> set[int]:
    """The regions of the records this job wrote, read from their audit entries (one query,
    none while nobody listens to changes): the job's user and door, since the job started."""
    if not freshness.listening():
        return set()
    entries = AuditEntry.objects.filter(
        user=job.user, source=job.source, at__gte=job.started_at, region__isnull=False
    )
    return set(entries.order_by().values_list("region_id", flat=True).distinct())


def import_job_run(*, job_id: str) -> ImportJob | None:
    """Run the pending step of a job (the task's body); a finished step is left as it is."""
    from celery.exceptions import SoftTimeLimitExceeded

    job = _start(job_id)
    if job is None or job.finished:
        return job
    if job.attempts > MAX_ATTEMPTS:
        _fail(job, TOO_MANY_ATTEMPTS)
        return job
    key = _progress_key(job.pk)

    def progress(done: int, total: int) -> None:
        cache.set(key, (done, total), timeout=time_limit() + 600)

    try:
        resource = get_resource(job.resource)
        path = Path(job.file.path)
        if job.step == ImportJobStep.PREVIEW:
            result = run_import(resource, path, user=job.user, dry_run=True, progress=progress)
            _finish(job, result)
            return job
        error_name = f"imports/{job.pk.hex}.errors{path.suffix}"
        error_file = Path(job.error_file.storage.path(error_name))
        with transaction.atomic():  # the rows and the job's result commit together
            result = run_import(
                resource,
                path,
                user=job.user,
                skip_invalid=job.skip_invalid,
                source=job.source,
                error_file=error_file,
                progress=progress,
            )
            _finish(job, result, error_name)
            if result.written and (result.created or result.updated):
                # the figures of the regions written to are stale: told once, on commit
                freshness.on_changed(_written_region_ids(job))
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
    except (ImportFileError, ApplicationError) as exc:
        _fail(job, str(exc))
    except SoftTimeLimitExceeded:
        _fail(job, OVER_TIME_LIMIT)
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _fail(job, UNEXPECTED)
    finally:
        cache.delete(key)
    return job


def import_jobs_delete_old(*, days: int | None = None) -> int:
    """Delete the jobs begun more than ``days`` ago, with their files; returns how many."""
    days = days if days is not None else getattr(settings, "IMPORT_JOB_KEEP_DAYS", 7)
    old = ImportJob.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=days)).exclude(
        status=ImportJobStatus.RUNNING
    )
    count = 0
    for job in old.iterator():
        for f in (job.file, job.error_file):
            if f:
                f.delete(save=False)
        job.delete()
        count += 1
    return count
