"""One router per app under /api/v1/ (all URL names in the ``api`` namespace)."""

from django.urls import include, path

from apps.core.api.auth import TokenObtainView

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("unions/", include("apps.unions.api.urls")),
    path("competitions/", include("apps.competitions.api.urls")),
    path("model-workers/", include("apps.model_workers.api.urls")),
    path("hardship/", include("apps.hardship.api.urls")),
    path("insurance/", include("apps.insurance.api.urls")),
    path("services/", include("apps.services.api.urls")),
    path("reports/", include("apps.reports.api.urls")),
    path("", include("apps.core.api.urls")),
]
