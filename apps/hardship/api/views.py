"""Thin API of the hardship domain: scoped CRUD viewsets, the seven-step filing and the
dynamic management as explicit actions with input serializers; services write."""

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
from apps.core.scoping import VIEW

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
class HouseholdViewSet(VersionedViewSetMixin, ScopedModelViewSet):
    """Hardship households (困难职工家庭) and their seven-step filing. The detail carries an
    ETag; an update with If-Match is refused when the household changed since.

    ``POST {id}/advance/`` with ``{"step": ..., "note": ...}`` completes the next step;
    ``POST {id}/review/`` with ``{"decision": "approve" | "send_back", "note": ...}`` is the
    review, for prefecture/province users above the county once the public notice has ended,
    never the user who entered the household or last changed it (``step: "review"`` through
    ``advance`` approves). Sending back returns the filing to deliberation and needs a reason.
    The re-check and the exit are county decisions, never by the user who entered the
    household. A refused decision is a 400 whose message says who may take it."""

    queryset = selectors.with_objection_state(
        Household.objects.select_related("union__region").prefetch_related("members")
    )
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet
    pagination_class = PageNumberPagination
    ordering_fields = ["created_at", "filed_on", "head_name", "id"]
    ordering = ["-created_at", "-id"]
    # the advance action is open to reviewers (view permission); the service decides who may
    write_permission_action: str | None = None

    def scope_action(self) -> str:
        # The service decides who may do a step or take a decision (county staff, or the
        # reviewer above), so the household is looked up in the view scope for those actions:
        # who may see it but not decide gets the refusal that says who may.
        if self.action in ("advance", "review", "recheck", "exit_", "conflicts"):
            return VIEW
        return super().scope_action()

    def perform_create(self, serializer):
        serializer.instance = services.household_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        union = data.pop("union", None)
        if union is not None and union.pk != serializer.instance.union_id:
            raise ApplicationError(_("The union of a household cannot be changed."))
        serializer.instance = services.household_update(
            household=serializer.instance,
            user=self.request.user,
            expected_version=self.expected_version(),
            **data,
        )

    @extend_schema(exclude=True)
    def destroy(self, request, *args, **kwargs):
        self.get_object()
        raise MethodNotAllowed(request.method)

    def _respond(self, household, code=status.HTTP_200_OK):
        household = self.queryset.get(pk=household.pk)
        return Response(self.get_serializer(household).data, status=code)

    @extend_schema(request=AdvanceSerializer, responses={200: HouseholdSerializer})
    @action(detail=True, methods=["post"], write_permission_action="view")
    def advance(self, request, pk=None):
        household = self.get_object()
        s = AdvanceSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        household = services.household_advance(household=household, user=request.user, **s.validated_data)
        return self._respond(household)

    @extend_schema(request=HouseholdReviewSerializer, responses={200: HouseholdSerializer})
    @action(detail=True, methods=["post"], write_permission_action="view")
    def review(self, request, pk=None):
        """The review (审核): approve and file, or send back to deliberation with a reason."""
        household = self.get_object()  # the record first: outside the scope is a 404
        s = HouseholdReviewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        household = services.household_review(
            household=household,
            user=request.user,
            approve=s.validated_data["decision"] == "approve",
            note=s.validated_data["note"],
        )
        return self._respond(household)

    @extend_schema(request=NoteSerializer, responses={200: HouseholdSerializer})
    @action(detail=True, methods=["post"])
    def objection(self, request, pk=None):
        # the record first: outside the scope is a 404 whatever the input
        household = self.get_object()
        s = NoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        household = services.household_object(
            household=household, user=request.user, note=s.validated_data["note"]
        )
        return self._respond(household)

    @extend_schema(request=NoteSerializer, responses={200: HouseholdSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        # the record first: outside the scope is a 404 whatever the input
        household = self.get_object()
        s = NoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        household = services.household_withdraw(
            household=household, user=request.user, reason=s.validated_data["note"]
        )
        return self._respond(household)

    @extend_schema(request=ExitSerializer, responses={200: HouseholdSerializer})
    @action(detail=True, methods=["post"], url_path="exit", url_name="exit", write_permission_action="view")
    def exit_(self, request, pk=None):
        # the record first: outside the scope is a 404 whatever the input
        household = self.get_object()
        s = ExitSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        household = services.household_exit(household=household, user=request.user, **s.validated_data)
        return self._respond(household)

    @extend_schema(request=RecheckSerializer, responses={200: HouseholdSerializer})
    @action(detail=True, methods=["post"], write_permission_action="view")
    def recheck(self, request, pk=None):
        household = self.get_object()  # the record first: outside the scope is a 404
        s = RecheckSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        recheck = services.household_recheck(household=household, user=request.user, **s.validated_data)
        return self._respond(recheck.household)

    @extend_schema(request=NoteSerializer, responses={201: HouseholdSerializer})
    @action(detail=True, methods=["post"])
    def reenter(self, request, pk=None):
        # the record first: outside the scope is a 404 whatever the input
        household = self.get_object()
        s = NoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        household = services.household_reenter(household=household, user=request.user, **s.validated_data)
        return self._respond(household, status.HTTP_201_CREATED)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def conflicts(self, request, pk=None):
        """Information comparison: other households in the province holding one of its IDs."""
        return Response({"conflicts": services.household_conflicts(self.get_object())})

    @extend_schema(responses={200: HouseholdSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="review-queue")
    def review_queue(self, request):
        qs = selectors.review_queue(user=request.user).prefetch_related("members")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: HouseholdSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="recheck-due")
    def recheck_due(self, request):
        qs = selectors.recheck_due(user=request.user).prefetch_related("members")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class FamilyMemberViewSet(ScopedModelViewSet):
    """Family members of a household (besides the head); changed only before the calculation."""

    queryset = FamilyMember.objects.select_related("household")
    serializer_class = FamilyMemberSerializer
    pagination_class = PageNumberPagination
    ordering = ["household_id", "id"]
    filterset_fields = ["household"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.member_add(user=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("household", None)
        serializer.instance = services.member_update(
            member=serializer.instance, user=self.request.user, **data
        )

    def perform_destroy(self, instance):
        services.member_remove(member=instance, user=self.request.user)


class DisbursementViewSet(ScopedModelViewSet):
    """Aid disbursements: created through the service; a paid disbursement is not edited."""

    queryset = Disbursement.objects.select_related("household")
    serializer_class = DisbursementSerializer
    filterset_class = DisbursementFilterSet
    pagination_class = PageNumberPagination
    ordering_fields = ["paid_on", "amount", "id"]
    ordering = ["-paid_on", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.disbursement_create(
            user=self.request.user, **serializer.validated_data
        )

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
