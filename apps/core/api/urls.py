"""The core router, included at /api/v1/ in the ``api`` namespace."""

from . import views
from .attachments import AttachmentViewSet
from .routers import router_urls

urlpatterns = router_urls(
    ("regions", views.RegionViewSet, "region"),
    ("audit", views.AuditEntryViewSet, "auditentry"),
    ("attachments", AttachmentViewSet, "attachment"),
)
