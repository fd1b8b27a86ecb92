from django.urls import path

from apps.core.views_base import crud_urls

from . import views

app_name = "model_workers"

urlpatterns = [
    *crud_urls(views, "ModelWorker"),
    path("<int:pk>/payments/new/", views.BenefitCreateView.as_view(), name="benefit-create"),
    path("<int:pk>/recuperations/new/", views.RecuperationCreateView.as_view(), name="recuperation-create"),
    *crud_urls(views, "Honour", "honours/"),
    *crud_urls(views, "Benefit", "benefits/", actions=("list", "detail", "update")),
    *crud_urls(views, "Recuperation", "recuperations/", actions=("list", "detail", "update")),
    *crud_urls(views, "Studio", "studios/"),
    *crud_urls(views, "Talk", "talks/"),
]
