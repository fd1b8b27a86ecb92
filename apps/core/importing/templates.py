"""How a domain describes a template: its columns, and the hooks that turn rows into
records (``ImportResource``); the registry of templates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.module_loading import autodiscover_modules

from ..bulk import filter_in
from ..scoping import CHANGE, scope_region_ids
from .cells import choice_label, parse_choice, parse_resident_id, parse_text
from .exceptions import ImportFileError
from .results import Row


@dataclass
class Column:
    header: str
    name: str
    parse: Callable[[Any], Any] = parse_text
    required: bool = False
    key: bool = False
    # personal data, masked on export for users without the right: True for a resident ID,
    # or a kind of apps.core.personal (AMOUNT)
    sensitive: bool | str = False
    export: Callable[[Any], Any] | None = None  # record -> cell value; default getattr(name)
    related: str = ""  # the related record the export reads ("union"), selected with the records


def number_column(header: str, name: str = "number", parse: Callable[[Any], Any] | None = None) -> Column:
    """The key column of a template keyed by a number or code of up to 32 characters."""
    return Column(header, name, parse or partial(parse_text, max_length=32), required=True, key=True)


def related_column(
    header: str, name: str, path: str, parse: Callable[[Any], Any] = parse_text, **kwargs: Any
) -> Column:
    """A column that names another record by one of its fields (``path``, "union.code"): exported
    from the record's related one ('' where there is none), which the export selects."""
    related, _dot, _field = path.rpartition(".")

    def export(record: Any) -> Any:
        for step in path.split("."):
            record = getattr(record, step)
            if record is None:
                return ""
        return record

    return Column(header, name, parse, export=export, related=related.replace(".", "__"), **kwargs)


def region_column(header: str = "所属地区代码", field: str = "region") -> Column:
    """The required region code column (``region_code``) of a RegionRefMixin template."""
    return related_column(header, "region_code", f"{field}.code", required=True)


def choice_column(
    header: str, name: str, choices: type[models.TextChoices], *, required: bool = True, key: bool = False
) -> Column:
    """A column of Chinese choice labels: read as the stored value, written back as the label;
    an optional one may be blank."""
    return Column(
        header,
        name,
        partial(parse_choice, choices=choices, blank=not required),
        required=required,
        key=key,
        export=lambda record: choice_label(choices, getattr(record, name)),
    )


class Context:
    """What a resource may need while validating: the user, their scope, caches."""

    def __init__(self, user: Any, resource: ImportResource) -> None:
        self.user = user
        self.resource = resource
        self.cache: dict[str, Any] = {}
        # None = every region; else the region ids the user may change.
        if user is None:
            self.change_ids = None
        else:
            self.change_ids = scope_region_ids(user, CHANGE, resource.model)

    def may_change(self, region_id: int | None) -> bool:
        return self.change_ids is None or (region_id is not None and region_id in self.change_ids)


