"""The admin's share of the one scoping mechanism, its writes through the domain services,
and our history.

Administrators' admin writes obey the same rules as the pages and the API: a ``ScopedAdmin``
names the services of its model (``writes = ServiceWrites(...)``), and its save, delete and
bulk delete call them. Only reference data without a service falls back to the generic
audited helpers. A service's refusal (``ApplicationError``) is shown on the form as an error
message, with the user's input kept, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import model_ngettext, quote, unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import audit, autocomplete, personal, services
from .choices import Role
from .exceptions import ApplicationError
from .scoping import CHANGE, VIEW, region_of, user_may
from .validators import is_digits, normalize_resident_id

# Set on the request when a service refused a save: the change form is shown again with it.
_REFUSAL = "_admin_service_refusal"


@dataclass(frozen=True)
class ServiceWrites:
    """The domain services a record is written through, named once for the admin and the API
    (``writes = ServiceWrites.named(services, "talk")`` on a ``ScopedAdmin`` or a viewset).

    ``create(user=..., **fields)``; ``update(<record>=stored record, user=..., **changed
    fields)``; ``delete(<record>=record, user=...)``; a record's workflow steps take it under
    the same keyword. ``update_fields`` are the fields ``update`` accepts: in the admin the
    others are read-only on a change form (a member's union, a payment's model worker), as
    they are on the pages."""

    record: str
    create: Callable[..., Any] | None = None
    update: Callable[..., Any] | None = None
    delete: Callable[..., Any] | None = None
    update_fields: tuple[str, ...] | None = None

    @classmethod
    def named(cls, module: ModuleType, noun: str, *, record: str = "", **given: Any) -> ServiceWrites:
        """The services of ``module`` named by the convention ``<noun>_create``, ``<noun>_update``
        and ``<noun>_delete``, the record passed as ``record`` (default: ``noun``). ``given``
        names what differs (``create=services.benefit_pay``; None: the record has no such
        service) and ``update_fields``; a conventional name missing from ``module`` is an error,
        not a silent fallback to the generic helpers."""
        found = {
            op: getattr(module, f"{noun}_{op}") for op in ("create", "update", "delete") if op not in given
        }
        return cls(record=record or noun, **found, **given)


def _show_refusal(form, error: ApplicationError) -> None:
    """Put a service's refusal on the form: on the fields it names, else above the form."""
    shown = False
    for name, problems in (error.extra.get("fields") or {}).items():
        if name in form.fields:
            for problem in problems if isinstance(problems, list | tuple) else [problems]:
                form.add_error(name, str(problem))
            shown = True
    if not shown:
        form.add_error(None, error.message)


@admin.action(permissions=["delete"], description=delete_selected.short_description)
def delete_selected_through_service(modeladmin, request, queryset):
    """Django's bulk delete, each record through the admin's delete service: the confirmation
    page is Django's; a record the service refuses stays, with its reason."""
    if not request.POST.get("post"):
        return delete_selected(modeladmin, request, queryset)
    deleted = 0
    for obj in queryset:
        if not modeladmin.has_delete_permission(request, obj):
            raise PermissionDenied
        try:
            with transaction.atomic():
                modeladmin.log_deletions(request, [obj])
                modeladmin.delete_model(request, obj)
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", level=messages.ERROR)
        else:
            deleted += 1
    if deleted:
        modeladmin.message_user(
            request,
            _("Successfully deleted %(count)d %(items)s.")
            % {"count": deleted, "items": model_ngettext(modeladmin.opts, deleted)},
            level=messages.SUCCESS,
        )
    return None


class PickerRawIdWidget(ForeignKeyRawIdWidget):
    """The raw-id input of a foreign key to a record the pages type by its code (a union, a
    region, a competition, a plan): the pages' picker (``apps.core.autocomplete``) finds the
    record by part of its name or code, in the user's change scope, and fills in the id the
    input holds, so the form checks it as before (against the admin's scoped queryset). The
    chosen record's name is shown beside it; the magnifier still opens the scoped list."""

    class Media:
        js = ("js/autocomplete.js",)
        css = {"all": ("css/autocomplete.css",)}

    def __init__(self, rel, admin_site, *, kind: str, attrs=None, using=None) -> None:
        super().__init__(rel, admin_site, attrs, using)
        self.kind = kind

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        picker = autocomplete.picker_attrs(self.kind, CHANGE, fill="id")
        if picker:
            context["widget"]["attrs"].update(picker)
            if context.get("link_label"):
                # shown by the picker, which keeps it up to date when another record is chosen
                context["widget"]["attrs"]["data-autocomplete-label"] = context["link_label"]
                context["link_label"] = None
        return context


