from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from apps.core.password_change import InitialPasswordChangeView
from apps.core.views import healthz

_docs_csp = csp_update({"style-src": ("'unsafe-inline'",), "worker-src": ("blob:",)})

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # the first login's forced change goes here too (apps/core/password_change.py)
    path("accounts/password_change/", InitialPasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves its script as a file (no inline script under the CSP); the vendored
    # Swagger UI and ReDoc set inline styles, allowed on these two pages only
    path("api/docs/", _docs_csp(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
    path("api/redoc/", _docs_csp(SpectacularRedocView.as_view(url_name="schema")), name="api-redoc"),
    path("unions/", include("apps.unions.urls")),
    path("competitions/", include("apps.competitions.urls")),
    path("model-workers/", include("apps.model_workers.urls")),
    path("hardship/", include("apps.hardship.urls")),
    path("insurance/", include("apps.insurance.urls")),
    path("services/", include("apps.services.urls")),
    path("reports/", include("apps.reports.urls")),
    path("", include("apps.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "apps.core.errors.bad_request"
handler403 = "apps.core.errors.permission_denied"
handler404 = "apps.core.errors.page_not_found"
handler500 = "apps.core.errors.server_error"
