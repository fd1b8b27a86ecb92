"""Staff forms of the model workers domain. They collect and shape input; saving is the
view's call to a service, whose ApplicationError lands back in the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import RegionCodeField, ServiceForm, model_fields
from apps.core.scoping import CHANGE
from apps.unions.public import GrassrootsUnion
from apps.unions.public import UnionCodeFormField as UnionCodeField

from . import selectors
from .models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk


class _UnionScopedForm(ServiceForm):
    """A form with a ``union`` typed by code, looked up in the user's CHANGE scope. When
    editing, the ``personal_fields`` (resident IDs) are left out for users without the right
    to see them: the stored values are kept."""

    initial_codes = ("union",)
    personal_fields: tuple[str, ...] = ()

    def __init__(self, *args, user: Any, editing: bool = False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "union" in self.fields:
            self.fields["union"].queryset = GrassrootsUnion.objects.restrict(user, CHANGE)
        if editing and not user.can_view_personal_data:
            for name in self.personal_fields:
                del self.fields[name]


# Model workers ---------------------------------------------------------------------------

WORKER_FORM_FIELDS = ["name", "id_number", "level", "title", "title_year", "status", "craftsman_year"]


class ModelWorkerForm(_UnionScopedForm):
    """Add or correct a model worker; the resident ID only for users allowed to see it."""

    initial_fields = WORKER_FORM_FIELDS
    personal_fields = ("id_number",)


_worker_fields = model_fields(ModelWorker, WORKER_FORM_FIELDS)
# The service validates and normalises the resident ID (with the duplicate check).
_worker_fields["id_number"] = forms.CharField(label=_("Resident ID"), max_length=20)
_worker_fields["name"].label = _("Full name")
ModelWorkerForm.base_fields = {
    "name": _worker_fields.pop("name"),
    "id_number": _worker_fields.pop("id_number"),
    "union": UnionCodeField(label=_("Union code")),
    **_worker_fields,
}


# Honours ---------------------------------------------------------------------------------

HONOUR_FORM_FIELDS = ["number", "kind", "level", "recipient_name", "id_number", "year"]


class HonourForm(_UnionScopedForm):
    initial_fields = HONOUR_FORM_FIELDS
    personal_fields = ("id_number",)


_honour_fields = model_fields(Honour, HONOUR_FORM_FIELDS)
_honour_fields["id_number"] = forms.CharField(
    label=_("Resident ID"),
    max_length=20,
    required=False,
    help_text=_("Only for a May Day Labour Medal (awarded to a person)."),
)
HonourForm.base_fields = {**_honour_fields, "union": UnionCodeField(label=_("Union code"))}


# Benefit payments and recuperation (of one model worker) ---------------------------------

BENEFIT_FORM_FIELDS = ["number", "kind", "amount", "paid_on"]


class BenefitForm(ServiceForm):
    initial_fields = BENEFIT_FORM_FIELDS


BenefitForm.base_fields = model_fields(BenefitPayment, BENEFIT_FORM_FIELDS)

RECUPERATION_FORM_FIELDS = ["year", "place"]


class RecuperationForm(ServiceForm):
    initial_fields = RECUPERATION_FORM_FIELDS


RecuperationForm.base_fields = model_fields(Recuperation, RECUPERATION_FORM_FIELDS)


# Innovation studios ----------------------------------------------------------------------

STUDIO_FORM_FIELDS = [
    "code",
    "name",
    "leader_id_number",
    "level",
    "founded_on",
    "skill_leaders",
    "mentor_pairs",
]


class StudioForm(_UnionScopedForm):
    initial_fields = STUDIO_FORM_FIELDS
    personal_fields = ("leader_id_number",)


_studio_fields = model_fields(InnovationStudio, STUDIO_FORM_FIELDS)
_studio_fields["leader_id_number"] = forms.CharField(label=_("Leader's resident ID"), max_length=20)
StudioForm.base_fields = {
    "code": _studio_fields.pop("code"),
    "name": _studio_fields.pop("name"),
    "union": UnionCodeField(label=_("Union code")),
    **_studio_fields,
}


# Talks -----------------------------------------------------------------------------------

TALK_FORM_FIELDS = ["number", "held_on", "venue_kind", "audience"]


class TalkForm(ServiceForm):
    initial_fields = TALK_FORM_FIELDS
    initial_codes = ("region",)

    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].queryset = selectors.regions_for_talks(user=user)


_talk_fields = model_fields(Talk, TALK_FORM_FIELDS)
TalkForm.base_fields = {
    "number": _talk_fields.pop("number"),
    "held_on": _talk_fields.pop("held_on"),
    "region": RegionCodeField(label=_("Region code"), help_text=_("Where the talk was held")),
    **_talk_fields,
}
