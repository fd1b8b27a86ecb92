from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel
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
