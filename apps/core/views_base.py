"""Base classes for staff pages, one per repeated idea, and the URL helper of their routes.

- ``ScopedListView``: a scoped list with its FilterSet, sorting whitelist and pagination.
- ``ScopedDetailView``: a scoped record with its audit history.
- ``ServiceFormView`` (``ServiceCreateView``, ``ServiceUpdateView``): a form whose save is a
  service call; the service's ApplicationError lands back in the form.
- ``DecisionView``: a POST-only button (approve, reject, remove...) calling a service.
- ``ServiceCall`` (in both): ``service(<record_kwarg>=record, user=..., ...)`` and the messages
  that name the record; with a model's ``stem`` the selector and services follow from it.
- ``crud_urls``: the list/new/detail/edit routes of a model, named alike in every app.

Every page reads its rows through ``selector`` (the read path the API uses too) or the
model's scoped manager, so no page filters by region by hand; and every page renders one of
the generic templates (``templates/generic/``), which the domain templates extend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import import_module
from types import ModuleType
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, Resolver404, URLPattern, path, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from . import personal
from .audit import history_for
from .exceptions import ApplicationError
from .history import describe
from .locking import VersionedFormMixin
from .models import ChangeRequest
from .scoping import CHANGE, VIEW, is_union_user

Selector = Callable[..., QuerySet]
Service = Callable[..., Any]


def page_allowed(user: Any, url: str) -> bool:
    """Whether the page at ``url`` (a path of this site) lets the user in, asked of the page's
    own view (``has_permission`` of its permission mixin) without running it, so that no link
    leads the user into a 403. Which records the page then lists is its scope's business."""
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    if view_class is None:
        return True
    request = HttpRequest()
    request.method, request.path, request.path_info, request.user = "GET", path, path, user
    view = view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    has_permission = getattr(view, "has_permission", None)
    return has_permission() if has_permission is not None else bool(user.is_authenticated)


def posted_next(request: HttpRequest) -> str | None:
    """The page a button was pressed on (the POST's ``next``), when it is of this site."""
    target = request.POST.get("next", "")
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else None


def proposed_message(request: ChangeRequest) -> str:
    """What a union user is told after a write became a change request (or went straight in)."""
    if not request.is_pending:
        return _("Saved: %(what)s (your union is trusted; the county can see it).") % {"what": request}
    return _("Submitted to the county for approval: %(what)s. It changes nothing until approved.") % {
        "what": request
    }


