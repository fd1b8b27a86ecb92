"""Base API classes: every domain viewset inherits scoping and audit context from here."""

from __future__ import annotations

from rest_framework import mixins, viewsets

from ..audit import AuditContext, _context
from ..choices import AuditSource
from ..scoping import CHANGE, VIEW


class ScopedViewSetMixin:
    """Restricts the queryset to the user's scope: reads by VIEW, writes by CHANGE.

    Objects outside the scope are simply not in the queryset, so they are a 404.
    """

    write_scope_action = CHANGE

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Token authentication happens here, after the middleware set the audit context.
        _context.set(AuditContext(user=request.user, source=AuditSource.API))

    def scope_action(self) -> str:
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return VIEW
        return self.write_scope_action

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, self.scope_action())


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """CRUD whose writes go through the serializer's service calls (see ServiceSerializer)."""
