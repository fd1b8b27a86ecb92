"""One FilterSet per model of the competitions domain, shared by the API and the list pages.

Unions are filtered by code (or id) in a text input; regions by division code, subtree
included (the organizer region for competitions, the union's region otherwise).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import (
    DATE_WIDGET,
    RegionFilterMixin,
    TextSearchMixin,
    UnionFilterMixin,
    YearFilterMixin,
    code_or_id_q,
)

from .choices import CompetitionKind, Grade, InnovationKind
from .models import Competition, InnovationAchievement, Participation


class CompetitionFilterSet(TextSearchMixin, YearFilterMixin, RegionFilterMixin):
    region_lookup = "organizer_region"
    date_field = "start_date"
    text_lookups = ("name__icontains", "code__istartswith")

    q = django_filters.CharFilter(method="filter_q", label=_("search name or code"))
    kind = django_filters.ChoiceFilter(choices=CompetitionKind.choices, label=_("kind"))
    start_date = django_filters.DateFromToRangeFilter(label=_("start date"), widget=DATE_WIDGET)
    end_date = django_filters.DateFromToRangeFilter(label=_("end date"), widget=DATE_WIDGET)
    union = django_filters.CharFilter(method="filter_union", label=_("participating union code"))

    class Meta:
        model = Competition
        fields = ["q", "kind", "region", "year", "start_date", "end_date", "union"]

    def filter_union(self, queryset, name, value):
        ids = Participation.objects.filter(code_or_id_q("union", value)).values("competition_id")
        return queryset.filter(pk__in=ids)


class ParticipationFilterSet(TextSearchMixin, YearFilterMixin, UnionFilterMixin, RegionFilterMixin):
    date_field = "competition__start_date"
    text_lookups = (
        "competition__name__icontains",
        "competition__code__istartswith",
        "union__name__icontains",
        "union__code__istartswith",
    )

    q = django_filters.CharFilter(method="filter_q", label=_("search competition or union"))
    competition = django_filters.CharFilter(method="filter_competition", label=_("competition code"))
    kind = django_filters.ChoiceFilter(
        field_name="competition__kind", choices=CompetitionKind.choices, label=_("competition kind")
    )
    start_date = django_filters.DateFromToRangeFilter(
        field_name="competition__start_date", label=_("start date"), widget=DATE_WIDGET
    )
    awarded = django_filters.BooleanFilter(method="filter_awarded", label=_("with an award"))

    class Meta:
        model = Participation
        fields = ["q", "competition", "kind", "region", "union", "year", "start_date", "awarded"]

    def filter_competition(self, queryset, name, value):
        return queryset.filter(code_or_id_q("competition", value))

    def filter_awarded(self, queryset, name, value):
        return queryset.exclude(award="") if value else queryset.filter(award="")


class InnovationFilterSet(TextSearchMixin, YearFilterMixin, UnionFilterMixin, RegionFilterMixin):
    text_lookups = ("name__icontains", "number__istartswith", "authors__icontains")

    q = django_filters.CharFilter(method="filter_q", label=_("search title or number"))
    kind = django_filters.ChoiceFilter(choices=InnovationKind.choices, label=_("kind"))
    grade = django_filters.ChoiceFilter(
        choices=[("none", _("no grade")), *Grade.choices], method="filter_grade", label=_("grade")
    )
    recommended_nationally = django_filters.BooleanFilter(label=_("recommended nationally"))

    class Meta:
        model = InnovationAchievement
        fields = ["q", "kind", "grade", "region", "union", "year", "recommended_nationally"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(year=int(value))  # a year, not a date

    def filter_grade(self, queryset, name, value):
        return queryset.filter(grade="" if value == "none" else value)
