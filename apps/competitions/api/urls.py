"""The competitions router, included at /api/v1/competitions/ in the ``api`` namespace."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
