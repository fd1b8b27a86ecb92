"""The reports router, included at /api/v1/reports/ in the ``api`` namespace."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
