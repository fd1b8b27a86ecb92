from django.urls import path

from . import views

app_name = "model_workers"

urlpatterns = [
    path("", views.ModelWorkerListView.as_view(), name="modelworker-list"),
    path("new/", views.ModelWorkerCreateView.as_view(), name="modelworker-create"),
    path("<int:pk>/", views.ModelWorkerDetailView.as_view(), name="modelworker-detail"),
    path("<int:pk>/edit/", views.ModelWorkerUpdateView.as_view(), name="modelworker-update"),
    path("<int:pk>/payments/new/", views.BenefitCreateView.as_view(), name="benefit-create"),
    path("<int:pk>/recuperations/new/", views.RecuperationCreateView.as_view(), name="recuperation-create"),
    path("honours/", views.HonourListView.as_view(), name="honour-list"),
    path("honours/new/", views.HonourCreateView.as_view(), name="honour-create"),
    path("honours/<int:pk>/", views.HonourDetailView.as_view(), name="honour-detail"),
    path("honours/<int:pk>/edit/", views.HonourUpdateView.as_view(), name="honour-update"),
    path("benefits/", views.BenefitListView.as_view(), name="benefit-list"),
    path("benefits/<int:pk>/", views.BenefitDetailView.as_view(), name="benefit-detail"),
    path("benefits/<int:pk>/edit/", views.BenefitUpdateView.as_view(), name="benefit-update"),
    path("recuperations/", views.RecuperationListView.as_view(), name="recuperation-list"),
    path("recuperations/<int:pk>/", views.RecuperationDetailView.as_view(), name="recuperation-detail"),
    path("recuperations/<int:pk>/edit/", views.RecuperationUpdateView.as_view(), name="recuperation-update"),
    path("studios/", views.StudioListView.as_view(), name="studio-list"),
    path("studios/new/", views.StudioCreateView.as_view(), name="studio-create"),
    path("studios/<int:pk>/", views.StudioDetailView.as_view(), name="studio-detail"),
    path("studios/<int:pk>/edit/", views.StudioUpdateView.as_view(), name="studio-update"),
    path("talks/", views.TalkListView.as_view(), name="talk-list"),
    path("talks/new/", views.TalkCreateView.as_view(), name="talk-create"),
    path("talks/<int:pk>/", views.TalkDetailView.as_view(), name="talk-detail"),
    path("talks/<int:pk>/edit/", views.TalkUpdateView.as_view(), name="talk-update"),
]
