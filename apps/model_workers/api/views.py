"""Thin API of the model workers domain: CRUD viewsets over scoped querysets; every write
goes through apps.model_workers.services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ServiceWrites
from apps.core.api.attachments import AttachmentsViewSetMixin
from apps.core.api.base import ScopedModelViewSet

from .. import selectors, services
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

    queryset = ModelWorker.objects.all()
    selector = staticmethod(selectors.model_worker_list)
    writes = ServiceWrites.named(services, "model_worker")
    serializer_class = ModelWorkerSerializer
    filterset_class = ModelWorkerFilterSet
    search_fields = ["name", "=id_number"]
    ordering_fields = ["name", "title_year", "level", "id"]
    ordering = ["-title_year", "name", "id"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ModelWorkerDetailSerializer
        return ModelWorkerSerializer


class HonourViewSet(AttachmentsViewSetMixin, ScopedModelViewSet):
    """May Day honours: medals (to a person), certificates (to a unit), Workers' Pioneer (to a
    team). ``{id}/attachments/``: the honour's certificate (scanned PDF or photo)."""

    queryset = Honour.objects.all()
    attachment_kinds = ("certificate",)
    selector = staticmethod(selectors.honour_list)
    writes = ServiceWrites.named(services, "honour")
    serializer_class = HonourSerializer
    filterset_class = HonourFilterSet
    search_fields = ["^number", "recipient_name"]
    ordering_fields = ["number", "year", "recipient_name", "id"]
    ordering = ["-year", "number"]


SAME_WORKER = _("A record stays with its model worker; delete it and record it anew.")


class BenefitViewSet(ScopedModelViewSet):
    """Benefit payments to model workers; amounts are exact decimals (strings with 2 places)."""

    queryset = BenefitPayment.objects.all()
    selector = staticmethod(selectors.benefit_list)
    writes = ServiceWrites.named(services, "benefit", record="payment", create=services.benefit_pay)
    fixed_fields = {"model_worker": SAME_WORKER}
    serializer_class = BenefitSerializer
    filterset_class = BenefitFilterSet
    search_fields = ["^number", "model_worker__name"]
    ordering_fields = ["number", "paid_on", "amount", "id"]
    ordering = ["-paid_on", "-id"]


class RecuperationViewSet(ScopedModelViewSet):
    """Recuperation stays (疗休养): one per model worker and year."""

    queryset = Recuperation.objects.all()
    selector = staticmethod(selectors.recuperation_list)
    writes = ServiceWrites.named(services, "recuperation")
    fixed_fields = {"model_worker": SAME_WORKER}
    serializer_class = RecuperationSerializer
    filterset_class = RecuperationFilterSet
    search_fields = ["model_worker__name", "place"]
    ordering_fields = ["year", "place", "id"]
    ordering = ["-year", "-id"]


class StudioViewSet(ScopedModelViewSet):
    """Model worker innovation studios (劳模创新工作室)."""

    queryset = InnovationStudio.objects.all()
    selector = staticmethod(selectors.studio_list)
    writes = ServiceWrites.named(services, "studio")
    serializer_class = StudioSerializer
    filterset_class = StudioFilterSet
    search_fields = ["name", "^code"]
    ordering_fields = ["code", "name", "founded_on", "skill_leaders", "mentor_pairs", "id"]
    ordering = ["code"]


class TalkViewSet(ScopedModelViewSet):
    """Model worker talks (劳模宣讲), counted in the region where they were held."""

    queryset = Talk.objects.all()
    selector = staticmethod(selectors.talk_list)
    writes = ServiceWrites.named(services, "talk")
    serializer_class = TalkSerializer
    filterset_class = TalkFilterSet
    search_fields = ["^number"]
    ordering_fields = ["number", "held_on", "audience", "id"]
    ordering = ["-held_on", "-id"]
