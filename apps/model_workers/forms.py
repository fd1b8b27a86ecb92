"""Staff forms of the model workers domain. They collect and shape input; saving is the
view's call to a service, whose ApplicationError lands back in the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import RegionCodeField, ServiceForm, model_fields
from apps.core.scoping import CHANGE
from apps.unions.forms import UnionCodeField
from apps.unions.models import GrassrootsUnion

from . import selectors
from .models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk


class _UnionScopedForm(ServiceForm):
    """A form with a ``union`` typed by code, looked up in the user's CHANGE scope."""

    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, **kwargs)
        if "union" in self.fields:
            self.fields["union"].queryset = GrassrootsUnion.objects.restrict(user, CHANGE)


def _initial(obj, names: list[str]) -> dict[str, Any]:
    data = {name: getattr(obj, name) for name in names}
    if hasattr(obj, "union"):
        data["union"] = obj.union.code
    return data


# Model workers ---------------------------------------------------------------------------

WORKER_FORM_FIELDS = ["name", "id_number", "level", "title", "title_year", "status", "craftsman_year"]


class ModelWorkerForm(_UnionScopedForm):
    """Add or correct a model worker; the resident ID only for users allowed to see it."""

    def __init__(self, *args, user: Any, editing: bool = False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if editing and not user.can_view_personal_data:
            del self.fields["id_number"]

    @staticmethod
    def initial_for(worker: ModelWorker) -> dict[str, Any]:
        return _initial(worker, WORKER_FORM_FIELDS)


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
    def __init__(self, *args, user: Any, editing: bool = False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if editing and not user.can_view_personal_data:
            del self.fields["id_number"]

    @staticmethod
    def initial_for(honour: Honour) -> dict[str, Any]:
        return _initial(honour, HONOUR_FORM_FIELDS)


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
    def __init__(self, *args, user: Any = None, **kwargs):
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(payment: BenefitPayment) -> dict[str, Any]:
        return {name: getattr(payment, name) for name in BENEFIT_FORM_FIELDS}


BenefitForm.base_fields = model_fields(BenefitPayment, BENEFIT_FORM_FIELDS)

RECUPERATION_FORM_FIELDS = ["year", "place"]


class RecuperationForm(ServiceForm):
    def __init__(self, *args, user: Any = None, **kwargs):
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(recuperation: Recuperation) -> dict[str, Any]:
        return {name: getattr(recuperation, name) for name in RECUPERATION_FORM_FIELDS}


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
    def __init__(self, *args, user: Any, editing: bool = False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if editing and not user.can_view_personal_data:
            del self.fields["leader_id_number"]

    @staticmethod
    def initial_for(studio: InnovationStudio) -> dict[str, Any]:
        return _initial(studio, STUDIO_FORM_FIELDS)


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
    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.regions_for_talks(user=user)

    @staticmethod
    def initial_for(talk: Talk) -> dict[str, Any]:
        data = {name: getattr(talk, name) for name in TALK_FORM_FIELDS}
        data["region"] = talk.region.code
        return data


_talk_fields = model_fields(Talk, TALK_FORM_FIELDS)
TalkForm.base_fields = {
    "number": _talk_fields.pop("number"),
    "held_on": _talk_fields.pop("held_on"),
    "region": RegionCodeField(label=_("Region code"), help_text=_("Where the talk was held")),
    **_talk_fields,
}
