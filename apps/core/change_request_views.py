"""The pages of change requests (apps/core/proposals.py): what a grassroots union asked, for
the union that asked it and for the county that decides it.

- ``/change-requests/``: the requests in the user's scope (a county's staff: their region's;
  a prefecture or the province: their subtree, to look at; a union user: its union's), filtered
  by status (pending by default for staff), union, kind and age; who decides may approve the
  selected member registrations at once.
- ``/change-requests/<pk>/``: what was asked, old and new values side by side, the outcome,
  the supporting documents, and the approve / return buttons for who decides.

The home page's queues of requests (``work_*`` below) are contributed from ``CoreConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from . import attachments, proposals, work
from . import views_base as generic
from .autocomplete import PickerInput
from .choices import ChangeRequestStatus, Role
from .filtersets import code_or_id_q
from .history import describe
from .models import ChangeRequest
from .scoping import CHANGE, VIEW, is_union_user, union_scope_ids

# Staff who see change requests (their scope says which); deciding is ``proposals.may_decide``.
STAFF_ROLES = frozenset({Role.COUNTY, Role.PREFECTURE, Role.PROVINCE, Role.ADMIN})
RETURNED_RECENTLY_DAYS = 30  # what came back, on a union user's home page
BULK_SUFFIX = ".member_register"  # only member registrations are approved in bulk


def may_view_requests(user: Any) -> bool:
    """Whether the user opens the change request pages at all: staff of any level and union
    users (scoping then gives each their rows)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_union_user(user):
        return user.union_id is not None
    return bool(user.is_superuser or user.role in STAFF_ROLES)


def bulk_approvable(request: ChangeRequest) -> bool:
    """A kind that may be approved with others at once: a member registration."""
    return request.kind.endswith(BULK_SUFFIX)


def result_url(request: ChangeRequest) -> tuple[models.Model | None, str]:
    """The record an approved request produced and its page ("" when it has none)."""
    result = proposals.result_of(request) if request.status == ChangeRequestStatus.APPROVED else None
    if result is None:
        return None, ""
    get_url = getattr(result, "get_absolute_url", None)
    if get_url is not None:
        return result, get_url()
    opts = result._meta
    try:
        return result, reverse(f"{opts.app_label}:{opts.model_name}-detail", args=[result.pk])
    except NoReverseMatch:
        return result, ""


# The home page's queues --------------------------------------------------------------------


def work_to_decide(user: Any) -> int:
    """Pending requests the user may decide: the county's staff (CHANGE scope of the request's
    region, ``proposals.may_decide``) and administrators. One query; none for other roles."""
    if not work.takes(user, (Role.COUNTY, Role.ADMIN)):
        return 0
    pending = ChangeRequest.objects.restrict(user, CHANGE).filter(status=ChangeRequestStatus.PENDING)
    return work.capped_count(pending)


def work_my_pending(user: Any) -> int:
    """A union user's requests still waiting for the county."""
    if not is_union_user(user):
        return 0
    return work.capped_count(
        ChangeRequest.objects.restrict(user, VIEW).filter(status=ChangeRequestStatus.PENDING)
    )


def work_my_returned(user: Any) -> int:
    """A union user's requests the county returned in the last ``RETURNED_RECENTLY_DAYS`` days."""
    if not is_union_user(user):
        return 0
    since = timezone.now() - dt.timedelta(days=RETURNED_RECENTLY_DAYS)
    returned = ChangeRequest.objects.restrict(user, VIEW).filter(
        status=ChangeRequestStatus.RETURNED, decided_at__gte=since
    )
    return work.capped_count(returned)


PENDING = "status=pending"
RETURNED = f"status=returned&decided_within={RETURNED_RECENTLY_DAYS}"
# The home page's queues, in this order: key, label, count, query of the list page.
QUEUES = (
    ("core.change_requests_to_decide", gettext_lazy("Change requests to approve"), work_to_decide, PENDING),
    ("core.my_pending_requests", gettext_lazy("My requests awaiting approval"), work_my_pending, PENDING),
    ("core.my_returned_requests", gettext_lazy("Requests returned"), work_my_returned, RETURNED),
)


def contribute_queues() -> None:
    """Register the change request queues of the home page (called from ``CoreConfig.ready``)."""
    section = gettext_lazy("Change requests")
    for order, (key, label, count, query) in enumerate(QUEUES, start=50):
        work.contribute(
            work.Queue(
                key=key,
                label=label,
                count=count,
                url_name="changerequest-list",
                query=query,
                order=order,
                section=section,
            )
        )


# The list ------------------------------------------------------------------------------------


class ChangeRequestPageFilterSet(django_filters.FilterSet):
    """The list page's filters. Staff start from the pending requests (``status`` absent from
    the query); "all" (an empty status) shows every status."""

    status = django_filters.ChoiceFilter(
        choices=ChangeRequestStatus.choices, label=gettext_lazy("status"), empty_label=gettext_lazy("all")
    )
    union = django_filters.CharFilter(
        method="filter_union", label=gettext_lazy("union code"), widget=PickerInput("union", VIEW)
    )
    kind = django_filters.ChoiceFilter(
        choices=proposals.kind_choices, label=gettext_lazy("kind"), empty_label=gettext_lazy("all")
    )
    older_than = django_filters.NumberFilter(
        method="filter_older", label=gettext_lazy("older than (days)"), min_value=0, max_value=36500
    )
    decided_within = django_filters.NumberFilter(
        method="filter_decided_within",
        label=gettext_lazy("decided in the last (days)"),
        min_value=0,
        max_value=36500,
    )

    class Meta:
        model = ChangeRequest
        fields = ["status", "union", "kind", "older_than", "decided_within"]

    def __init__(
        self, data: QueryDict | None = None, *args: Any, request: HttpRequest | None = None, **kwargs
    ):
        user = getattr(request, "user", None)
        if user is not None and not is_union_user(user) and (data is None or "status" not in data):
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["status"] = ChangeRequestStatus.PENDING
        super().__init__(data, *args, request=request, **kwargs)
        if user is not None and is_union_user(user) and len(union_scope_ids(user)) < 2:
            del self.filters["union"]  # a union with no unions under it has nothing to choose

    def filter_union(self, queryset, name, value):
        return queryset.filter(code_or_id_q("union", value))

    def filter_older(self, queryset, name, value):
        return queryset.filter(created_at__lt=timezone.now() - dt.timedelta(days=int(value)))

    def filter_decided_within(self, queryset, name, value):
        return queryset.filter(decided_at__gte=timezone.now() - dt.timedelta(days=int(value)))


