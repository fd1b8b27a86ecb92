from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import proposals, services
from .admin_base import ReadOnlyAdminMixin, ScopedAdmin
from .auth import may_use_admin, staff_for
from .choices import RegionLevel, Role
from .exceptions import ApplicationError
from .models import AuditEntry, ChangeRequest, Region, User

admin.site.site_header = _("Gonghui administration")
admin.site.site_title = _("Gonghui")
admin.site.index_title = _("Administration")


# The door of the admin site: administrators only. Staff of the other roles work in the pages,
# whose workflows (transfers, leaving, approvals) the admin's generic forms would bypass; a
# staff flag set on them by hand still opens nothing. Everybody else is sent to the admin login.
def _administrators_only(request) -> bool:
    return may_use_admin(request.user)


class AdministratorLoginForm(AdminAuthenticationForm):
    """The admin login accepts administrators only (the pages have their own login)."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not may_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


admin.site.has_permission = _administrators_only
admin.site.login_form = AdministratorLoginForm


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

    def service_create(self, request, form):
        data = form.cleaned_data
        if data["level"] != RegionLevel.TOWNSHIP or data["parent"] is None:
            raise ApplicationError(str(_("Only townships can be added; the other divisions are shipped.")))
        return services.township_create(
            parent=data["parent"], code=data["code"], name=data["name"], user=request.user
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "role", "region", "union", "is_active", "last_login"]
    list_filter = ["role", "is_active", "must_change_password"]
    list_select_related = ["region", "union"]
    autocomplete_fields = ["region", "union"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role and region"), {"fields": ("role", "region", "union", "must_change_password")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and region"), {"fields": ("role", "region", "union")}),
    )

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        # Both follow the role (administrators only), set on save.
        return ["is_staff", "is_superuser"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        try:
            if change:
                obj.is_superuser = obj.role == Role.ADMIN
                obj.is_staff = staff_for(role=obj.role, is_superuser=obj.is_superuser)
                services.model_save(obj, user=request.user)
                return
            saved = services.user_create(
                username=form.cleaned_data["username"],
                password=form.cleaned_data.get("password1") or "",
                role=form.cleaned_data["role"],
                region=form.cleaned_data.get("region"),
                union=form.cleaned_data.get("union"),
                created_by=request.user,
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            raise PermissionDenied(exc.message) from exc
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ["at", "username", "source", "action", "content_type", "object_repr", "object_count"]
    list_filter = ["source", "action", "content_type"]
    search_fields = ["username", "object_repr", "object_id"]
    date_hierarchy = "at"


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Grassroots unions' change requests, read-only: the county decides them in the pages or
    the API; an administrator takes none of the county's decisions (as with claims, transfers)."""

    list_display = ["id", "created_at", "union", "kind_label", "object_repr", "status", "decided_by"]
    list_filter = ["status", "trusted"]
    list_select_related = ["union", "decided_by"]
    search_fields = ["object_repr", "union__name", "union__code"]
    date_hierarchy = "created_at"
    exclude = ["payload"]  # full personal data: the changes show it masked

    @admin.display(description=_("kind"))
    def kind_label(self, obj: ChangeRequest) -> str:
        return proposals.label_of(obj.kind)
