"""One FilterSet per model of the model workers domain, shared by the API and the list pages.

Unions are filtered by code (or id) in a text input and regions by division code (with the
whole subtree), as in apps.unions.filtersets.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import (
    DATE_WIDGET,
    PersonSearchMixin,
    RegionFilterMixin,
    UnionFilterMixin,
    YearFilter,
)

from .choices import (
    BenefitKind,
    HonourKind,
    HonourLevel,
    StudioLevel,
    VenueKind,
    WorkerLevel,
    WorkerStatus,
    WorkerTitle,
)
from .models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk


class _PersonFilterSet(PersonSearchMixin, UnionFilterMixin, RegionFilterMixin):
    """Records of one person or unit: ``q`` by name or resident ID, ``union``, ``region``."""


class ModelWorkerFilterSet(_PersonFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("search name or resident ID"))
    level = django_filters.ChoiceFilter(choices=WorkerLevel.choices, label=_("level"))
    title = django_filters.ChoiceFilter(choices=WorkerTitle.choices, label=_("title"))
    status = django_filters.ChoiceFilter(choices=WorkerStatus.choices, label=_("status"))
    title_year = django_filters.RangeFilter(label=_("title year"))
    craftsman = django_filters.BooleanFilter(
        field_name="craftsman_year", lookup_expr="isnull", exclude=True, label=_("craftsman")
    )

    class Meta:
        model = ModelWorker
        fields = ["q", "region", "union", "level", "title", "status", "title_year", "craftsman"]


class HonourFilterSet(_PersonFilterSet):
    text_lookups = ("number__icontains", "recipient_name__icontains")

    q = django_filters.CharFilter(method="filter_q", label=_("search number or recipient"))
    kind = django_filters.ChoiceFilter(choices=HonourKind.choices, label=_("kind"))
    level = django_filters.ChoiceFilter(choices=HonourLevel.choices, label=_("level"))
    year = YearFilter(label=_("year"))

    class Meta:
        model = Honour
        fields = ["q", "region", "union", "kind", "level", "year"]


class _WorkerRefFilterSet(_PersonFilterSet):
    """Records of a model worker: searched, and filtered by union and region, through them."""

    region_lookup = "model_worker__union__region"
    union_lookup = "model_worker__union"
    id_lookup = "model_worker__id_number"
    text_lookups = ("model_worker__name__icontains",)


class BenefitFilterSet(_WorkerRefFilterSet):
    text_lookups = ("number__icontains", "model_worker__name__icontains")

    q = django_filters.CharFilter(method="filter_q", label=_("search number, name or resident ID"))
    model_worker = django_filters.NumberFilter(field_name="model_worker_id", label=_("model worker id"))
    kind = django_filters.ChoiceFilter(choices=BenefitKind.choices, label=_("kind"))
    paid_on = django_filters.DateFromToRangeFilter(label=_("paid on"), widget=DATE_WIDGET)

    class Meta:
        model = BenefitPayment
        fields = ["q", "region", "union", "model_worker", "kind", "paid_on"]


class RecuperationFilterSet(_WorkerRefFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("search name or resident ID"))
    model_worker = django_filters.NumberFilter(field_name="model_worker_id", label=_("model worker id"))
    year = YearFilter(label=_("year"))
    place = django_filters.CharFilter(lookup_expr="icontains", label=_("place"))

    class Meta:
        model = Recuperation
        fields = ["q", "region", "union", "model_worker", "year", "place"]


class StudioFilterSet(_PersonFilterSet):
    id_lookup = "leader_id_number"
    text_lookups = ("name__icontains", "code__istartswith")

    q = django_filters.CharFilter(method="filter_q", label=_("search name or code"))
    level = django_filters.ChoiceFilter(choices=StudioLevel.choices, label=_("level"))
    founded_on = django_filters.DateFromToRangeFilter(label=_("founded on"), widget=DATE_WIDGET)

    class Meta:
        model = InnovationStudio
        fields = ["q", "region", "union", "level", "founded_on"]


class TalkFilterSet(RegionFilterMixin):
    region_lookup = "region"

    q = django_filters.CharFilter(field_name="number", lookup_expr="icontains", label=_("search number"))
    venue_kind = django_filters.ChoiceFilter(choices=VenueKind.choices, label=_("venue kind"))
    held_on = django_filters.DateFromToRangeFilter(label=_("date"), widget=DATE_WIDGET)

    class Meta:
        model = Talk
        fields = ["q", "region", "venue_kind", "held_on"]
