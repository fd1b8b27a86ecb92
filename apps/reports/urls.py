from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("refresh/", views.DashboardRefreshView.as_view(), name="dashboard-refresh"),
    path("yearly/", views.ReportListView.as_view(), name="report-list"),
    path("yearly/request/", views.ReportRequestView.as_view(), name="report-request"),
    path("yearly/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path("yearly/<int:pk>/download/<str:kind>/", views.ReportDownloadView.as_view(), name="report-download"),
]
