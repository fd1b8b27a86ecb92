from typing import Any

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django.db.models.lookups import IContains
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import audit
from .choices import RegionLevel
from .models import AuditEntry, Region
from .validators import is_digits, normalize_resident_id

MIN_YEAR, MAX_YEAR = 1900, 2100


class TextSearchMixin:
    """``q`` (declared with ``method="filter_q"`` and its own label): the text is searched in
    ``text_lookups``, any of them matching (``name__gram_icontains`` where the name has a gram
    index, see ``GramContains``; ``code__istartswith`` for codes)."""

    text_lookups: tuple[str, ...] = ("name__icontains",)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        q = Q()
        for lookup in self.text_lookups:
            q |= Q(**{lookup: value})
        return queryset.filter(q)


class RegionFilterSet(TextSearchMixin, django_filters.FilterSet):
    text_lookups = ("name__icontains", "code__startswith")

    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("level"))
    parent = django_filters.CharFilter(method="filter_parent", label=_("parent region (id or code)"))
    q = django_filters.CharFilter(method="filter_q", label=_("search name or code"))

    class Meta:
        model = Region
        fields = ["level", "parent", "q"]

    def filter_parent(self, queryset, name, value):
        value = value.strip()
        if len(value) >= 6 and is_digits(value):
            return queryset.filter(parent__code=value)
        if is_digits(value):
            return queryset.filter(parent_id=int(value))
        return queryset.none()


class AuditEntryFilterSet(django_filters.FilterSet):
    action = django_filters.CharFilter()
    source = django_filters.CharFilter()
    username = django_filters.CharFilter()
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte")
    model = django_filters.CharFilter(method="filter_model", label=_("model (app_label.model or model)"))
    # after ``model``: the record's entries are looked up among that model's
    object_id = django_filters.CharFilter(method="filter_object_id", label=_("record id"))

    class Meta:
        model = AuditEntry
        fields = ["action", "source", "username", "since", "until", "model", "object_id"]

    def filter_model(self, queryset, name, value):
        app_label, _dot, model = value.strip().lower().rpartition(".")
        q = Q(content_type__model=model)
        return queryset.filter(q & Q(content_type__app_label=app_label) if app_label else q)

    def filter_object_id(self, queryset, name, value):
        # a record's own entries and the batch entries (bulk writes) holding it
        return audit.entries_of(queryset, value.strip())


# Shared by every domain's filtersets -----------------------------------------------------