class _ChangeRequestPage:
    """Open to staff and union users; the scope (``restrict``) decides which requests."""

    model = ChangeRequest
    subnav_template = ""
    route_base = "changerequest"

    def has_permission(self) -> bool:
        return may_view_requests(self.request.user)


class ChangeRequestListView(_ChangeRequestPage, generic.ScopedListView):
    template_name = "core/change_request_list.html"
    filterset_class = ChangeRequestPageFilterSet
    ordering_fields = ("created_at",)
    default_ordering = "-created_at"
    title = gettext_lazy("Change requests")

    def scoped_queryset(self):
        return super().scoped_queryset().select_related("union", "created_by")

    def can_add(self) -> bool:
        return False  # requests are filed by the forms of what they change

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        any_selectable = False
        for change in ctx["object_list"]:
            change.kind_label = proposals.label_of(change.kind)
            change.selectable = (
                change.is_pending and bulk_approvable(change) and proposals.may_decide(user, change)
            )
            any_selectable = any_selectable or change.selectable
        ctx["any_selectable"] = any_selectable
        ctx["is_union_user"] = is_union_user(user)
        return ctx


class ChangeRequestBulkApproveView(_ChangeRequestPage, generic.ScopedMixin, View):
    """POST ``ids``: approve each selected member registration on its own; how many were
    approved, and each refused one with its reason, are reported as messages."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if is_union_user(request.user):
            raise PermissionDenied
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        # what the user cannot see is left out without a word (its existence is not revealed)
        chosen = list(
            ChangeRequest.objects.restrict(request.user, VIEW).filter(pk__in=ids).order_by("created_at", "pk")
        )
        if not chosen:
            messages.error(request, _("Choose the requests to approve."))
            return HttpResponseRedirect(self.redirect_url())
        bulk = [r for r in chosen if bulk_approvable(r)]
        approved, refused = proposals.approve_many(requests=bulk, user=request.user)
        refused += [
            (r, _("Only member registrations are approved together.")) for r in chosen if r not in bulk
        ]
        if approved:
            messages.success(request, _("Requests approved: %(count)d.") % {"count": approved})
        for change, reason in refused:
            messages.error(
                request, _("Not approved: %(what)s — %(reason)s") % {"what": change, "reason": reason}
            )
        return HttpResponseRedirect(self.redirect_url())

    def redirect_url(self) -> str:
        return generic.posted_next(self.request) or reverse("changerequest-list")


# One request -----------------------------------------------------------------------------------


class ChangeRequestDetailView(_ChangeRequestPage, generic.ScopedDetailView):
    template_name = "core/change_request_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("union", "union__region", "created_by", "decided_by")

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        change: ChangeRequest = self.object
        model = change.model
        ctx["kind_label"] = proposals.label_of(change.kind)
        ctx["rows"] = describe([change], model)[0].rows if model is not None else []
        ctx["result"], ctx["result_url"] = result_url(change)
        ctx["may_decide"] = change.is_pending and proposals.may_decide(self.request.user, change)
        ctx["has_attachments"] = bool(attachments.kinds_for(ChangeRequest))
        return ctx


class _DecideView(_ChangeRequestPage, generic.DecisionView):
    """A decision on a request the user sees; who sees it but does not decide it (a union
    user, a prefecture) gets a 403, and nothing changes."""

    scope_action = VIEW  # looked up among what the user sees; proposals.may_decide decides

    def check_may_decide(self, change: ChangeRequest) -> None:
        if not proposals.may_decide(self.request.user, change):
            raise PermissionDenied(_("Only the staff of the union's county decide its change requests."))

    def fallback_url(self, obj) -> str:
        return reverse("changerequest-detail", args=[obj.pk])


class ChangeRequestApproveView(_DecideView):
    def perform(self, obj: ChangeRequest) -> str:
        self.check_may_decide(obj)
        change = proposals.approve(request=obj, user=self.request.user)
        return _("Approved: %(what)s.") % {"what": change}


class ChangeRequestReturnView(_DecideView):
    def perform(self, obj: ChangeRequest) -> str:
        self.check_may_decide(obj)
        reason = self.request.POST.get("reason", "")
        change = proposals.return_request(request=obj, reason=reason, user=self.request.user)
        return _("Returned to the union: %(what)s.") % {"what": change}


urlpatterns = [
    path("", ChangeRequestListView.as_view(), name="changerequest-list"),
    path("approve/", ChangeRequestBulkApproveView.as_view(), name="changerequest-bulk-approve"),
    path("<int:pk>/", ChangeRequestDetailView.as_view(), name="changerequest-detail"),
    path("<int:pk>/approve/", ChangeRequestApproveView.as_view(), name="changerequest-approve"),
    path("<int:pk>/return/", ChangeRequestReturnView.as_view(), name="changerequest-return"),
]
