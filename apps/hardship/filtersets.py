"""One FilterSet per listed model of the hardship domain, shared by the API and the pages."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import Region
from apps.core.validators import is_digits, normalize_resident_id

from .choices import AidKind, Category, Cause, Status
from .models import Disbursement, Household

DATE_WIDGET = django_filters.widgets.DateRangeWidget(attrs={"type": "date"})


def region_q(lookup: str, value: str) -> Q | None:
    path = Region.objects.filter(code=(value or "").strip()).values_list("path", flat=True).first()
    if path is None:
        return None
    return Q(**{f"{lookup}__path__startswith": path})


class HouseholdFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("search head name or resident ID"))
    region = django_filters.CharFilter(method="filter_region", label=_("region code"))
    union = django_filters.CharFilter(field_name="union__code", label=_("union code"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    cause = django_filters.ChoiceFilter(choices=Cause.choices, method="filter_cause", label=_("cause"))
    filed_on = django_filters.DateFromToRangeFilter(label=_("filed on"), widget=DATE_WIDGET)

    class Meta:
        model = Household
        fields = ["q", "region", "union", "status", "category", "cause", "filed_on"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        ident = normalize_resident_id(value)
        if len(ident) == 18 and is_digits(ident[:17]):
            return queryset.filter(Q(head_id_number=ident) | Q(members__id_number=ident)).distinct()
        return queryset.filter(head_name__icontains=value)

    def filter_region(self, queryset, name, value):
        q = region_q("union__region", value)
        return queryset.none() if q is None else queryset.filter(q)

    def filter_cause(self, queryset, name, value):
        return queryset.filter(
            Q(causes=value) | Q(causes__startswith=f"{value},") | Q(causes__contains=f",{value}")
        )


class DisbursementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("search number or head name"))
    region = django_filters.CharFilter(method="filter_region", label=_("region code"))
    kind = django_filters.ChoiceFilter(choices=AidKind.choices, label=_("aid kind"))
    household = django_filters.NumberFilter(field_name="household_id", label=_("household"))
    paid_on = django_filters.DateFromToRangeFilter(label=_("paid on"), widget=DATE_WIDGET)

    class Meta:
        model = Disbursement
        fields = ["q", "region", "kind", "household", "paid_on"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(Q(number__istartswith=value) | Q(household__head_name__icontains=value))

    def filter_region(self, queryset, name, value):
        q = region_q("household__union__region", value)
        return queryset.none() if q is None else queryset.filter(q)
