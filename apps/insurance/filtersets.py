"""One FilterSet per model of the insurance domain, shared by the API and the list pages.
Units are filtered by code in a text input; regions by division code with their subtree."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import (
    DATE_WIDGET,
    PersonSearchMixin,
    RegionFilterMixin,
    TextSearchMixin,
    UnionFilterMixin,
    YearFilter,
)

from .choices import ClaimStatus, Product
from .models import Claim, Coverage, Enrollment, Plan


class PlanFilterSet(TextSearchMixin, django_filters.FilterSet):
    text_lookups = ("code__icontains",)

    q = django_filters.CharFilter(method="filter_q", label=_("search plan code"))
    year = YearFilter(label=_("year"))
    product = django_filters.ChoiceFilter(choices=Product.choices, label=_("product"))

    class Meta:
        model = Plan
        fields = ["q", "year", "product"]


class EnrollmentFilterSet(TextSearchMixin, UnionFilterMixin, RegionFilterMixin):
    text_lookups = ("union__name__icontains", "union__code__istartswith")

    q = django_filters.CharFilter(method="filter_q", label=_("search unit name or code"))
    plan = django_filters.CharFilter(field_name="plan__code", lookup_expr="iexact", label=_("plan code"))
    year = YearFilter(field_name="plan__year", label=_("year"))
    product = django_filters.ChoiceFilter(
        field_name="plan__product", choices=Product.choices, label=_("product")
    )

    class Meta:
        model = Enrollment
        fields = ["q", "region", "union", "plan", "year", "product"]


class CoverageFilterSet(PersonSearchMixin, UnionFilterMixin, RegionFilterMixin):
    id_lookup = "member__id_number"
    text_lookups = ("member__name__icontains",)

    q = django_filters.CharFilter(method="filter_q", label=_("search name or resident ID"))
    plan = django_filters.CharFilter(field_name="plan__code", lookup_expr="iexact", label=_("plan code"))
    year = YearFilter(field_name="plan__year", label=_("year"))

    class Meta:
        model = Coverage
        fields = ["q", "region", "union", "plan", "year"]


class ClaimFilterSet(PersonSearchMixin, UnionFilterMixin, RegionFilterMixin):
    region_lookup = "union__region"
    union_lookup = "union"
    id_lookup = "coverage__member__id_number"
    text_lookups = ("number__istartswith", "coverage__member__name__icontains")

    q = django_filters.CharFilter(method="filter_q", label=_("search claim number, name or resident ID"))
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
