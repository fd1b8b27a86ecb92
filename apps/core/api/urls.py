"""The core router, included at /api/v1/ in the ``api`` namespace."""

from . import views
from .attachments import AttachmentViewSet
from .change_requests import ChangeRequestViewSet
from .routers import router_urls

urlpatterns = router_urls(
    ("regions", views.RegionViewSet, "region"),
    ("audit", views.AuditEntryViewSet, "auditentry"),
    ("attachments", AttachmentViewSet, "attachment"),
    ("change-requests", ChangeRequestViewSet, "changerequest"),
)
