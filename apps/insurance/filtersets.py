"""One FilterSet per model of the insurance domain, shared by the API and the list pages.
Units are filtered by code in a text input; regions by division code with their subtree."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import DATE_WIDGET, YearFilter, looks_like_id, region_q
from apps.core.validators import normalize_resident_id
from apps.unions.filtersets import union_q

from .choices import ClaimStatus, Product
from .models import Claim, Coverage, Enrollment, Plan


class _RegionFilterMixin(django_filters.FilterSet):
    region_lookup = "union__region"

    region = django_filters.CharFilter(method="filter_region", label=_("region code"))

    def filter_region(self, queryset, name, value):
        q = region_q(self.region_lookup, value)
        return queryset.none() if q is None else queryset.filter(q)


class PlanFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("search plan code"))
    year = YearFilter(label=_("year"))
    product = django_filters.ChoiceFilter(choices=Product.choices, label=_("product"))

    class Meta:
        model = Plan
        fields = ["q", "year", "product"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(code__icontains=value.strip())


class EnrollmentFilterSet(_RegionFilterMixin):
    q = django_filters.CharFilter(method="filter_q", label=_("search unit name or code"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code"))
    plan = django_filters.CharFilter(field_name="plan__code", lookup_expr="iexact", label=_("plan code"))
    year = YearFilter(field_name="plan__year", label=_("year"))
    product = django_filters.ChoiceFilter(
        field_name="plan__product", choices=Product.choices, label=_("product")
    )

    class Meta:
        model = Enrollment
        fields = ["q", "region", "union", "plan", "year", "product"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(union__name__icontains=value) | Q(union__code__istartswith=value))

    def filter_union(self, queryset, name, value):
        return queryset.filter(union_q("union", value))


class CoverageFilterSet(_RegionFilterMixin):
    q = django_filters.CharFilter(method="filter_q", label=_("search name or resident ID"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code"))
    plan = django_filters.CharFilter(field_name="plan__code", lookup_expr="iexact", label=_("plan code"))
    year = YearFilter(field_name="plan__year", label=_("year"))

    class Meta:
        model = Coverage
        fields = ["q", "region", "union", "plan", "year"]

    def filter_q(self, queryset, name, value):
        if looks_like_id(value):
            return queryset.filter(member__id_number=normalize_resident_id(value))
        return queryset.filter(member__name__icontains=value.strip())

    def filter_union(self, queryset, name, value):
        return queryset.filter(union_q("union", value))


class ClaimFilterSet(_RegionFilterMixin):
    region_lookup = "coverage__union__region"

    q = django_filters.CharFilter(method="filter_q", label=_("search claim number, name or resident ID"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code"))
    plan = django_filters.CharFilter(
        field_name="coverage__plan__code", lookup_expr="iexact", label=_("plan code")
    )
    year = YearFilter(field_name="coverage__plan__year", label=_("year"))
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices, label=_("status"))
    discharged_on = django_filters.DateFromToRangeFilter(label=_("discharged on"), widget=DATE_WIDGET)
    paid_on = django_filters.DateFromToRangeFilter(label=_("paid on"), widget=DATE_WIDGET)

    class Meta:
        model = Claim
        fields = ["q", "region", "union", "plan", "year", "status", "discharged_on", "paid_on"]

    def filter_q(self, queryset, name, value):
        if looks_like_id(value):
            return queryset.filter(coverage__member__id_number=normalize_resident_id(value))
        value = value.strip()
        return queryset.filter(Q(number__istartswith=value) | Q(coverage__member__name__icontains=value))

    def filter_union(self, queryset, name, value):
        return queryset.filter(union_q("coverage__union", value))
