"""The site without the worker-services pages: the figures have no list to link to."""

from .urls_services import without_services as urlpatterns  # noqa: F401
