"""Base classes for staff pages: scoped lists with filters and pagination, scoped details.

Every domain app's pages inherit these, so no page filters by region by hand.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.views.generic import DetailView, ListView

from .audit import history_for
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
