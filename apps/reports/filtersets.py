"""One FilterSet for yearly reports, shared by the API and the list page."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import RegionFilterMixin, YearFilter

from .choices import ReportStatus
from .models import YearlyReport


class YearlyReportFilterSet(RegionFilterMixin):
    region_lookup = "region"

    year = YearFilter(label=_("year"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("status"))

    class Meta:
        model = YearlyReport
        fields = ["year", "status", "region"]
