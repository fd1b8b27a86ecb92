from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_base import ScopedAdmin
from .choices import RegionLevel
from .models import AuditEntry, Region, User

admin.site.site_header = _("Gonghui administration")
admin.site.site_title = _("Gonghui")
admin.site.index_title = _("Administration")


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    fields = ["code", "name", "level", "parent"]

    def get_readonly_fields(self, request, obj=None):
        # Shipped divisions keep their code and place in the tree; only names can be corrected.
        if obj is not None:
            return ["code", "level", "parent"]
        return []

    def save_model(self, request, obj, form, change):
        if not change:
            if obj.level != RegionLevel.TOWNSHIP or obj.parent is None:
                from django.core.exceptions import PermissionDenied

                raise PermissionDenied(_("Only townships can be added; the other divisions are shipped."))
            services.township_create(parent=obj.parent, code=obj.code, name=obj.name, user=request.user)
            saved = Region.objects.get(code=obj.code)
            obj.pk, obj.path = saved.pk, saved.path
            obj._state.adding = False
            return
        super().save_model(request, obj, form, change)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "role", "region", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role and region"), {"fields": ("role", "region")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and region"), {"fields": ("role", "region")}),
    )

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        obj.is_staff = True
        obj.is_superuser = obj.role == "admin"
        services.model_save(obj, user=request.user)


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    list_display = ["at", "username", "source", "action", "content_type", "object_repr"]
    list_filter = ["source", "action", "content_type"]
    search_fields = ["username", "object_repr", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
