from django.urls import path

from . import views

app_name = "insurance"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan-list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan-create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan-update"),
    path("plans/<int:pk>/reopen/", views.PlanReopenView.as_view(), name="plan-reopen"),
    path("enrollments/", views.EnrollmentListView.as_view(), name="enrollment-list"),
    path("enrollments/new/", views.EnrollmentCreateView.as_view(), name="enrollment-create"),
    path("enrollments/statement/", views.StatementView.as_view(), name="statement"),
    path("enrollments/<int:pk>/", views.EnrollmentDetailView.as_view(), name="enrollment-detail"),
    path(
        "enrollments/<int:pk>/add/", views.EnrollmentAddMembersView.as_view(), name="enrollment-add-members"
    ),
    path(
        "enrollments/<int:pk>/remove/",
        views.EnrollmentRemoveMemberView.as_view(),
        name="enrollment-remove-member",
    ),
    path("enrollments/<int:pk>/delete/", views.EnrollmentDeleteView.as_view(), name="enrollment-delete"),
    path("claims/", views.ClaimListView.as_view(), name="claim-list"),
    path("claims/queue/", views.ClaimQueueView.as_view(), name="claim-queue"),
    path("claims/new/", views.ClaimCreateView.as_view(), name="claim-create"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim-detail"),
    path("claims/<int:pk>/edit/", views.ClaimUpdateView.as_view(), name="claim-update"),
    path("claims/<int:pk>/review/", views.ClaimReviewView.as_view(), name="claim-review"),
    path("claims/<int:pk>/approve/", views.ClaimApproveView.as_view(), name="claim-approve"),
    path("claims/<int:pk>/reject/", views.ClaimRejectView.as_view(), name="claim-reject"),
    path("claims/<int:pk>/pay/", views.ClaimPayView.as_view(), name="claim-pay"),
]
