"""The insurance router, included at /api/v1/insurance/ in the ``api`` namespace."""

from apps.core.api.routers import router_urls

from . import views

urlpatterns = router_urls(
    ("plans", views.PlanViewSet, "insurance-plan"),
    ("enrollments", views.EnrollmentViewSet, "insurance-enrollment"),
    ("coverages", views.CoverageViewSet, "insurance-coverage"),
    ("claims", views.ClaimViewSet, "insurance-claim"),
)
