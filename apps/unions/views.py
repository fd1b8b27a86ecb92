"""Staff pages of the unions domain (on ``apps.core.views_base``), plus the public
online-joining page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import views_base as generic
from apps.core.exceptions import ApplicationError
from apps.core.locking import VersionedFormViewMixin

from . import decisions, filtersets, forms, selectors, services
from .choices import ApplicationStatus, MemberStatus, TransferStatus
from .models import CollectiveContract, GrassrootsUnion, JoinApplication, Member, MembershipTransfer


class _FormView(generic.ServiceFormView):
    cancel_url_name = "unions:union-list"


# Unions ----------------------------------------------------------------------------------


class _Union:
    model = GrassrootsUnion
    stem = "union"
    route_base = "unions:union"
    form_class = forms.UnionForm
    add_label = gettext_lazy("Add union")


class UnionListView(_Union, generic.ScopedListView):
    template_name = "unions/union_list.html"
    filterset_class = filtersets.UnionFilterSet
    ordering_fields = ("code", "name", "kind", "founded_on")
    default_ordering = "code"
    title = gettext_lazy("Grassroots unions")


class UnionDetailView(_Union, generic.ScopedDetailView):
    template_name = "unions/union_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        union = self.object
        user = self.request.user
        ctx["member_counts"] = selectors.union_member_counts(union)
        ctx["contracts"] = selectors.contract_list(user=user).filter(union=union)[:50]
        ctx["children"] = selectors.union_list(user=user).filter(parent=union)[:100]
        return ctx


class UnionCreateView(_Union, _FormView, generic.ServiceCreateView):
    success_message = gettext_lazy("Union %(name)s added.")


class UnionUpdateView(_Union, _FormView, generic.ServiceUpdateView):
    title = gettext_lazy("Edit union %(name)s")


# Members ---------------------------------------------------------------------------------


class _Member:
    model = Member
    stem = "member"
    add_label = gettext_lazy("Register member")
    fallback_url_name = "unions:member-list"


class MemberListView(_Member, generic.ScopedListView):
    filterset_class = filtersets.MemberFilterSet
    ordering_fields = ("joined_on", "name")
    default_ordering = "-joined_on"
    paginator_class = selectors.EstimatedCountPaginator
    title = gettext_lazy("Members")
    masked_id_field = "id_number"


class MemberDetailView(_Member, generic.ScopedDetailView):
    masked_id_field = "id_number"

    def get_queryset(self):
        return selectors.member_list(user=self.request.user).select_related("union__region")

    def get_context_data(self, **kwargs):
        member = self.object
        ctx = super().get_context_data(**kwargs)
        ctx["transfers"] = selectors.member_transfers(member)
        ctx["MemberStatus"] = MemberStatus
        return ctx


class MemberCreateView(_Member, _FormView, generic.ServiceCreateView):
    form_class = forms.MemberForm
    service = staticmethod(services.member_register)
    initial_from_query = ("union",)
    success_message = gettext_lazy("Member %(name)s registered.")

    def next_record_url(self, member):  # the next member, of the same union
        return f"{reverse('unions:member-create')}?{urlencode({'union': member.union.code})}"


class MemberUpdateView(_Member, VersionedFormViewMixin, _FormView, generic.ServiceUpdateView):
    form_class = forms.MemberUpdateForm
    title = gettext_lazy("Edit member %(name)s")


class _MemberStep(_Member, _FormView):
    """A step in a member's membership; its form has no personal data to mask."""

    def form_kwargs(self):
        return {}


class MemberLeaveView(_MemberStep, generic.ServiceUpdateView):
    form_class = forms.MemberLeaveForm
    service = staticmethod(services.member_leave)
    title = gettext_lazy("%(name)s leaves the union")
    success_message = gettext_lazy("%(name)s has left the union.")


class MemberTransferView(_MemberStep):
    form_class = forms.MemberTransferForm
    service = staticmethod(services.member_transfer)
    title = gettext_lazy("Transfer %(name)s to another union")

    def get_success_message(self, result):
        if result.status == TransferStatus.COMPLETED:
            return _("%(name)s now belongs to %(union)s.") % {
                "name": result.member.name,
                "union": result.to_union.name,
            }
        return _("The transfer to %(union)s waits for the receiving county to accept it.") % {
            "union": result.to_union.name
        }

    def success_url(self, result):
        return reverse("unions:member-detail", args=[result.member_id])


class MemberRetainView(_Member, generic.DecisionView):
    service = staticmethod(services.member_retain)
    done = gettext_lazy("%(name)s keeps the membership (retained).")


class MemberReactivateView(_Member, generic.DecisionView):
    service = staticmethod(services.member_reactivate)
    done = gettext_lazy("%(name)s is an active member again.")


# Transfers and online applications: queues the county decides ---------------------------


