from rest_framework.routers import DefaultRouter

from .views import AuditEntryViewSet, RegionViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("audit", AuditEntryViewSet, basename="auditentry")

urlpatterns = router.urls
