"""Staff forms of the competitions domain. They collect and shape input; saving is the
view's call to a service, whose ApplicationError lands back in the form."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from apps.core.forms import CodeField, RegionCodeField, ServiceForm, model_fields
from apps.core.scoping import CHANGE, VIEW
from apps.unions.public import GrassrootsUnion
from apps.unions.public import UnionCodeFormField as UnionCodeField

from . import selectors
from .models import Competition, InnovationAchievement, Participation


class CompetitionCodeField(CodeField):
    """A competition typed by its code, resolved among those the user may see."""

    model = Competition
    not_found = _("No competition with code %(code)s in your scope.")
    error_code = "competition_scope"


# Competitions ----------------------------------------------------------------------------

COMPETITION_FORM_FIELDS = ["code", "name", "kind", "theme", "start_date", "end_date"]


class CompetitionForm(ServiceForm):
    initial_fields = COMPETITION_FORM_FIELDS
    initial_codes = ("organizer_region",)

    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer_region"].queryset = selectors.organizer_regions(user=user)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
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


PARTICIPATION_FORM_FIELDS = ["participating_workers", "promoted_workers", "award"]


class ParticipationUpdateForm(ServiceForm):
    """Correct a participation's figures and award (its competition and unit stay)."""

    initial_fields = PARTICIPATION_FORM_FIELDS


_participation_fields = model_fields(Participation, PARTICIPATION_FORM_FIELDS)
ParticipationUpdateForm.base_fields = dict(_participation_fields)
ParticipationForm.base_fields = {
    "competition": CompetitionCodeField(label=_("Competition code")),
    "union": UnionCodeField(label=_("Union code")),
    **_participation_fields,
}


# Innovation achievements -----------------------------------------------------------------

INNOVATION_FORM_FIELDS = ["number", "name", "kind", "year", "authors", "grade", "recommended_nationally"]


class InnovationForm(ServiceForm):
    initial_fields = INNOVATION_FORM_FIELDS
    initial_codes = ("union",)

    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = GrassrootsUnion.objects.restrict(user, CHANGE)


_innovation_fields = model_fields(InnovationAchievement, INNOVATION_FORM_FIELDS)
InnovationForm.base_fields = {
    **{k: _innovation_fields[k] for k in ("number", "name", "kind")},
    "union": UnionCodeField(label=_("Union code")),
    **{k: _innovation_fields[k] for k in ("year", "authors", "grade", "recommended_nationally")},
}
