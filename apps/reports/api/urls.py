"""The reports router, included at /api/v1/reports/ in the ``api`` namespace."""

from apps.core.api.routers import router_urls

from . import views

urlpatterns = router_urls(
    ("yearly", views.YearlyReportViewSet, "yearlyreport"),
)
