from django.urls import path

from apps.core.views_base import crud_urls

from . import views

app_name = "competitions"

urlpatterns = [
    *crud_urls(views, "Competition"),
    *crud_urls(views, "Participation", "participations/"),
    *crud_urls(views, "Innovation", "innovations/"),
    path("units/<int:union_id>/", views.UnitCompetitionsView.as_view(), name="unit-competitions"),
]
