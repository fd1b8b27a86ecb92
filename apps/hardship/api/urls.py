"""The hardship router, included at /api/v1/hardship/ in the ``api`` namespace."""

from rest_framework.routers import DefaultRouter

from .views import DisbursementViewSet, FamilyMemberViewSet, HouseholdViewSet

router = DefaultRouter()
router.register("households", HouseholdViewSet, basename="household")
router.register("family-members", FamilyMemberViewSet, basename="household-member")
router.register("disbursements", DisbursementViewSet, basename="hardship-disbursement")

urlpatterns = router.urls
