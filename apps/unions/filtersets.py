"""One FilterSet per model of the unions domain, shared by the API and the list pages.

Unions are filtered by code (or id) in a text input: a <select> of 37,878 unions is never
rendered. Regions are filtered by division code and include the whole subtree.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import DATE_WIDGET, looks_like_id, region_q
from apps.core.validators import is_digits, normalize_resident_id

from .choices import (
    ApplicationStatus,
    ContractKind,
    HouseholdType,
    JoinChannel,
    KeyGroup,
    MemberStatus,
    Sex,
    TransferStatus,
    UnionKind,
)
from .models import CollectiveContract, GrassrootsUnion, JoinApplication, Member, MembershipTransfer


def union_q(lookup: str, value: str) -> Q:
    """A union given by its code, or by its numeric id (``id:123`` or a short number)."""
    value = (value or "").strip()
    if value.lower().startswith("id:") and is_digits(value[3:]):
        return Q(**{f"{lookup}_id": int(value[3:])})
    if is_digits(value) and len(value) <= 9:
        return Q(**{f"{lookup}_id": int(value)}) | Q(**{f"{lookup}__code": value})
    return Q(**{f"{lookup}__code": value.upper()})


class _RegionFilterMixin(django_filters.FilterSet):
    region_lookup = "region"

    region = django_filters.CharFilter(method="filter_region", label=_("region code"))

    def filter_region(self, queryset, name, value):
        q = region_q(self.region_lookup, value)
        return queryset.none() if q is None else queryset.filter(q)


class UnionFilterSet(_RegionFilterMixin):
    q = django_filters.CharFilter(method="filter_q", label=_("search name or code"))
    kind = django_filters.ChoiceFilter(choices=UnionKind.choices, label=_("kind"))
    parent = django_filters.CharFilter(method="filter_parent", label=_("parent union code"))
    founded_on = django_filters.DateFromToRangeFilter(label=_("founded on"), widget=DATE_WIDGET)
    active = django_filters.BooleanFilter(
        field_name="dissolved_on", lookup_expr="isnull", label=_("not dissolved")
    )

    class Meta:
        model = GrassrootsUnion
        fields = ["q", "region", "kind", "parent", "founded_on", "active"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__istartswith=value))

    def filter_parent(self, queryset, name, value):
        return queryset.filter(union_q("parent", value))


class _PersonSearchMixin:
    """Search people by name, or exactly by resident ID; filter by their union's code or id."""

    def filter_q(self, queryset, name, value):
        if looks_like_id(value):
            return queryset.filter(id_number=normalize_resident_id(value))
        return queryset.filter(name__icontains=value.strip())

    def filter_union(self, queryset, name, value):
        return queryset.filter(union_q("union", value))


class MemberFilterSet(_PersonSearchMixin, _RegionFilterMixin):
    region_lookup = "union__region"

    q = django_filters.CharFilter(method="filter_q", label=_("search name or resident ID"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code"))
    status = django_filters.ChoiceFilter(choices=MemberStatus.choices, label=_("status"))
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label=_("sex"))
    household_type = django_filters.ChoiceFilter(choices=HouseholdType.choices, label=_("household type"))
    key_group = django_filters.ChoiceFilter(choices=KeyGroup.choices, label=_("key group"))
    join_channel = django_filters.ChoiceFilter(choices=JoinChannel.choices, label=_("join channel"))
    joined_on = django_filters.DateFromToRangeFilter(label=_("joined on"), widget=DATE_WIDGET)

    class Meta:
        model = Member
        fields = [
            "q",
            "region",
            "union",
            "status",
            "sex",
            "household_type",
            "key_group",
            "join_channel",
            "joined_on",
        ]


class TransferFilterSet(_RegionFilterMixin):
    region_lookup = "to_union__region"

    q = django_filters.CharFilter(method="filter_q", label=_("search member name"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code (from or to)"))
    status = django_filters.ChoiceFilter(choices=TransferStatus.choices, label=_("status"))
    transferred_on = django_filters.DateFromToRangeFilter(label=_("transfer date"), widget=DATE_WIDGET)

    class Meta:
        model = MembershipTransfer
        fields = ["q", "region", "union", "status", "transferred_on"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(member__name__icontains=value.strip())

    def filter_union(self, queryset, name, value):
        return queryset.filter(union_q("from_union", value) | union_q("to_union", value))


class JoinApplicationFilterSet(_PersonSearchMixin, _RegionFilterMixin):
    region_lookup = "union__region"

    q = django_filters.CharFilter(method="filter_q", label=_("search name or resident ID"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("status"))
    household_type = django_filters.ChoiceFilter(choices=HouseholdType.choices, label=_("household type"))
    key_group = django_filters.ChoiceFilter(choices=KeyGroup.choices, label=_("key group"))
    submitted = django_filters.DateFromToRangeFilter(
        field_name="submitted_at__date", label=_("submitted on"), widget=DATE_WIDGET
    )

    class Meta:
        model = JoinApplication
        fields = ["q", "region", "union", "status", "household_type", "key_group", "submitted"]


class ContractFilterSet(_RegionFilterMixin):
    region_lookup = "union__region"

    q = django_filters.CharFilter(method="filter_q", label=_("search number or union"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code"))
    kind = django_filters.ChoiceFilter(choices=ContractKind.choices, label=_("kind"))
    signed_on = django_filters.DateFromToRangeFilter(label=_("signed on"), widget=DATE_WIDGET)
    expires_on = django_filters.DateFromToRangeFilter(label=_("expires on"), widget=DATE_WIDGET)

    class Meta:
        model = CollectiveContract
        fields = ["q", "region", "union", "kind", "signed_on", "expires_on"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(union__name__icontains=value))

    def filter_union(self, queryset, name, value):
        return queryset.filter(union_q("union", value))
