from django.urls import path

from apps.core.views_base import CRUD_ROUTES, crud_urls

from . import views

app_name = "unions"

urlpatterns = [
    *crud_urls(views, "Union"),
    *crud_urls(
        views, "Member", "members/", actions=(*CRUD_ROUTES, "leave", "transfer", "retain", "reactivate")
    ),
    *crud_urls(views, "Transfer", "transfers/", actions=("list", "detail", "accept", "reject")),
    *crud_urls(views, "JoinApplication", "applications/", actions=("list", "detail", "approve", "reject")),
    *crud_urls(views, "Contract", "contracts/"),
    path("join/", views.join_apply, name="join-apply"),
]
