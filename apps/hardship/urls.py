from django.urls import path

from . import views

app_name = "hardship"

urlpatterns = [
    path("", views.HouseholdListView.as_view(), name="household-list"),
    path("new/", views.HouseholdCreateView.as_view(), name="household-create"),
    path("review/", views.ReviewQueueView.as_view(), name="review-queue"),
    path("rechecks/", views.RecheckDueView.as_view(), name="recheck-due"),
    path("aid/", views.DisbursementListView.as_view(), name="disbursement-list"),
    path("<int:pk>/", views.HouseholdDetailView.as_view(), name="household-detail"),
    path("<int:pk>/edit/", views.HouseholdUpdateView.as_view(), name="household-update"),
    path("<int:pk>/members/new/", views.MemberCreateView.as_view(), name="member-create"),
    path("members/<int:pk>/edit/", views.MemberUpdateView.as_view(), name="member-update"),
    path("members/<int:pk>/delete/", views.MemberDeleteView.as_view(), name="member-delete"),
    path("<int:pk>/advance/", views.AdvanceView.as_view(), name="household-advance"),
    path("<int:pk>/objection/", views.ObjectionView.as_view(), name="household-objection"),
    path("<int:pk>/withdraw/", views.WithdrawView.as_view(), name="household-withdraw"),
    path("<int:pk>/exit/", views.ExitView.as_view(), name="household-exit"),
    path("<int:pk>/recheck/", views.RecheckView.as_view(), name="household-recheck"),
    path("<int:pk>/reenter/", views.ReenterView.as_view(), name="household-reenter"),
    path("<int:pk>/aid/new/", views.DisbursementCreateView.as_view(), name="disbursement-create"),
]
