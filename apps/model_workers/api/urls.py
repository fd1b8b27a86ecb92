"""The model_workers router, included at /api/v1/model-workers/ in the ``api`` namespace."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
