"""Thin API of the model workers domain: CRUD viewsets over scoped querysets; every write
goes through apps.model_workers.services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.core.api.base import ScopedModelViewSet
from apps.core.exceptions import ApplicationError

from .. import services
from ..filtersets import (
    BenefitFilterSet,
    HonourFilterSet,
    ModelWorkerFilterSet,
    RecuperationFilterSet,
    StudioFilterSet,
    TalkFilterSet,
)
from ..models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk
from .serializers import (
    BenefitSerializer,
    HonourSerializer,
    ModelWorkerDetailSerializer,
    ModelWorkerSerializer,
    RecuperationSerializer,
    StudioSerializer,
    TalkSerializer,
)


class ModelWorkerViewSet(ScopedModelViewSet):
    """Model workers and craftsmen (劳动模范、先进工作者、陇原工匠). The resident ID is masked
    without the personal-data right; the detail tells whether the person is in a filed
    hardship household."""

    queryset = ModelWorker.objects.select_related("union")
    serializer_class = ModelWorkerSerializer
    filterset_class = ModelWorkerFilterSet
    search_fields = ["name", "=id_number"]
    ordering_fields = ["name", "title_year", "level", "id"]
    ordering = ["-title_year", "name", "id"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ModelWorkerDetailSerializer
        return ModelWorkerSerializer

    def perform_create(self, serializer):
        serializer.instance = services.model_worker_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.model_worker_update(
            model_worker=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.model_worker_delete(model_worker=instance, user=self.request.user)


class HonourViewSet(ScopedModelViewSet):
    """May Day honours: medals (to a person), certificates (to a unit), Workers' Pioneer (to a team)."""

    queryset = Honour.objects.select_related("union")
    serializer_class = HonourSerializer
    filterset_class = HonourFilterSet
    search_fields = ["^number", "recipient_name"]
    ordering_fields = ["number", "year", "recipient_name", "id"]
    ordering = ["-year", "number"]

    def perform_create(self, serializer):
        serializer.instance = services.honour_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.honour_update(
            honour=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.honour_delete(honour=instance, user=self.request.user)


def _same_worker(serializer) -> dict:
    data = dict(serializer.validated_data)
    worker = data.pop("model_worker", None)
    if worker is not None and worker.pk != serializer.instance.model_worker_id:
        raise ApplicationError(_("A record stays with its model worker; delete it and record it anew."))
    return data


class BenefitViewSet(ScopedModelViewSet):
    """Benefit payments to model workers; amounts are exact decimals (strings with 2 places)."""

    queryset = BenefitPayment.objects.select_related("model_worker__union")
    serializer_class = BenefitSerializer
    filterset_class = BenefitFilterSet
    search_fields = ["^number", "model_worker__name"]
    ordering_fields = ["number", "paid_on", "amount", "id"]
    ordering = ["-paid_on", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.benefit_pay(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.benefit_update(
            payment=serializer.instance, user=self.request.user, **_same_worker(serializer)
        )

    def perform_destroy(self, instance):
        services.benefit_delete(payment=instance, user=self.request.user)


class RecuperationViewSet(ScopedModelViewSet):
    """Recuperation stays (疗休养): one per model worker and year."""

    queryset = Recuperation.objects.select_related("model_worker__union")
    serializer_class = RecuperationSerializer
    filterset_class = RecuperationFilterSet
    search_fields = ["model_worker__name", "place"]
    ordering_fields = ["year", "place", "id"]
    ordering = ["-year", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.recuperation_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.recuperation_update(
            recuperation=serializer.instance, user=self.request.user, **_same_worker(serializer)
        )

    def perform_destroy(self, instance):
        services.recuperation_delete(recuperation=instance, user=self.request.user)


class StudioViewSet(ScopedModelViewSet):
    """Model worker innovation studios (劳模创新工作室)."""

    queryset = InnovationStudio.objects.select_related("union")
    serializer_class = StudioSerializer
    filterset_class = StudioFilterSet
    search_fields = ["name", "^code"]
    ordering_fields = ["code", "name", "founded_on", "skill_leaders", "mentor_pairs", "id"]
    ordering = ["code"]

    def perform_create(self, serializer):
        serializer.instance = services.studio_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.studio_update(
            studio=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.studio_delete(studio=instance, user=self.request.user)


class TalkViewSet(ScopedModelViewSet):
    """Model worker talks (劳模宣讲), counted in the region where they were held."""

    queryset = Talk.objects.select_related("region")
    serializer_class = TalkSerializer
    filterset_class = TalkFilterSet
    search_fields = ["^number"]
    ordering_fields = ["number", "held_on", "audience", "id"]
    ordering = ["-held_on", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.talk_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.talk_update(
            talk=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.talk_delete(talk=instance, user=self.request.user)
