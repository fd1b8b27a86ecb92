from django.urls import path

from . import views

app_name = "competitions"

urlpatterns = [
    path("", views.CompetitionListView.as_view(), name="competition-list"),
    path("new/", views.CompetitionCreateView.as_view(), name="competition-create"),
    path("<int:pk>/", views.CompetitionDetailView.as_view(), name="competition-detail"),
    path("<int:pk>/edit/", views.CompetitionUpdateView.as_view(), name="competition-update"),
    path("participations/", views.ParticipationListView.as_view(), name="participation-list"),
    path("participations/new/", views.ParticipationCreateView.as_view(), name="participation-create"),
    path("participations/<int:pk>/", views.ParticipationDetailView.as_view(), name="participation-detail"),
    path(
        "participations/<int:pk>/edit/",
        views.ParticipationUpdateView.as_view(),
        name="participation-update",
    ),
    path("innovations/", views.InnovationListView.as_view(), name="innovation-list"),
    path("innovations/new/", views.InnovationCreateView.as_view(), name="innovation-create"),
    path("innovations/<int:pk>/", views.InnovationDetailView.as_view(), name="innovation-detail"),
    path("innovations/<int:pk>/edit/", views.InnovationUpdateView.as_view(), name="innovation-update"),
    path("units/<int:union_id>/", views.UnitCompetitionsView.as_view(), name="unit-competitions"),
]
