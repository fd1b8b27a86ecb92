"""One router per app under /api/v1/ (STYLE.md convention 4), built the same way everywhere."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import DefaultRouter
from rest_framework.viewsets import ViewSetMixin


def router_urls(*routes: tuple[str, type[ViewSetMixin], str]) -> list[URLPattern | URLResolver]:
    """The URLs of an app's viewsets, each given as (URL prefix, viewset, basename); the
    basename names the URLs (``api:<basename>-list``, ``api:<basename>-detail``, actions)."""
    router = DefaultRouter()
    for prefix, viewset, basename in routes:
        router.register(prefix, viewset, basename=basename)
    return router.urls