class ImportResource:
    """Subclass per template. Hooks, all working on lists of rows, one batch of the file at a
    time (never per-row queries); rows of earlier batches may already be written:

    prepare(rows, ctx)           bulk look-ups of references (stash them in ctx.cache)
    check(row, ctx)              cross-field rules; call row.error(header, message)
    region_id(row, ctx)          the region the row writes into (for the scope check)
    existing(rows, ctx)          {key: record} for the rows' keys
    apply(row, record, ctx)      a new or updated (unsaved) record from row.values
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    model: ClassVar[type[models.Model]]
    columns: ClassVar[list[Column]] = []
    batch_size: ClassVar[int] = 2000
    # Rows refer to other rows of the same file (a parent further down, an order across the
    # file): the hooks then get the whole file as one batch instead of batch_size rows.
    whole_file: ClassVar[bool] = False
    # The default ``apply()`` sets a blank field of ``blank_as`` to the value given there.
    blank_as: ClassVar[dict[str, Any]] = {}
    derived: ClassVar[Sequence[str]] = ()  # fields an ``apply()`` derives from the row (compared)
    # The default ``existing()``: the path to a record's region ("union__region"), for refusing
    # a change outside the user's scope, and what the message calls the record ("合同").
    record_region: ClassVar[str] = ""
    noun: ClassVar[str] = ""

    @cached_property
    def copied(self) -> Sequence[str]:
        """The fields the default ``apply()`` sets from the values of the same names (besides
        the reference a RefMixin sets): the columns that are neither a key nor a reference."""
        return [c.name for c in self.columns if not c.key and not c.related]

    @property
    def compare_fields(self) -> Sequence[str]:
        """Fields compared to decide between "updated" and "unchanged": by default those
        ``apply()`` sets."""
        return [*self.copied, *self.derived]

    def key_of(self, row: Row) -> tuple:
        return tuple(row.values.get(c.name) for c in self.columns if c.key)

    def record_key(self, record: models.Model) -> tuple:
        return tuple(getattr(record, c.name) for c in self.columns if c.key)

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        return None

    def check(self, row: Row, ctx: Context) -> None:
        return None

    def region_id(self, row: Row, ctx: Context) -> int | None:
        raise NotImplementedError

    def existing(self, rows: list[Row], ctx: Context) -> dict[tuple, models.Model]:
        """The records keyed by the one key column; one outside the user's scope is refused."""
        if not self.record_region:
            raise NotImplementedError
        *path, region = self.record_region.split("__")
        queryset = self.model.objects.select_related("__".join(path)) if path else self.model.objects.all()

        def region_of(record: models.Model) -> int | None:
            for step in path:
                record = getattr(record, step)
            return getattr(record, f"{region}_id")

        return self.existing_by_key(rows, ctx, queryset, region_of=region_of, noun=self.noun)

    def apply(self, row: Row, record: models.Model | None, ctx: Context) -> models.Model:
        """``record``, or a new one, with the fields of ``values_of()`` set."""
        record = record or self.new_record(row, ctx)
        for name, value in self.values_of(row, ctx).items():
            setattr(record, name, value)
        return record

    def new_record(self, row: Row, ctx: Context) -> models.Model:
        """The record a row creates, its key fields set from the key columns of the same names."""
        return self.model(**{c.name: row.values[c.name] for c in self.columns if c.key})

    def values_of(self, row: Row, ctx: Context) -> dict[str, Any]:
        """The fields a row sets: ``copied`` ones, blanks as ``blank_as`` says."""
        values = {name: row.values[name] for name in self.copied}
        for name, value in self.blank_as.items():
            if values[name] is None:
                values[name] = value
        return values

    def validate_record(self, row: Row, record: models.Model) -> None:
        """Model field validators and clean(), without the per-row FK and unique queries."""
        fk_names = [f.name for f in record._meta.concrete_fields if f.is_relation]
        # a resident ID column was checked in full by its parser, with the model's own validator
        checked = [c.name for c in self.columns if c.parse is parse_resident_id]
        try:
            record.clean_fields(exclude=fk_names + checked)
            record.clean()
        except ValidationError as exc:
            self.add_errors(row, exc)

    def check_rule(
        self,
        row: Row,
        rule: Callable[..., Any],
        /,
        fields: dict[str, str] | None = None,
        from_row: Sequence[str] = (),
        **kwargs: Any,
    ) -> bool:
        """Run a domain rule (a ``clean_*`` function, the one the services run) with ``kwargs``
        and the row's values named in ``from_row`` (rule arguments of the columns' names); its
        ValidationError becomes the row's errors, each under its field's column (``fields`` maps
        a field of the rule to the column's name where they differ). True when it passed."""
        try:
            rule(**{name: row.values.get(name) for name in from_row}, **kwargs)
        except ValidationError as exc:
            self.add_errors(row, exc, fields)
            return False
        return True

    def add_errors(self, row: Row, exc: ValidationError, fields: dict[str, str] | None = None) -> None:
        """The messages of ``exc`` as the row's errors, under the column of their field
        (``fields`` maps a rule's field name to another column's name)."""
        headers = {c.name: c.header for c in self.columns}
        for name, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            column = (fields or {}).get(name, name)
            for message in messages:
                row.error(headers.get(column, ""), message)

    def after_write(self, rows: list[Row], ctx: Context) -> None:
        """Second pass after the batch writes (e.g. references between rows of one file)."""
        return None

    def existing_by_key(
        self,
        rows: list[Row],
        ctx: Context,
        queryset: models.QuerySet,
        *,
        region_of: Callable[[Any], int | None] | None = None,
        noun: str = "",
    ) -> dict[tuple, Any]:
        """``existing()`` of a template keyed by one column: the records of ``queryset`` whose
        field of that name holds a row's key, one query per CHUNK keys. With ``region_of``
        (record -> its region id) a row whose record lies outside the importing user's scope
        is refused: an existing record changes only by someone who may change it where it is."""
        (column,) = [c for c in self.columns if c.key]
        keys = {row.values[column.name] for row in rows}
        found = {(getattr(r, column.name),): r for r in filter_in(queryset, column.name, keys)}
        if region_of is not None:
            for row in rows:
                record = found.get(self.key_of(row))
                if record is not None and not ctx.may_change(region_of(record)):
                    row.error(column.header, f"{noun}“{row.values[column.name]}”不在您的管辖范围内，无权修改")
        return found

    # Export: the user's records in the template's order, with the related rows its columns read
    export_order: ClassVar[Sequence[str]] = ("id",)

    @property
    def export_related(self) -> Sequence[str]:
        """The related records the columns export from (``related_column``)."""
        return list(dict.fromkeys(c.related for c in self.columns if c.related))

    def export_queryset(self, user: Any) -> models.QuerySet:
        qs = self.model.objects.restrict(user)
        if self.export_related:
            qs = qs.select_related(*self.export_related)
        return qs.order_by(*self.export_order)

    def export_row(self, record: models.Model) -> list[Any]:
        out = []
        for c in self.columns:
            out.append(c.export(record) if c.export else getattr(record, c.name, ""))
        return out

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


