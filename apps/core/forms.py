"""What every staff form shares: the service form (its refusal shown in the form, its initial
values from the record it edits), records typed by their code, model fields with date inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django import forms
from django.db import models
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from . import autocomplete
from .choices import RegionLevel
from .exceptions import ApplicationError
from .models import Region
from .scoping import VIEW

# Shared by every domain's staff forms ---------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}  # a DecimalField of yuan


class ServiceForm(forms.Form):
    """A form whose save is a service call; ``apply_error`` shows its refusal.

    It takes the ``user`` it is shown to (the pages pass it to every form). An edit form
    starts from ``initial_for(record)``: the record's ``initial_fields``, and its related
    records in ``initial_codes`` by their code (the form types them by code)."""

    initial_fields: ClassVar[Sequence[str]] = ()
    initial_codes: ClassVar[Sequence[str]] = ()

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    @classmethod
    def initial_for(cls, record: models.Model) -> dict[str, Any]:
        data = {name: getattr(record, name) for name in cls.initial_fields}
        for name in cls.initial_codes:
            related = getattr(record, name)
            data[name] = related.code if related is not None else ""
        return data

    def apply_error(self, exc: ApplicationError) -> None:
        fields = exc.extra.get("fields") or {}
        placed = False
        for name, messages in fields.items():
            if name in self.fields:
                for message in messages:
                    self.add_error(name, message)
                placed = True
        if not placed:
            self.add_error(None, exc.message)


class CodeField(forms.CharField):
    """A record typed by its code (never a <select> of every record), resolved in
    ``queryset``, which the form narrows to the user's scope. A code not found there is
    ``not_found`` (code ``error_code``); ``upper`` codes are compared in capitals.

    A subclass that names its ``model`` declares the picker of that model
    (``apps.core.autocomplete``): the kind ``kind_name`` (the model's name unless told), the
    records offered for a ``purpose`` (``choices``: by default what ``restrict(user, purpose)``
    leaves) and the text fields searched (``search_fields``: the name when the model has one).
    The input offers the picker; the value typed or picked is the code, checked as above."""

    model: ClassVar[type[models.Model]]
    not_found: ClassVar[Any]
    error_code: ClassVar[str]
    upper: ClassVar[bool] = True
    input_attrs: ClassVar[dict[str, Any]] = {"size": 16, "autocomplete": "off"}
    default_max_length: ClassVar[int] = 32
    # The picker: which records it offers (VIEW: those the user sees; CHANGE for write forms).
    kind_name: ClassVar[str] = ""
    search_fields: ClassVar[tuple[str, ...] | None] = None
    purpose: ClassVar[str] = VIEW
    kind: ClassVar[autocomplete.Kind | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "model" not in cls.__dict__:
            return
        fields = {f.name for f in cls.model._meta.get_fields()}
        search = (
            cls.search_fields if cls.search_fields is not None else tuple(f for f in ("name",) if f in fields)
        )
        cls.kind = autocomplete.register(
            autocomplete.Kind(
                name=cls.kind_name or cls.model._meta.model_name,
                model=cls.model,
                choices=cls.choices,
                search=search,
                upper=cls.upper,
                declared_by=f"{cls.__module__}.{cls.__qualname__}",
            )
        )

    @classmethod
    def choices(cls, user: Any, purpose: str) -> models.QuerySet:
        """The records the picker offers the user for ``purpose``."""
        return autocomplete.scoped(cls.model)(user, purpose)

    def __init__(self, *args: Any, purpose: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", self.default_max_length)
        if "widget" not in kwargs:
            attrs = dict(self.input_attrs)
            kind = type(self).kind
            if kind is None:
                kwargs["widget"] = forms.TextInput(attrs=attrs)
            else:
                kwargs["widget"] = autocomplete.PickerInput(kind.name, purpose or self.purpose, attrs=attrs)
        super().__init__(*args, **kwargs)
        self.queryset = self.model.objects.none()

    def clean(self, value: Any) -> models.Model | None:
        value = super().clean(value)
        if not value:
            return None
        code = value.strip().upper() if self.upper else value.strip()
        record = self.queryset.filter(code=code).first()
        if record is None:
            raise forms.ValidationError(self.not_found, code=self.error_code, params={"code": value})
        return record


class RegionCodeField(CodeField):
    model = Region
    not_found = _("No region with code %(code)s in your scope.")
    error_code = "region_scope"
    upper = False
    input_attrs = {"size": 12}
    default_max_length = 12
    kind_name = "region"

    @classmethod
    def choices(cls, user: Any, purpose: str) -> models.QuerySet:
        # The regions the user sees (their subtree): each form narrows them to where its
        # records may go; the regions' own CHANGE scope (reference data) would leave none.
        return Region.objects.restrict(user, VIEW)


def model_fields(model, names, **kwargs) -> dict[str, forms.Field]:
    fields = fields_for_model(model, fields=names, **kwargs)
    for field in fields.values():
        if isinstance(field, forms.DateField):
            field.widget = DATE
    return fields


# Core pages ---------------------------------------------------------------------------------


class TownshipForm(ServiceForm):
    parent = forms.ModelChoiceField(
        label=_("County"), queryset=Region.objects.filter(level=RegionLevel.COUNTY), to_field_name="code"
    )
    code = forms.CharField(label=_("Division code (9 digits)"), max_length=9, min_length=9)
    name = forms.CharField(label=_("Name"), max_length=64)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if user is not None:
            self.fields["parent"].queryset = Region.objects.restrict(user, "change").filter(
                level=RegionLevel.COUNTY
            )
