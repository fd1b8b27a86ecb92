"""Staff forms of the hardship domain. They collect and shape input; saving is the view's call
to a service, whose ApplicationError lands back in the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DATE, MONEY, ServiceForm
from apps.core.locking import VersionedFormMixin
from apps.core.scoping import CHANGE
from apps.unions.public import GrassrootsUnion
from apps.unions.public import UnionCodeFormField as UnionCodeField

from .choices import AidKind, Category, Cause, Health, Relation


class HouseholdForm(ServiceForm):
    union = UnionCodeField(label=_("Union code"))
    head_name = forms.CharField(label=_("Head of household"), max_length=64)
    head_id_number = forms.CharField(label=_("Head's resident ID"), max_length=18)
    head_income = forms.DecimalField(label=_("Head's monthly income"), initial=0, **MONEY)
    head_health = forms.ChoiceField(label=_("Head's health"), choices=Health.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    causes = forms.MultipleChoiceField(
        label=_("Causes"), choices=Cause.choices, widget=forms.CheckboxSelectMultiple
    )
    rigid_expenses = forms.DecimalField(
        label=_("Monthly rigid expenses (illness, disability, schooling)"), initial=0, **MONEY
    )

    def __init__(self, *args, user=None, editing: bool = False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["union"].queryset = GrassrootsUnion.objects.restrict(user, CHANGE)
        if editing:
            del self.fields["union"]
            # masked for users without the right: left empty, the stored ID is kept
            self.fields["head_id_number"].required = False


class HouseholdEditForm(VersionedFormMixin, HouseholdForm):
    """The household form when editing (``editing=True``): a save over a change made since the
    form was opened is refused (apps.core.locking)."""


class MemberForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=64)
    id_number = forms.CharField(label=_("Resident ID"), max_length=18)
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=Relation.choices)
    monthly_income = forms.DecimalField(label=_("Monthly income"), initial=0, **MONEY)
    health = forms.ChoiceField(label=_("Health"), choices=Health.choices)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["id_number"].required = False


class AdvanceForm(ServiceForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = forms.CharField(
        label=_("Attachments (file names, separated by commas)"), required=False, max_length=500
    )
    category = forms.ChoiceField(
        label=_("Category decided"), required=False, choices=[("", "—"), *Category.choices]
    )

    def __init__(self, *args, step: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import PAPERWORK_STEPS, Step

        if step not in PAPERWORK_STEPS:
            del self.fields["attachments"]
        if step != Step.EVALUATE:
            del self.fields["category"]


class ReviewForm(ServiceForm):
    """The review (审核): approve and file, or send back to deliberation with the reason."""

    APPROVE = "approve"
    SEND_BACK = "send_back"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (APPROVE, _("Approve and file")),
            (SEND_BACK, _("Send back to deliberation (评议)")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (the reason, required when sending back)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, step: str = "", **kwargs):
        super().__init__(*args, **kwargs)


class NoteForm(ServiceForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class ExitForm(ServiceForm):
    exited_on = forms.DateField(label=_("Exit date"), widget=DATE)
    reason = forms.CharField(label=_("Exit reason"), max_length=200)


class RecheckForm(ServiceForm):
    checked_on = forms.DateField(label=_("Re-check date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DisbursementForm(ServiceForm):
    """An aid payment to a household; the cursor starts in the aid kind ("save and add
    another" opens the next payment to the same household)."""

    kind = forms.ChoiceField(
        label=_("Aid kind"), choices=AidKind.choices, widget=forms.Select(attrs={"autofocus": True})
    )
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    fund_source = forms.CharField(label=_("Fund source"), max_length=64, required=False)
    student_name = forms.CharField(label=_("Student (education grant)"), max_length=64, required=False)
