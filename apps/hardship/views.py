"""Staff pages of the hardship domain: the household register and the filing wizard, the
provincial review queue, the annual re-check list and the aid ledger.

Lists and details inherit the scoped base views; forms call services and show their
ApplicationError. Resident IDs and incomes are masked for users without the right (or a
duty on the household: its reviewer, the clerk of an own filing in progress, see
``decisions``), and every view of an unmasked household is recorded in the audit trail.
A decision (review, re-check, exit) is offered only to a user whose step ``allows`` it, and
only when it can be taken now; otherwise the page says why or who takes it.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import personal
from apps.core import views_base as generic
from apps.core.decisions import DecisionStep
from apps.core.locking import VersionedFormViewMixin
from apps.core.scoping import CHANGE, REVIEW, user_may

from . import selectors, services
from .choices import IN_PROGRESS, PAPERWORK_STEPS, SEQUENCE, Category, Status, Step
from .decisions import HOUSEHOLD_EXIT, HOUSEHOLD_RECHECK, HOUSEHOLD_REVIEW
from .filtersets import DisbursementFilterSet, HouseholdFilterSet
from .forms import (
    AdvanceForm,
    DisbursementForm,
    ExitForm,
    HouseholdEditForm,
    HouseholdForm,
    MemberForm,
    NoteForm,
    RecheckForm,
    ReviewForm,
)
from .models import Disbursement, FamilyMember, Household

STEP_HELP = {
    Step.VISIT: gettext_lazy("Visit the family at home (进): record who went, when, and what was found."),
    Step.INSPECT: gettext_lazy("Inspect the living conditions and papers (看): list the documents seen."),
    Step.CALCULATE: gettext_lazy(
        "Calculate (算): the system computes the income per capita from the family's incomes less rigid expenses "
        "and compares it with the local minimum living standard. Enter all family members first."
    ),
    Step.DELIBERATE: gettext_lazy(
        "Deliberate (议) in the union committee; write the conclusion in the note."
    ),
    Step.EVALUATE: gettext_lazy("Evaluate (评): decide the category; write the conclusion in the note."),
    Step.NOTICE: gettext_lazy(
        "Post the public notice (公示). It lasts %(days)s days; objections during it send the case back to deliberation."
    ),
    Step.REVIEW: gettext_lazy(
        "Review (审核) by the prefecture or province above, after the notice has ended: approve and "
        "file it (the information comparison must find no conflict), or send it back to "
        "deliberation with the reason."
    ),
}


# Lists ---------------------------------------------------------------------------------


class HouseholdListView(generic.ScopedListView):
    model = Household
    selector = staticmethod(selectors.household_list)
    filterset_class = HouseholdFilterSet
    ordering_fields = ("head_name", "created_at", "filed_on", "status")
    default_ordering = "-created_at"
    title = gettext_lazy("Hardship households")
    add_label = gettext_lazy("New household")
    import_resource = "households"
    masked_id_field = "head_id_number"


class ReviewQueueView(generic.ScopedListView):
    """Households in public notice that the user (prefecture/province) may review."""

    model = Household
    template_name = "hardship/review_queue.html"
    scope_action = REVIEW
    title = gettext_lazy("Review queue")
    queue_selector = staticmethod(selectors.review_queue)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        for h in ctx["object_list"]:
            # the review button only where it would be accepted: the notice has ended, no
            # objection is open and this user may review it; else what it waits for
            h.review_waits = services.review_waits(h)
            h.review_refusal = None if h.review_waits else HOUSEHOLD_REVIEW.refusal(user, h)
        return ctx


class RecheckDueView(generic.ScopedListView):
    model = Household
    template_name = "hardship/recheck_due.html"
    title = gettext_lazy("Annual re-checks due")
    queue_selector = staticmethod(selectors.recheck_due)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for h in ctx["object_list"]:
            h.recheck_refusal = HOUSEHOLD_RECHECK.refusal(self.request.user, h)
        return ctx


class DisbursementListView(generic.ScopedListView):
    model = Disbursement
    selector = staticmethod(selectors.disbursement_list)
    filterset_class = DisbursementFilterSet
    ordering_fields = ("paid_on", "amount", "number")
    default_ordering = "-paid_on"
    title = gettext_lazy("Aid disbursements")
    import_resource = "disbursements"


# Detail and the filing wizard ----------------------------------------------------------


class HouseholdDetailView(generic.ScopedDetailView):
    model = Household

    def get_queryset(self):
        return selectors.with_objection_state(
            selectors.household_list(user=self.request.user).select_related("created_by", "previous")
        )

    def get_context_data(self, **kwargs):
        h = self.object
        user = self.request.user
        ctx = super().get_context_data(**kwargs)
        members = list(selectors.household_members(h))
        for m in members:
            m.household = h  # one household object: its duty grant is worked out once
            m.id_display = personal.display(user, m, "id_number")
            m.income_display = personal.display(user, m, "monthly_income")
        step = services.next_step(h)
        steps = list(selectors.household_steps(h))
        id_numbers = [h.head_id_number, *(m.id_number for m in members)]
        ctx.update(
            {
                "show_personal": personal.may_view(user, h),
                "head_id_display": personal.display(user, h, "head_id_number"),
                "head_income_display": personal.display(user, h, "head_income"),
                "family_income_display": personal.display(user, h, "family_income"),
                "per_capita_display": personal.display(user, h, "per_capita_income"),
                "rigid_display": personal.display(user, h, "rigid_expenses"),
                "members": members,
                "steps": steps,
                "sent_back": _sent_back(h, steps),
                "sequence": _sequence(h),
                "next_step": step,
                "next_step_label": Step(step).label if step else "",
                "next_step_help": (STEP_HELP[step] % {"days": services.notice_days()}) if step else "",
                "suggested_category": services.suggested_category(
                    per_capita=h.per_capita_income, standard=h.living_standard
                ),
                "conflicts": services.household_conflicts(h) if h.status in IN_PROGRESS else [],
                "ledger": selectors.household_ledger(h)[:100],
                "yearly_totals": selectors.household_yearly_totals(h),
                "rechecks": selectors.household_rechecks(h),
                "lineage": selectors.household_lineage(h),
                "reentries": h.reentries.all(),
                **_decisions(user, h, step),
                "editable": h.status in services.EDITABLE,
                "Status": Status,
                "Step": Step,
                "today": timezone.localdate(),
                "model_worker": selectors.model_worker_among(id_numbers, user=user),
                "services_received": selectors.services_received(id_numbers, user=user),
            }
        )
        labels = dict(Category.choices)
        ctx["suggested_category_label"] = labels.get(ctx["suggested_category"], "")
        return ctx


def _decisions(user, household: Household, step: str | None) -> dict[str, Any]:
    """What the detail page offers this user: each decision that is due on the household
    either as an action (its step allows the user, and it can be taken now) or as the reason
    it waits (the public notice, an objection) or who takes it (the step's refusal)."""
    out: dict[str, Any] = {"may_review": False, "review_waits": None, "review_refusal": None}
    if step == Step.REVIEW:
        out["review_waits"] = services.review_waits(household)
        out["review_refusal"] = HOUSEHOLD_REVIEW.refusal(user, household)
        out["may_review"] = out["review_waits"] is None and out["review_refusal"] is None
    filed = household.status == Status.FILED
    for name, decision in (("recheck", HOUSEHOLD_RECHECK), ("exit", HOUSEHOLD_EXIT)):
        refusal = decision.refusal(user, household) if filed else None
        out[f"may_{name}"] = filed and refusal is None
        out[f"{name}_refusal"] = refusal
    return out


def _sent_back(household: Household, steps: list) -> Any:
    """The objection or review that sent the filing back to deliberation, while the filing is
    back there (no public notice was posted since): the county sees why."""
    if household.status not in IN_PROGRESS or household.status == Status.NOTICE:
        return None
    for entry in reversed(steps):
        if entry.step == Step.NOTICE:
            return None
        if entry.step in (Step.OBJECTION, Step.SEND_BACK):
            return entry
    return None


def _sequence(h: Household) -> list[dict[str, Any]]:
    """The seven steps with their state for the wizard: done, current or to do."""
    done = set(h.steps.values_list("step", flat=True))
    order = [step for step, _before, _after in SEQUENCE]
    current = services.next_step(h)
    out = []
    reached = h.status in (Status.FILED, Status.EXITED) or h.imported
    current_index = order.index(current) if current in order else len(order)
    for i, step in enumerate(order):
        if reached or i < current_index:
            state = "done"
        elif step == current:
            state = "current"
        else:
            state = "todo"
        out.append({"step": step, "label": Step(step).label, "state": state, "recorded": step in done})
    return out


# Form pages ----------------------------------------------------------------------------


class HouseholdFormView(generic.ServiceFormView):
    """A form on a household (or one of its family members): Cancel, a save and a form not
    offered now (``unavailable``) lead to the household's page. The save is
    ``service(household=..., user=..., **form data)``; ``today_field``, a date starting at today."""

    model = Household
    record_kwarg = "household"
    today_field = ""

    def household(self) -> Household:
        return self.object

    def get_initial(self):
        return {self.today_field: timezone.localdate()} if self.today_field else super().get_initial()

    def get_title(self) -> str:
        # the titles name the record the form is on: %(h)s a household, %(m)s a family member
        return self.title % {"h": self.object, "m": self.object} if self.object is not None else self.title

    def household_url(self) -> str:
        return reverse("hardship:household-detail", args=[self.household().pk])

    def success_url(self, result) -> str:
        return self.household_url()

    def unavailable_url(self) -> str:
        return self.household_url()

    def cancel_url(self) -> str:
        return self.household_url() if self.object else reverse("hardship:household-list")


class _PersonalEditView(HouseholdFormView):
    """An edit of a person's details: the form drops personal-data fields for users without
    the right, and the resident ID (``id_field``) is changed only by who may see it."""

    editing = True
    id_field: str

    def service_kwargs(self, form):
        data = super().service_kwargs(form)
        if not data.get(self.id_field) or not personal.may_view(self.request.user, self.object):
            data.pop(self.id_field, None)
        return data


class HouseholdCreateView(HouseholdFormView, generic.ServiceCreateView):
    form_class = HouseholdForm
    service = staticmethod(services.household_create)
    title = gettext_lazy("New hardship household")

    def success_url(self, result):
        return reverse("hardship:household-detail", args=[result.pk])


class HouseholdUpdateView(VersionedFormViewMixin, _PersonalEditView):
    form_class = HouseholdEditForm
    service = staticmethod(services.household_update)
    id_field = "head_id_number"
    title = gettext_lazy("Edit household %(h)s")

    def get_initial(self):
        h = self.object
        return {
            "head_name": h.head_name,
            # the edit form shows the ID in full only with the right (recorded by note_form)
            "head_id_number": h.head_id_number if personal.may_view(self.request.user, h) else "",
            "head_income": h.head_income,
            "head_health": h.head_health,
            "category": h.category,
            "causes": h.cause_list,
            "rigid_expenses": h.rigid_expenses,
        }


class MemberCreateView(HouseholdFormView):
    form_class = MemberForm
    service = staticmethod(services.member_add)
    title = gettext_lazy("Add a family member to %(h)s")


class MemberUpdateView(_PersonalEditView):
    form_class = MemberForm
    model = FamilyMember
    service = staticmethod(services.member_update)
    record_kwarg = "member"
    id_field = "id_number"
    title = gettext_lazy("Edit family member %(m)s")

    def household(self):
        return self.object.household

    def get_initial(self):
        m = self.object
        return {
            "name": m.name,
            "id_number": m.id_number if personal.may_view(self.request.user, m) else "",
            "relation": m.relation,
            "monthly_income": m.monthly_income,
            "health": m.health,
        }


class MemberDeleteView(generic.DecisionView):
    """Removes a family member, then back to the household's page."""

    model = FamilyMember
    permission_action = "delete"
    service = staticmethod(services.member_remove)
    record_kwarg = "member"
    done = gettext_lazy("The family member was removed.")

    def redirect_url(self, obj):
        return reverse("hardship:household-detail", args=[obj.household_id])


class HouseholdAdvanceView(generic.StepDecidesMixin, HouseholdFormView):
    """The next step of the seven-step filing, and the review (approve, or send back to
    deliberation with a reason). The household is looked up in the user's view scope; the
    service decides who may do the step (county staff, or the reviewer above)."""

    template_name = "hardship/advance.html"

    @property
    def form_class(self):
        return ReviewForm if self.step() == Step.REVIEW else AdvanceForm

    def step(self) -> str:
        return (
            self.request.POST.get("step")
            or self.request.GET.get("step")
            or services.next_step(self.object)
            or ""
        )

    def form_kwargs(self):
        return {"user": self.request.user, "step": self.step()}

    def get_title(self):
        step = self.step()
        if step in Step.values:
            return _("Step “%(step)s” for %(h)s") % {"step": Step(step).label, "h": self.object}
        return str(self.object)

    def form_context(self):
        step = self.step()
        return {
            "step": step,
            "step_help": (STEP_HELP[step] % {"days": services.notice_days()}) if step in STEP_HELP else "",
            "paperwork": step in PAPERWORK_STEPS,
            "review": step == Step.REVIEW,
            "figures": self.figures() if step == Step.REVIEW else [],
        }

    def figures(self) -> list[tuple[str, Any]]:
        """What the reviewer checks, beside the decision (shown in full to the reviewer, on
        record, by the grant of ``decisions``)."""
        h = self.object
        suggested = services.suggested_category(per_capita=h.per_capita_income, standard=h.living_standard)
        category = h.get_category_display()
        if suggested and suggested != h.category:
            category = f"{category}（{_('the figures suggest: %(c)s') % {'c': Category(suggested).label}}）"
        elif not suggested and h.per_capita_income is not None and h.living_standard is not None:
            category = f"{category}（{_('the income is above twice the standard')}）"
        return [
            (_("Family size"), h.family_size),
            (_("Family monthly income"), personal.display(self.request.user, h, "family_income")),
            (_("Monthly rigid expenses"), personal.display(self.request.user, h, "rigid_expenses")),
            (_("Monthly income per capita"), personal.display(self.request.user, h, "per_capita_income")),
            (_("Local minimum living standard"), h.living_standard if h.living_standard is not None else "—"),
            (_("Category"), category),
        ]

    def unavailable(self):
        h, user = self.object, self.request.user
        step = services.next_step(h)
        if step is None:
            return _("The household is “%(s)s”; no filing step can be done now.") % {
                "s": h.get_status_display()
            }
        if step == Step.REVIEW:
            return HOUSEHOLD_REVIEW.refusal(user, h) or services.review_waits(h)
        if not user_may(user, CHANGE, h.union.region_id, Household):
            return _("You may not change households of this region.")
        return None

    def perform(self, form):
        if self.step() == Step.REVIEW:
            return services.household_review(
                household=self.object,
                user=self.request.user,
                approve=form.cleaned_data["decision"] == ReviewForm.APPROVE,
                note=form.cleaned_data.get("note", ""),
            )
        return services.household_advance(
            household=self.object,
            user=self.request.user,
            step=self.step(),
            note=form.cleaned_data.get("note", ""),
            attachments=form.cleaned_data.get("attachments", ""),
            category=form.cleaned_data.get("category", ""),
        )

    def get_success_message(self, result):
        if result.status == Status.FILED:
            return _("The household is filed.")
        if self.step() == Step.REVIEW:
            return _("The filing was sent back to deliberation; the county sees the reason.")
        return _("Step recorded. The household is now “%(s)s”.") % {"s": result.get_status_display()}


class HouseholdObjectionView(HouseholdFormView):
    form_class = NoteForm
    service = staticmethod(services.household_object)
    title = gettext_lazy("Record an objection to the public notice of %(h)s")
    success_message = gettext_lazy("The objection is recorded; the case is back at deliberation.")


class HouseholdWithdrawView(HouseholdFormView):
    form_class = NoteForm
    title = gettext_lazy("Withdraw the filing of %(h)s")

    def perform(self, form):
        return services.household_withdraw(
            household=self.object, user=self.request.user, reason=form.cleaned_data["note"]
        )


class DecisionFormView(generic.StepDecidesMixin, HouseholdFormView):
    """The form of a decision (``decision``, a DecisionStep) on a household: looked up in the
    view scope, so that who may see the household but not decide is told who decides; offered
    only to a user the step allows (the service checks it again on POST)."""

    decision: DecisionStep

    def unavailable(self):
        return self.decision.refusal(self.request.user, self.household())


class HouseholdExitView(DecisionFormView):
    form_class = ExitForm
    service = staticmethod(services.household_exit)
    decision = HOUSEHOLD_EXIT
    today_field = "exited_on"
    title = gettext_lazy("Exit from hardship: %(h)s")


class HouseholdRecheckView(DecisionFormView):
    form_class = RecheckForm
    service = staticmethod(services.household_recheck)
    decision = HOUSEHOLD_RECHECK
    today_field = "checked_on"
    title = gettext_lazy("Annual re-check of %(h)s")


class HouseholdReenterView(HouseholdFormView):
    form_class = NoteForm
    service = staticmethod(services.household_reenter)
    title = gettext_lazy("Re-entry into hardship: %(h)s")
    success_message = gettext_lazy("A new filing was opened; the earlier one stays in the history.")

    def success_url(self, result):
        return reverse("hardship:household-detail", args=[result.pk])


class DisbursementCreateView(HouseholdFormView):
    form_class = DisbursementForm
    service = staticmethod(services.disbursement_create)
    today_field = "paid_on"
    title = gettext_lazy("Pay aid to %(h)s")

    def next_record_url(self, result):  # the next payment, to the same household
        return reverse("hardship:disbursement-create", args=[self.object.pk])
