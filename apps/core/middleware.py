from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import personal
from .audit import audit_context
from .choices import AuditSource


class AuditContextMiddleware:
    """Names the user and the door (page, API, admin) for every audit entry of a request, and
    records the personal data the request showed in full."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
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
