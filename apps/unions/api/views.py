"""Thin API of the unions domain: CRUD viewsets over scoped querysets, workflow actions
with input serializers; every write goes through apps.unions.services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.admin_base import ServiceWrites
from apps.core.api.attachments import AttachmentsViewSetMixin
from apps.core.api.base import (
    RecordStep,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    proposed,
)
from apps.core.api.pagination import EstimatedCountPagination
from apps.core.locking import VersionedViewSetMixin, versioned_schema
from apps.core.models import ChangeRequest

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
    writes = ServiceWrites.named(services, "union")
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
    writes = ServiceWrites.named(services, "member", create=services.member_register, delete=None)
    fixed_fields = {"union": _("A member changes union only through a transfer.")}
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet
    pagination_class = EstimatedCountPagination
    # the name's gram index (migration 0003); a full resident ID by equality (core.api.search)
    search_fields = ["name__gram_icontains", "=id_number"]
    ordering_fields = ["joined_on", "name", "id"]
    ordering = ["-joined_on", "-id"]

    leave = RecordStep(services.member_leave, MemberLeaveSerializer)
    retain = RecordStep(services.member_retain)
    reactivate = RecordStep(services.member_reactivate)

    def get_queryset(self):
        # one member: its union in the same query (a list prefetches its page's unions)
        queryset = super().get_queryset()
        return queryset.select_related("union") if self.detail else queryset

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


# Decisions (accept, approve, reject) are open to whoever sees the record (a prefecture user
# holds only "view"): the service obeys the decision step (``apps.unions.decisions``), so who
# may see it but not decide gets a 400 whose message says who may.
DECIDE = "view"


class TransferViewSet(ScopedReadOnlyViewSet):
    """Membership transfers (会籍转接), scoped by the receiving union; pending ones are
    accepted or rejected by county staff of the receiving county, never by the user who
    requested the transfer."""

    queryset = MembershipTransfer.objects.all()
    selector = staticmethod(selectors.transfer_list)
    writes = ServiceWrites(record="transfer")  # the decisions' record
    serializer_class = TransferSerializer
    filterset_class = TransferFilterSet
    search_fields = ["member__name"]
    ordering_fields = ["created_at", "transferred_on", "id"]
    ordering = ["-created_at", "-id"]

    @extend_schema(request=TransferCreateSerializer, responses={201: TransferSerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated(TransferCreateSerializer)
        return _transfer(data["member"], data, user=request.user)

    accept = RecordStep(services.transfer_accept, write_permission_action=DECIDE)
    reject = RecordStep(services.transfer_reject, ReasonSerializer, write_permission_action=DECIDE)


class JoinApplicationViewSet(ScopedReadOnlyViewSet):
    """Online applications (网上入会): workers submit on the public page; county staff of the
    union's county approve or reject them here, never the user who last changed the
    application (no create, edit or delete through the API)."""

    queryset = JoinApplication.objects.all()
    selector = staticmethod(selectors.join_application_list)
    writes = ServiceWrites(record="application")  # the decisions' record
    serializer_class = JoinApplicationSerializer
    filterset_class = JoinApplicationFilterSet
    search_fields = ["name", "=id_number"]
    ordering_fields = ["submitted_at", "name", "id"]
    ordering = ["-submitted_at", "-id"]

    approve = RecordStep(services.join_application_approve, ApproveSerializer, write_permission_action=DECIDE)
    reject = RecordStep(services.join_application_reject, ReasonSerializer, write_permission_action=DECIDE)


class ContractViewSet(AttachmentsViewSetMixin, ScopedModelViewSet):
    """Collective contracts (集体合同). ``union`` takes the union code. ``{id}/attachments/``:
    the signed contract (scanned PDF or photos)."""

    queryset = CollectiveContract.objects.all()
    attachment_kinds = ("signed_contract",)
    selector = staticmethod(selectors.contract_list)
    writes = ServiceWrites.named(services, "contract")
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    search_fields = ["number", "union__name"]
    ordering_fields = ["signed_on", "expires_on", "number", "covered_workers"]
    ordering = ["-signed_on", "-id"]
