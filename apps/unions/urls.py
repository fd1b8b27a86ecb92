from django.urls import path

from . import views

app_name = "unions"

urlpatterns = [
    path("", views.UnionListView.as_view(), name="union-list"),
    path("new/", views.UnionCreateView.as_view(), name="union-create"),
    path("<int:pk>/", views.UnionDetailView.as_view(), name="union-detail"),
    path("<int:pk>/edit/", views.UnionUpdateView.as_view(), name="union-update"),
    path("members/", views.MemberListView.as_view(), name="member-list"),
    path("members/new/", views.MemberCreateView.as_view(), name="member-create"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member-detail"),
    path("members/<int:pk>/edit/", views.MemberUpdateView.as_view(), name="member-update"),
    path("members/<int:pk>/leave/", views.MemberLeaveView.as_view(), name="member-leave"),
    path("members/<int:pk>/transfer/", views.MemberTransferView.as_view(), name="member-transfer"),
    path("members/<int:pk>/retain/", views.MemberRetainView.as_view(), name="member-retain"),
    path("members/<int:pk>/reactivate/", views.MemberReactivateView.as_view(), name="member-reactivate"),
    path("transfers/", views.TransferListView.as_view(), name="transfer-list"),
    path("transfers/<int:pk>/", views.TransferDetailView.as_view(), name="transfer-detail"),
    path("transfers/<int:pk>/accept/", views.TransferAcceptView.as_view(), name="transfer-accept"),
    path("transfers/<int:pk>/reject/", views.TransferRejectView.as_view(), name="transfer-reject"),
    path("applications/", views.JoinApplicationListView.as_view(), name="joinapplication-list"),
    path("applications/<int:pk>/", views.JoinApplicationDetailView.as_view(), name="joinapplication-detail"),
    path(
        "applications/<int:pk>/approve/",
        views.JoinApplicationApproveView.as_view(),
        name="joinapplication-approve",
    ),
    path(
        "applications/<int:pk>/reject/",
        views.JoinApplicationRejectView.as_view(),
        name="joinapplication-reject",
    ),
    path("contracts/", views.ContractListView.as_view(), name="contract-list"),
    path("contracts/new/", views.ContractCreateView.as_view(), name="contract-create"),
    path("contracts/<int:pk>/", views.ContractDetailView.as_view(), name="contract-detail"),
    path("contracts/<int:pk>/edit/", views.ContractUpdateView.as_view(), name="contract-update"),
    path("join/", views.join_apply, name="join-apply"),
]
