"""One FilterSet per model of the model workers domain, shared by the API and the list pages.

Unions are filtered by code (or id) in a text input and regions by division code (with the
whole subtree), as in apps.unions.filtersets.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import DATE_WIDGET, YearFilter, looks_like_id, region_q
from apps.core.validators import normalize_resident_id
from apps.unions.filtersets import union_q

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


class _RegionFilterMixin(django_filters.FilterSet):
    region_lookup = "union__region"

    region = django_filters.CharFilter(method="filter_region", label=_("region code"))

    def filter_region(self, queryset, name, value):
        q = region_q(self.region_lookup, value)
        return queryset.none() if q is None else queryset.filter(q)

    def filter_union(self, queryset, name, value):
        return queryset.filter(union_q(self.union_lookup, value))

    union_lookup = "union"


class ModelWorkerFilterSet(_RegionFilterMixin):
    q = django_filters.CharFilter(method="filter_q", label=_("search name or resident ID"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code"))
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

    def filter_q(self, queryset, name, value):
        if looks_like_id(value):
            return queryset.filter(id_number=normalize_resident_id(value))
        return queryset.filter(name__icontains=value.strip())


class HonourFilterSet(_RegionFilterMixin):
    q = django_filters.CharFilter(method="filter_q", label=_("search number or recipient"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code"))
    kind = django_filters.ChoiceFilter(choices=HonourKind.choices, label=_("kind"))
    level = django_filters.ChoiceFilter(choices=HonourLevel.choices, label=_("level"))
    year = YearFilter(label=_("year"))

    class Meta:
        model = Honour
        fields = ["q", "region", "union", "kind", "level", "year"]

    def filter_q(self, queryset, name, value):
        if looks_like_id(value):
            return queryset.filter(id_number=normalize_resident_id(value))
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(recipient_name__icontains=value))


class _WorkerRefFilterMixin(_RegionFilterMixin):
    region_lookup = "model_worker__union__region"
    union_lookup = "model_worker__union"

    def filter_q(self, queryset, name, value):
        if looks_like_id(value):
            return queryset.filter(model_worker__id_number=normalize_resident_id(value))
        value = value.strip()
        return queryset.filter(self.text_q(value))

    def text_q(self, value: str) -> Q:
        return Q(model_worker__name__icontains=value)


class BenefitFilterSet(_WorkerRefFilterMixin):
    q = django_filters.CharFilter(method="filter_q", label=_("search number, name or resident ID"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code"))
    model_worker = django_filters.NumberFilter(field_name="model_worker_id", label=_("model worker id"))
    kind = django_filters.ChoiceFilter(choices=BenefitKind.choices, label=_("kind"))
    paid_on = django_filters.DateFromToRangeFilter(label=_("paid on"), widget=DATE_WIDGET)

    class Meta:
        model = BenefitPayment
        fields = ["q", "region", "union", "model_worker", "kind", "paid_on"]

    def text_q(self, value: str) -> Q:
        return Q(number__icontains=value) | Q(model_worker__name__icontains=value)


class RecuperationFilterSet(_WorkerRefFilterMixin):
    q = django_filters.CharFilter(method="filter_q", label=_("search name or resident ID"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code"))
    model_worker = django_filters.NumberFilter(field_name="model_worker_id", label=_("model worker id"))
    year = YearFilter(label=_("year"))
    place = django_filters.CharFilter(lookup_expr="icontains", label=_("place"))

    class Meta:
        model = Recuperation
        fields = ["q", "region", "union", "model_worker", "year", "place"]


class StudioFilterSet(_RegionFilterMixin):
    q = django_filters.CharFilter(method="filter_q", label=_("search name or code"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code"))
    level = django_filters.ChoiceFilter(choices=StudioLevel.choices, label=_("level"))
    founded_on = django_filters.DateFromToRangeFilter(label=_("founded on"), widget=DATE_WIDGET)

    class Meta:
        model = InnovationStudio
        fields = ["q", "region", "union", "level", "founded_on"]

    def filter_q(self, queryset, name, value):
        if looks_like_id(value):
            return queryset.filter(leader_id_number=normalize_resident_id(value))
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__istartswith=value))


class TalkFilterSet(_RegionFilterMixin):
    region_lookup = "region"

    q = django_filters.CharFilter(field_name="number", lookup_expr="icontains", label=_("search number"))
    venue_kind = django_filters.ChoiceFilter(choices=VenueKind.choices, label=_("venue kind"))
    held_on = django_filters.DateFromToRangeFilter(label=_("date"), widget=DATE_WIDGET)

    class Meta:
        model = Talk
        fields = ["q", "region", "venue_kind", "held_on"]
