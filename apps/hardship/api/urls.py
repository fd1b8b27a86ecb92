"""The hardship router, included at /api/v1/hardship/ in the ``api`` namespace."""

from apps.core.api.routers import router_urls

from . import views

urlpatterns = router_urls(
    ("households", views.HouseholdViewSet, "household"),
    ("family-members", views.FamilyMemberViewSet, "household-member"),
    ("disbursements", views.DisbursementViewSet, "hardship-disbursement"),
)
