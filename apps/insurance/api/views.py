"""Thin API of mutual medical insurance: viewsets over scoped querysets, workflow actions with
input serializers; every write goes through apps.insurance.services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from apps.core.admin_base import ServiceWrites
from apps.core.api.attachments import AttachmentsViewSetMixin
from apps.core.api.base import RecordStep, ScopedModelViewSet, ScopedReadOnlyViewSet, ServiceDestroyMixin
from apps.core.api.pagination import EstimatedCountPagination
from apps.core.locking import VersionedViewSetMixin, versioned_schema

from .. import selectors, services
from ..filtersets import ClaimFilterSet, CoverageFilterSet, EnrollmentFilterSet, PlanFilterSet
from ..models import Claim, Coverage, Enrollment, Plan
from .serializers import (
    ClaimCreateSerializer,
    ClaimPaySerializer,
    ClaimRejectSerializer,
    ClaimSerializer,
    ClaimUpdateSerializer,
    CoverageSerializer,
    EnrollmentMembersSerializer,
    EnrollmentSerializer,
    PayoutBreakdownSerializer,
    PlanReopenSerializer,
    PlanSerializer,
)

_DECISION_DOC = (
    "%s. Refused with 400 (nothing changed) when the claim is not waiting for this step or the "
    "user may not take it: the message says who may (four eyes: never the submitter, the last "
    "editor of the claim or, for the approval of a double-review plan, its reviewer)."
)

# what each claim decision does, and who takes it
_STEPS = {
    "review": "submitted → reviewed, by the prefecture above the county or the province",
    "approve": "reviewed → approved, by the same reviewers; on a double-review plan not by the reviewer",
    "reject": "submitted or reviewed → rejected with a reason, by whoever may review or approve it now",
    "pay": "approved → paid with the computed payout, by county staff of the claim's county",
}


def _decision(service, body, step: str) -> RecordStep:
    """A claim decision: open to whoever sees the claim (reviewers above the county hold only
    "view" on the model); the service checks the decision step (apps.insurance.decisions)."""
    return RecordStep(service, body, description=_DECISION_DOC % step, write_permission_action="view")


class PlanEditorPermission(BasePermission):
    """Reads for every staff user; writes for provincial staff and administrators."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or services.is_plan_editor(user)


class PlanViewSet(ScopedModelViewSet):
    """Yearly plans (职工医疗互助计划): every staff user reads them; provincial staff and
    administrators write them."""

    permission_classes = [PlanEditorPermission]
    queryset = Plan.objects.all()
    selector = staticmethod(selectors.plan_list)
    writes = ServiceWrites.named(services, "plan")
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet
    search_fields = ["code"]
    ordering_fields = ["year", "code", "product"]
    ordering = ["-year", "code"]

    reopen = RecordStep(services.plan_set_enrollment_reopened, PlanReopenSerializer)


class EnrollmentViewSet(ServiceDestroyMixin, ScopedReadOnlyViewSet):
    """Unit enrollments with their contribution (covered members × fee). ``plan`` and
    ``union`` take codes; members are added and removed by id through the actions (an
    enrollment itself is not edited)."""

    queryset = Enrollment.objects.all()
    selector = staticmethod(selectors.enrollment_list)
    writes = ServiceWrites(record="enrollment", delete=services.enrollment_delete)
    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilterSet
    search_fields = ["union__name", "^union__code"]
    ordering_fields = ["plan__year", "plan__code", "union__code", "covered_count", "contribution"]
    ordering = ["-plan__year", "plan__code", "union__code"]

    def create(self, request, *args, **kwargs):
        data = self.validated(EnrollmentSerializer)
        enrollment = services.enrollment_create(
            plan=data["plan"],
            union=data["union"],
            members=data.get("members", []),
            note=data.get("note", ""),
            user=request.user,
        )
        return self.respond(enrollment, status.HTTP_201_CREATED)

    def _change_members(self, service):
        enrollment = self.get_object()
        members = self.validated(EnrollmentMembersSerializer)["members"]
        service(enrollment=enrollment, members=members, user=self.request.user)
        return self.respond(enrollment)

    @extend_schema(request=EnrollmentMembersSerializer, responses={200: EnrollmentSerializer})
    @action(detail=True, methods=["post"], url_path="add-members")
    def add_members(self, request, pk=None):
        return self._change_members(services.enrollment_add_members)

    @extend_schema(request=EnrollmentMembersSerializer, responses={200: EnrollmentSerializer})
    @action(detail=True, methods=["post"], url_path="remove-members")
    def remove_members(self, request, pk=None):
        return self._change_members(services.enrollment_remove_members)

    @extend_schema(responses={200: CoverageSerializer(many=True)})
    @action(detail=True, methods=["get"], filterset_class=None)
    def members(self, request, pk=None):
        enrollment = self.get_object()
        page = self.paginate_queryset(selectors.enrollment_members(enrollment))
        data = CoverageSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


