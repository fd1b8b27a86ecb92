"""The browser and admin doors of the import pipeline: upload → check (the preview) → confirm
→ import, and export.

Both doors call the same functions as the command line (apps/core/importing/), through an
ImportJob whose steps run as a Celery task with progress (apps/core/import_jobs.py); with the
embedded default (eager Celery) a step is finished by the time its page is shown. A job's page
is the start page with ``?job=<id>``: progress, then the preview or the result. A job is seen
only by the user who started it (404 for anyone else).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .choices import AuditSource
from .import_jobs import (
    import_job_confirm,
    import_job_create,
    import_job_progress,
    job_error_message,
    own_job,
)
from .importing import (
    ImportFileError,
    ImportResult,
    get_resource,
    max_upload_bytes,
    registry,
    run_export,
    write_template,
)
from .importing.cells import contract_text
from .models import ImportJob, ImportJobStatus, ImportJobStep
from .scoping import is_union_user

UPLOAD_DIR = "imports"
SHOWN_ERRORS = 500


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def _allowed(user, resource) -> bool:
    # a grassroots union's writes wait for the county one by one (proposals.py): no bulk door
    opts = resource.model._meta
    return not is_union_user(user) and user.has_perm(f"{opts.app_label}.add_{opts.model_name}")


def _resources_for(user) -> list:
    return [cls() for name, cls in sorted(registry().items()) if _allowed(user, cls())]


def _render(request, template: str, ctx: dict, admin_site=None) -> HttpResponse:
    if admin_site is not None:
        ctx = {**admin_site.each_context(request), **ctx, "is_admin": True}
        return render(request, f"admin/core/{template}", ctx)
    return render(request, f"core/{template}", ctx)


def _too_large(request: HttpRequest) -> bool:
    """An upload larger than the limit, from its Content-Length: refused before it is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_upload_bytes() + 1024 * 1024  # the form's other fields and boundaries


@login_required
@require_http_methods(["GET", "POST"])
def import_start(
    request: HttpRequest, admin_site=None, confirm_url_name: str = "import-confirm"
) -> HttpResponse:
    """Choose a template and upload a file; the check of its rows (a dry run) is the preview."""
    if request.method == "GET" and request.GET.get("job"):
        return _job_page(request, request.GET["job"], admin_site, confirm_url_name)
    ctx = _start_context(request)
    if request.method == "POST" and _too_large(request):
        ctx["errors"] = [_upload_limit_message()]
        return _render(request, "import_start.html", ctx, admin_site)
    chosen = request.POST.get("resource") or request.GET.get("resource") or ""
    ctx["chosen"] = chosen
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            resource = get_resource(chosen)
        except ImportFileError as exc:
            ctx["errors"] = [str(exc)]
            return _render(request, "import_start.html", ctx, admin_site)
        if not _allowed(request.user, resource):
            raise PermissionDenied
        if upload is None:
            ctx["errors"] = [_("Choose a file to upload.")]
            return _render(request, "import_start.html", ctx, admin_site)
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            ctx["errors"] = [_upload_limit_message()]
            return _render(request, "import_start.html", ctx, admin_site)
        source = AuditSource.ADMIN if admin_site is not None else AuditSource.PAGE
        try:
            job = import_job_create(user=request.user, resource=resource, upload=upload, source=source)
        except ImportFileError as exc:
            ctx["errors"] = [str(exc)]
            return _render(request, "import_start.html", ctx, admin_site)
        return redirect(f"{request.path}?job={job.pk}")
    return _render(request, "import_start.html", ctx, admin_site)


def _start_context(request: HttpRequest) -> dict:
    return {
        "resources": _resources_for(request.user),
        "chosen": "",
        "errors": [],
        "title": _("Import records"),
        "max_upload_bytes": max_upload_bytes(),  # checked in the browser too (import_job.js)
        "upload_limit_message": _upload_limit_message(),
    }


def _upload_limit_message() -> str:
    return _("Upload an .xlsx or .csv file of at most %(mb)s MB.") % {
        "mb": max_upload_bytes() // 1024 // 1024
    }