class DateRangeWidget(django_filters.widgets.DateRangeWidget):
    """From and to side by side under the filter's label, each named for screen readers."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        return format_html('<span class="range">{}</span>', super().render(name, value, attrs, renderer))

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], (_("from"), _("to")), strict=True):
            subwidget["attrs"]["aria-label"] = label
        return context


DATE_WIDGET = DateRangeWidget(attrs={"type": "date"})


def region_q(lookup: str, value: str) -> Q | None:
    """Records whose region (through ``lookup``) is the given region code or lies under it."""
    path = Region.objects.filter(code=(value or "").strip()).values_list("path", flat=True).first()
    if path is None:
        return None
    return Q(**{f"{lookup}__path__startswith": path})


def looks_like_id(value: str) -> bool:
    """A full resident ID (18 characters, the first 17 digits): searched for exactly, by the
    index on the ID column, never as a substring."""
    v = normalize_resident_id(value)
    return len(v) == 18 and is_digits(v[:17])


# Substring search that an index serves --------------------------------------------------------

#: The SQL function (PostgreSQL, created by apps/unions/migrations/0003_search_indexes) that
#: lists a text's grams: every character and every pair of adjacent characters.
GRAMS_FUNCTION = "gonghui_grams"


@models.CharField.register_lookup
class GramContains(IContains):
    """``field__gram_icontains``: ``icontains`` for a column with a gram index (PostgreSQL).

    A Chinese name is searched by one or two characters ("张伟") as often as by more, and
    pg_trgm finds no trigram in a two-character ``LIKE '%张伟%'``: its index would be read
    whole. A GIN index over ``gonghui_grams(UPPER(column))`` holds each name's characters
    and pairs; the query asks for the names holding every pair of the text (a one-character
    text: that character), which for one or two characters is exactly the substring test,
    and for longer texts narrows the rows that ``LIKE`` then checks. Elsewhere (SQLite) it is ``icontains``. The same results either way;
    only columns with that index (see the migration) should be searched with it."""

    lookup_name = "gram_icontains"

    def as_sql(self, compiler, connection):
        return compiler.compile(IContains(self.lhs, self.rhs))

    def as_postgresql(self, compiler, connection):
        text = self.rhs
        if not (self.rhs_is_direct_value() and isinstance(text, str) and text):
            return self.as_sql(compiler, connection)
        column, column_params = compiler.compile(self.lhs)
        # The pairs of the text imply its characters: asking for them alone reads fewer index
        # entries and gives the planner a truer estimate (the grams are not independent).
        wanted = sorted({text[i : i + 2] for i in range(len(text) - 1)}) or [text]
        grams = "{}(UPPER(({})::text)) @> ARRAY[{}]::text[]".format(
            GRAMS_FUNCTION, column, ", ".join(["UPPER(%s)"] * len(wanted))
        )
        params = (*column_params, *wanted)
        if len(text) <= 2:  # a text of one or two characters is itself a gram
            return grams, params
        like, like_params = self.as_sql(compiler, connection)
        return f"({grams} AND {like})", (*params, *like_params)


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.Filter):
    """A calendar year: a whole number within 1900–2100, else a 400 with a message (a bare
    NumberFilter let ``year=0`` reach ``date(0, 1, 1)`` and fail with a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)


def code_or_id_q(lookup: str, value: str) -> Q:
    """A related record (a union, a competition) given by its code, or by its numeric id
    (``id:123``, or a short number that may also be a code)."""
    value = (value or "").strip()
    if value.lower().startswith("id:") and is_digits(value[3:]):
        return Q(**{f"{lookup}_id": int(value[3:])})
    if is_digits(value) and len(value) <= 9:
        return Q(**{f"{lookup}_id": int(value)}) | Q(**{f"{lookup}__code": value})
    return Q(**{f"{lookup}__code": value.upper()})


class RegionFilterMixin(django_filters.FilterSet):
    """``region``: a division code; the records whose region (through ``region_lookup``) is
    that region or lies under it. An unknown code finds nothing."""

    region_lookup = "union__region"

    region = django_filters.CharFilter(method="filter_region", label=_("region code"))

    def filter_region(self, queryset, name, value):
        q = region_q(self.region_lookup, value)
        return queryset.none() if q is None else queryset.filter(q)


class UnionFilterMixin(django_filters.FilterSet):
    """``union``: the records of one union (through ``union_lookup``), by its code or id,
    typed in a text input (a <select> of every union is never rendered)."""

    union_lookup = "union"

    union = django_filters.CharFilter(method="filter_union", label=_("union code"))

    def filter_union(self, queryset, name, value):
        return queryset.filter(code_or_id_q(self.union_lookup, value))


class PersonSearchMixin(TextSearchMixin):
    """``q`` over people: a full resident ID finds the person exactly (``id_lookup``, an
    equality the ID column's index answers, whatever ``text_lookups`` say), any other text is
    searched in ``text_lookups``."""

    id_lookup = "id_number"

    def filter_q(self, queryset, name, value):
        if looks_like_id(value):
            return queryset.filter(**{f"{self.id_lookup}__exact": normalize_resident_id(value)})
        return super().filter_q(queryset, name, value)


class YearFilterMixin(django_filters.FilterSet):
    """``year``: the records whose ``date_field`` falls in that calendar year."""

    date_field = ""

    year = YearFilter(method="filter_year", label=_("year"))

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__year": int(value)})
