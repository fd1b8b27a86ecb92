from django.urls import path

from apps.core.views_base import CRUD_ROUTES, crud_urls

from . import views

app_name = "hardship"

urlpatterns = [
    *crud_urls(
        views,
        "Household",
        actions=(*CRUD_ROUTES, "advance", "objection", "withdraw", "exit", "recheck", "reenter"),
    ),
    path("review/", views.ReviewQueueView.as_view(), name="review-queue"),
    path("rechecks/", views.RecheckDueView.as_view(), name="recheck-due"),
    path("aid/", views.DisbursementListView.as_view(), name="disbursement-list"),
    path("<int:pk>/aid/new/", views.DisbursementCreateView.as_view(), name="disbursement-create"),
    path("<int:pk>/members/new/", views.MemberCreateView.as_view(), name="member-create"),
    *crud_urls(views, "Member", "members/", actions=("update", "delete")),
]
