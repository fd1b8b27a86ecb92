"""The model_workers router, included at /api/v1/model-workers/ in the ``api`` namespace."""

from apps.core.api.routers import router_urls

from . import views

urlpatterns = router_urls(
    ("model-workers", views.ModelWorkerViewSet, "modelworker"),
    ("honours", views.HonourViewSet, "honour"),
    ("benefits", views.BenefitViewSet, "benefitpayment"),
    ("recuperations", views.RecuperationViewSet, "recuperation"),
    ("studios", views.StudioViewSet, "studio"),
    ("talks", views.TalkViewSet, "talk"),
)