def _perm(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def app_function(model: Any, module: str, name: str) -> Callable[..., Any]:
    """A function of the model's app by its name: ``app_function(Talk, "selectors", "talk_list")``."""
    return getattr(import_module(f"{model._meta.app_config.name}.{module}"), name)


class RecordFields(Mapping):
    """A record's attributes as the mapping of a ``%(name)s`` message: a title or a success
    message declared once (``gettext_lazy("Edit talk %(number)s")``), filled per record.
    ``paths`` reads a key elsewhere: ``{"union": "union.name"}`` (dotted attributes)."""

    def __init__(self, record: Any, paths: Mapping[str, str] | None = None) -> None:
        self.record = record
        self.paths = paths or {}

    def __getitem__(self, key: str) -> Any:
        value = self.record
        try:
            for name in self.paths.get(key, key).split("."):
                value = getattr(value, name)
        except AttributeError:
            raise KeyError(key) from None
        return value

    def __iter__(self) -> Iterator[str]:  # pragma: no cover - formatting looks keys up
        return iter(())

    def __len__(self) -> int:  # pragma: no cover
        return 0


class ServiceCall:
    """A page whose action is a service call on its record:
    ``service(<record_kwarg>=record, user=..., **kwargs)`` (declare ``service`` with
    ``staticmethod``; without ``record_kwarg``, or on an add page, no record is passed). Its
    messages name the record's attributes, or those ``message_fields`` points to (see
    ``RecordFields``)."""

    service: ClassVar[Service | None] = None
    service_verb: ClassVar[str] = ""  # with the model's ``stem``: services.<stem>_<verb>
    record_kwarg: ClassVar[str] = ""
    message_fields: ClassVar[Mapping[str, str]] = {}

    def call_service(self, record: Any, **kwargs: Any) -> Any:
        if self.record_kwarg and record is not None:
            kwargs[self.record_kwarg] = record
        return self.service(user=self.request.user, **kwargs)

    def fill(self, message: Any, record: Any) -> str:
        return message % RecordFields(record, self.message_fields)


class ScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A staff page on ``model``: the role's model permission, rows in the user's scope.

    The rows come from ``selector(user=..., action=scope_action)`` when the view names one
    (declare it with ``staticmethod``, as the API's viewsets do), from
    ``queue_selector(user=...)`` for a work queue (it knows whose rows wait), else from the
    model's ``restrict``. ``title`` and the app's sub-navigation (``<app>/_nav.html``, or
    ``subnav_template``; "" for none) frame every generic template. The model's pages are
    the routes ``<route_base>-list``, ``-create``, ``-detail``, ``-update`` (``crud_urls``);
    ``route_base`` defaults to ``<app_label>:<model_name>``.

    ``stem`` names what the app calls the model, as the worker-services registers do: the
    selector ``selectors.<stem>_list``, the services ``services.<stem>_create`` / ``_update``
    of the add and edit pages, and the record's keyword for its services; whatever a view
    declares itself wins."""

    model: Any = None
    stem: ClassVar[str] = ""
    scope_action = VIEW
    permission_action = "view"
    selector: ClassVar[Selector | None] = None
    queue_selector: ClassVar[Selector | None] = None
    title: Any = ""
    subnav_template: str | None = None
    route_base = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.stem or cls.model is None:
            return
        if cls.selector is None:
            cls.selector = staticmethod(app_function(cls.model, "selectors", f"{cls.stem}_list"))
        if issubclass(cls, ServiceCall):
            if cls.service is None and cls.service_verb:
                cls.service = staticmethod(
                    app_function(cls.model, "services", f"{cls.stem}_{cls.service_verb}")
                )
            cls.record_kwarg = cls.record_kwarg or cls.stem

    def route_name(self, action: str) -> str:
        opts = self.model._meta
        return f"{self.route_base or f'{opts.app_label}:{opts.model_name}'}-{action}"

    def get_permission_required(self):
        return (_perm(self.model, self.permission_action),)

    def scoped_queryset(self) -> QuerySet:
        if self.queue_selector is not None:
            return self.queue_selector(user=self.request.user)
        if self.selector is not None:
            return self.selector(user=self.request.user, action=self.scope_action)
        return self.model.objects.restrict(self.request.user, self.scope_action)

    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset()

    def get_title(self) -> str:
        return self.title

    def page_context(self) -> dict[str, Any]:
        subnav = self.subnav_template
        if subnav is None:
            subnav = f"{self.model._meta.app_label}/_nav.html"
        return {"title": self.get_title(), "subnav_template": subnav}


class ScopedListView(ScopedMixin, ListView):
    """A scoped list with an optional FilterSet, ordering whitelist and pagination.

    ``generic/list.html`` shows ``heading`` (default: the title), the "add" button labelled
    ``add_label`` (to the model's create page, or ``add_url_name``; with the add
    permission), the import and export buttons of ``import_resource``, the filters and the
    sortable table. ``masked_id_field`` sets each row's ``id_display``: that resident ID as
    the user may see it."""

    filterset_class: Any = None
    paginate_by = 50
    ordering_fields: tuple[str, ...] = ()
    default_ordering: str | None = None
    heading: Any = ""
    add_url_name = ""
    add_label: Any = ""
    import_resource = ""
    masked_id_field = ""

    def get_queryset(self) -> QuerySet:
        qs = self.scoped_queryset()
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else qs
        order = self.request.GET.get("o") or self.default_ordering
        if order and order.lstrip("-") in self.ordering_fields:
            # ties broken in the same direction, so that one index on (field, id) serves the order
            qs = qs.order_by(order, "-pk" if order.startswith("-") else "pk")
        return qs

    def can_add(self) -> bool:
        return self.request.user.has_perm(_perm(self.model, "add"))

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.page_context())
        ctx["heading"] = self.heading or ctx["title"]
        ctx["filterset"] = self.filterset
        ctx["can_add"] = self.can_add()
        ctx["add_url"] = reverse(self.add_url_name or self.route_name("create")) if self.add_label else ""
        ctx["add_label"] = self.add_label
        ctx["import_resource"] = self.import_resource
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query_string"] = query.urlencode()
        query.pop("o", None)
        ctx["query_without_order"] = query.urlencode()
        ctx["current_order"] = self.request.GET.get("o") or self.default_ordering or ""
        if self.masked_id_field:
            personal.reveal_each(self.request.user, ctx["object_list"], self.masked_id_field, "id_display")
        return ctx


class ScopedDetailView(ScopedMixin, DetailView):
    """A scoped detail page with the record's audit history; out of scope is a 404.

    ``generic/detail.html`` offers the "Edit" button (the model's edit page, when it has
    one) to whoever may change the record; ``masked_id_field`` gives ``id_display`` as on
    lists."""

    history_paginate_by = 20
    masked_id_field = ""

    def edit_url(self, obj) -> str:
        try:
            return reverse(self.route_name("update"), args=[obj.pk])
        except NoReverseMatch:
            return ""

    def may_change(self, obj) -> bool:
        return self.request.user.has_perm(_perm(self.model, "change")) and (
            self.model.objects.restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists()
        )

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.page_context())
        obj = self.object
        history = Paginator(history_for(obj), self.history_paginate_by).get_page(
            self.request.GET.get("history_page")
        )
        history.object_list = describe(history.object_list, type(obj))
        ctx["history"] = history
        ctx["can_change"] = self.may_change(obj)
        ctx["edit_url"] = self.edit_url(obj)
        if self.masked_id_field:
            ctx["id_display"] = personal.reveal(self.request.user, obj, self.masked_id_field)
        return ctx


# Form pages and decision buttons --------------------------------------------------------


class ServiceFormView(ServiceCall, ScopedMixin, View):
    """GET shows the form, POST validates it and calls ``perform``: by default the
    ``service`` with the form's data (``ServiceCall``; a versioned form, apps.core.locking,
    also passes the version the page was opened at); the service's ApplicationError becomes
    the form's errors.

    A form not offered now (``unavailable`` gives the reason) sends the user to
    ``unavailable_url`` with the reason instead; the service still decides on POST. A save
    shows ``success_message`` and leads to the saved record's page, Cancel to the referring
    page or else ``cancel_url_name`` (default: the model's list). ``title`` and ``success_message`` may name attributes of
    the page's record and of the saved one: ``gettext_lazy("Talk %(number)s added.")``."""

    scope_action = CHANGE
    permission_action = "change"
    form_class: Any = None
    editing = False  # an edit form: it drops personal-data fields for users without the right
    template_name = "generic/form.html"
    cancel_url_name = ""
    success_message: Any = gettext_lazy("Saved.")
    object: Any = None

    def get_object(self):
        pk = self.kwargs.get("pk")
        return None if pk is None else get_object_or_404(self.scoped_queryset(), pk=pk)

    def get_initial(self) -> dict[str, Any]:
        return {}

    def form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"user": self.request.user}
        if self.editing:
            kwargs["editing"] = True
        return kwargs

    def service_kwargs(self, form) -> dict[str, Any]:
        """What the service is given besides the record and the user: the form's data."""
        kwargs = dict(form.cleaned_data)
        if isinstance(form, VersionedFormMixin):
            kwargs["expected_version"] = form.expected_version
        return kwargs

    def perform(self, form) -> Any:
        return self.call_service(self.object, **self.service_kwargs(form))

    def get_title(self) -> str:
        return self.fill(self.title, self.object) if self.object is not None else self.title

    def get_success_message(self, result) -> str:
        return self.fill(self.success_message, result)

    def success_url(self, result) -> str:
        return reverse(self.route_name("detail"), args=[result.pk])

    def next_record_url(self, result) -> str | None:
        """Hook for "save and add another": the form of the next record, starting from what
        this one had (the same union, household, plan). A view that returns a URL gets the
        button; the page keeps the keyboard flow (templates/generic/form.html)."""
        return None

    def _offers_next_record(self) -> bool:
        return type(self).next_record_url is not ServiceFormView.next_record_url

    def cancel_url(self) -> str:
        return self.request.META.get("HTTP_REFERER", "") or reverse(
            self.cancel_url_name or self.route_name("list")
        )

    def unavailable(self) -> str | None:
        """Why the form is not offered to this user now; None: it is."""
        return None

    def unavailable_url(self) -> str:  # pragma: no cover - hook, with unavailable()
        raise NotImplementedError

    def form_context(self) -> dict[str, Any]:
        """What the template shows besides the form (figures to check, a preview...)."""
        return {}

    def render_form(self, form) -> HttpResponse:
        ctx = {
            **self.page_context(),
            "form": form,
            "object": self.object,
            "cancel_url": self.cancel_url(),
            **({"add_another": _("Save and add another")} if self._offers_next_record() else {}),
            **self.form_context(),
        }
        return render(self.request, self.template_name, ctx)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        reason = self.unavailable()
        if reason:
            messages.error(request, reason)
            return redirect(self.unavailable_url())
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
                if isinstance(result, ChangeRequest):
                    # a grassroots union's write waits for the county (apps/core/proposals.py)
                    messages.success(request, proposed_message(result))
                    return redirect("changerequest-detail", pk=result.pk)
                messages.success(request, self.get_success_message(result))
                if "add_another" in request.POST and (following := self.next_record_url(result)):
                    return redirect(following)
                return redirect(self.success_url(result))
        return self.render_form(form)


class ServiceCreateView(ServiceFormView):
    """Adds a record: ``service(user=..., **form.cleaned_data)`` (declare it with
    ``staticmethod``, or let the ``stem`` name it). The fields in ``initial_from_query`` start from the query string (an
    "add" link on another record's page names that record). The title defaults to the list's
    ``add_label`` (declared once for both, on the model's shared mixin)."""

    permission_action = "add"
    service_verb = "create"
    initial_from_query: tuple[str, ...] = ()
    add_label: Any = ""

    def get_title(self) -> str:
        return self.title or self.add_label

    def get_initial(self) -> dict[str, Any]:
        initial = {name: self.request.GET.get(name, "") for name in self.initial_from_query}
        user = self.request.user
        if is_union_user(user) and user.union_id and not initial.get("union"):
            initial["union"] = user.union.code  # a grassroots union registers into its own union
        return initial


class ServiceUpdateView(ServiceFormView):
    """Edits ``self.object``: the form starts from ``form_class.initial_for(record)``, the save
    is ``service(<record_kwarg>=record, user=..., **form.cleaned_data)``."""

    service_verb = "update"

    def get_initial(self) -> dict[str, Any]:
        return self.form_class.initial_for(self.object)


class StepDecidesMixin:
    """A decision page open to whoever sees the record (reviewers above the county hold only
    "view" on the model): the service obeys the decision step (``apps.core.decisions``), whose
    refusal says who may decide instead."""

    scope_action = VIEW
    permission_action = "view"


class DecisionView(ServiceCall, ScopedMixin, View):
    """A POST-only button (accept, reject, approve...): calls ``perform`` and goes back to the
    page it was on (``next``), else to ``fallback_url`` (``fallback_url_name``).

    By default ``perform`` calls the ``service`` on the record (``ServiceCall``) with the
    posted ``post_fields`` (a reason...) and answers ``done``, filled from the record the
    service returned (else the one it was given)."""

    scope_action = CHANGE
    permission_action = "change"
    http_method_names = ["post"]
    fallback_url_name = ""
    post_fields: tuple[str, ...] = ()
    done: Any = ""

    def perform(self, obj) -> str:
        posted = {name: self.request.POST.get(name, "") for name in self.post_fields}
        result = self.call_service(obj, **posted)
        return self.fill(self.done, result if isinstance(result, self.model) else obj)

    def fallback_url(self, obj) -> str:
        return reverse(self.fallback_url_name)

    def redirect_url(self, obj) -> str:
        return posted_next(self.request) or self.fallback_url(obj)

    def post(self, request, pk):
        obj = get_object_or_404(self.scoped_queryset(), pk=pk)
        try:
            message = self.perform(obj)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(self.redirect_url(obj))


# Routes ------------------------------------------------------------------------------------

CRUD_ROUTES = {
    "list": ("", "ListView"),
    "create": ("new/", "CreateView"),
    "detail": ("<int:pk>/", "DetailView"),
    "update": ("<int:pk>/edit/", "UpdateView"),
}


def crud_urls(
    views: ModuleType, model: str, prefix: str = "", *, actions: Iterable[str] = tuple(CRUD_ROUTES)
) -> list[URLPattern]:
    """The routes of a model's pages, by the naming every app follows. For ``model="Claim"``
    and ``prefix="claims/"``: ``claims/`` → ``ClaimListView`` named ``claim-list``, then
    ``claims/new/`` (``-create``), ``claims/<pk>/`` (``-detail``), ``claims/<pk>/edit/``
    (``-update``); any other action is a step on the record: ``"pay"`` routes
    ``claims/<pk>/pay/`` to ``ClaimPayView`` named ``claim-pay``. Each action's view must exist."""
    routes = []
    for action in actions:
        suffix, kind = CRUD_ROUTES.get(action, (f"<int:pk>/{action}/", f"{action.capitalize()}View"))
        view = getattr(views, f"{model}{kind}")
        routes.append(path(f"{prefix}{suffix}", view.as_view(), name=f"{model.lower()}-{action}"))
    return routes
