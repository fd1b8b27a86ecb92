"""Serializers of the model workers API: they validate shapes and resolve codes; services write.

Union fields take the union *code* and model workers their id, both looked up in the request
user's CHANGE scope, so a county user cannot write into another county (not found).
Resident IDs are masked for users without the personal-data right.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import (
    PersonalDataMixin,
    RegionCodeField,
    ScopedPrimaryKeyField,
    ServiceModelSerializer,
)
from apps.unions.public import UnionCodeField

from .. import selectors, services
from ..models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk


def _model_worker_field() -> ScopedPrimaryKeyField:
    """A model worker by id, in the request user's CHANGE scope."""
    return ScopedPrimaryKeyField(
        ModelWorker,
        label=_("model worker"),
        error_messages={"does_not_exist": _("No model worker with id {pk_value} in your scope.")},
    )


class ModelWorkerSerializer(PersonalDataMixin, ServiceModelSerializer):
    union = UnionCodeField(label=_("union code"))
    id_number = serializers.CharField(label=_("resident ID"), max_length=20)

    class Meta:
        model = ModelWorker
        fields = ["id", *services.MODEL_WORKER_FIELDS, "union_name", "level_display", "title_display"]


class ModelWorkerDetailSerializer(ModelWorkerSerializer):
    """The detail adds the cross-check with the hardship domain."""

    in_hardship_household = serializers.SerializerMethodField()

    class Meta(ModelWorkerSerializer.Meta):
        fields = [*ModelWorkerSerializer.Meta.fields, "in_hardship_household"]

    def get_in_hardship_household(self, obj) -> bool:
        return obj.id_number in selectors.hardship_flags([obj.id_number])


class HonourSerializer(PersonalDataMixin, ServiceModelSerializer):
    union = UnionCodeField(label=_("union code"))
    id_number = serializers.CharField(label=_("resident ID"), max_length=20, required=False, allow_blank=True)

    class Meta:
        model = Honour
        fields = ["id", *services.HONOUR_FIELDS, "kind_display"]


class BenefitSerializer(ServiceModelSerializer):
    model_worker = _model_worker_field()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, label=_("amount"))

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


class RecuperationSerializer(ServiceModelSerializer):
    model_worker = _model_worker_field()

    class Meta:
        model = Recuperation
        fields = ["id", "model_worker", "model_worker_name", "year", "place"]


class StudioSerializer(PersonalDataMixin, ServiceModelSerializer):
    union = UnionCodeField(label=_("union code"))
    leader_id_number = serializers.CharField(label=_("leader's resident ID"), max_length=20)

    class Meta:
        model = InnovationStudio
        fields = ["id", *services.STUDIO_FIELDS, "level_display"]


class TalkSerializer(ServiceModelSerializer):
    region = RegionCodeField(selectors.regions_for_talks, label=_("region code"))

    class Meta:
        model = Talk
        fields = ["id", *services.TALK_FIELDS, "region_name"]
