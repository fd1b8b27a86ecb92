"""The unions router, included at /api/v1/unions/ in the ``api`` namespace."""

from rest_framework.routers import DefaultRouter

from .views import ContractViewSet, JoinApplicationViewSet, MemberViewSet, TransferViewSet, UnionViewSet

router = DefaultRouter()
router.register("unions", UnionViewSet, basename="union")
router.register("members", MemberViewSet, basename="member")
router.register("transfers", TransferViewSet, basename="transfer")
router.register("join-applications", JoinApplicationViewSet, basename="joinapplication")
router.register("contracts", ContractViewSet, basename="contract")

urlpatterns = router.urls
