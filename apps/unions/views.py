"""Staff pages of the unions domain, plus the public online-joining page.

Lists and details inherit the scoped base views; forms call services and show their
ApplicationError in the form. Nothing here filters by region by hand.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core import personal
from apps.core.exceptions import ApplicationError
from apps.core.locking import VersionedFormViewMixin
from apps.core.scoping import CHANGE
from apps.core.views_base import DecisionView, ScopedDetailView, ScopedListView
from apps.core.views_base import ServiceFormView as _ServiceFormView

from . import selectors, services
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


class ServiceFormView(_ServiceFormView):
    template_name = "unions/form.html"
    cancel_url_name = "unions:union-list"


# Unions ----------------------------------------------------------------------------------


class UnionListView(ScopedListView):
    model = GrassrootsUnion
    filterset_class = UnionFilterSet
    template_name = "unions/union_list.html"
    ordering_fields = ("code", "name", "kind", "founded_on")
    default_ordering = "code"

    def scoped_queryset(self):
        return selectors.union_list(user=self.request.user)


class UnionDetailView(ScopedDetailView):
    model = GrassrootsUnion
    template_name = "unions/union_detail.html"

    def get_queryset(self):
        return selectors.union_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        union = self.object
        user = self.request.user
        ctx["member_counts"] = selectors.union_member_counts(union)
        ctx["contracts"] = selectors.contract_list(user=user).filter(union=union)[:50]
        ctx["children"] = selectors.union_list(user=user).filter(parent=union)[:100]
        return ctx


class UnionCreateView(ServiceFormView):
    model = GrassrootsUnion
    permission_action = "add"
    form_class = UnionForm

    def get_title(self):
        return _("Add union")

    def perform(self, form):
        return services.union_create(user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("Union %(name)s added.") % {"name": result.name}

    def success_url(self, result):
        return reverse("unions:union-detail", args=[result.pk])


class UnionUpdateView(ServiceFormView):
    model = GrassrootsUnion
    form_class = UnionForm

    def get_title(self):
        return _("Edit union %(name)s") % {"name": self.object.name}

    def get_initial(self):
        return UnionForm.initial_for(self.object)

    def perform(self, form):
        return services.union_update(union=self.object, user=self.request.user, **form.cleaned_data)

    def success_url(self, result):
        return reverse("unions:union-detail", args=[result.pk])


# Members ---------------------------------------------------------------------------------


class MemberListView(ScopedListView):
    model = Member
    filterset_class = MemberFilterSet
    template_name = "unions/member_list.html"
    ordering_fields = ("joined_on", "name")
    default_ordering = "-joined_on"
    paginator_class = selectors.EstimatedCountPaginator

    def scoped_queryset(self):
        return selectors.member_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        personal.reveal_each(self.request.user, ctx["object_list"], "id_number", "id_display")
        return ctx


class MemberDetailView(ScopedDetailView):
    model = Member
    template_name = "unions/member_detail.html"

    def get_queryset(self):
        return selectors.member_list(user=self.request.user).select_related("union__region")

    def get_context_data(self, **kwargs):
        member = self.object
        ctx = super().get_context_data(**kwargs)
        ctx["id_display"] = personal.reveal(self.request.user, member, "id_number")
        ctx["transfers"] = selectors.member_transfers(member)
        ctx["MemberStatus"] = MemberStatus
        return ctx


class MemberCreateView(ServiceFormView):
    model = Member
    permission_action = "add"
    form_class = MemberForm

    def get_title(self):
        return _("Register member")

    def get_initial(self):
        return {"union": self.request.GET.get("union", "")}

    def perform(self, form):
        return services.member_register(user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("Member %(name)s registered.") % {"name": result.name}

    def success_url(self, result):
        return reverse("unions:member-detail", args=[result.pk])


class MemberUpdateView(VersionedFormViewMixin, ServiceFormView):
    model = Member
    form_class = MemberUpdateForm

    def scoped_queryset(self):
        return selectors.member_list(user=self.request.user, action=CHANGE)

    def get_title(self):
        return _("Edit member %(name)s") % {"name": self.object.name}

    def get_initial(self):
        return MemberUpdateForm.initial_for(self.object)

    def perform(self, form):
        return services.member_update(
            member=self.object,
            user=self.request.user,
            expected_version=form.expected_version,
            **form.cleaned_data,
        )

    def success_url(self, result):
        return reverse("unions:member-detail", args=[result.pk])


class MemberLeaveView(ServiceFormView):
    model = Member
    form_class = MemberLeaveForm

    def form_kwargs(self):
        return {}

    def get_title(self):
        return _("%(name)s leaves the union") % {"name": self.object.name}

    def perform(self, form):
        return services.member_leave(member=self.object, user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("%(name)s has left the union.") % {"name": result.name}

    def success_url(self, result):
        return reverse("unions:member-detail", args=[result.pk])


class MemberTransferView(ServiceFormView):
    model = Member
    form_class = MemberTransferForm

    def form_kwargs(self):
        return {}

    def get_title(self):
        return _("Transfer %(name)s to another union") % {"name": self.object.name}

    def perform(self, form):
        return services.member_transfer(member=self.object, user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
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


class MemberRetainView(DecisionView):
    model = Member
    fallback_url_name = "unions:member-list"

    def perform(self, obj):
        member = services.member_retain(member=obj, user=self.request.user)
        return _("%(name)s keeps the membership (retained).") % {"name": member.name}


class MemberReactivateView(DecisionView):
    model = Member
    fallback_url_name = "unions:member-list"

    def perform(self, obj):
        member = services.member_reactivate(member=obj, user=self.request.user)
        return _("%(name)s is an active member again.") % {"name": member.name}


# Transfers -------------------------------------------------------------------------------


class TransferListView(ScopedListView):
    """Incoming transfers; by default the pending ones the county has to decide."""

    model = MembershipTransfer
    filterset_class = TransferFilterSet
    template_name = "unions/transfer_list.html"
    ordering_fields = ("created_at", "transferred_on")
    default_ordering = "-created_at"

    def scoped_queryset(self):
        qs = selectors.transfer_list(user=self.request.user)
        if "status" not in self.request.GET:
            qs = qs.filter(status=TransferStatus.PENDING)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["status_param"] = self.request.GET.get("status", TransferStatus.PENDING)
        ctx["can_decide"] = self.request.user.has_perm("unions.change_membershiptransfer")
        return ctx


class TransferDetailView(ScopedDetailView):
    model = MembershipTransfer
    template_name = "unions/transfer_detail.html"

    def get_queryset(self):
        return selectors.transfer_list(user=self.request.user)


class TransferAcceptView(DecisionView):
    model = MembershipTransfer
    fallback_url_name = "unions:transfer-list"

    def perform(self, obj):
        transfer = services.transfer_accept(transfer=obj, user=self.request.user)
        return _("%(name)s joined %(union)s.") % {
            "name": transfer.member.name,
            "union": transfer.to_union.name,
        }


class TransferRejectView(DecisionView):
    model = MembershipTransfer
    fallback_url_name = "unions:transfer-list"

    def perform(self, obj):
        transfer = services.transfer_reject(
            transfer=obj, reason=self.request.POST.get("reason", ""), user=self.request.user
        )
        return _("The transfer of %(name)s was sent back.") % {"name": transfer.member.name}


# Online joining: the approval queue ------------------------------------------------------


class JoinApplicationListView(ScopedListView):
    """The approval queue; by default the applications waiting for a decision."""

    model = JoinApplication
    filterset_class = JoinApplicationFilterSet
    template_name = "unions/joinapplication_list.html"
    ordering_fields = ("submitted_at", "name")
    default_ordering = "submitted_at"

    def scoped_queryset(self):
        qs = selectors.join_application_list(user=self.request.user)
        if "status" not in self.request.GET:
            qs = qs.filter(status=ApplicationStatus.SUBMITTED)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        personal.reveal_each(self.request.user, ctx["object_list"], "id_number", "id_display")
        ctx["can_decide"] = self.request.user.has_perm("unions.change_joinapplication")
        return ctx


class JoinApplicationDetailView(ScopedDetailView):
    model = JoinApplication
    template_name = "unions/joinapplication_detail.html"

    def get_queryset(self):
        return selectors.join_application_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["id_display"] = personal.reveal(self.request.user, self.object, "id_number")
        return ctx


class JoinApplicationApproveView(DecisionView):
    model = JoinApplication
    fallback_url_name = "unions:joinapplication-list"

    def perform(self, obj):
        application = services.join_application_approve(application=obj, user=self.request.user)
        return _("%(name)s is now a member of %(union)s.") % {
            "name": application.name,
            "union": application.union.name,
        }


class JoinApplicationRejectView(DecisionView):
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


class ContractListView(ScopedListView):
    model = CollectiveContract
    filterset_class = ContractFilterSet
    template_name = "unions/contract_list.html"
    ordering_fields = ("signed_on", "expires_on", "number", "covered_workers")
    default_ordering = "-signed_on"

    def scoped_queryset(self):
        return selectors.contract_list(user=self.request.user)


class ContractDetailView(ScopedDetailView):
    model = CollectiveContract
    template_name = "unions/contract_detail.html"

    def get_queryset(self):
        return selectors.contract_list(user=self.request.user)


class ContractCreateView(ServiceFormView):
    model = CollectiveContract
    permission_action = "add"
    form_class = ContractForm

    def get_title(self):
        return _("Add collective contract")

    def get_initial(self):
        return {"union": self.request.GET.get("union", "")}

    def perform(self, form):
        return services.contract_create(user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("Contract %(number)s added.") % {"number": result.number}

    def success_url(self, result):
        return reverse("unions:contract-detail", args=[result.pk])


class ContractUpdateView(ServiceFormView):
    model = CollectiveContract
    form_class = ContractForm

    def scoped_queryset(self):
        return selectors.contract_list(user=self.request.user, action=CHANGE)

    def get_title(self):
        return _("Edit contract %(number)s") % {"number": self.object.number}

    def get_initial(self):
        return ContractForm.initial_for(self.object)

    def perform(self, form):
        return services.contract_update(contract=self.object, user=self.request.user, **form.cleaned_data)

    def success_url(self, result):
        return reverse("unions:contract-detail", args=[result.pk])