class ScopedAdmin(admin.ModelAdmin):
    """Lists and opens only records in the user's scope (others are a 404), checks the
    scope again before any write, writes through the model's domain services (``writes``;
    without them the generic audited helpers, for reference data), shows a service's
    refusal on the form, and shows our audit trail as the object's history."""

    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page
    # The services of the model (None: reference data without a service).
    writes: ClassVar[ServiceWrites | None] = None
    # Foreign keys whose choices are not the related model's change scope:
    # field name -> function(user=...) returning the choices.
    fk_choices: ClassVar[dict[str, Callable[..., QuerySet]]] = {}

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, VIEW)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such record in your scope."))
        return obj

    def _may_change(self, request, obj) -> bool:
        return obj is None or user_may(request.user, CHANGE, region_of(obj), self.model)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        choices = self.fk_choices.get(db_field.name)
        if "queryset" not in kwargs and choices is not None:
            kwargs["queryset"] = choices(user=request.user)
        elif "queryset" not in kwargs and hasattr(related.objects, "restrict"):
            kwargs["queryset"] = related.objects.restrict(request.user, CHANGE)
        kind = autocomplete.for_model(related) if db_field.name in self.raw_id_fields else None
        if kind is not None and "widget" not in kwargs:
            # the raw-id input with the pages' picker: found by name or code, it fills the id
            kwargs["widget"] = PickerRawIdWidget(
                db_field.remote_field, self.admin_site, kind=kind.name, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        allowed = self.writes.update_fields if self.writes is not None else None
        if obj is not None and allowed is not None:
            # what the update service does not take is not offered for editing
            editable = [
                f.name
                for f in self.model._meta.get_fields()
                if f.concrete and f.editable and not f.primary_key
            ]
            fields += [name for name in editable if name not in allowed and name not in fields]
        return fields

    # The writes -----------------------------------------------------------------------------

    def service_create(self, request, form) -> models.Model:
        """Create the record from the form through the domain service."""
        if self.writes is None or self.writes.create is None:
            return services.model_save(form.instance, user=request.user)
        return self.writes.create(user=request.user, **form.cleaned_data)

    def service_update(self, request, obj, form) -> models.Model:
        """Apply the form's changes to ``obj`` (the record as stored) through the domain service."""
        if self.writes is None or self.writes.update is None:
            return services.model_save(form.instance, user=request.user)
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        return self.writes.update(**{self.writes.record: obj}, user=request.user, **changes)

    def service_delete(self, request, obj) -> None:
        if self.writes is None or self.writes.delete is None:
            services.model_delete(obj, user=request.user)
            return
        self.writes.delete(**{self.writes.record: obj}, user=request.user)

    def save_model(self, request, obj, form, change):
        if not user_may(request.user, CHANGE, region_of(obj), self.model):
            raise PermissionDenied
        if change:
            saved = self.service_update(request, self.model._default_manager.get(pk=obj.pk), form)
        else:
            saved = self.service_create(request, form)
        if saved is not None and saved is not obj:
            # the admin goes on (its message, "save and continue") with the record as saved
            obj.pk = saved.pk
            obj._state.adding = False
            obj.refresh_from_db()

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.service_delete(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions[name] = (delete_selected_through_service, name, description)
        return actions

    # A service's refusal --------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            # The view's transaction rolled back: nothing was written. The form again, with
            # what the user typed and the service's message on it.
            self.message_user(request, exc.message, level=messages.ERROR)
            setattr(request, _REFUSAL, exc)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, _REFUSAL, None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                _show_refusal(self, refusal)
                return cleaned

        return RefusedForm

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ApplicationError as exc:
            # nothing was deleted (the view's transaction rolled back): back to the record
            self.message_user(request, exc.message, level=messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(unquote(object_id))],
                    current_app=self.admin_site.name,
                )
            )

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        paginator = self.get_paginator(request, audit.history_for(obj), 100)
        page_obj = paginator.get_page(request.GET.get("p", 1))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "action_list": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "page_var": "p",
            "pagination_required": paginator.count > 100,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/object_history.html", context)


