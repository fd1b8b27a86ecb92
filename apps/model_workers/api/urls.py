"""The model_workers router, included at /api/v1/model-workers/ in the ``api`` namespace."""

from rest_framework.routers import DefaultRouter

from .views import (
    BenefitViewSet,
    HonourViewSet,
    ModelWorkerViewSet,
    RecuperationViewSet,
    StudioViewSet,
    TalkViewSet,
)

router = DefaultRouter()
router.register("model-workers", ModelWorkerViewSet, basename="modelworker")
router.register("honours", HonourViewSet, basename="honour")
router.register("benefits", BenefitViewSet, basename="benefitpayment")
router.register("recuperations", RecuperationViewSet, basename="recuperation")
router.register("studios", StudioViewSet, basename="studio")
router.register("talks", TalkViewSet, basename="talk")

urlpatterns = router.urls
