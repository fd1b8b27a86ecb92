"""The competitions router, included at /api/v1/competitions/ in the ``api`` namespace."""

from rest_framework.routers import DefaultRouter

from .views import CompetitionViewSet, InnovationViewSet, ParticipationViewSet

router = DefaultRouter()
router.register("competitions", CompetitionViewSet, basename="competition")
router.register("participations", ParticipationViewSet, basename="participation")
router.register("innovations", InnovationViewSet, basename="innovation")

urlpatterns = router.urls