class ReadOnlyAdminMixin:
    """Records that change only through the workflows of the pages, the API and the imports
    (a filing, a claim, a transfer): no add or change here, and no delete unless
    ``admin_may_delete`` (then through the admin's delete service)."""

    admin_may_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.admin_may_delete and super().has_delete_permission(request, obj)


class DecisionActionsMixin:
    """Admin actions that take a decision step (``apps.core.decisions``) on each selected
    record through its service. An action is offered only to the roles of its step (an
    administrator takes none of the county's or the reviewers' decisions); the service still
    checks each record and says who may instead."""

    def may_take(self, request, step) -> bool:
        user = request.user
        role = Role.ADMIN if user.is_superuser else getattr(user, "role", None)
        opts = self.model._meta
        return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") and role in step.roles

    def run_decision(
        self,
        request,
        records,
        decide: Callable[[Any], Any],
        done_message: str,
        label: Callable[[Any], str] = str,
    ) -> None:
        done = 0
        for record in records:
            try:
                decide(record)
            except ApplicationError as exc:
                self.message_user(request, f"{label(record)}: {exc.message}", level=messages.ERROR)
            else:
                done += 1
        self.message_user(request, done_message % {"n": done})


class ImportExportAdminMixin:
    """Import and export buttons on the change list, through the one pipeline."""

    import_resource: str = ""
    change_list_template = "admin/import_export_change_list.html"

    def get_urls(self):
        from . import import_views

        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        site = self.admin_site
        confirm_name = f"{site.name}:{name}_import_confirm"

        def start(request):
            return import_views.import_start(request, admin_site=site, confirm_url_name=confirm_name)

        def confirm(request, token):
            return import_views.import_confirm(request, token, admin_site=site)

        def export(request):
            return import_views.export_records(request, self.import_resource)

        return [
            path("import/", site.admin_view(start), name=f"{name}_import"),
            path("import/<str:token>/confirm/", site.admin_view(confirm), name=f"{name}_import_confirm"),
            path("export/", site.admin_view(export), name=f"{name}_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        opts = self.model._meta
        name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        extra = {
            "import_url": reverse(f"{name}_import") + f"?resource={self.import_resource}",
            "export_url": reverse(f"{name}_export"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)


class PersonalDataAdmin(ScopedAdmin):
    """Personal data in the admin through ``apps.core.personal``: the ``masked_id`` column shows
    the resident ID at ``id_path`` masked or in full (recorded); the change form leaves out the
    record's personal fields for users without the right and records a full view for the
    others; a full resident ID in the search box finds the record exactly (partial IDs are
    not searchable)."""

    id_path = "id_number"

    @admin.display(description=_("resident ID"))
    def masked_id(self, obj):  # replaced per request in get_list_display
        return personal.display(None, obj, self.id_path)

    def get_list_display(self, request):
        path = self.id_path

        def masked_id(obj):
            return personal.display(request.user, obj, path)

        masked_id.short_description = _("resident ID")
        return [masked_id if name == "masked_id" else name for name in super().get_list_display(request)]

    def _hidden_personal(self, request, obj) -> list[str]:
        if obj is None or personal.may_view(request.user):
            return []
        return list(personal.personal_fields(self.model))

    def get_fields(self, request, obj=None):
        hidden = self._hidden_personal(request, obj)
        return [f for f in super().get_fields(request, obj) if f not in hidden]

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or []), *self._hidden_personal(request, obj)]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and personal.may_view(request.user):
            shown = [n for n in personal.personal_fields(obj) if getattr(obj, n) not in (None, "")]
            if shown:
                personal.note_view(request.user, obj, shown)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_search_results(self, request, queryset, search_term):
        term = normalize_resident_id(search_term)
        if len(term) == 18 and is_digits(term[:17]):
            return queryset.filter(**{self.id_path: term}), False
        return super().get_search_results(request, queryset, search_term)
