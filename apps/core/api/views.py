from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from .. import selectors, services
from ..filtersets import AuditEntryFilterSet, RegionFilterSet
from ..models import AuditEntry, Region
from .base import ScopedModelViewSet, ScopedReadOnlyViewSet
from .serializers import AuditEntrySerializer, RegionSerializer, TownshipCreateSerializer


class RegionViewSet(ScopedModelViewSet):
    """Administrative divisions. Administrators add townships; the rest is shipped data."""

    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]

    @extend_schema(request=TownshipCreateSerializer, responses={201: RegionSerializer})
    def create(self, request, *args, **kwargs):
        data = TownshipCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = (
            selectors.region_list(user=request.user, action="change")
            .filter(code=data.validated_data["parent"])
            .first()
        )
        if parent is None:
            raise NotFound(
                _("No county-level region %(code)s in your scope.") % {"code": data.validated_data["parent"]}
            )
        region = services.township_create(
            parent=parent,
            code=data.validated_data["code"],
            name=data.validated_data["name"],
            user=request.user,
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
    queryset = AuditEntry.objects.select_related("content_type")
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet
    ordering = ["-at", "-id"]
