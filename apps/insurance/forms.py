"""Staff forms of the insurance domain. They collect and shape input; saving is the view's
call to a service, whose ApplicationError lands back in the form. Payouts are never typed in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DATE, MONEY, CodeField, ServiceForm
from apps.core.locking import VersionedFormMixin
from apps.core.scoping import CHANGE
from apps.core.validators import normalize_resident_id, validate_resident_id
from apps.unions.public import GrassrootsUnion, Member
from apps.unions.public import UnionCodeFormField as UnionCodeField

from .choices import Product, ReviewMode
from .models import MAX_WAITING_DAYS, Plan


class PlanCodeField(CodeField):
    """A plan typed by its code: plans are the province's, every user may name any of them."""

    model = Plan
    not_found = _("No plan with code %(code)s.")
    error_code = "plan"
    input_attrs = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = Plan.objects.all()


class PlanForm(ServiceForm):
    code = forms.CharField(label=_("plan code"), max_length=32)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    product = forms.ChoiceField(label=_("product"), choices=Product.choices)
    fee = forms.DecimalField(label=_("contribution per person"), **MONEY)
    coverage_start = forms.DateField(label=_("coverage start"), widget=DATE)
    coverage_end = forms.DateField(label=_("coverage end"), widget=DATE)
    deductible = forms.DecimalField(label=_("deductible"), **MONEY)
    ratio = forms.DecimalField(
        label=_("reimbursement ratio"), max_digits=5, decimal_places=4, min_value=0, max_value=1
    )
    cap_per_claim = forms.DecimalField(label=_("cap per claim"), **MONEY)
    cap_per_year = forms.DecimalField(label=_("cap per member per year"), **MONEY)
    review_mode = forms.ChoiceField(
        label=_("review mode"),
        choices=ReviewMode.choices,
        initial=ReviewMode.SINGLE,
        required=False,
        help_text=Plan._meta.get_field("review_mode").help_text,
    )
    waiting_days = forms.IntegerField(
        label=_("waiting period (days)"),
        min_value=0,
        max_value=MAX_WAITING_DAYS,
        initial=0,
        required=False,
        help_text=Plan._meta.get_field("waiting_days").help_text,
    )
    invoice_required = forms.BooleanField(
        label=_("invoice required for approval"),
        required=False,
        initial=True,
        help_text=Plan._meta.get_field("invoice_required").help_text,
    )

    def clean_review_mode(self) -> str:
        return self.cleaned_data.get("review_mode") or ReviewMode.SINGLE

    def clean_waiting_days(self) -> int:
        value = self.cleaned_data.get("waiting_days")
        return 0 if value is None else value

    @staticmethod
    def initial_for(plan: Plan) -> dict[str, Any]:
        return {name: getattr(plan, name) for name in PlanForm.base_fields}


def _members_from_ids(text: str, union: GrassrootsUnion | None, user: Any) -> list[Member]:
    """Resident IDs (one per line, or separated by commas/spaces) → active members of the union."""
    ids, bad = [], []
    for token in text.replace(",", " ").replace("，", " ").split():
        try:
            ids.append(validate_resident_id(normalize_resident_id(token)))
        except ValidationError:
            bad.append(token)
    if bad:
        raise ValidationError(_("Not valid resident IDs: %(ids)s"), params={"ids": "、".join(bad)})
    if not ids:
        return []
    qs = Member.objects.restrict(user, CHANGE).filter(id_number__in=ids, left_on__isnull=True)
    if union is not None:
        qs = qs.filter(union=union)
    found = {m.id_number: m for m in qs}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            _("No active member of the unit with these resident IDs: %(ids)s"),
            params={"ids": "、".join(missing)},
        )
    return list(found.values())


