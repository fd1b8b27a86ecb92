"""Serializers of the competitions API: they validate shapes and resolve codes; services write.

``organizer_region`` takes a division code among the regions the user may organize in;
``union`` takes a union code in the user's CHANGE scope; ``competition`` a competition code
the user can see. Outside the scope a code is simply not found.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import CodeField, RegionCodeField, ServiceModelSerializer
from apps.unions.public import UnionCodeField

from .. import selectors, services
from ..models import Competition, InnovationAchievement, Participation


class CompetitionSerializer(ServiceModelSerializer):
    organizer_region = RegionCodeField(selectors.organizer_regions, label=_("organizer region code"))

    class Meta:
        model = Competition
        fields = ["id", *services.COMPETITION_FIELDS, "kind_display", "organizer_region_name"]

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": [_("The end date cannot be before the start date.")]}
            )
        return attrs


class CompetitionTotalsSerializer(serializers.Serializer):
    units = serializers.IntegerField()
    workers = serializers.IntegerField()
    promoted = serializers.IntegerField()


class ParticipationSerializer(ServiceModelSerializer):
    competition = CodeField(
        Competition,
        selectors.competition_list,
        not_found=_("No competition with code {value} in your scope."),
        label=_("competition code"),
    )
    union = UnionCodeField(label=_("union code"))

    class Meta:
        model = Participation
        fields = [
            "id",
            "competition",
            "competition_name",
            "union",
            "union_name",
            "participating_workers",
            "promoted_workers",
            "award",
        ]
        # the service takes the count as a required argument: the model's default must not
        # make it optional here (a missing count was a TypeError, a 500)
        extra_kwargs = {"participating_workers": {"required": True}}


class ParticipationUpdateSerializer(ServiceModelSerializer):
    """Figures and award only: a participation never moves to another competition or unit."""

    class Meta:
        model = Participation
        fields = services.PARTICIPATION_FIELDS


class InnovationSerializer(ServiceModelSerializer):
    union = UnionCodeField(label=_("union code"))

    class Meta:
        model = InnovationAchievement
        fields = ["id", *services.INNOVATION_FIELDS, "kind_display", "union_name", "grade_display"]
