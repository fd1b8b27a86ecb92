"""Pickers for records typed by their code (unions, regions, competitions, plans...).

A form types a related record by its code (``apps.core.forms.CodeField``), never as a
``<select>`` of every record. The picker helps to find the code: the input carries the address
of a look-up (``data-autocomplete``), ``static/js/autocomplete.js`` asks it as the user types
part of a name or of a code, and puts the chosen record's code in the input. The typed value
stays a code, so the form checks it as before.

A *kind* is declared once, by the code field class of its model (``CodeField`` subclasses
register themselves, see ``apps.core.forms``): the records a user may pick for a purpose
(``choices(user, purpose)``, scoped by ``restrict``), the text fields searched, and the label.
The look-up answers only from those records: at most ``LIMIT`` of them, exact code first, then
codes that start with the term, then names that start with it, then names that contain it;
each step is one query with a LIMIT (indexed lookups on the code and the name, no COUNT).
The admin's raw-id inputs of a foreign key to a kind use the same picker, which fills in the
record's id they hold (``apps.core.admin_base.PickerRawIdWidget``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django import forms
from django.apps import apps as django_apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .scoping import CHANGE, VIEW

LIMIT = 20  # suggestions per look-up
MAX_TERM = 64  # longer input is cut: no name or code is that long
PURPOSES = (VIEW, CHANGE)  # never more than the user may see


@dataclass(frozen=True)
class Kind:
    """Something a user picks by its code: ``choices(user, purpose)`` are the records the user
    may pick (a queryset, scoped); ``search`` the text fields matched by part of the term;
    ``upper`` whether codes are kept in capitals; ``label`` how a record is shown."""

    name: str
    model: type[models.Model]
    choices: Callable[[Any, str], models.QuerySet]
    search: tuple[str, ...] = ("name",)
    upper: bool = True
    label: Callable[[models.Model], str] = str
    declared_by: str = ""


_kinds: dict[str, Kind] = {}
_discovered = False


def register(kind: Kind) -> Kind:
    """Declare a kind; one declaration per name (a module loaded again replaces its own)."""
    known = _kinds.get(kind.name)
    if known is not None and known.declared_by != kind.declared_by:
        raise ImproperlyConfigured(
            f"The picker kind {kind.name!r} is declared twice: {known.declared_by} and {kind.declared_by}."
        )
    _kinds[kind.name] = kind
    return kind


def _discover() -> None:
    """Kinds are declared by the code fields of our apps' forms modules: load them once (as
    the admin loads the admin modules)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    for config in django_apps.get_app_configs():
        if config.name.startswith("apps.") and module_has_submodule(config.module, "forms"):
            import_module(f"{config.name}.forms")


def get(name: str) -> Kind:
    _discover()
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No picker kind {name!r}.") from None


def for_model(model: type[models.Model]) -> Kind | None:
    """The kind of a model, if it has one (the admin's foreign keys)."""
    _discover()
    return next((kind for kind in _kinds.values() if kind.model is model), None)


def scoped(model: type[models.Model]) -> Callable[[Any, str], models.QuerySet]:
    """The default choices: the records ``restrict(user, purpose)`` leaves; a model without
    regional scope (reference data such as insurance plans) is the province's, all of it."""

    def choices(user: Any, purpose: str) -> models.QuerySet:
        manager = model._default_manager
        if hasattr(manager, "restrict"):
            return manager.restrict(user, purpose)
        return manager.all()

    return choices


# The look-up ------------------------------------------------------------------------------


def search(
    kind: Kind, *, user: Any, term: str, purpose: str = VIEW, limit: int = LIMIT
) -> list[dict[str, Any]]:
    """The records of ``kind`` the user may pick for ``purpose`` that match ``term``: the exact
    code, codes starting with it, then names starting with it, then names containing it. At
    most ``limit`` of them, one LIMIT query per step, stopping as soon as there are enough."""
    term = " ".join(term.split())[:MAX_TERM]
    if not term or purpose not in PURPOSES:
        return []
    records = kind.choices(user, purpose)
    code = term.upper() if kind.upper else term
    # Chinese and digits have no case: a plain LIKE, without UPPER() on every row it scans
    contains = "icontains" if term.lower() != term.upper() else "contains"
    # (condition, order): the code's order alone lets PostgreSQL answer the prefix from the
    # code's pattern index (a range, LIMIT 20 rows read); a name prefix likewise from the name's
    steps: list[tuple[models.Q, tuple[str, ...]]] = [(models.Q(code__startswith=code), ("code",))]
    steps += [(models.Q(**{f"{field}__startswith": term}), (field, "pk")) for field in kind.search]
    steps += [(models.Q(**{f"{field}__{contains}": term}), (field, "pk")) for field in kind.search]
    found: dict[Any, models.Model] = {}
    for condition, order in steps:
        for record in records.filter(condition).order_by(*order)[:limit]:
            found.setdefault(record.pk, record)
        if len(found) >= limit:
            break
    picked = list(found.values())[:limit]
    picked.sort(key=lambda record: record.code != code)  # the exact code first (a stable sort)
    return [{"code": record.code, "label": kind.label(record), "id": record.pk} for record in picked]


@login_required
@require_GET
@never_cache
def lookup(request: HttpRequest, kind: str) -> JsonResponse:
    """``GET autocomplete/<kind>/?q=<term>&purpose=view|change``: ``{"results": [{"code",
    "label", "id"}]}``, only records the user may pick; an unknown kind is a 404."""
    try:
        picked = get(kind)
    except LookupError:
        raise Http404(_("No such picker.")) from None
    purpose = request.GET.get("purpose") or VIEW
    if purpose not in PURPOSES:
        return JsonResponse({"message": str(_("Unknown purpose.")), "results": []}, status=400)
    results = search(picked, user=request.user, term=request.GET.get("q", ""), purpose=purpose)
    return JsonResponse({"results": results})


# The input ----------------------------------------------------------------------------------


def lookup_url(kind: str, purpose: str = VIEW) -> str | None:
    """The look-up address the picker asks, or None where the look-up is not installed."""
    try:
        return f"{reverse('autocomplete', kwargs={'kind': kind})}?purpose={purpose}"
    except NoReverseMatch:
        return None


class PickerInput(forms.TextInput):
    """A text input for a code that offers the picker (``static/js/autocomplete.js``): the
    address of the look-up and the messages the picker shows, as data attributes. Without
    JavaScript it is the plain code input it always was."""

    class Media:
        # base.html loads them on every page; the admin loads them from the form's media
        js = ("js/autocomplete.js",)
        css = {"all": ("css/autocomplete.css",)}

    def __init__(self, kind: str, purpose: str = VIEW, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.purpose = purpose

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(picker_attrs(self.kind, self.purpose))
        return context


def picker_attrs(kind: str, purpose: str = VIEW, fill: str = "code") -> dict[str, Any]:
    """The data attributes that make an input a picker of ``kind``: the look-up to ask, what
    the input takes of the chosen record (its ``code``, or its ``id`` in the admin's raw-id
    inputs), the messages shown. None where the look-up is not installed."""
    url = lookup_url(kind, purpose)
    if url is None:
        return {}
    return {
        "autocomplete": "off",
        "spellcheck": "false",
        "data-autocomplete": url,
        "data-autocomplete-fill": fill,
        "data-autocomplete-none": _("Nothing found in your scope."),
        "data-autocomplete-count": _("%(count)s found: choose with the up and down keys and Enter."),
    }
