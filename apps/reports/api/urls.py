"""The reports router, included at /api/v1/reports/ in the ``api`` namespace."""

from rest_framework.routers import DefaultRouter

from .views import YearlyReportViewSet

router = DefaultRouter()
router.register("yearly", YearlyReportViewSet, basename="yearlyreport")

urlpatterns = router.urls
