"""Serializers of the model workers API: they validate shapes and resolve codes; services write.

Union fields take the union *code* and model workers their id, both looked up in the request
user's CHANGE scope, so a county user cannot write into another county (not found).
Resident IDs are masked for users without the personal-data right.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import PersonalDataMixin, request_user
from apps.core.models import Region
from apps.core.scoping import CHANGE
from apps.unions.api.serializers import UnionCodeField

from .. import selectors
from ..models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk


class ModelWorkerField(serializers.PrimaryKeyRelatedField):
    """A model worker by id, in the request user's CHANGE scope."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", ModelWorker.objects.none())
        kwargs.setdefault(
            "error_messages", {"does_not_exist": _("No model worker with id {pk_value} in your scope.")}
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        return ModelWorker.objects.restrict(request_user(self.root), CHANGE).select_related("union")


class TalkRegionField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.none())
        kwargs.setdefault(
            "error_messages", {"does_not_exist": _("No region with code {value} in your scope.")}
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        return selectors.regions_for_talks(user=request_user(self.root))


class ModelWorkerSerializer(PersonalDataMixin, serializers.ModelSerializer):
    union = UnionCodeField(label=_("union code"))
    union_name = serializers.CharField(source="union.name", read_only=True)
    id_number = serializers.CharField(label=_("resident ID"), max_length=20)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    title_display = serializers.CharField(source="get_title_display", read_only=True)

    class Meta:
        model = ModelWorker
        fields = [
            "id",
            "name",
            "id_number",
            "union",
            "union_name",
            "level",
            "level_display",
            "title",
            "title_display",
            "title_year",
            "status",
            "craftsman_year",
        ]
        validators: list = []


class ModelWorkerDetailSerializer(ModelWorkerSerializer):
    """The detail adds the cross-check with the hardship domain."""

    in_hardship_household = serializers.SerializerMethodField()

    class Meta(ModelWorkerSerializer.Meta):
        fields = [*ModelWorkerSerializer.Meta.fields, "in_hardship_household"]

    def get_in_hardship_household(self, obj) -> bool:
        return obj.id_number in selectors.hardship_flags([obj.id_number])


class HonourSerializer(PersonalDataMixin, serializers.ModelSerializer):
    union = UnionCodeField(label=_("union code"))
    id_number = serializers.CharField(label=_("resident ID"), max_length=20, required=False, allow_blank=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Honour
        fields = [
            "id",
            "number",
            "kind",
            "kind_display",
            "level",
            "recipient_name",
            "id_number",
            "union",
            "year",
        ]
        extra_kwargs = {"number": {"validators": []}}
        validators: list = []


class BenefitSerializer(serializers.ModelSerializer):
    model_worker = ModelWorkerField(label=_("model worker"))
    model_worker_name = serializers.CharField(source="model_worker.name", read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, label=_("amount"))
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = BenefitPayment
        fields = [
            "id",
            "number",
            "model_worker",
            "model_worker_name",
            "kind",
            "kind_display",
            "amount",
            "paid_on",
        ]
        extra_kwargs = {"number": {"validators": []}}
        validators: list = []


class RecuperationSerializer(serializers.ModelSerializer):
    model_worker = ModelWorkerField(label=_("model worker"))
    model_worker_name = serializers.CharField(source="model_worker.name", read_only=True)

    class Meta:
        model = Recuperation
        fields = ["id", "model_worker", "model_worker_name", "year", "place"]
        validators: list = []


class StudioSerializer(PersonalDataMixin, serializers.ModelSerializer):
    union = UnionCodeField(label=_("union code"))
    leader_id_number = serializers.CharField(label=_("leader's resident ID"), max_length=20)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = InnovationStudio
        fields = [
            "id",
            "code",
            "name",
            "leader_id_number",
            "union",
            "level",
            "level_display",
            "founded_on",
            "skill_leaders",
            "mentor_pairs",
        ]
        extra_kwargs = {"code": {"validators": []}}
        validators: list = []


class TalkSerializer(serializers.ModelSerializer):
    region = TalkRegionField(label=_("region code"))
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Talk
        fields = ["id", "number", "held_on", "region", "region_name", "venue_kind", "audience"]
        extra_kwargs = {"number": {"validators": []}}
        validators: list = []
