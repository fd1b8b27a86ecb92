"""One FilterSet per model of the unions domain, shared by the API and the list pages.

Unions are filtered by code (or id) in a text input: a <select> of 37,878 unions is never
rendered. Regions are filtered by division code and include the whole subtree.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import (
    DATE_WIDGET,
    PersonSearchMixin,
    RegionFilterMixin,
    TextSearchMixin,
    UnionFilterMixin,
    code_or_id_q,
)

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

# a union by its code or id; kept under this name for apps.unions.public
union_q = code_or_id_q


class UnionFilterSet(TextSearchMixin, RegionFilterMixin):
    region_lookup = "region"
    # both served by indexes on PostgreSQL (migration 0003): grams of the name, UPPER(code)
    text_lookups = ("name__gram_icontains", "code__istartswith")

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

    def filter_parent(self, queryset, name, value):
        return queryset.filter(union_q("parent", value))


class MemberFilterSet(PersonSearchMixin, UnionFilterMixin, RegionFilterMixin):
    text_lookups = ("name__gram_icontains",)  # the name's gram index (migration 0003)

    q = django_filters.CharFilter(method="filter_q", label=_("search name or resident ID"))
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


class TransferFilterSet(TextSearchMixin, RegionFilterMixin):
    region_lookup = "to_union__region"
    text_lookups = ("member__name__icontains",)

    q = django_filters.CharFilter(method="filter_q", label=_("search member name"))
    union = django_filters.CharFilter(method="filter_union", label=_("union code (from or to)"))
    status = django_filters.ChoiceFilter(choices=TransferStatus.choices, label=_("status"))
    transferred_on = django_filters.DateFromToRangeFilter(label=_("transfer date"), widget=DATE_WIDGET)

    class Meta:
        model = MembershipTransfer
        fields = ["q", "region", "union", "status", "transferred_on"]

    def filter_union(self, queryset, name, value):
        return queryset.filter(union_q("from_union", value) | union_q("to_union", value))


class JoinApplicationFilterSet(PersonSearchMixin, UnionFilterMixin, RegionFilterMixin):
    q = django_filters.CharFilter(method="filter_q", label=_("search name or resident ID"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("status"))
    household_type = django_filters.ChoiceFilter(choices=HouseholdType.choices, label=_("household type"))
    key_group = django_filters.ChoiceFilter(choices=KeyGroup.choices, label=_("key group"))
    submitted = django_filters.DateFromToRangeFilter(
        field_name="submitted_at__date", label=_("submitted on"), widget=DATE_WIDGET
    )

    class Meta:
        model = JoinApplication
        fields = ["q", "region", "union", "status", "household_type", "key_group", "submitted"]


class ContractFilterSet(TextSearchMixin, UnionFilterMixin, RegionFilterMixin):
    text_lookups = ("number__icontains", "union__name__icontains")

    q = django_filters.CharFilter(method="filter_q", label=_("search number or union"))
    kind = django_filters.ChoiceFilter(choices=ContractKind.choices, label=_("kind"))
    signed_on = django_filters.DateFromToRangeFilter(label=_("signed on"), widget=DATE_WIDGET)
    expires_on = django_filters.DateFromToRangeFilter(label=_("expires on"), widget=DATE_WIDGET)

    class Meta:
        model = CollectiveContract
        fields = ["q", "region", "union", "kind", "signed_on", "expires_on"]
