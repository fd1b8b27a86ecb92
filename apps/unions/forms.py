"""Staff and public forms of the unions domain. They collect and shape input; saving is
the view's call to a service, whose ApplicationError lands back in the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DATE, CodeField, RegionCodeField, ServiceForm, model_fields
from apps.core.locking import VersionedFormMixin
from apps.core.models import Region
from apps.core.scoping import CHANGE, VIEW, is_union_user

from . import selectors, services
from .choices import HouseholdType, KeyGroup
from .models import CollectiveContract, GrassrootsUnion, Member


class UnionCodeField(CodeField):
    """A union typed by its code (never a <select> of every union), resolved in a queryset."""

    model = GrassrootsUnion
    not_found = _("No union with code %(code)s in your scope.")
    error_code = "union_scope"
    # the picker (apps.core.autocomplete): by part of the name or the code; a write form
    # offers the unions the user may change, a field that takes any visible union says VIEW
    kind_name = "union"
    purpose = CHANGE


# Unions ----------------------------------------------------------------------------------

# the union's own fields; its region and parent union are typed by code
UNION_FORM_FIELDS = [name for name in services.UNION_FIELDS if name not in ("region", "parent")]


class UnionForm(ServiceForm):
    initial_fields = UNION_FORM_FIELDS
    initial_codes = ("region", "parent")

    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].queryset = selectors.regions_for_unions(user=user)
        self.fields["parent"].queryset = GrassrootsUnion.objects.restrict(user, VIEW)
        if is_union_user(user):
            # its place in the register and the county's trust are the county's to change
            self.fields["region"].queryset = Region.objects.filter(pk=user.region_id)
            for name in services.UNION_FIXED:
                self.fields[name].disabled = True


_union_fields = model_fields(GrassrootsUnion, UNION_FORM_FIELDS)
UnionForm.base_fields = {
    **{k: _union_fields[k] for k in ("code", "name", "kind")},
    "region": RegionCodeField(label=_("Region code"), help_text=_("County or township division code")),
    "parent": UnionCodeField(label=_("Parent union code"), required=False, purpose=VIEW),
    **{k: v for k, v in _union_fields.items() if k not in ("code", "name", "kind")},
}


# Members ---------------------------------------------------------------------------------

MEMBER_FORM_FIELDS = [
    "name",
    "id_number",
    "household_type",
    "joined_on",
    "join_channel",
    "ethnicity",
    "phone",
    "education",
    "key_group",
]


class MemberForm(ServiceForm):
    """Register a member: the union is typed by its code, checked against the change scope.
    The cursor starts in the first field not filled in beforehand (the name, when the union
    is given: "save and add another" keeps it)."""

    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["union"].queryset = GrassrootsUnion.objects.restrict(user, CHANGE)
        first_empty = next((f for name, f in self.fields.items() if not self.initial.get(name)), None)
        if first_empty is not None:
            first_empty.widget.attrs["autofocus"] = True


_member_fields = model_fields(Member, MEMBER_FORM_FIELDS)
# The service validates and normalises the resident ID (with the duplicate check).
_member_fields["id_number"] = forms.CharField(label=_("Resident ID"), max_length=20)
_member_fields["phone"] = forms.CharField(label=_("Mobile"), max_length=20, required=False)
_member_fields["name"].label = _("Full name")
MemberForm.base_fields = {"union": UnionCodeField(label=_("Union code")), **_member_fields}


class MemberUpdateForm(VersionedFormMixin, ServiceForm):
    """Correct a member's data; the resident ID only for users allowed to see it. A save over
    a change made since the form was opened is refused (apps.core.locking)."""

    initial_fields = MEMBER_FORM_FIELDS

    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not user.can_view_personal_data:
            del self.fields["id_number"]


MemberUpdateForm.base_fields = dict(_member_fields)


class MemberLeaveForm(ServiceForm):
    left_on = forms.DateField(label=_("Left on"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class MemberTransferForm(ServiceForm):
    to_union = UnionCodeField(label=_("Code of the receiving union"), purpose=VIEW)
    transferred_on = forms.DateField(label=_("Transfer date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A member may move to any union of the province; other counties accept it first.
        self.fields["to_union"].queryset = GrassrootsUnion.objects.filter(dissolved_on__isnull=True)


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


# Contracts -------------------------------------------------------------------------------

CONTRACT_FORM_FIELDS = ["number", "kind", "signed_on", "expires_on", "covered_enterprises", "covered_workers"]


class ContractForm(ServiceForm):
    initial_fields = CONTRACT_FORM_FIELDS
    initial_codes = ("union",)

    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["union"].queryset = GrassrootsUnion.objects.restrict(user, CHANGE)


_contract_fields = model_fields(CollectiveContract, CONTRACT_FORM_FIELDS)
ContractForm.base_fields = {
    "number": _contract_fields.pop("number"),
    "union": UnionCodeField(label=_("Union code")),
    **_contract_fields,
}


# Public online joining -------------------------------------------------------------------


class JoinForm(ServiceForm):
    """The public application form (网上入会). ``website`` is a honeypot: people leave it empty."""

    union_code = forms.CharField(
        label=_("Union code"), max_length=32, help_text=_("Ask your employer's union for its code.")
    )
    name = forms.CharField(label=_("Full name"), max_length=64)
    id_number = forms.CharField(label=_("Resident ID"), max_length=20)
    phone = forms.CharField(label=_("Mobile"), max_length=20)
    household_type = forms.ChoiceField(label=_("Household type"), choices=HouseholdType.choices)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=32, required=False)
    education = forms.CharField(label=_("Education"), max_length=32, required=False)
    key_group = forms.ChoiceField(
        label=_("Key group"), choices=[("", _("none"))] + list(KeyGroup.choices), required=False
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
