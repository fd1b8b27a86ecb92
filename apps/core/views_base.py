"""Base classes for staff pages: scoped lists with filters and pagination, scoped details.

Every domain app's pages inherit these, so no page filters by region by hand.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from . import personal
from .audit import history_for
from .exceptions import ApplicationError
from .scoping import CHANGE, VIEW


def _perm(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    model: Any = None
    scope_action = VIEW
    permission_action = "view"

    def get_permission_required(self):
        return (_perm(self.model, self.permission_action),)

    def scoped_queryset(self) -> QuerySet:
        return self.model.objects.restrict(self.request.user, self.scope_action)

    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset()


class ScopedListView(ScopedMixin, ListView):
    """A scoped list with an optional FilterSet, ordering whitelist and pagination."""

    filterset_class: Any = None
    paginate_by = 50
    ordering_fields: tuple[str, ...] = ()
    default_ordering: str | None = None

    def get_queryset(self) -> QuerySet:
        qs = self.scoped_queryset()
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else qs
        order = self.request.GET.get("o") or self.default_ordering
        if order and order.lstrip("-") in self.ordering_fields:
            qs = qs.order_by(order, "pk")
        return qs

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        ctx["can_add"] = self.request.user.has_perm(_perm(self.model, "add"))
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query_string"] = query.urlencode()
        query.pop("o", None)
        ctx["query_without_order"] = query.urlencode()
        ctx["current_order"] = self.request.GET.get("o") or self.default_ordering or ""
        return ctx


class ScopedDetailView(ScopedMixin, DetailView):
    """A scoped detail page with the record's audit history; out of scope is a 404."""

    history_paginate_by = 20

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        history = Paginator(history_for(obj), self.history_paginate_by)
        ctx["history"] = history.get_page(self.request.GET.get("history_page"))
        ctx["can_change"] = self.request.user.has_perm(_perm(self.model, "change")) and (
            self.model.objects.restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists()
        )
        return ctx


# Base classes for form pages and decision buttons ---------------------------------------


class ServiceFormView(ScopedMixin, View):
    """GET shows the form, POST validates it and calls ``perform`` (a service call)."""

    scope_action = CHANGE
    permission_action = "change"
    form_class: Any = None
    template_name = "core/form.html"
    cancel_url_name = "home"  # where Cancel leads without a referring page
    title = ""
    object: Any = None

    def get_object(self):
        pk = self.kwargs.get("pk")
        return None if pk is None else get_object_or_404(self.scoped_queryset(), pk=pk)

    def get_initial(self) -> dict[str, Any]:
        return {}

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def perform(self, form) -> Any:  # pragma: no cover - hook
        raise NotImplementedError

    def success_message(self, result) -> str:
        return _("Saved.")

    def success_url(self, result) -> str:  # pragma: no cover - hook
        raise NotImplementedError

    def cancel_url(self) -> str:
        return self.request.META.get("HTTP_REFERER", "") or reverse(self.cancel_url_name)

    def render_form(self, form) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"form": form, "object": self.object, "title": self.get_title(), "cancel_url": self.cancel_url()},
        )

    def get_title(self) -> str:
        return self.title

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.form_class(initial=self.get_initial(), **self.form_kwargs())
        personal.note_form(request.user, self.object, form)
        return self.render_form(form)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.form_class(request.POST, initial=self.get_initial(), **self.form_kwargs())
        if form.is_valid():
            try:
                result = self.perform(form)
            except ApplicationError as exc:
                form.apply_error(exc)
            else:
                messages.success(request, self.success_message(result))
                return redirect(self.success_url(result))
        return self.render_form(form)


class DecisionView(ScopedMixin, View):
    """A POST-only button (accept, reject, approve...): calls ``perform`` and goes back."""

    scope_action = CHANGE
    permission_action = "change"
    http_method_names = ["post"]
    fallback_url_name = ""

    def perform(self, obj) -> str:  # pragma: no cover - hook
        raise NotImplementedError

    def post(self, request, pk):
        obj = get_object_or_404(self.scoped_queryset(), pk=pk)
        try:
            message = self.perform(obj)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse(self.fallback_url_name)
        return HttpResponseRedirect(target)
