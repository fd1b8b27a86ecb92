"""Thin API of the competitions domain: CRUD viewsets over scoped querysets; every write goes
through apps.competitions.services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.admin_base import ServiceWrites
from apps.core.api.base import (
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    ServiceCreateMixin,
    ServiceDestroyMixin,
)

from .. import selectors, services
from ..filtersets import CompetitionFilterSet, InnovationFilterSet, ParticipationFilterSet
from ..models import Competition, InnovationAchievement, Participation
from .serializers import (
    CompetitionSerializer,
    CompetitionTotalsSerializer,
    InnovationSerializer,
    ParticipationSerializer,
    ParticipationUpdateSerializer,
)


class CompetitionViewSet(ScopedModelViewSet):
    """Labour and skill competitions (劳动竞赛). ``organizer_region`` takes a division code.

    Reading follows ``CompetitionQuerySet.restrict`` (own subtree, regions above, and any
    competition the user's units take part in); writing needs the organizer region in scope.
    """

    queryset = Competition.objects.all()
    selector = staticmethod(selectors.competition_list)
    writes = ServiceWrites.named(services, "competition")
    serializer_class = CompetitionSerializer
    filterset_class = CompetitionFilterSet
    search_fields = ["name", "^code"]
    ordering_fields = ["code", "name", "kind", "start_date", "end_date"]
    ordering = ["-start_date", "code"]

    @extend_schema(responses={200: CompetitionTotalsSerializer})
    @action(detail=True, methods=["get"])
    def totals(self, request, pk=None):
        """Units, participating and promoted workers over the participations the user sees."""
        competition = self.get_object()
        totals = selectors.competition_totals(competition=competition, user=request.user)
        return Response(CompetitionTotalsSerializer(totals).data)


class ParticipationViewSet(
    ServiceCreateMixin, ServiceDestroyMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet
):
    """A unit's participation in a competition; ``competition`` and ``union`` take codes."""

    queryset = Participation.objects.all()
    selector = staticmethod(selectors.participation_list)
    writes = ServiceWrites.named(services, "participation")
    serializer_class = ParticipationSerializer
    filterset_class = ParticipationFilterSet
    search_fields = ["competition__name", "^competition__code", "union__name", "^union__code"]
    ordering_fields = ["competition__start_date", "competition__code", "union__code", "participating_workers"]
    ordering = ["-competition__start_date", "competition__code", "union__code"]

    @extend_schema(request=ParticipationUpdateSerializer, responses={200: ParticipationSerializer})
    def update(self, request, *args, **kwargs):
        """Correct the figures or the award; the competition and the unit never change."""
        participation = self.get_object()
        data = ParticipationUpdateSerializer(
            participation, data=request.data, partial=kwargs.get("partial", False)
        )
        data.is_valid(raise_exception=True)
        participation = self.writes.update(
            participation=participation, user=request.user, **data.validated_data
        )
        return Response(self.get_serializer(participation).data)

    @extend_schema(request=ParticipationUpdateSerializer, responses={200: ParticipationSerializer})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class InnovationViewSet(ScopedModelViewSet):
    """Innovation achievements (技术创新成果) and advanced operating methods (先进操作法)."""

    queryset = InnovationAchievement.objects.all()
    selector = staticmethod(selectors.innovation_list)
    writes = ServiceWrites.named(services, "innovation")
    serializer_class = InnovationSerializer
    filterset_class = InnovationFilterSet
    search_fields = ["name", "^number", "authors"]
    ordering_fields = ["number", "name", "year", "grade"]
    ordering = ["-year", "number"]
