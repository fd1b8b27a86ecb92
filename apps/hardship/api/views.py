"""Thin API of the hardship domain: scoped CRUD viewsets, the seven-step filing and the
dynamic management as explicit actions with input serializers; services write."""

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
)
from apps.core.api.pagination import PageNumberPagination
from apps.core.locking import VersionedViewSetMixin, versioned_schema

from .. import selectors, services
from ..filtersets import DisbursementFilterSet, HouseholdFilterSet
from ..models import Disbursement, FamilyMember, Household
from .serializers import (
    AdvanceSerializer,
    DisbursementSerializer,
    ExitSerializer,
    FamilyMemberSerializer,
    HouseholdReviewSerializer,
    HouseholdSerializer,
    NoteSerializer,
    RecheckSerializer,
)


@versioned_schema(HouseholdSerializer)
class HouseholdViewSet(
    AttachmentsViewSetMixin,
    VersionedViewSetMixin,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ScopedReadOnlyViewSet,
):
    """Hardship households (困难职工家庭) and their seven-step filing. The detail carries an
    ETag; an update with If-Match is refused when the household changed since. A household
    is not deleted: it exits (and may re-enter).

    ``POST {id}/advance/`` with ``{"step": ..., "note": ...}`` completes the next step;
    ``POST {id}/review/`` with ``{"decision": "approve" | "send_back", "note": ...}`` is the
    review, for prefecture/province users above the county once the public notice has ended,
    never the user who entered the household or last changed it (``step: "review"`` through
    ``advance`` approves). Sending back returns the filing to deliberation and needs a reason.
    The re-check and the exit are county decisions, never by the user who entered the
    household. A refused decision is a 400 whose message says who may take it.
    ``{id}/attachments/`` holds the filing's evidence: visit photos, income and illness proofs."""

    queryset = Household.objects.all()
    attachment_kinds = ("visit_photo", "income_proof", "illness_proof")
    selector = staticmethod(selectors.household_list)
    writes = ServiceWrites.named(services, "household", delete=None)
    fixed_fields = {"union": _("The union of a household cannot be changed.")}
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet
    pagination_class = PageNumberPagination
    ordering_fields = ["created_at", "filed_on", "head_name", "id"]
    ordering = ["-created_at", "-id"]

    def scoped_queryset(self, action: str):
        # the serializer reads the open objection and the family members of every row
        return selectors.with_objection_state(super().scoped_queryset(action).prefetch_related("members"))

    # The service decides who may do a step or take a decision (county staff, or the reviewer
    # above): those routed with "view" look the household up in the view scope, and who may
    # see it but not decide gets the refusal that says who may.
    advance = RecordStep(services.household_advance, AdvanceSerializer, write_permission_action="view")

    @extend_schema(request=HouseholdReviewSerializer, responses={200: HouseholdSerializer})
    @action(detail=True, methods=["post"], write_permission_action="view")
    def review(self, request, pk=None):
        """The review (审核): approve and file, or send back to deliberation with a reason."""
        household = self.get_object()  # the record first: outside the scope is a 404
        data = self.validated(HouseholdReviewSerializer)
        household = services.household_review(
            household=household, user=request.user, approve=data["decision"] == "approve", note=data["note"]
        )
        return self.respond(household)

    objection = RecordStep(services.household_object, NoteSerializer)
    withdraw = RecordStep(services.household_withdraw, NoteSerializer, rename={"note": "reason"})
    exit_ = RecordStep(
        services.household_exit,
        ExitSerializer,
        url_path="exit",
        url_name="exit",
        write_permission_action="view",
    )

    @extend_schema(request=RecheckSerializer, responses={200: HouseholdSerializer})
    @action(detail=True, methods=["post"], write_permission_action="view")
    def recheck(self, request, pk=None):
        household = self.get_object()  # the record first: outside the scope is a 404
        recheck = services.household_recheck(
            household=household, user=request.user, **self.validated(RecheckSerializer)
        )
        return self.respond(recheck.household)

    reenter = RecordStep(services.household_reenter, NoteSerializer, code=status.HTTP_201_CREATED)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def conflicts(self, request, pk=None):
        """Information comparison: other households in the province holding one of its IDs."""
        return Response({"conflicts": services.household_conflicts(self.get_object())})

    def _queue(self, queryset):
        page = self.paginate_queryset(queryset.prefetch_related("members"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: HouseholdSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="review-queue")
    def review_queue(self, request):
        return self._queue(selectors.review_queue(user=request.user))

    @extend_schema(responses={200: HouseholdSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="recheck-due")
    def recheck_due(self, request):
        return self._queue(selectors.recheck_due(user=request.user))


class FamilyMemberViewSet(ScopedModelViewSet):
    """Family members of a household (besides the head); changed only before the calculation.
    The household is set on creation and read-only afterwards (see the serializer)."""

    queryset = FamilyMember.objects.select_related("household")
    writes = ServiceWrites.named(
        services, "member", create=services.member_add, delete=services.member_remove
    )
    serializer_class = FamilyMemberSerializer
    pagination_class = PageNumberPagination
    ordering = ["household_id", "id"]
    filterset_fields = ["household"]


class DisbursementViewSet(ServiceCreateMixin, ScopedReadOnlyViewSet):
    """Aid disbursements: created through the service, never edited or deleted here (a paid
    disbursement is part of the ledger)."""

    queryset = Disbursement.objects.all()
    selector = staticmethod(selectors.disbursement_list)
    writes = ServiceWrites(record="disbursement", create=services.disbursement_create)
    serializer_class = DisbursementSerializer
    filterset_class = DisbursementFilterSet
    pagination_class = PageNumberPagination
    ordering_fields = ["paid_on", "amount", "id"]
    ordering = ["-paid_on", "-id"]
