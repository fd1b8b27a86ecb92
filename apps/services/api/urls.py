"""The worker-services router, included at /api/v1/services/ in the ``api`` namespace: one
route per register of ``views.REGISTERS``."""

from apps.core.api.routers import router_urls

from .views import REGISTERS, VIEWSETS

urlpatterns = router_urls(*((r.prefix, VIEWSETS[r.basename], r.basename) for r in REGISTERS))
