"""One FilterSet per register of the worker-services domain, shared by the API and the list
pages. Every register filters by region (division code, subtree included), by year and date
range of its own date, and by a search ``q`` over its number and names (a resident ID finds
the person exactly)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.filtersets import DATE_WIDGET, RegionFilterMixin, YearFilterMixin, looks_like_id
from apps.core.validators import normalize_resident_id

from .choices import (
    CaseKind,
    CaseStatus,
    EmploymentKind,
    LoanStatus,
    Programme,
    RecipientKind,
    ReliefStatus,
    TrainingKind,
    VisitKind,
)
from .models import EmploymentService, JobFair, MicroLoan, ReliefPayment, RightsCase, TrainingClass, Visit


class _RecordFilterSet(YearFilterMixin, RegionFilterMixin):
    """``date_field`` is the register's date (year and range); ``text_fields`` are searched by
    ``q`` beside the number, and ``id_field`` (a resident ID or credit code) exactly."""

    region_lookup = "region"
    text_fields: tuple[str, ...] = ("name",)
    id_field = ""

    q = django_filters.CharFilter(method="filter_q", label=_("search number or name"))
    date = django_filters.DateFromToRangeFilter(method="filter_date", label=_("date"), widget=DATE_WIDGET)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if self.id_field and looks_like_id(value):
            return queryset.filter(**{self.id_field: normalize_resident_id(value)})
        q = Q(number__istartswith=value)
        for field in self.text_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)

    def filter_date(self, queryset, name, value):
        if value.start:
            queryset = queryset.filter(**{f"{self.date_field}__gte": value.start})
        if value.stop:
            queryset = queryset.filter(**{f"{self.date_field}__lte": value.stop})
        return queryset


class ReliefFilterSet(_RecordFilterSet):
    date_field = "paid_on"
    text_fields = ("name", "student_name")
    id_field = "id_number"

    programme = django_filters.ChoiceFilter(choices=Programme.choices, label=_("programme"))
    recipient_kind = django_filters.ChoiceFilter(choices=RecipientKind.choices, label=_("recipient kind"))
    status = django_filters.ChoiceFilter(choices=ReliefStatus.choices, label=_("status"))

    class Meta:
        model = ReliefPayment
        fields = ["q", "programme", "recipient_kind", "status", "region", "year", "date"]


class VisitFilterSet(_RecordFilterSet):
    date_field = "visited_on"
    id_field = "head_id_number"

    kind = django_filters.ChoiceFilter(choices=VisitKind.choices, label=_("visited"))

    class Meta:
        model = Visit
        fields = ["q", "kind", "region", "year", "date"]

    def filter_q(self, queryset, name, value):
        code = value.strip().upper()
        if len(code) == 18 and not looks_like_id(code):  # a credit code
            return queryset.filter(credit_code=code)
        return super().filter_q(queryset, name, value)


class JobFairFilterSet(_RecordFilterSet):
    date_field = "held_on"

    class Meta:
        model = JobFair
        fields = ["q", "region", "year", "date"]


class EmploymentServiceFilterSet(_RecordFilterSet):
    date_field = "served_on"
    id_field = "id_number"

    kind = django_filters.ChoiceFilter(choices=EmploymentKind.choices, label=_("service"))
    placed = django_filters.BooleanFilter(label=_("placed in a job"))

    class Meta:
        model = EmploymentService
        fields = ["q", "kind", "placed", "region", "year", "date"]


class TrainingFilterSet(_RecordFilterSet):
    date_field = "start_date"

    kind = django_filters.ChoiceFilter(choices=TrainingKind.choices, label=_("kind"))

    class Meta:
        model = TrainingClass
        fields = ["q", "kind", "region", "year", "date"]


class RightsCaseFilterSet(_RecordFilterSet):
    date_field = "received_on"
    text_fields = ("summary",)

    kind = django_filters.ChoiceFilter(choices=CaseKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("status"))

    class Meta:
        model = RightsCase
        fields = ["q", "kind", "status", "region", "year", "date"]


class LoanFilterSet(_RecordFilterSet):
    date_field = "granted_on"
    id_field = "id_number"

    status = django_filters.ChoiceFilter(
        choices=LoanStatus.choices, method="filter_status", label=_("status")
    )

    class Meta:
        model = MicroLoan
        fields = ["q", "status", "region", "year", "date"]

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == LoanStatus.REPAID:
            return queryset.filter(repaid_on__isnull=False)
        if value == LoanStatus.OVERDUE:
            return queryset.filter(repaid_on__isnull=True, due_on__lt=today)
        return queryset.filter(repaid_on__isnull=True, due_on__gte=today)