def _own_job_or_404(request: HttpRequest, job_id) -> ImportJob:
    job = own_job(job_id=job_id, user=request.user)
    if job is None:
        raise Http404
    return job


def _job_page(request: HttpRequest, job_id: str, admin_site, confirm_url_name: str) -> HttpResponse:
    """A job's progress while a step runs; then its preview, its result, or why it failed."""
    job = _own_job_or_404(request, job_id)
    resource = get_resource(job.resource)
    ctx = {"job": job, "resource": resource, "filename": job.filename}
    if not job.finished:
        ctx.update(
            title=_("Checking the file") if job.step == ImportJobStep.PREVIEW else _("Importing"),
            progress=import_job_progress(job),
            status_url=reverse("import-job-status", args=[job.pk]),
        )
        return _render(request, "import_progress.html", ctx, admin_site)
    if job.status == ImportJobStatus.FAILED:
        ctx.update(_start_context(request), chosen=job.resource, errors=[job_error_message(job)])
        return _render(request, "import_start.html", ctx, admin_site)
    result = ImportResult.from_json(job.result)
    ctx.update(result=result, shown_errors=result.errors[:SHOWN_ERRORS])
    if job.step == ImportJobStep.PREVIEW:
        ctx.update(
            token=str(job.pk),
            confirm_url=reverse(confirm_url_name, args=[job.pk]),
            title=_("Check the import"),
        )
        return _render(request, "import_preview.html", ctx, admin_site)
    ctx.update(
        title=_("Import finished"),
        error_file_url=reverse("import-job-errors", args=[job.pk]) if job.error_file else "",
    )
    return _render(request, "import_done.html", ctx, admin_site)


@login_required
@require_POST
def import_confirm(request: HttpRequest, token: str, admin_site=None) -> HttpResponse:
    """Import a checked file (once): the job's page then shows the progress and the result."""
    job = _own_job_or_404(request, token)
    if not _allowed(request.user, get_resource(job.resource)):
        raise PermissionDenied
    job = import_job_confirm(
        job_id=job.pk, user=request.user, skip_invalid=request.POST.get("skip_invalid") == "on"
    )
    if job is None:
        raise Http404(_("This import has expired; upload the file again."))
    return redirect(request.path.rsplit("/", 3)[0] + f"/?job={job.pk}")


@login_required
@require_GET
def import_job_status(request: HttpRequest, job_id: uuid.UUID) -> JsonResponse:
    """The progress of the user's own job, polled by static/js/import_job.js."""
    return JsonResponse(import_job_progress(_own_job_or_404(request, job_id)))


@login_required
@require_GET
def import_job_errors(request: HttpRequest, job_id: uuid.UUID) -> FileResponse:
    """The invalid rows of the user's own import, in the template plus an 错误 column."""
    job = _own_job_or_404(request, job_id)
    if not job.error_file:
        raise Http404
    try:
        handle = job.error_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=f"错误行{Path(job.error_file.name).suffix}")


def _resource_or_404(name: str):
    try:
        return get_resource(name)
    except ImportFileError as exc:
        raise Http404 from exc


def _download(path: Path, filename: str) -> FileResponse:
    """The file written at ``path`` as a download; the file is gone once it is open."""
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename)
    path.unlink()
    return response


@login_required
def import_template(request: HttpRequest, resource: str) -> FileResponse:
    """The template with the exact headers of IMPORT.md, drop-downs and an instruction sheet."""
    res = _resource_or_404(resource)
    path = _upload_dir() / f"template-{res.name}-{uuid.uuid4().hex}.xlsx"
    write_template(res, path)
    return _download(path, f"{contract_text(res.title) or res.name}导入模板.xlsx")


@login_required
def export_records(request: HttpRequest, resource: str) -> FileResponse:
    """The user's records in the import template (IDs masked without the right)."""
    res = _resource_or_404(resource)
    opts = res.model._meta
    if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        raise PermissionDenied
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    path = _upload_dir() / f"export-{uuid.uuid4().hex}.{fmt}"
    run_export(res, path, user=request.user)
    return _download(path, f"{contract_text(res.title) or res.name}.{fmt}")
