"""The admin's share of the one scoping mechanism, plus audited saves and our history."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import audit, personal, services
from .exceptions import ApplicationError
from .scoping import CHANGE, VIEW, region_of, user_may
from .validators import is_digits, normalize_resident_id


class ScopedAdmin(admin.ModelAdmin):
    """Lists and opens only records in the user's scope (others are a 404), checks the
    scope again before any write, writes through the audited service helpers, and shows
    our audit trail as the object's history."""

    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page

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
        if "queryset" not in kwargs and hasattr(related.objects, "restrict"):
            kwargs["queryset"] = related.objects.restrict(request.user, CHANGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not user_may(request.user, CHANGE, region_of(obj), self.model):
            raise PermissionDenied
        try:
            services.model_save(obj, user=request.user)
        except ApplicationError as exc:
            # The form already validated; this is a race or a rule the form cannot see.
            self.message_user(request, exc.message, level=messages.ERROR)
            raise PermissionDenied(exc.message) from exc

    def delete_model(self, request, obj):
        services.model_delete(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.model_delete(obj, user=request.user)

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
