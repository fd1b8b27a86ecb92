"""One FilterSet per listed model of the hardship domain, shared by the API and the pages."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import (
    DATE_WIDGET,
    RegionFilterMixin,
    TextSearchMixin,
    UnionFilterMixin,
    looks_like_id,
)
from apps.core.validators import normalize_resident_id

from .choices import AidKind, Category, Cause, Status
from .models import Disbursement, Household


class HouseholdFilterSet(UnionFilterMixin, RegionFilterMixin):
    q = django_filters.CharFilter(method="filter_q", label=_("search head name or resident ID"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    cause = django_filters.ChoiceFilter(choices=Cause.choices, method="filter_cause", label=_("cause"))
    filed_on = django_filters.DateFromToRangeFilter(label=_("filed on"), widget=DATE_WIDGET)

    class Meta:
        model = Household
        fields = ["q", "region", "union", "status", "category", "cause", "filed_on"]

    def filter_q(self, queryset, name, value):
        if looks_like_id(value):
            ident = normalize_resident_id(value)
            # the head or any family member
            return queryset.filter(Q(head_id_number=ident) | Q(members__id_number=ident)).distinct()
        return queryset.filter(head_name__icontains=value.strip())

    def filter_cause(self, queryset, name, value):
        return queryset.filter(
            Q(causes=value) | Q(causes__startswith=f"{value},") | Q(causes__contains=f",{value}")
        )


class DisbursementFilterSet(TextSearchMixin, RegionFilterMixin):
    region_lookup = "household__union__region"
    text_lookups = ("number__istartswith", "household__head_name__icontains")

    q = django_filters.CharFilter(method="filter_q", label=_("search number or head name"))
    kind = django_filters.ChoiceFilter(choices=AidKind.choices, label=_("aid kind"))
    household = django_filters.NumberFilter(field_name="household_id", label=_("household"))
    paid_on = django_filters.DateFromToRangeFilter(label=_("paid on"), widget=DATE_WIDGET)

    class Meta:
        model = Disbursement
        fields = ["q", "region", "kind", "household", "paid_on"]
