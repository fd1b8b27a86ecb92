from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from .. import selectors, services
from ..filtersets import AuditEntryFilterSet, RegionFilterSet
from ..models import AuditEntry, Region
from ..scoping import CHANGE
from .base import ScopedModelViewSet, ScopedReadOnlyViewSet
from .pagination import EstimatedCountPagination
from .serializers import AuditEntrySerializer, RegionSerializer, TownshipCreateSerializer


class RegionViewSet(ScopedModelViewSet):
    """Administrative divisions. Administrators add townships; the rest is shipped data."""

    queryset = Region.objects.all()
    selector = staticmethod(selectors.region_list)
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]

    @extend_schema(request=TownshipCreateSerializer, responses={201: RegionSerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated(TownshipCreateSerializer)
        parent = self.scoped_queryset(CHANGE).filter(code=data["parent"]).first()
        if parent is None:
            raise NotFound(_("No county-level region %(code)s in your scope.") % {"code": data["parent"]})
        region = services.township_create(
            parent=parent, code=data["code"], name=data["name"], user=request.user
        )
        return Response(RegionSerializer(region).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        services.model_update(
            serializer.instance,
            user=self.request.user,
            name=serializer.validated_data.get("name", serializer.instance.name),
        )

    def perform_destroy(self, instance):
        services.model_delete(instance, user=self.request.user)


class AuditEntryViewSet(ScopedReadOnlyViewSet):
    """The audit trail: who changed (or viewed in full) what, when and through which door.
    Read-only, within the user's scope."""

    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet
    pagination_class = EstimatedCountPagination  # an entry per write: millions at province scale
    ordering = ["-at", "-id"]

    def scoped_queryset(self, action: str):
        return selectors.audit_list(user=self.request.user)  # read-only: always the view scope
