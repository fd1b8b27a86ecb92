from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("regions/townships/new/", views.township_create, name="township-create"),
    path("regions/<str:code>/", views.RegionDetailView.as_view(), name="region-detail"),
]