class EnrollmentForm(ServiceForm):
    plan = PlanCodeField(label=_("plan code"))
    union = UnionCodeField(label=_("union code"))
    all_active = forms.BooleanField(
        label=_("cover every active member of the unit"), required=False, initial=False
    )
    id_numbers = forms.CharField(
        label=_("resident IDs of covered members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line."),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["union"].queryset = GrassrootsUnion.objects.restrict(user, CHANGE)

    def clean(self):
        data = super().clean()
        union = data.get("union")
        if union is None:
            return data
        if data.get("all_active"):
            plan = data.get("plan")
            qs = Member.objects.filter(union=union, left_on__isnull=True)
            if plan is not None and plan.female_only:
                qs = qs.filter(sex="F")
            data["members"] = list(qs)
        else:
            try:
                data["members"] = _members_from_ids(data.get("id_numbers", ""), union, self.user)
            except ValidationError as exc:
                self.add_error("id_numbers", exc)
        return data


class AddMembersForm(ServiceForm):
    id_numbers = forms.CharField(
        label=_("resident IDs of covered members"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line."),
    )

    def __init__(self, *args, user: Any, union: GrassrootsUnion, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.union = union

    def clean_id_numbers(self):
        members = _members_from_ids(self.cleaned_data["id_numbers"], self.union, self.user)
        if not members:
            raise ValidationError(_("Enter at least one resident ID."))
        return members


class ClaimForm(ServiceForm):
    """Claim entry. The unit is optional: given, the member is looked up among its covered
    members only ("save and add another" starts the next claim with the same plan and unit);
    the cursor starts in the first field not filled in beforehand."""

    plan = PlanCodeField(label=_("plan code"))
    union = UnionCodeField(
        label=_("unit code"),
        required=False,
        help_text=_("Optional: the member's unit, to enter its claims in a row."),
    )
    id_number = forms.CharField(label=_("resident ID of the member"), max_length=20)
    number = forms.CharField(
        label=_("claim number"),
        max_length=32,
        required=False,
        help_text=_("Left empty, the system assigns one."),
    )
    admitted_on = forms.DateField(label=_("admitted on"), widget=DATE)
    discharged_on = forms.DateField(label=_("discharged on"), widget=DATE)
    total_expense = forms.DecimalField(label=_("total medical expense"), **MONEY)
    basic_insurance_paid = forms.DecimalField(label=_("paid by basic medical insurance"), **MONEY)

    def __init__(self, *args, user: Any = None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["union"].queryset = GrassrootsUnion.objects.restrict(user, CHANGE)
        first_empty = next((f for name, f in self.fields.items() if not self.initial.get(name)), None)
        if first_empty is not None:
            first_empty.widget.attrs["autofocus"] = True

    def clean_id_number(self):
        try:
            id_number = validate_resident_id(normalize_resident_id(self.cleaned_data["id_number"]))
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from exc
        return id_number

    def clean(self):
        data = super().clean()
        plan, id_number, union = data.get("plan"), data.get("id_number"), data.get("union")
        if plan is None or not id_number or self.has_error("union"):
            return data
        from .models import Coverage

        coverages = Coverage.objects.restrict(self.user, CHANGE).filter(
            plan=plan, member__id_number=id_number
        )
        if union is not None:
            coverages = coverages.filter(union=union)
        coverage = coverages.select_related("member").first()
        if coverage is None and union is not None:
            self.add_error(
                "id_number",
                _("No member with this resident ID is covered by %(plan)s in unit %(union)s.")
                % {"plan": plan.code, "union": union.code},
            )
        elif coverage is None:
            self.add_error(
                "id_number",
                _("No member with this resident ID is covered by %(plan)s in your scope.")
                % {"plan": plan.code},
            )
        else:
            data["member"] = coverage.member
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "plan": d["plan"],
            "member": d["member"],
            "number": d.get("number", ""),
            "admitted_on": d["admitted_on"],
            "discharged_on": d["discharged_on"],
            "total_expense": d["total_expense"],
            "basic_insurance_paid": d["basic_insurance_paid"],
        }


class ClaimUpdateForm(VersionedFormMixin, ServiceForm):
    """Correct a claim; a save over a change made since the form was opened is refused."""

    admitted_on = forms.DateField(label=_("admitted on"), widget=DATE)
    discharged_on = forms.DateField(label=_("discharged on"), widget=DATE)
    total_expense = forms.DecimalField(label=_("total medical expense"), **MONEY)
    basic_insurance_paid = forms.DecimalField(label=_("paid by basic medical insurance"), **MONEY)


class RejectForm(ServiceForm):
    reason = forms.CharField(label=_("rejection reason"), max_length=200)


class PayForm(ServiceForm):
    paid_on = forms.DateField(
        label=_("paid on"), widget=DATE, required=False, help_text=_("Empty means today.")
    )
