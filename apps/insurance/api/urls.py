"""The insurance router, included at /api/v1/insurance/ in the ``api`` namespace."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
