from django.urls import include, path

from . import autocomplete, views

urlpatterns = [
    path("", views.home, name="home"),
    # the pickers of the code inputs (static/js/autocomplete.js): ?q=<part of a name or code>
    path("autocomplete/<slug:kind>/", autocomplete.lookup, name="autocomplete"),
    # browsers ask for /favicon.ico on pages that do not name an icon (the admin, the API docs)
    path("favicon.ico", views.favicon),
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("regions/townships/new/", views.TownshipCreateView.as_view(), name="township-create"),
    path("regions/<str:code>/", views.RegionDetailView.as_view(), name="region-detail"),
]

from . import import_views  # noqa: E402

urlpatterns += [
    path("imports/", import_views.import_start, name="import-start"),
    path("imports/<str:token>/confirm/", import_views.import_confirm, name="import-confirm"),
    path("imports/jobs/<uuid:job_id>/status/", import_views.import_job_status, name="import-job-status"),
    path("imports/jobs/<uuid:job_id>/errors/", import_views.import_job_errors, name="import-job-errors"),
    path("imports/templates/<str:resource>.xlsx", import_views.import_template, name="import-template"),
    path("exports/<str:resource>/", import_views.export_records, name="export-records"),
]

from . import attachment_views  # noqa: E402

urlpatterns += [
    path("attachments/<int:pk>/download/", attachment_views.attachment_download, name="attachment-download"),
    path(
        "attachments/<int:pk>/thumbnail/", attachment_views.attachment_thumbnail, name="attachment-thumbnail"
    ),
    path("attachments/<int:pk>/delete/", attachment_views.attachment_delete, name="attachment-delete"),
    path(
        "attachments/<str:model>/<str:object_id>/",
        attachment_views.attachment_upload,
        name="attachment-upload",
    ),
]

from . import union_accounts as ua  # noqa: E402

urlpatterns += [
    path("accounts/unions/", ua.UnionAccountListView.as_view(), name="union-account-list"),
    path("accounts/unions/import/", ua.UnionAccountImportView.as_view(), name="union-account-import"),
    path(
        "accounts/unions/import/template.xlsx",
        ua.UnionAccountTemplateView.as_view(),
        name="union-account-template",
    ),
    path(
        "accounts/unions/passwords/<str:token>/",
        ua.UnionAccountPasswordsView.as_view(),
        name="union-account-passwords",
    ),
    path(
        "accounts/unions/<int:pk>/reset-password/",
        ua.UnionAccountResetView.as_view(),
        name="union-account-reset",
    ),
    path(
        "accounts/unions/<int:pk>/deactivate/",
        ua.UnionAccountActiveView.as_view(active=False),
        name="union-account-deactivate",
    ),
    path(
        "accounts/unions/<int:pk>/activate/",
        ua.UnionAccountActiveView.as_view(active=True),
        name="union-account-activate",
    ),
]

from . import change_request_views  # noqa: E402

# Change requests of grassroots unions (apps/core/proposals.py)
urlpatterns += [path("change-requests/", include(change_request_views.urlpatterns))]
