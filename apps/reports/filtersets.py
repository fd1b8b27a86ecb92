"""One FilterSet for yearly reports, shared by the API and the list page."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import YearFilter
from apps.core.models import Region

from .choices import ReportStatus
from .models import YearlyReport


class YearlyReportFilterSet(django_filters.FilterSet):
    year = YearFilter(label=_("year"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("status"))
    region = django_filters.CharFilter(method="filter_region", label=_("region code"))

    class Meta:
        model = YearlyReport
        fields = ["year", "status", "region"]

    def filter_region(self, queryset, name, value):
        path = Region.objects.filter(code=(value or "").strip()).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        return queryset.filter(region__path__startswith=path)
