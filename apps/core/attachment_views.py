"""Attachment pages: the upload of a record's files (several at once, from a phone camera
too), their removal, their download and thumbnails. The panel that lists them on a record's
page is the ``{% attachments_panel object %}`` tag (``templatetags/attachments.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import attachments
from .exceptions import ApplicationError
from .scoping import VIEW


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    return HttpResponseRedirect(target)


def _found(request: HttpRequest, pk: int):
    found = attachments.attachment_for(user=request.user, pk=pk)
    if found is None:
        raise Http404
    return found


@require_POST
@login_required
def attachment_upload(request: HttpRequest, model: str, object_id: str) -> HttpResponse:
    """Attach the files of the form to the record, all or none; back to the record's page with
    what happened. A record the user may not see is a 404."""
    model_class = attachments.attachable_model(model)
    record = (
        None if model_class is None else attachments.scoped_record(model_class, object_id, request.user, VIEW)
    )
    if record is None:
        raise Http404
    files = request.FILES.getlist("file")
    try:
        added = attachments.attachments_add(
            record=record, files=files, kind=request.POST.get("kind", ""), user=request.user
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Files attached: %(count)d.") % {"count": len(added)})
    return _back(request)


@require_POST
@login_required
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, _record = _found(request, pk)
    try:
        attachments.attachment_delete(attachment=attachment, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Attachment removed."))
    return _back(request)


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file, for who may see its record (else a 404); ``?inline=1`` opens a PDF or an
    image in the browser. Recorded in the record's audit trail."""
    attachment, record = _found(request, pk)
    inline = request.GET.get("inline", "") in ("1", "true")
    return attachments.download_response(attachment, record, user=request.user, inline=inline)


@require_GET
@login_required
def attachment_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, record = _found(request, pk)
    return attachments.download_response(attachment, record, user=request.user, thumbnail=True)
