"""The browser and admin doors of the import pipeline: upload → preview → confirm, and export.

Both doors call the same functions in apps/core/importing.py as the command line.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .choices import AuditSource
from .importing import ImportFileError, get_resource, registry, run_export, run_import, write_table

UPLOAD_DIR = "imports"
MAX_UPLOAD = 50 * 1024 * 1024
SESSION_KEY = "pending_imports"


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def _allowed(user, resource) -> bool:
    opts = resource.model._meta
    return user.has_perm(f"{opts.app_label}.add_{opts.model_name}")


def _resources_for(user) -> list:
    return [cls() for name, cls in sorted(registry().items()) if _allowed(user, cls())]


def _render(request, template: str, ctx: dict, admin_site=None) -> HttpResponse:
    if admin_site is not None:
        ctx = {**admin_site.each_context(request), **ctx, "is_admin": True}
        return render(request, f"admin/core/{template}", ctx)
    return render(request, f"core/{template}", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def import_start(
    request: HttpRequest, admin_site=None, confirm_url_name: str = "import-confirm"
) -> HttpResponse:
    """Choose a template and upload a file; the dry run's result is the preview."""
    resources = _resources_for(request.user)
    chosen = request.POST.get("resource") or request.GET.get("resource") or ""
    ctx = {"resources": resources, "chosen": chosen, "errors": [], "title": _("Import records")}
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
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".xlsx", ".csv") or upload.size > MAX_UPLOAD:
            ctx["errors"] = [_("Upload an .xlsx or .csv file of at most 50 MB.")]
            return _render(request, "import_start.html", ctx, admin_site)
        token = uuid.uuid4().hex
        stored = _upload_dir() / f"{token}{suffix}"
        with stored.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        try:
            result = run_import(resource, stored, user=request.user, dry_run=True)
        except ImportFileError as exc:
            stored.unlink(missing_ok=True)
            ctx["errors"] = [str(exc)]
            return _render(request, "import_start.html", ctx, admin_site)
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = {"resource": resource.name, "file": stored.name, "name": upload.name}
        request.session[SESSION_KEY] = pending
        confirm_url = reverse(confirm_url_name, args=[token])
        ctx.update(
            result=result,
            resource=resource,
            token=token,
            filename=upload.name,
            confirm_url=confirm_url,
            shown_errors=result.errors[:500],
            title=_("Check the import"),
        )
        return _render(request, "import_preview.html", ctx, admin_site)
    return _render(request, "import_start.html", ctx, admin_site)


@login_required
@require_POST
def import_confirm(request: HttpRequest, token: str, admin_site=None) -> HttpResponse:
    pending = request.session.get(SESSION_KEY, {})
    job = pending.pop(token, None)
    if job is None:
        raise Http404(_("This import has expired; upload the file again."))
    request.session[SESSION_KEY] = pending
    resource = get_resource(job["resource"])
    if not _allowed(request.user, resource):
        raise PermissionDenied
    stored = _upload_dir() / job["file"]
    skip_invalid = request.POST.get("skip_invalid") == "on"
    error_file = _upload_dir() / f"{token}.errors{stored.suffix}"
    source = AuditSource.ADMIN if admin_site is not None else AuditSource.PAGE
    try:
        result = run_import(
            resource,
            stored,
            user=request.user,
            skip_invalid=skip_invalid,
            source=source,
            error_file=error_file,
        )
    except ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect(request.path.rsplit("/", 3)[0] + "/")
    finally:
        stored.unlink(missing_ok=True)
    if result.error_file:
        request.session.setdefault("import_error_files", []).append(result.error_file.name)
        request.session.modified = True
    ctx = {
        "result": result,
        "resource": resource,
        "filename": job["name"],
        "title": _("Import finished"),
        "shown_errors": result.errors[:500],
    }
    return _render(request, "import_done.html", ctx, admin_site)


@login_required
def import_error_file(request: HttpRequest, name: str) -> FileResponse:
    """The error file of the user's own last imports (nobody else's)."""
    if name not in request.session.get("import_error_files", []):
        raise Http404
    path = _upload_dir() / name
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"错误行{path.suffix}")


@login_required
def import_template(request: HttpRequest, resource: str) -> FileResponse:
    """An empty template with the exact headers of IMPORT.md."""
    try:
        res = get_resource(resource)
    except ImportFileError as exc:
        raise Http404 from exc
    path = _upload_dir() / f"template-{res.name}-{uuid.uuid4().hex}.xlsx"
    write_table(path, res.headers, [])
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{res.title or res.name}导入模板.xlsx"
    )
    path.unlink()
    return response


@login_required
def export_records(request: HttpRequest, resource: str) -> FileResponse:
    """The user's records in the import template (IDs masked without the right)."""
    try:
        res = get_resource(resource)
    except ImportFileError as exc:
        raise Http404 from exc
    opts = res.model._meta
    if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        raise PermissionDenied
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    path = _upload_dir() / f"export-{uuid.uuid4().hex}.{fmt}"
    run_export(res, path, user=request.user)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=f"{res.title or res.name}.{fmt}")
    path.unlink()
    return response


def import_url(resource: str) -> str:
    return reverse("import-start") + f"?resource={resource}"