_registry: dict[str, type[ImportResource]] = {}


def register(cls: type[ImportResource]) -> type[ImportResource]:
    _registry[cls.name] = cls
    return cls


def registry() -> dict[str, type[ImportResource]]:
    autodiscover_modules("resources")
    return dict(_registry)


class RefMixin:
    """A column that names another record (a region, a union, a model worker by its code or
    resident ID), resolved for every row with one look-up per batch; the row's region, for the
    scope check, is the named record's. A template mixes in one and says which column, where
    the look-up is kept, the message for an unknown value and how to look values up."""

    ref_column: ClassVar[str]
    ref_cache: ClassVar[str]
    ref_unknown: ClassVar[str]  # the message for a value that names nothing, with {value}
    ref_field: ClassVar[str] = ""  # the record's field the default ``apply()`` sets to it

    def values_of(self, row: Row, ctx: Context) -> dict[str, Any]:
        values = super().values_of(row, ctx)  # type: ignore[misc]
        if self.ref_field:
            values[self.ref_field] = self.ref_of(row, ctx)
        return values

    @property
    def compare_fields(self) -> Sequence[str]:
        return [self.ref_field, *super().compare_fields] if self.ref_field else super().compare_fields  # type: ignore[misc]

    def ref_lookup(self, values: set[Any]) -> dict[Any, Any]:
        raise NotImplementedError

    def ref_region_id(self, record: Any) -> int | None:
        return record.region_id

    def prepare(self, rows: list[Row], ctx: Context) -> None:
        ctx.cache[self.ref_cache] = self.ref_lookup({r.values.get(self.ref_column) for r in rows})

    def ref_of(self, row: Row, ctx: Context) -> Any:
        return ctx.cache[self.ref_cache].get(row.values.get(self.ref_column))

    def check(self, row: Row, ctx: Context) -> None:
        if self.ref_of(row, ctx) is None:
            header = next(c.header for c in self.columns if c.name == self.ref_column)
            row.error(header, self.ref_unknown.format(value=row.values.get(self.ref_column)))

    def region_id(self, row: Row, ctx: Context) -> int | None:
        record = self.ref_of(row, ctx)
        return self.ref_region_id(record) if record is not None else None


class RegionRefMixin(RefMixin):
    """The region code column (``region_code``): ``region_of(row, ctx)``."""

    ref_column = "region_code"
    ref_cache = "regions"
    ref_unknown = "地区代码“{value}”不存在"
    ref_field = record_region = "region"

    def regions(self) -> models.QuerySet:
        """Where the codes are looked up (a template may attach more)."""
        from ..models import Region  # not at import: resources load while the apps do

        return Region.objects.all()

    def ref_lookup(self, values: set[Any]) -> dict[Any, Any]:
        return {region.code: region for region in filter_in(self.regions(), "code", values)}

    def ref_region_id(self, record: Any) -> int | None:
        return record.pk

    def region_of(self, row: Row, ctx: Context) -> Any:
        return self.ref_of(row, ctx)


def get_resource(name: str) -> ImportResource:
    resources = registry()
    if name not in resources:
        raise ImportFileError(f"未知的导入模板“{name}”，可选：{'、'.join(sorted(resources))}")
    return resources[name]()
