"""What every staff form shares: the service form (its refusal shown in the form, its initial
values from the record it edits), records typed by their code, model fields with date inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django import forms
from django.db import models
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel
from .exceptions import ApplicationError
from .models import Region

# Shared by every domain's staff forms ---------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
    ``not_found`` (code ``error_code``); ``upper`` codes are compared in capitals."""

    model: ClassVar[type[models.Model]]
    not_found: ClassVar[Any]
    error_code: ClassVar[str]
    upper: ClassVar[bool] = True
    input_attrs: ClassVar[dict[str, Any]] = {"size": 16, "autocomplete": "off"}
    default_max_length: ClassVar[int] = 32

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", self.default_max_length)
        kwargs.setdefault("widget", forms.TextInput(attrs=dict(self.input_attrs)))
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
