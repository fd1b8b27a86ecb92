"""Staff pages of the unions domain, plus the public online-joining page.

Lists and details inherit the scoped base views; forms call services and show their
ApplicationError in the form. Nothing here filters by region by hand.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import personal
from apps.core import views_base as generic
from apps.core.exceptions import ApplicationError
from apps.core.locking import VersionedFormViewMixin
from apps.core.scoping import VIEW

from . import decisions, selectors, services
from .choices import ApplicationStatus, MemberStatus, TransferStatus
from .filtersets import (
    ContractFilterSet,
    JoinApplicationFilterSet,
    MemberFilterSet,
    TransferFilterSet,
    UnionFilterSet,
)
from .forms import (
    ContractForm,
    JoinForm,
    MemberForm,
    MemberLeaveForm,
    MemberTransferForm,
    MemberUpdateForm,
    UnionForm,
)
from .models import CollectiveContract, GrassrootsUnion, JoinApplication, Member, MembershipTransfer


class _FormView(generic.ServiceFormView):
    cancel_url_name = "unions:union-list"


# Unions ----------------------------------------------------------------------------------


class _Union:
    model = GrassrootsUnion
    route_base = "unions:union"


class UnionListView(_Union, generic.ScopedListView):
    selector = staticmethod(selectors.union_list)
    template_name = "unions/union_list.html"
    filterset_class = UnionFilterSet
    ordering_fields = ("code", "name", "kind", "founded_on")
    default_ordering = "code"
    title = gettext_lazy("Grassroots unions")
    add_label = gettext_lazy("Add union")


class UnionDetailView(_Union, generic.ScopedDetailView):
    selector = staticmethod(selectors.union_list)
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
    form_class = UnionForm
    service = staticmethod(services.union_create)
    title = gettext_lazy("Add union")
    success_message = gettext_lazy("Union %(name)s added.")


class UnionUpdateView(_Union, _FormView, generic.ServiceUpdateView):
    form_class = UnionForm
    service = staticmethod(services.union_update)
    record_kwarg = "union"
    title = gettext_lazy("Edit union %(name)s")


# Members ---------------------------------------------------------------------------------


class MemberListView(generic.ScopedListView):
    model = Member
    selector = staticmethod(selectors.member_list)
    filterset_class = MemberFilterSet
    ordering_fields = ("joined_on", "name")
    default_ordering = "-joined_on"
    paginator_class = selectors.EstimatedCountPaginator
    title = gettext_lazy("Members")
    add_label = gettext_lazy("Register member")
    masked_id_field = "id_number"


class MemberDetailView(generic.ScopedDetailView):
    model = Member
    masked_id_field = "id_number"

    def get_queryset(self):
        return selectors.member_list(user=self.request.user).select_related("union__region")

    def get_context_data(self, **kwargs):
        member = self.object
        ctx = super().get_context_data(**kwargs)
        ctx["transfers"] = selectors.member_transfers(member)
        ctx["MemberStatus"] = MemberStatus
        return ctx


class MemberCreateView(_FormView, generic.ServiceCreateView):
    model = Member
    form_class = MemberForm
    service = staticmethod(services.member_register)
    title = gettext_lazy("Register member")
    initial_from_query = ("union",)
    success_message = gettext_lazy("Member %(name)s registered.")

    def next_record_url(self, member):  # the next member, of the same union
        return f"{reverse('unions:member-create')}?{urlencode({'union': member.union.code})}"


class MemberUpdateView(VersionedFormViewMixin, _FormView, generic.ServiceUpdateView):
    model = Member
    selector = staticmethod(selectors.member_list)
    form_class = MemberUpdateForm
    service = staticmethod(services.member_update)
    record_kwarg = "member"
    title = gettext_lazy("Edit member %(name)s")


class MemberLeaveView(_FormView, generic.ServiceUpdateView):
    model = Member
    form_class = MemberLeaveForm
    service = staticmethod(services.member_leave)
    record_kwarg = "member"
    title = gettext_lazy("%(name)s leaves the union")
    success_message = gettext_lazy("%(name)s has left the union.")

    def form_kwargs(self):
        return {}


class MemberTransferView(_FormView):
    model = Member
    form_class = MemberTransferForm

    def form_kwargs(self):
        return {}

    def get_title(self):
        return _("Transfer %(name)s to another union") % {"name": self.object.name}

    def perform(self, form):
        return services.member_transfer(member=self.object, user=self.request.user, **form.cleaned_data)

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


class MemberRetainView(generic.DecisionView):
    model = Member
    fallback_url_name = "unions:member-list"

    def perform(self, obj):
        member = services.member_retain(member=obj, user=self.request.user)
        return _("%(name)s keeps the membership (retained).") % {"name": member.name}


class MemberReactivateView(generic.DecisionView):
    model = Member
    fallback_url_name = "unions:member-list"

    def perform(self, obj):
        member = services.member_reactivate(member=obj, user=self.request.user)
        return _("%(name)s is an active member again.") % {"name": member.name}


# Transfers -------------------------------------------------------------------------------


class TransferListView(generic.ScopedListView):
    """Incoming transfers; by default the pending ones the county has to decide."""

    model = MembershipTransfer
    filterset_class = TransferFilterSet
    template_name = "unions/transfer_list.html"
    title = gettext_lazy("Incoming transfers")
    ordering_fields = ("created_at", "transferred_on")
    default_ordering = "-created_at"

    def scoped_queryset(self):
        # the receiving county's name says on whom a transfer waits
        qs = selectors.transfer_list(user=self.request.user).select_related("to_union__region__parent")
        if "status" not in self.request.GET:
            qs = qs.filter(status=TransferStatus.PENDING)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["status_param"] = self.request.GET.get("status", TransferStatus.PENDING)
        # the buttons each row offers this user, or why the transfer waits on someone else
        for transfer in ctx["object_list"]:
            transfer.decision = decisions.decision_state(self.request.user, transfer)
        return ctx


class TransferDetailView(generic.ScopedDetailView):
    model = MembershipTransfer
    template_name = "unions/transfer_detail.html"

    def get_queryset(self):
        return selectors.transfer_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["decision"] = decisions.decision_state(self.request.user, self.object)
        return ctx


class _DeciderMixin:
    """The decision buttons are open to whoever sees the record (a prefecture user holds only
    "view"): the service obeys the decision step (``apps.unions.decisions``), whose refusal
    says who may decide instead."""

    scope_action = VIEW
    permission_action = "view"


class TransferAcceptView(_DeciderMixin, generic.DecisionView):
    model = MembershipTransfer
    fallback_url_name = "unions:transfer-list"

    def perform(self, obj):
        transfer = services.transfer_accept(transfer=obj, user=self.request.user)
        return _("%(name)s joined %(union)s.") % {
            "name": transfer.member.name,
            "union": transfer.to_union.name,
        }


class TransferRejectView(_DeciderMixin, generic.DecisionView):
    model = MembershipTransfer
    fallback_url_name = "unions:transfer-list"

    def perform(self, obj):
        transfer = services.transfer_reject(
            transfer=obj, reason=self.request.POST.get("reason", ""), user=self.request.user
        )
        return _("The transfer of %(name)s was sent back.") % {"name": transfer.member.name}


# Online joining: the approval queue ------------------------------------------------------


class JoinApplicationListView(generic.ScopedListView):
    """The approval queue; by default the applications waiting for a decision."""

    model = JoinApplication
    filterset_class = JoinApplicationFilterSet
    template_name = "unions/joinapplication_list.html"
    title = gettext_lazy("Online applications")
    ordering_fields = ("submitted_at", "name")
    default_ordering = "submitted_at"

    def scoped_queryset(self):
        qs = selectors.join_application_list(user=self.request.user).select_related("union__region__parent")
        if "status" not in self.request.GET:
            qs = qs.filter(status=ApplicationStatus.SUBMITTED)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, rows = self.request.user, list(ctx["object_list"])
        personal.reveal_each(user, rows, "id_number", "id_display")
        decisions.prefetch_last_editors(rows)
        for application in rows:
            application.decision = decisions.decision_state(user, application)
        return ctx


class JoinApplicationDetailView(generic.ScopedDetailView):
    model = JoinApplication
    template_name = "unions/joinapplication_detail.html"

    def get_queryset(self):
        return selectors.join_application_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["id_display"] = personal.reveal(self.request.user, self.object, "id_number")
        ctx["decision"] = decisions.decision_state(self.request.user, self.object)
        return ctx


class JoinApplicationApproveView(_DeciderMixin, generic.DecisionView):
    model = JoinApplication
    fallback_url_name = "unions:joinapplication-list"

    def perform(self, obj):
        application = services.join_application_approve(application=obj, user=self.request.user)
        return _("%(name)s is now a member of %(union)s.") % {
            "name": application.name,
            "union": application.union.name,
        }


class JoinApplicationRejectView(_DeciderMixin, generic.DecisionView):
    model = JoinApplication
    fallback_url_name = "unions:joinapplication-list"

    def perform(self, obj):
        application = services.join_application_reject(
            application=obj, reason=self.request.POST.get("reason", ""), user=self.request.user
        )
        return _("The application of %(name)s was rejected.") % {"name": application.name}


def join_apply(request: HttpRequest) -> HttpResponse:
    """Public page (no login): a worker applies to join a union by its code."""
    form = JoinForm(request.POST or None)
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
    selector = staticmethod(selectors.contract_list)
    route_base = "unions:contract"


class ContractListView(_Contract, generic.ScopedListView):
    template_name = "unions/contract_list.html"
    filterset_class = ContractFilterSet
    ordering_fields = ("signed_on", "expires_on", "number", "covered_workers")
    default_ordering = "-signed_on"
    title = gettext_lazy("Collective contracts")
    add_label = gettext_lazy("Add collective contract")


class ContractDetailView(_Contract, generic.ScopedDetailView):
    template_name = "unions/contract_detail.html"


class ContractCreateView(_Contract, _FormView, generic.ServiceCreateView):
    form_class = ContractForm
    service = staticmethod(services.contract_create)
    title = gettext_lazy("Add collective contract")
    initial_from_query = ("union",)
    success_message = gettext_lazy("Contract %(number)s added.")


class ContractUpdateView(_Contract, _FormView, generic.ServiceUpdateView):
    form_class = ContractForm
    service = staticmethod(services.contract_update)
    record_kwarg = "contract"
    title = gettext_lazy("Edit contract %(number)s")