class _DecisionQueue(generic.ScopedListView):
    """A queue of requests the county decides; by default those still waiting (``waiting``),
    each row with the buttons it offers this user or why it waits on someone else."""

    waiting: str
    related: tuple[str, ...] = ()

    def scoped_queryset(self):
        qs = super().scoped_queryset().select_related(*self.related)
        if "status" not in self.request.GET:
            qs = qs.filter(status=self.waiting)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = list(ctx["object_list"])
        self.prepare_rows(rows)
        for row in rows:
            row.decision = decisions.decision_state(self.request.user, row)
        return ctx

    def prepare_rows(self, rows: list) -> None:
        """Hook: what the decision states of the whole page read."""


class _DecisionDetail(generic.ScopedDetailView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["decision"] = decisions.decision_state(self.request.user, self.object)
        return ctx


class _Transfer:
    model = MembershipTransfer
    stem = "transfer"
    fallback_url_name = "unions:transfer-list"
    message_fields = {"name": "member.name", "union": "to_union.name"}


class TransferListView(_Transfer, _DecisionQueue):
    """Incoming transfers; by default the pending ones the county has to decide."""

    template_name = "unions/transfer_list.html"
    filterset_class = filtersets.TransferFilterSet
    title = gettext_lazy("Incoming transfers")
    ordering_fields = ("created_at", "transferred_on")
    default_ordering = "-created_at"
    waiting = TransferStatus.PENDING
    related = ("to_union__region__parent",)  # the receiving county's name says on whom it waits

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["status_param"] = self.request.GET.get("status", TransferStatus.PENDING)
        return ctx


class TransferDetailView(_Transfer, _DecisionDetail):
    template_name = "unions/transfer_detail.html"


class TransferAcceptView(_Transfer, generic.StepDecidesMixin, generic.DecisionView):
    service = staticmethod(services.transfer_accept)
    done = gettext_lazy("%(name)s joined %(union)s.")


class TransferRejectView(_Transfer, generic.StepDecidesMixin, generic.DecisionView):
    service = staticmethod(services.transfer_reject)
    post_fields = ("reason",)
    done = gettext_lazy("The transfer of %(name)s was sent back.")


class _JoinApplication:
    model = JoinApplication
    stem = "join_application"
    fallback_url_name = "unions:joinapplication-list"
    record_kwarg = "application"
    masked_id_field = "id_number"
    message_fields = {"union": "union.name"}


class JoinApplicationListView(_JoinApplication, _DecisionQueue):
    """The approval queue; by default the applications waiting for a decision."""

    filterset_class = filtersets.JoinApplicationFilterSet
    title = gettext_lazy("Online applications")
    ordering_fields = ("submitted_at", "name")
    default_ordering = "submitted_at"
    waiting = ApplicationStatus.SUBMITTED
    related = ("union__region__parent",)

    def prepare_rows(self, rows):
        decisions.prefetch_last_editors(rows)


class JoinApplicationDetailView(_JoinApplication, _DecisionDetail):
    pass


class JoinApplicationApproveView(_JoinApplication, generic.StepDecidesMixin, generic.DecisionView):
    service = staticmethod(services.join_application_approve)
    done = gettext_lazy("%(name)s is now a member of %(union)s.")


class JoinApplicationRejectView(_JoinApplication, generic.StepDecidesMixin, generic.DecisionView):
    service = staticmethod(services.join_application_reject)
    post_fields = ("reason",)
    done = gettext_lazy("The application of %(name)s was rejected.")


def join_apply(request: HttpRequest) -> HttpResponse:
    """Public page (no login): a worker applies to join a union by its code."""
    form = forms.JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_bot:
            # Looks like success to the bot; nothing is stored.
            return render(request, "unions/join_done.html", {"union": None})
        data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        try:
            application = services.join_application_submit(**data)
        except ApplicationError as exc:
            form.apply_error(exc)
        else:
            return render(
                request, "unions/join_done.html", {"union": application.union, "name": application.name}
            )
    return render(request, "unions/join_apply.html", {"form": form})


# Collective contracts --------------------------------------------------------------------


class _Contract:
    model = CollectiveContract
    stem = "contract"
    route_base = "unions:contract"
    form_class = forms.ContractForm
    add_label = gettext_lazy("Add collective contract")


class ContractListView(_Contract, generic.ScopedListView):
    template_name = "unions/contract_list.html"
    filterset_class = filtersets.ContractFilterSet
    ordering_fields = ("signed_on", "expires_on", "number", "covered_workers")
    default_ordering = "-signed_on"
    title = gettext_lazy("Collective contracts")


class ContractDetailView(_Contract, generic.ScopedDetailView):
    template_name = "unions/contract_detail.html"


class ContractCreateView(_Contract, _FormView, generic.ServiceCreateView):
    initial_from_query = ("union",)
    success_message = gettext_lazy("Contract %(number)s added.")


class ContractUpdateView(_Contract, _FormView, generic.ServiceUpdateView):
    title = gettext_lazy("Edit contract %(number)s")
