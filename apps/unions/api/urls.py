"""The unions router, included at /api/v1/unions/ in the ``api`` namespace."""

from apps.core.api.routers import router_urls

from . import views

urlpatterns = router_urls(
    ("unions", views.UnionViewSet, "union"),
    ("members", views.MemberViewSet, "member"),
    ("transfers", views.TransferViewSet, "transfer"),
    ("join-applications", views.JoinApplicationViewSet, "joinapplication"),
    ("contracts", views.ContractViewSet, "contract"),
)