class CoverageViewSet(ScopedReadOnlyViewSet):
    """Covered members (one row per plan and member), read-only: change them through the
    enrollment actions."""

    queryset = Coverage.objects.all()
    selector = staticmethod(selectors.coverage_list)
    serializer_class = CoverageSerializer
    filterset_class = CoverageFilterSet
    ordering_fields = ["id", "plan__code"]
    ordering = ["plan__code", "id"]


@versioned_schema(ClaimSerializer, request=ClaimUpdateSerializer)
class ClaimViewSet(
    AttachmentsViewSetMixin, VersionedViewSetMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet
):
    """Claims (理赔): submitted → reviewed → approved → paid, or rejected with a reason.
    The payout is computed on payment; ``preview`` shows it with its breakdown. The detail
    carries an ETag; a correction with If-Match is refused when the claim changed since.

    Duties are separated: county staff submit and pay; the prefecture above the claim's
    county (or the province) reviews and approves, never the submitter or the claim's last
    editor, and on a double-review plan the approver is not the reviewer. A decision the user
    may not take is a 400 whose message says who may. ``{id}/attachments/`` holds its evidence:
    the hospital's invoices and the discharge summary."""

    pagination_class = EstimatedCountPagination

    queryset = Claim.objects.all()
    attachment_kinds = ("invoice", "discharge_summary")
    selector = staticmethod(selectors.claim_list)
    writes = ServiceWrites(record="claim")  # the decisions' record
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilterSet
    search_fields = ["^number", "coverage__member__name"]
    ordering_fields = ["discharged_on", "number", "paid_on", "total_expense", "payout"]
    ordering = ["-discharged_on", "-id"]

    @extend_schema(request=ClaimCreateSerializer, responses={201: ClaimSerializer})
    def create(self, request, *args, **kwargs):
        claim = services.claim_submit(user=request.user, **self.validated(ClaimCreateSerializer))
        return self.respond(claim, status.HTTP_201_CREATED)

    @extend_schema(request=ClaimUpdateSerializer, responses={200: ClaimSerializer})
    def update(self, request, *args, **kwargs):
        claim = self.get_object()
        data = self.validated(ClaimUpdateSerializer, partial=kwargs.get("partial", False))
        claim = services.claim_update(
            claim=claim, user=request.user, expected_version=self.expected_version(), **data
        )
        return self.respond(claim)

    @extend_schema(responses={200: PayoutBreakdownSerializer})
    @action(detail=True, methods=["get"], filterset_class=None)
    def preview(self, request, pk=None):
        breakdown = services.claim_payout_preview(claim=self.get_object())
        return Response(PayoutBreakdownSerializer(breakdown).data)

    review = _decision(services.claim_review, None, _STEPS["review"])
    approve = _decision(services.claim_approve, None, _STEPS["approve"])
    reject = _decision(services.claim_reject, ClaimRejectSerializer, _STEPS["reject"])
    pay = _decision(services.claim_pay, ClaimPaySerializer, _STEPS["pay"])
