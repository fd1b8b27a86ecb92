"""Thin API of the unions domain: CRUD viewsets over scoped querysets, workflow actions
with input serializers; every write goes through apps.unions.services."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from apps.core.api.base import ScopedModelViewSet
from apps.core.api.pagination import PageNumberPagination
from apps.core.exceptions import ApplicationError
from apps.core.locking import VersionedViewSetMixin, versioned_schema

from .. import selectors, services
from ..filtersets import (
    ContractFilterSet,
    JoinApplicationFilterSet,
    MemberFilterSet,
    TransferFilterSet,
    UnionFilterSet,
)
from ..models import CollectiveContract, GrassrootsUnion, JoinApplication, Member, MembershipTransfer
from .serializers import (
    ApproveSerializer,
    ContractSerializer,
    JoinApplicationSerializer,
    MemberLeaveSerializer,
    MemberSerializer,
    MemberTransferSerializer,
    ReasonSerializer,
    TransferCreateSerializer,
    TransferSerializer,
    UnionSerializer,
)

# Pagination without COUNT(*) over millions of rows ----------------------------------------


class EstimatedCountPagination(PageNumberPagination):
    django_paginator_class = selectors.EstimatedCountPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = getattr(self.page.paginator, "count_is_estimate", False)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_estimate"] = {"type": "boolean"}
        return schema


# Viewsets ---------------------------------------------------------------------------------


class _ServiceWritesMixin:
    """Update and delete are not offered; a record outside the scope is still a 404."""

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        self.get_object()
        raise MethodNotAllowed(request.method)

    @extend_schema(exclude=True)
    def partial_update(self, request, *args, **kwargs):
        self.get_object()
        raise MethodNotAllowed(request.method)

    @extend_schema(exclude=True)
    def destroy(self, request, *args, **kwargs):
        self.get_object()
        raise MethodNotAllowed(request.method)


class UnionViewSet(ScopedModelViewSet):
    """Grassroots unions (基层工会). ``region`` and ``parent`` take codes."""

    queryset = GrassrootsUnion.objects.select_related("region", "parent")
    serializer_class = UnionSerializer
    filterset_class = UnionFilterSet
    search_fields = ["name", "^code"]
    ordering_fields = ["code", "name", "kind", "founded_on"]
    ordering = ["code"]

    def perform_create(self, serializer):
        serializer.instance = services.union_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.union_update(
            union=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.union_delete(union=instance, user=self.request.user)


@versioned_schema(MemberSerializer)
class MemberViewSet(VersionedViewSetMixin, ScopedModelViewSet):
    """Real-name members (会员). The resident ID is masked without the personal-data right.
    The detail carries an ETag; an update with If-Match is refused when the member changed since."""

    queryset = Member.objects.select_related("union")
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet
    pagination_class = EstimatedCountPagination
    search_fields = ["name", "=id_number"]
    ordering_fields = ["joined_on", "name", "id"]
    ordering = ["-joined_on", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.member_register(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        union = data.pop("union", None)
        if union is not None and union.pk != serializer.instance.union_id:
            raise ApplicationError(_("A member changes union only through a transfer."))
        serializer.instance = services.member_update(
            member=serializer.instance,
            user=self.request.user,
            expected_version=self.expected_version(),
            **data,
        )

    @extend_schema(exclude=True)
    def destroy(self, request, *args, **kwargs):
        self.get_object()
        raise MethodNotAllowed(request.method)

    def _respond(self, member, code=status.HTTP_200_OK):
        member = selectors.member_list(user=self.request.user).filter(pk=member.pk).first() or member
        return Response(self.get_serializer(member).data, status=code)

    @extend_schema(request=MemberLeaveSerializer, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        member = self.get_object()
        data = MemberLeaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.member_leave(member=member, user=request.user, **data.validated_data)
        return self._respond(member)

    @extend_schema(request=None, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def retain(self, request, pk=None):
        return self._respond(services.member_retain(member=self.get_object(), user=request.user))

    @extend_schema(request=None, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self._respond(services.member_reactivate(member=self.get_object(), user=request.user))

    @extend_schema(request=MemberTransferSerializer, responses={201: TransferSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        member = self.get_object()
        data = MemberTransferSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        transfer = services.member_transfer(
            member=member,
            to_union=data.validated_data["to_union"],
            transferred_on=data.validated_data["transferred_on"],
            reason=data.validated_data.get("reason", ""),
            user=request.user,
        )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: TransferSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def transfers(self, request, pk=None):
        member = self.get_object()
        return Response(TransferSerializer(selectors.member_transfers(member), many=True).data)


class TransferViewSet(_ServiceWritesMixin, ScopedModelViewSet):
    """Membership transfers (会籍转接), scoped by the receiving union; pending ones are
    accepted or rejected by the receiving county."""

    queryset = MembershipTransfer.objects.select_related("member", "from_union", "to_union")
    serializer_class = TransferSerializer
    filterset_class = TransferFilterSet
    search_fields = ["member__name"]
    ordering_fields = ["created_at", "transferred_on", "id"]
    ordering = ["-created_at", "-id"]

    @extend_schema(request=TransferCreateSerializer, responses={201: TransferSerializer})
    def create(self, request, *args, **kwargs):
        data = TransferCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        transfer = services.member_transfer(
            member=data.validated_data["member"],
            to_union=data.validated_data["to_union"],
            transferred_on=data.validated_data["transferred_on"],
            reason=data.validated_data.get("reason", ""),
            user=request.user,
        )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        transfer = services.transfer_accept(transfer=self.get_object(), user=request.user)
        return Response(TransferSerializer(transfer).data)

    @extend_schema(request=ReasonSerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        transfer = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        transfer = services.transfer_reject(
            transfer=transfer, reason=data.validated_data["reason"], user=request.user
        )
        return Response(TransferSerializer(transfer).data)


class JoinApplicationViewSet(_ServiceWritesMixin, ScopedModelViewSet):
    """Online applications (网上入会): workers submit on the public page; staff approve or reject."""

    queryset = JoinApplication.objects.select_related("union")
    serializer_class = JoinApplicationSerializer
    filterset_class = JoinApplicationFilterSet
    search_fields = ["name", "=id_number"]
    ordering_fields = ["submitted_at", "name", "id"]
    ordering = ["-submitted_at", "-id"]

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed(request.method)

    @extend_schema(request=ApproveSerializer, responses={200: JoinApplicationSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        application = self.get_object()
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.join_application_approve(
            application=application, user=request.user, joined_on=data.validated_data.get("joined_on")
        )
        return Response(self.get_serializer(application).data)

    @extend_schema(request=ReasonSerializer, responses={200: JoinApplicationSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        application = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.join_application_reject(
            application=application, reason=data.validated_data["reason"], user=request.user
        )
        return Response(self.get_serializer(application).data)


class ContractViewSet(ScopedModelViewSet):
    """Collective contracts (集体合同). ``union`` takes the union code."""

    queryset = CollectiveContract.objects.select_related("union")
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    search_fields = ["number", "union__name"]
    ordering_fields = ["signed_on", "expires_on", "number", "covered_workers"]
    ordering = ["-signed_on", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.contract_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.contract_update(
            contract=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.contract_delete(contract=instance, user=self.request.user)
