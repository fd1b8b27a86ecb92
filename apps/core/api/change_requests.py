"""Change requests through the API: a union user's writes come back as one (202), the county
lists and decides them here (apps/core/proposals.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from .. import proposals
from ..choices import ChangeRequestStatus
from ..history import describe
from ..models import ChangeRequest
from .attachments import AttachmentsViewSetMixin
from .base import ScopedReadOnlyViewSet


class ChangeRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class ChangeRequestListSerializer(serializers.ListSerializer):
    """Describes a page's requests together, one look-up of related names per model, not per
    request (the list's queries do not grow with its rows)."""

    def to_representation(self, data):
        requests = list(data.all() if hasattr(data, "all") else data)
        by_model: dict[Any, list[ChangeRequest]] = {}
        for request in requests:
            if request.model is not None:
                by_model.setdefault(request.model, []).append(request)
        for model, group in by_model.items():
            describe(group, model)
        return super().to_representation(requests)


class ChangeRequestSerializer(serializers.ModelSerializer):
    """What was asked, in people's terms: the changed fields with their labels (personal data
    masked); the arguments themselves (``payload``) never leave the server."""

    kind_display = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    union = serializers.CharField(source="union.code", read_only=True)
    union_name = serializers.CharField(source="union.name", read_only=True)
    submitted_by = serializers.CharField(source="created_by.username", read_only=True, default="")
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default="")
    result = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        list_serializer_class = ChangeRequestListSerializer
        fields = [
            "id",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "union",
            "union_name",
            "object_repr",
            "rows",
            "submitted_by",
            "created_at",
            "trusted",
            "decided_by",
            "decided_at",
            "reason",
            "result",
        ]
        read_only_fields = fields

    def get_kind_display(self, obj: ChangeRequest) -> str:
        return proposals.label_of(obj.kind)

    def get_result(self, obj: ChangeRequest) -> dict | None:
        if not obj.result_type_id:
            return None
        return {"model": obj.result_type.model, "id": obj.result_id}

    @extend_schema_field(ChangeRowSerializer(many=True))
    def get_rows(self, obj: ChangeRequest) -> list[dict]:
        model = obj.model
        if model is None:
            return []
        if not hasattr(obj, "rows"):  # a single request (a list describes its page at once)
            describe([obj], model)
        return ChangeRowSerializer(obj.rows, many=True).data


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=500)


class ChangeRequestFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ChangeRequestStatus.choices)
    kind = django_filters.CharFilter()
    union = django_filters.CharFilter(field_name="union__code", label=_("union code"))
    older_than_days = django_filters.NumberFilter(method="filter_older", label=_("older than (days)"))

    class Meta:
        model = ChangeRequest
        fields = ["status", "kind", "union"]

    def filter_older(self, queryset, name, value):
        return queryset.filter(created_at__lt=timezone.now() - dt.timedelta(days=int(value)))


class ChangeRequestViewSet(AttachmentsViewSetMixin, ScopedReadOnlyViewSet):
    """Change requests of grassroots unions (``status``: pending/approved/returned). A union
    user lists its own; the staff of the union's county approve or return them (with a reason).
    Who may see a request but not decide it gets a 400 saying who may."""

    queryset = ChangeRequest.objects.all()
    serializer_class = ChangeRequestSerializer
    filterset_class = ChangeRequestFilterSet
    search_fields = ["object_repr", "union__name", "union__code"]
    ordering_fields = ["created_at", "decided_at", "id"]
    ordering = ["-created_at", "-id"]
    attachment_kinds = ("application_form", "supporting_document")

    def get_queryset(self):
        return super().get_queryset().select_related("union", "created_by", "decided_by", "result_type")

    def decidable(self) -> ChangeRequest:
        # the decisions are routed with "view": looked up among what the user sees (outside it,
        # a 404); proposals.may_decide says who decides
        change = self.get_object()
        if not proposals.may_decide(self.request.user, change):
            raise PermissionDenied(_("Only the staff of the union's county decide its change requests."))
        return change

    @extend_schema(request=None, responses={200: ChangeRequestSerializer})
    @action(detail=True, methods=["post"], write_permission_action="view")
    def approve(self, request, pk=None):
        change = proposals.approve(request=self.decidable(), user=request.user)
        return Response(self.get_serializer(change).data)

    @extend_schema(request=ReturnSerializer, responses={200: ChangeRequestSerializer})
    @action(detail=True, methods=["post"], url_path="return", write_permission_action="view")
    def return_request(self, request, pk=None):
        change = self.decidable()
        reason = self.validated(ReturnSerializer)["reason"]
        change = proposals.return_request(request=change, reason=reason, user=request.user)
        return Response(self.get_serializer(change).data)
