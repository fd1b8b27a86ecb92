"""One FilterSet per model of the competitions domain, shared by the API and the list pages.

Unions are filtered by code (or id) in a text input; regions by division code, subtree
included (the organizer region for competitions, the union's region otherwise).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import DATE_WIDGET, RegionFilterMixin, UnionFilterMixin, YearFilter, code_or_id_q

from .choices import CompetitionKind, Grade, InnovationKind
from .models import Competition, InnovationAchievement, Participation


class _YearFilterMixin(django_filters.FilterSet):
    year_field = "start_date"

    year = YearFilter(method="filter_year", label=_("year"))

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{f"{self.year_field}__year": int(value)})


class CompetitionFilterSet(_YearFilterMixin, RegionFilterMixin):
    region_lookup = "organizer_region"

    q = django_filters.CharFilter(method="filter_q", label=_("search name or code"))
    kind = django_filters.ChoiceFilter(choices=CompetitionKind.choices, label=_("kind"))
    start_date = django_filters.DateFromToRangeFilter(label=_("start date"), widget=DATE_WIDGET)
    end_date = django_filters.DateFromToRangeFilter(label=_("end date"), widget=DATE_WIDGET)
    union = django_filters.CharFilter(method="filter_union", label=_("participating union code"))

    class Meta:
        model = Competition
        fields = ["q", "kind", "region", "year", "start_date", "end_date", "union"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__istartswith=value.upper()))

    def filter_union(self, queryset, name, value):
        ids = Participation.objects.filter(code_or_id_q("union", value)).values("competition_id")
        return queryset.filter(pk__in=ids)


class ParticipationFilterSet(_YearFilterMixin, UnionFilterMixin, RegionFilterMixin):
    year_field = "competition__start_date"

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

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(competition__name__icontains=value)
            | Q(competition__code__istartswith=value.upper())
            | Q(union__name__icontains=value)
            | Q(union__code__istartswith=value.upper())
        )

    def filter_competition(self, queryset, name, value):
        return queryset.filter(code_or_id_q("competition", value))

    def filter_awarded(self, queryset, name, value):
        return queryset.exclude(award="") if value else queryset.filter(award="")


class InnovationFilterSet(_YearFilterMixin, UnionFilterMixin, RegionFilterMixin):
    year_field = "year"

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
        return queryset.filter(year=int(value))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(number__istartswith=value.upper()) | Q(authors__icontains=value)
        )

    def filter_grade(self, queryset, name, value):
        return queryset.filter(grade="" if value == "none" else value)
