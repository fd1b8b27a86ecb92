"""Serializers of the competitions API: they validate shapes and resolve codes; services write.

``organizer_region`` takes a division code among the regions the user may organize in;
``union`` takes a union code in the user's CHANGE scope; ``competition`` a competition code
the user can see. Outside the scope a code is simply not found.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import request_user
from apps.core.models import Region
from apps.core.scoping import VIEW
from apps.unions.api.serializers import UnionCodeField

from .. import selectors
from ..models import Competition, InnovationAchievement, Participation


class OrganizerRegionField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.none())
        kwargs.setdefault(
            "error_messages", {"does_not_exist": _("No region with code {value} in your scope.")}
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        return selectors.organizer_regions(user=request_user(self.root))


class CompetitionCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Competition.objects.none())
        kwargs.setdefault(
            "error_messages", {"does_not_exist": _("No competition with code {value} in your scope.")}
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        return Competition.objects.restrict(request_user(self.root), VIEW)


class CompetitionSerializer(serializers.ModelSerializer):
    organizer_region = OrganizerRegionField(label=_("organizer region code"))
    organizer_region_name = serializers.CharField(source="organizer_region.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Competition
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_display",
            "organizer_region",
            "organizer_region_name",
            "theme",
            "start_date",
            "end_date",
        ]
        extra_kwargs = {"code": {"validators": []}}
        validators: list = []

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


class ParticipationSerializer(serializers.ModelSerializer):
    competition = CompetitionCodeField(label=_("competition code"))
    competition_name = serializers.CharField(source="competition.name", read_only=True)
    union = UnionCodeField(label=_("union code"))
    union_name = serializers.CharField(source="union.name", read_only=True)

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
        validators: list = []


class ParticipationUpdateSerializer(serializers.ModelSerializer):
    """Figures and award only: a participation never moves to another competition or unit."""

    class Meta:
        model = Participation
        fields = ["participating_workers", "promoted_workers", "award"]


class InnovationSerializer(serializers.ModelSerializer):
    union = UnionCodeField(label=_("union code"))
    union_name = serializers.CharField(source="union.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)

    class Meta:
        model = InnovationAchievement
        fields = [
            "id",
            "number",
            "name",
            "kind",
            "kind_display",
            "union",
            "union_name",
            "year",
            "authors",
            "grade",
            "grade_display",
            "recommended_nationally",
        ]
        extra_kwargs = {"number": {"validators": []}}
        validators: list = []
