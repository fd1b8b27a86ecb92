from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel
from .exceptions import ApplicationError
from .models import Region


class TownshipForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=_("County"), queryset=Region.objects.filter(level=RegionLevel.COUNTY), to_field_name="code"
    )
    code = forms.CharField(label=_("Division code (9 digits)"), max_length=9, min_length=9)
    name = forms.CharField(label=_("Name"), max_length=64)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["parent"].queryset = Region.objects.restrict(user, "change").filter(
                level=RegionLevel.COUNTY
            )


# Shared by every domain's staff forms ---------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceForm(forms.Form):
    """A form whose save is a service call; ``apply_error`` shows its refusal."""

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


class RegionCodeField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 12}))
        super().__init__(*args, **kwargs)
        self.queryset = None

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        region = self.queryset.filter(code=value.strip()).first()
        if region is None:
            raise forms.ValidationError(
                _("No region with code %(code)s in your scope."), code="region_scope", params={"code": value}
            )
        return region


def model_fields(model, names, **kwargs) -> dict[str, forms.Field]:
    fields = fields_for_model(model, fields=names, **kwargs)
    for field in fields.values():
        if isinstance(field, forms.DateField):
            field.widget = DATE
    return fields
