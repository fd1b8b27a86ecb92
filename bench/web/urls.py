"""The product's URLs and the baseline: a bare Django view returning a constant JSON, through
the same middleware, measured on the same gunicorn in the same run."""

from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as product


def constant(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/constant", constant), *product]
