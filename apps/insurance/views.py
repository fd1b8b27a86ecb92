"""Staff pages of mutual medical insurance (on ``apps.core.views_base``): plans, enrollment
management with the contribution statement, claim entry with the payout preview, review
queues."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import personal
from apps.core import views_base as generic
from apps.core.decisions import DecisionStep
from apps.core.importing import neutralise
from apps.core.locking import VersionedFormViewMixin
from apps.core.pagination import EstimatedCountPaginator
from apps.unions.public import Member

from . import decisions, forms, selectors, services
from .choices import ClaimStatus
from .filtersets import ClaimFilterSet, EnrollmentFilterSet, PlanFilterSet
from .models import Claim, Coverage, Enrollment, Plan
from .payout import plan_payout


class _Plan:
    model = Plan
    stem = "plan"
    add_label = gettext_lazy("Add insurance plan")


class PlanEditorMixin(_Plan):
    """Plans are written by provincial staff and administrators, whatever the model perms say."""

    form_class = forms.PlanForm

    def has_permission(self) -> bool:
        return self.request.user.is_authenticated and services.is_plan_editor(self.request.user)

    def scoped_queryset(self):
        return Plan.objects.all()


# Plans ------------------------------------------------------------------------------------


class PlanListView(_Plan, generic.ScopedListView):
    filterset_class = PlanFilterSet
    ordering_fields = ("year", "code", "product", "fee")
    default_ordering = "-year"
    title = gettext_lazy("Insurance plans")
    import_resource = "plans"

    def can_add(self):
        return services.is_plan_editor(self.request.user)


class PlanDetailView(_Plan, generic.ScopedDetailView):
    def may_change(self, obj):
        return services.is_plan_editor(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, plan = self.request.user, self.object
        ctx["is_admin"] = user.is_superuser
        ctx["enrollment_open"] = services.enrollment_is_open(plan)
        # only those who may enroll units see the button (prefecture and province staff read)
        ctx["can_enroll"] = ctx["enrollment_open"] and user.has_perm("insurance.add_enrollment")
        enrollments = selectors.enrollment_list(user=user).filter(plan=plan)
        ctx["enrollments"] = enrollments.order_by("union__code")[:50]
        totals = selectors.coverage_list(user=user).filter(plan=plan).aggregate(fees=Sum("plan__fee"))
        ctx["totals"] = {
            "units": enrollments.count(),
            "covered": selectors.coverage_list(user=user).filter(plan=plan).count(),
            "contribution": (totals["fees"] or Decimal("0")).quantize(Decimal("0.01")),
        }
        return ctx


class PlanCreateView(PlanEditorMixin, generic.ServiceCreateView):
    pass


class PlanUpdateView(PlanEditorMixin, generic.ServiceUpdateView):
    title = gettext_lazy("Edit plan %(code)s")


class PlanReopenView(generic.DecisionView):
    """Administrators reopen (or close again) enrollment changes of a started plan."""

    model = Plan
    fallback_url_name = "insurance:plan-list"

    def has_permission(self) -> bool:
        return self.request.user.is_authenticated and self.request.user.is_superuser

    def scoped_queryset(self):
        return Plan.objects.all()

    def perform(self, obj):
        reopened = self.request.POST.get("reopened") == "1"
        services.plan_set_enrollment_reopened(plan=obj, reopened=reopened, user=self.request.user)
        return _("Enrollment changes reopened.") if reopened else _("Enrollment changes closed.")


# Enrollments --------------------------------------------------------------------------------


class _Enrollment:
    model = Enrollment
    add_label = gettext_lazy("Enroll a unit")
    fallback_url_name = "insurance:enrollment-list"


class EnrollmentListView(_Enrollment, generic.ScopedListView):
    selector = staticmethod(selectors.enrollment_list)
    filterset_class = EnrollmentFilterSet
    ordering_fields = ("plan__year", "plan__code", "union__code", "covered_count", "contribution")
    default_ordering = "-plan__year"
    title = gettext_lazy("Enrollments")
    import_resource = "enrollments"


class EnrollmentDetailView(_Enrollment, generic.ScopedDetailView):
    selector = staticmethod(selectors.enrollment_list)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        enrollment, user = self.object, self.request.user
        page = Paginator(selectors.enrollment_members(enrollment), 100).get_page(self.request.GET.get("page"))
        personal.reveal_each(user, page, "member__id_number", "id_display")
        ctx["members_page"] = page
        ctx["enrollment_open"] = services.enrollment_is_open(enrollment.plan)
        ctx["late_from"] = services.late_coverage_start(enrollment.plan, enrolled_on=services.today())
        ctx["add_form"] = forms.AddMembersForm(user=user, union=enrollment.union)
        return ctx


class EnrollmentCreateView(_Enrollment, generic.ServiceCreateView):
    form_class = forms.EnrollmentForm
    initial_from_query = ("plan", "union")
    success_message = gettext_lazy("%(union)s enrolled in %(plan)s.")
    message_fields = {"union": "union.name", "plan": "plan.code"}

    def perform(self, form):
        d = form.cleaned_data
        return services.enrollment_create(
            plan=d["plan"],
            union=d["union"],
            members=d.get("members", []),
            note=d.get("note", ""),
            user=self.request.user,
        )


class EnrollmentAddMembersView(generic.ServiceFormView):
    model = Enrollment
    form_class = forms.AddMembersForm

    def form_kwargs(self):
        return {"user": self.request.user, "union": self.object.union}

    def get_title(self):
        return _("Add covered members to %(e)s") % {"e": self.object}

    def perform(self, form):
        return services.enrollment_add_members(
            enrollment=self.object, members=form.cleaned_data["id_numbers"], user=self.request.user
        )

    def get_success_message(self, result):
        return _("%(n)s members added.") % {"n": len(result)}

    def success_url(self, result):
        return reverse("insurance:enrollment-detail", args=[self.object.pk])


class EnrollmentRemoveMemberView(_Enrollment, generic.DecisionView):
    def perform(self, obj):
        member = get_object_or_404(
            Member.objects.restrict(self.request.user), pk=self.request.POST.get("member")
        )
        services.enrollment_remove_members(enrollment=obj, members=[member], user=self.request.user)
        return _("%(name)s is no longer covered.") % {"name": member.name}


class EnrollmentDeleteView(_Enrollment, generic.DecisionView):
    permission_action = "delete"
    service = staticmethod(services.enrollment_delete)
    record_kwarg = "enrollment"
    done = gettext_lazy("The enrollment was withdrawn.")


class StatementView(generic.ScopedListView):
    """The contribution statement: every enrollment with its covered members and amount;
    ``?format=csv`` downloads it."""

    model = Enrollment
    filterset_class = EnrollmentFilterSet
    template_name = "insurance/statement.html"
    paginate_by = 200
    ordering_fields = ("plan__code", "union__code", "covered_count", "contribution")
    default_ordering = "plan__code"
    title = gettext_lazy("Contribution statement")
    queue_selector = staticmethod(selectors.statement_rows)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        enrollments = self.get_queryset()
        covered = Coverage.objects.filter(
            Exists(enrollments.filter(plan_id=OuterRef("plan_id"), union_id=OuterRef("union_id")))
        ).aggregate(n=Count("id"), amount=Sum("plan__fee"))
        ctx["totals"] = {
            "units": enrollments.count(),
            "covered": covered["n"],
            "contribution": (covered["amount"] or Decimal("0")).quantize(Decimal("0.01")),
        }
        return ctx

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def csv_response(self) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="insurance-statement.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            ["计划编码", "年度", "险种", "工会编码", "工会名称", "参保人数", "每人缴费", "应缴金额"]
        )
        total = Decimal("0.00")
        for e in self.get_queryset().iterator(chunk_size=2000):
            amount = (e.contribution or Decimal("0")).quantize(Decimal("0.01"))
            total += amount
            writer.writerow(
                [
                    neutralise(e.plan.code),
                    e.plan.year,
                    e.plan.get_product_display(),
                    neutralise(e.union.code),
                    neutralise(e.union.name),
                    e.covered_count,
                    str(e.plan.fee),
                    str(amount),
                ]
            )
        writer.writerow(["合计", "", "", "", "", "", "", str(total)])
        return response


# Claims -------------------------------------------------------------------------------------


class ClaimListView(generic.ScopedListView):
    model = Claim
    selector = staticmethod(selectors.claim_list)
    filterset_class = ClaimFilterSet
    ordering_fields = ("discharged_on", "number", "paid_on", "total_expense", "payout")
    default_ordering = "-discharged_on"
    paginator_class = EstimatedCountPaginator  # the province's claims: no COUNT(*) of 315,000 rows
    title = gettext_lazy("Claims")
    add_label = gettext_lazy("Enter a claim")
    import_resource = "claims"
    masked_id_field = "coverage__member__id_number"


class ClaimQueueView(ClaimListView):
    """Review queues: claims waiting for the next step, oldest discharge first."""

    template_name = "insurance/claim_queue.html"
    default_ordering = "discharged_on"
    title = gettext_lazy("Review queues")
    queue_statuses = (ClaimStatus.SUBMITTED, ClaimStatus.REVIEWED, ClaimStatus.APPROVED)

    def current_status(self) -> str:
        status = self.request.GET.get("queue") or ClaimStatus.SUBMITTED
        return status if status in self.queue_statuses else ClaimStatus.SUBMITTED

    def scoped_queryset(self):
        return selectors.claim_list(user=self.request.user).filter(status=self.current_status())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["queue"] = self.current_status()
        counts = dict(
            selectors.claim_list(user=self.request.user)
            .filter(status__in=self.queue_statuses)
            .order_by()
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        labels = {
            ClaimStatus.SUBMITTED: _("To review"),
            ClaimStatus.REVIEWED: _("To approve"),
            ClaimStatus.APPROVED: _("To pay"),
        }
        ctx["queues"] = [(s, labels[s], counts.get(s)) for s in self.queue_statuses]
        # the buttons each row offers this user, or why the claim waits on someone else
        user, rows = self.request.user, list(ctx["object_list"])
        decisions.prefetch_last_editors(rows)
        for claim in rows:
            claim.may = decisions.allowed(user, claim)
            step = decisions.next_step(claim)
            claim.refusal = step.refusal(user, claim) if step is not None else None
        ctx["show_actions"] = True
        return ctx


class ClaimDetailView(generic.ScopedDetailView):
    model = Claim
    selector = staticmethod(selectors.claim_list)
    masked_id_field = "coverage__member__id_number"

    def get_context_data(self, **kwargs):
        claim, user = self.object, self.request.user
        ctx = super().get_context_data(**kwargs)
        if claim.status != ClaimStatus.REJECTED:
            ctx["breakdown"] = services.claim_payout_preview(claim=claim)
        ctx["ClaimStatus"] = ClaimStatus
        ctx["can_correct"] = ctx["can_change"] and claim.status == ClaimStatus.SUBMITTED
        ctx["may"] = decisions.allowed(user, claim)
        step = decisions.next_step(claim)
        if step is not None and not step.allows(user, claim):
            ctx["waiting"] = {"who": decisions.waiting_on(claim), "why": step.refusal(user, claim)}
        return ctx


class ClaimCreateView(generic.ServiceFormView):
    """Claim entry; the "preview" button shows the payout it would get, without saving."""

    model = Claim
    permission_action = "add"
    form_class = forms.ClaimForm
    template_name = "insurance/claim_form.html"
    title = gettext_lazy("Enter a claim")
    success_message = gettext_lazy("Claim %(n)s submitted.")
    message_fields = {"n": "number"}
    breakdown = None

    def post(self, request, *args, **kwargs):
        if "preview" not in request.POST:
            return super().post(request, *args, **kwargs)
        form = self.form_class(request.POST, **self.form_kwargs())
        if form.is_valid():
            d = form.cleaned_data
            coverage = services.coverage_for(plan=d["plan"], member=d["member"])
            problem = services.claim_dates_problem(d["plan"], d["admitted_on"], d["discharged_on"])
            if problem:
                form.add_error("admitted_on", problem)
            elif d["basic_insurance_paid"] > d["total_expense"]:
                form.add_error(
                    "basic_insurance_paid",
                    _("The part paid by basic medical insurance cannot exceed the total expense."),
                )
            else:
                self.breakdown = plan_payout(
                    d["plan"],
                    total=d["total_expense"],
                    basic_paid=d["basic_insurance_paid"],
                    used_before=services.paid_before(coverage),
                )
        return self.render_form(form)

    def get_initial(self):
        # the plan and the unit a claim starts with ("save and add another" names them)
        return {name: self.request.GET.get(name, "") for name in ("plan", "union")}

    def form_context(self):
        return {"breakdown": self.breakdown}

    def perform(self, form):
        return services.claim_submit(user=self.request.user, **form.service_kwargs())

    def next_record_url(self, claim):  # the next claim, in the same plan and unit
        query = urlencode({"plan": claim.coverage.plan.code, "union": claim.coverage.union.code})
        return f"{reverse('insurance:claim-create')}?{query}"


class ClaimUpdateView(VersionedFormViewMixin, generic.ServiceUpdateView):
    model = Claim
    form_class = forms.ClaimUpdateForm
    service = staticmethod(services.claim_update)
    record_kwarg = "claim"
    template_name = "insurance/claim_form.html"  # without the preview when editing
    title = gettext_lazy("Correct claim %(n)s")
    message_fields = {"n": "number"}

    def get_initial(self):
        c = self.object
        return {
            "admitted_on": c.admitted_on,
            "discharged_on": c.discharged_on,
            "total_expense": c.total_expense,
            "basic_insurance_paid": c.basic_insurance_paid,
        }


class _DeciderMixin(generic.StepDecidesMixin):
    """Decisions on a claim (``apps.insurance.decisions``); the queue is where one leads back to."""

    model = Claim
    selector = staticmethod(selectors.claim_list)
    fallback_url_name = "insurance:claim-queue"
    cancel_url_name = "insurance:claim-queue"
    record_kwarg = "claim"
    message_fields = {"n": "number", "p": "payout"}


class ClaimReviewView(_DeciderMixin, generic.DecisionView):
    service = staticmethod(services.claim_review)
    done = gettext_lazy("Claim %(n)s reviewed.")


class ClaimApproveView(_DeciderMixin, generic.DecisionView):
    service = staticmethod(services.claim_approve)
    done = gettext_lazy("Claim %(n)s approved.")


class _ClaimFormDecision(_DeciderMixin, generic.ServiceFormView):
    """A decision with a form (reject with a reason, pay on a date). Someone who may not take
    it is sent back to the claim with the reason (``unavailable``) instead of an empty form:
    ``wrong_status`` when the claim's status has no such step, else the step's refusal."""

    template_name = "insurance/claim_form.html"
    wrong_status: Any

    def form_kwargs(self):
        return {}

    def step(self, claim: Claim) -> DecisionStep | None:  # pragma: no cover - hook
        raise NotImplementedError

    def unavailable(self):
        claim = self.object
        step = self.step(claim)
        if step is None:
            return self.wrong_status % {"n": claim.number, "status": claim.get_status_display()}
        return step.refusal(self.request.user, claim)

    def unavailable_url(self):
        return reverse("insurance:claim-detail", args=[self.object.pk])


class ClaimRejectView(_ClaimFormDecision):
    form_class = forms.RejectForm
    service = staticmethod(services.claim_reject)
    title = gettext_lazy("Reject claim %(n)s")
    success_message = gettext_lazy("Claim %(n)s rejected.")
    wrong_status = gettext_lazy(
        "Claim %(n)s is %(status)s; only a claim waiting for its review or approval can be rejected."
    )

    def step(self, claim):
        return decisions.reject_step(claim)


class ClaimPayView(_ClaimFormDecision):
    form_class = forms.PayForm
    service = staticmethod(services.claim_pay)
    title = gettext_lazy("Pay claim %(n)s")
    success_message = gettext_lazy("Claim %(n)s paid: %(p)s yuan.")
    wrong_status = gettext_lazy("Claim %(n)s is %(status)s; only an approved claim can be paid.")

    def step(self, claim):
        return decisions.CLAIM_PAY if claim.status == ClaimStatus.APPROVED else None

    def form_context(self):
        return {"breakdown": services.claim_payout_preview(claim=self.object)}
