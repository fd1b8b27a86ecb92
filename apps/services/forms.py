"""Staff forms of the worker-services domain. They collect and shape input; saving is the
view's call to a service, whose ApplicationError (with its Chinese message) lands back in the
form or, for a step's button, in a message.

One form class per register is built by ``record_form`` from the fields its service accepts
(``services.*_FIELDS``): the number, the region typed as a division code among the regions
the user may record worker services in, then the register's own fields. The steps' small
forms (approve, reject, pay, close, repay) follow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DATE, MONEY, RegionCodeField, ServiceForm, model_fields
from apps.core.personal import personal_fields

from . import rules, selectors


class RecordForm(ServiceForm):
    """A record of one register. Editing, the resident IDs (the model's ``personal_fields``)
    are left out for users without the personal-data right: the stored values are kept."""

    initial_codes = ("region",)
    personal: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].queryset = selectors.service_regions(user=user)
        if editing and not user.can_view_personal_data:
            for name in self.personal:
                self.fields.pop(name, None)


# Fields a form leaves empty for the service to fill: a loan without an agreed due date falls
# due after the standard term.
HELP = {
    "due_on": lazy(
        lambda: (
            gettext("Leave empty for the standard term of %(months)s months after the grant.")
            % {"months": rules.DEFAULT_LOAN_TERM_MONTHS}
        ),
        str,
    )(),
}


def record_form(
    model: type[models.Model],
    fields: Sequence[str],
    *,
    optional: Iterable[str] = (),
    labels: Mapping[str, Any] | None = None,
) -> type[RecordForm]:
    """The form of a register whose service takes ``fields`` (``number`` and ``region`` first).

    Resident IDs are plain text here: the service normalises them (an ``x`` check character
    is an ``X``) and checks them with its Chinese message. ``optional`` fields may be left
    empty (the service supplies them); ``labels`` replace the verbose names."""
    personal = tuple(name for name in personal_fields(model) if name in fields)
    own = [name for name in fields if name != "region"]
    built = model_fields(model, own)
    for name in personal:
        built[name] = forms.CharField(label=built[name].label, max_length=20, required=built[name].required)
    for name, label in (labels or {}).items():
        built[name].label = label
    for name in optional:
        built[name].required = False
        built[name].help_text = HELP.get(name, "")
    form = type(
        f"{model.__name__}Form",
        (RecordForm,),
        {"initial_fields": own, "personal": personal, "__module__": __name__},
    )
    region = RegionCodeField(
        label=_("Region code"), help_text=_("Division code of the union office that did the work")
    )
    form.base_fields = {name: region if name == "region" else built[name] for name in fields}
    return form


# The steps' forms -----------------------------------------------------------------------------


def _date(label: Any) -> forms.DateField:
    """A step's date, today unless changed; empty is refused by the service with its message."""
    return forms.DateField(label=label, widget=DATE, required=False, initial=timezone.localdate)


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RejectForm(forms.Form):
    # required by the service ("The reason is required."), which says so in Chinese
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class PayForm(forms.Form):
    paid_on = _date(_("paid on"))


class CloseCaseForm(forms.Form):
    closed_on = _date(_("closed on"))
    amount_recovered = forms.DecimalField(
        label=_("amount recovered (yuan)"),
        required=False,
        help_text=_("Leave empty to keep the figure recorded."),
        **MONEY,
    )
    workers = forms.IntegerField(
        label=_("workers involved"),
        min_value=0,
        required=False,
        help_text=_("Leave empty to keep the figure recorded."),
    )


class RepayForm(forms.Form):
    repaid_on = _date(_("repaid on"))
