"""The competitions router, included at /api/v1/competitions/ in the ``api`` namespace."""

from apps.core.api.routers import router_urls

from . import views

urlpatterns = router_urls(
    ("competitions", views.CompetitionViewSet, "competition"),
    ("participations", views.ParticipationViewSet, "participation"),
    ("innovations", views.InnovationViewSet, "innovation"),
)
