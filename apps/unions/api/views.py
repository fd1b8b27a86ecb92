"""Thin API of the unions domain: CRUD viewsets over scoped querysets, workflow actions
with input serializers; every write goes through apps.unions.services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.attachments import AttachmentsViewSetMixin
from apps.core.api.base import (
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    proposed,
)
from apps.core.api.pagination import EstimatedCountPagination
from apps.core.locking import VersionedViewSetMixin, versioned_schema
from apps.core.models import ChangeRequest
from apps.core.scoping import VIEW

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


class UnionViewSet(ScopedModelViewSet):
    """Grassroots unions (基层工会). ``region`` and ``parent`` take codes."""

    queryset = GrassrootsUnion.objects.all()
    selector = staticmethod(selectors.union_list)
    create_service = staticmethod(services.union_create)
    update_service = staticmethod(services.union_update)
    destroy_service = staticmethod(services.union_delete)
    record_kwarg = "union"
    serializer_class = UnionSerializer
    filterset_class = UnionFilterSet
    search_fields = ["name__gram_icontains", "^code"]  # both indexed (migration 0003)
    ordering_fields = ["code", "name", "kind", "founded_on"]
    ordering = ["code"]


@versioned_schema(MemberSerializer)
class MemberViewSet(VersionedViewSetMixin, ServiceCreateMixin, ServiceUpdateMixin, ScopedReadOnlyViewSet):
    """Real-name members (会员). The resident ID is masked without the personal-data right.
    The detail carries an ETag; an update with If-Match is refused when the member changed
    since. Members are not deleted: they leave (and may be retained or reactivated)."""

    queryset = Member.objects.all()
    selector = staticmethod(selectors.member_list)
    create_service = staticmethod(services.member_register)
    update_service = staticmethod(services.member_update)
    record_kwarg = "member"
    fixed_fields = {"union": _("A member changes union only through a transfer.")}
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet
    pagination_class = EstimatedCountPagination
    # the name's gram index (migration 0003); a full resident ID by equality (core.api.search)
    search_fields = ["name__gram_icontains", "=id_number"]
    ordering_fields = ["joined_on", "name", "id"]
    ordering = ["-joined_on", "-id"]

    @extend_schema(request=MemberLeaveSerializer, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        member = self.get_object()
        data = self.validated(MemberLeaveSerializer)
        return self.respond(services.member_leave(member=member, user=request.user, **data))

    @extend_schema(request=None, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def retain(self, request, pk=None):
        return self.respond(services.member_retain(member=self.get_object(), user=request.user))

    @extend_schema(request=None, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self.respond(services.member_reactivate(member=self.get_object(), user=request.user))

    @extend_schema(request=MemberTransferSerializer, responses={201: TransferSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        member = self.get_object()
        return _transfer(member, self.validated(MemberTransferSerializer), user=request.user)

    @extend_schema(responses={200: TransferSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def transfers(self, request, pk=None):
        member = self.get_object()
        return Response(TransferSerializer(selectors.member_transfers(member), many=True).data)


def _transfer(member: Member, data: dict, *, user) -> Response:
    transfer = services.member_transfer(
        member=member,
        to_union=data["to_union"],
        transferred_on=data["transferred_on"],
        reason=data.get("reason", ""),
        user=user,
    )
    if isinstance(transfer, ChangeRequest):  # a grassroots union's request (apps/core/proposals.py)
        return proposed(transfer)
    return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class _DecisionMixin:
    """Decisions (accept, approve, reject) are open to whoever sees the record (a prefecture
    user holds only "view"): the record is looked up in the view scope and the service obeys
    the decision step (``apps.unions.decisions``), so who may see it but not decide gets a 400
    whose message says who may.

    ``POST {id}/reject/`` with a reason, through ``reject_service(<record_kwarg>=..., reason=...)``."""

    decision_actions = ("accept", "approve", "reject")
    write_permission_action: str | None = None  # "view" on the decision actions below

    def scope_action(self) -> str:
        if getattr(self, "action", None) in self.decision_actions:
            return VIEW
        return super().scope_action()

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"], write_permission_action="view")
    def reject(self, request, pk=None):
        record = self.get_object()  # the record first: outside the scope is a 404 whatever the input
        reason = self.validated(ReasonSerializer)["reason"]
        record = self.reject_service(**{self.record_kwarg: record}, reason=reason, user=request.user)
        return Response(self.get_serializer(record).data)


class TransferViewSet(_DecisionMixin, ScopedReadOnlyViewSet):
    """Membership transfers (会籍转接), scoped by the receiving union; pending ones are
    accepted or rejected by county staff of the receiving county, never by the user who
    requested the transfer."""

    queryset = MembershipTransfer.objects.all()
    selector = staticmethod(selectors.transfer_list)
    reject_service = staticmethod(services.transfer_reject)
    record_kwarg = "transfer"
    serializer_class = TransferSerializer
    filterset_class = TransferFilterSet
    search_fields = ["member__name"]
    ordering_fields = ["created_at", "transferred_on", "id"]
    ordering = ["-created_at", "-id"]

    @extend_schema(request=TransferCreateSerializer, responses={201: TransferSerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated(TransferCreateSerializer)
        return _transfer(data["member"], data, user=request.user)

    @extend_schema(request=None, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"], write_permission_action="view")
    def accept(self, request, pk=None):
        transfer = services.transfer_accept(transfer=self.get_object(), user=request.user)
        return Response(TransferSerializer(transfer).data)


class JoinApplicationViewSet(_DecisionMixin, ScopedReadOnlyViewSet):
    """Online applications (网上入会): workers submit on the public page; county staff of the
    union's county approve or reject them here, never the user who last changed the
    application (no create, edit or delete through the API)."""

    queryset = JoinApplication.objects.all()
    selector = staticmethod(selectors.join_application_list)
    reject_service = staticmethod(services.join_application_reject)
    record_kwarg = "application"
    serializer_class = JoinApplicationSerializer
    filterset_class = JoinApplicationFilterSet
    search_fields = ["name", "=id_number"]
    ordering_fields = ["submitted_at", "name", "id"]
    ordering = ["-submitted_at", "-id"]

    @extend_schema(request=ApproveSerializer, responses={200: JoinApplicationSerializer})
    @action(detail=True, methods=["post"], write_permission_action="view")
    def approve(self, request, pk=None):
        application = self.get_object()
        joined_on = self.validated(ApproveSerializer).get("joined_on")
        application = services.join_application_approve(
            application=application, user=request.user, joined_on=joined_on
        )
        return Response(self.get_serializer(application).data)


class ContractViewSet(AttachmentsViewSetMixin, ScopedModelViewSet):
    """Collective contracts (集体合同). ``union`` takes the union code. ``{id}/attachments/``:
    the signed contract (scanned PDF or photos)."""

    queryset = CollectiveContract.objects.all()
    attachment_kinds = ("signed_contract",)
    selector = staticmethod(selectors.contract_list)
    create_service = staticmethod(services.contract_create)
    update_service = staticmethod(services.contract_update)
    destroy_service = staticmethod(services.contract_delete)
    record_kwarg = "contract"
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    search_fields = ["number", "union__name"]
    ordering_fields = ["signed_on", "expires_on", "number", "covered_workers"]
    ordering = ["-signed_on", "-id"]
