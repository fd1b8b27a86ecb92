"""Thin API of the competitions domain: CRUD viewsets over scoped querysets; every write goes
through apps.competitions.services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.base import ScopedModelViewSet

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

    queryset = Competition.objects.select_related("organizer_region")
    serializer_class = CompetitionSerializer
    filterset_class = CompetitionFilterSet
    search_fields = ["name", "^code"]
    ordering_fields = ["code", "name", "kind", "start_date", "end_date"]
    ordering = ["-start_date", "code"]

    def perform_create(self, serializer):
        serializer.instance = services.competition_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.competition_update(
            competition=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.competition_delete(competition=instance, user=self.request.user)

    @extend_schema(responses={200: CompetitionTotalsSerializer})
    @action(detail=True, methods=["get"])
    def totals(self, request, pk=None):
        """Units, participating and promoted workers over the participations the user sees."""
        competition = self.get_object()
        totals = selectors.competition_totals(competition=competition, user=request.user)
        return Response(CompetitionTotalsSerializer(totals).data)


class ParticipationViewSet(ScopedModelViewSet):
    """A unit's participation in a competition; ``competition`` and ``union`` take codes."""

    queryset = Participation.objects.select_related("competition", "union")
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
            participation, data=request.data, partial=kwargs.pop("partial", False)
        )
        data.is_valid(raise_exception=True)
        participation = services.participation_update(
            participation=participation, user=request.user, **data.validated_data
        )
        return Response(self.get_serializer(participation).data)

    @extend_schema(request=ParticipationUpdateSerializer, responses={200: ParticipationSerializer})
    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.participation_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.participation_delete(participation=instance, user=self.request.user)


class InnovationViewSet(ScopedModelViewSet):
    """Innovation achievements (技术创新成果) and advanced operating methods (先进操作法)."""

    queryset = InnovationAchievement.objects.select_related("union")
    serializer_class = InnovationSerializer
    filterset_class = InnovationFilterSet
    search_fields = ["name", "^number", "authors"]
    ordering_fields = ["number", "name", "year", "grade"]
    ordering = ["-year", "number"]

    def perform_create(self, serializer):
        serializer.instance = services.innovation_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.innovation_update(
            innovation=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.innovation_delete(innovation=instance, user=self.request.user)
