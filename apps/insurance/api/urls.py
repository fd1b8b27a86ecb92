"""The insurance router, included at /api/v1/insurance/ in the ``api`` namespace."""

from rest_framework.routers import DefaultRouter

from .views import ClaimViewSet, CoverageViewSet, EnrollmentViewSet, PlanViewSet

router = DefaultRouter()
router.register("plans", PlanViewSet, basename="insurance-plan")
router.register("enrollments", EnrollmentViewSet, basename="insurance-enrollment")
router.register("coverages", CoverageViewSet, basename="insurance-coverage")
router.register("claims", ClaimViewSet, basename="insurance-claim")

urlpatterns = router.urls
