from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from . import personal
from .audit import audit_context
from .choices import AuditSource


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"message": message, "extra": {}}, status=400)
    return HttpResponseBadRequest(message)


class AuditContextMiddleware:
    """Names the user and the door (page, API, admin) for every audit entry of a request, and
    records the personal data the request showed in full."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "%00" in request.META.get("QUERY_STRING", "").lower() or any(
            "\x00" in v for v in request.GET.values()
        ):
            # PostgreSQL text cannot hold NUL: a filter with one would be a database error
            return _bad_request(request, _("The address contains a NUL character."))
        path = request.path_info
        if path.startswith("/admin/"):
            source = AuditSource.ADMIN
        elif path.startswith("/api/"):
            source = AuditSource.API
        else:
            source = AuditSource.PAGE
        # DRF authenticates tokens inside the view; the API base class refreshes the user.
        user = request.user if request.user.is_authenticated else None
        # Personal data shown in full during the request is recorded when it completes.
        with audit_context(user=user, source=source), personal.collecting():
            return self.get_response(request)
