"""Staff forms of the competitions domain. They collect and shape input; saving is the
view's call to a service, whose ApplicationError lands back in the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import RegionCodeField, ServiceForm, model_fields
from apps.core.scoping import CHANGE, VIEW
from apps.unions.forms import UnionCodeField
from apps.unions.models import GrassrootsUnion

from . import selectors
from .models import Competition, InnovationAchievement, Participation


class CompetitionCodeField(forms.CharField):
    """A competition typed by its code, resolved among those the user may see."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 16, "autocomplete": "off"}))
        super().__init__(*args, **kwargs)
        self.queryset = Competition.objects.none()

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        competition = self.queryset.filter(code=value.strip().upper()).first()
        if competition is None:
            raise forms.ValidationError(
                _("No competition with code %(code)s in your scope."),
                code="competition_scope",
                params={"code": value},
            )
        return competition


# Competitions ----------------------------------------------------------------------------

COMPETITION_FORM_FIELDS = ["code", "name", "kind", "theme", "start_date", "end_date"]


class CompetitionForm(ServiceForm):
    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer_region"].queryset = selectors.organizer_regions(user=user)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data

    @staticmethod
    def initial_for(competition: Competition) -> dict[str, Any]:
        data = {name: getattr(competition, name) for name in COMPETITION_FORM_FIELDS}
        data["organizer_region"] = competition.organizer_region.code
        return data


_competition_fields = model_fields(Competition, COMPETITION_FORM_FIELDS)
CompetitionForm.base_fields = {
    **{k: _competition_fields[k] for k in ("code", "name", "kind")},
    "organizer_region": RegionCodeField(
        label=_("Organizer region code"), help_text=_("Division code of the organizing region")
    ),
    **{k: _competition_fields[k] for k in ("theme", "start_date", "end_date")},
}


# Participations --------------------------------------------------------------------------


class ParticipationForm(ServiceForm):
    """Register a unit of the user's scope in a competition the user can see."""

    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competition"].queryset = Competition.objects.restrict(user, VIEW)
        self.fields["union"].queryset = GrassrootsUnion.objects.restrict(user, CHANGE)


class ParticipationUpdateForm(ServiceForm):
    """Correct a participation's figures and award (its competition and unit stay)."""

    def __init__(self, *args, user: Any = None, **kwargs):
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(participation: Participation) -> dict[str, Any]:
        return {
            "participating_workers": participation.participating_workers,
            "promoted_workers": participation.promoted_workers,
            "award": participation.award,
        }


_participation_fields = model_fields(Participation, ["participating_workers", "promoted_workers", "award"])
ParticipationUpdateForm.base_fields = dict(_participation_fields)
ParticipationForm.base_fields = {
    "competition": CompetitionCodeField(label=_("Competition code")),
    "union": UnionCodeField(label=_("Union code")),
    **_participation_fields,
}


# Innovation achievements -----------------------------------------------------------------

INNOVATION_FORM_FIELDS = ["number", "name", "kind", "year", "authors", "grade", "recommended_nationally"]


class InnovationForm(ServiceForm):
    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = GrassrootsUnion.objects.restrict(user, CHANGE)

    @staticmethod
    def initial_for(item: InnovationAchievement) -> dict[str, Any]:
        data = {name: getattr(item, name) for name in INNOVATION_FORM_FIELDS}
        data["union"] = item.union.code
        return data


_innovation_fields = model_fields(InnovationAchievement, INNOVATION_FORM_FIELDS)
InnovationForm.base_fields = {
    **{k: _innovation_fields[k] for k in ("number", "name", "kind")},
    "union": UnionCodeField(label=_("Union code")),
    **{k: _innovation_fields[k] for k in ("year", "authors", "grade", "recommended_nationally")},
}
