from django.urls import path  # noqa: F401

app_name = "model_workers"

urlpatterns: list = []
