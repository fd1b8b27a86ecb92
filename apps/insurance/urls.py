from django.urls import path

from apps.core.views_base import CRUD_ROUTES, crud_urls

from . import views

app_name = "insurance"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan-list"),
    *crud_urls(views, "Plan", "plans/", actions=("create", "detail", "update", "reopen")),
    *crud_urls(views, "Enrollment", "enrollments/", actions=("list", "create", "detail", "delete")),
    path("enrollments/statement/", views.StatementView.as_view(), name="statement"),
    path(
        "enrollments/<int:pk>/add/", views.EnrollmentAddMembersView.as_view(), name="enrollment-add-members"
    ),
    path(
        "enrollments/<int:pk>/remove/",
        views.EnrollmentRemoveMemberView.as_view(),
        name="enrollment-remove-member",
    ),
    *crud_urls(views, "Claim", "claims/", actions=(*CRUD_ROUTES, "review", "approve", "reject", "pay")),
    path("claims/queue/", views.ClaimQueueView.as_view(), name="claim-queue"),
]
