"""Admin of the unions domain: scoped, audited, and never a <select> of every union."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ImportExportAdminMixin, PersonalDataAdmin, ScopedAdmin
from apps.core.exceptions import ApplicationError
from apps.core.scoping import CHANGE, region_of, user_may

from . import selectors, services
from .models import CollectiveContract, GrassrootsUnion, JoinApplication, Member, MembershipTransfer


@admin.register(GrassrootsUnion)
class GrassrootsUnionAdmin(ImportExportAdminMixin, ScopedAdmin):
    import_resource = "unions"
    list_display = ["code", "name", "kind", "region", "parent", "founded_on", "dissolved_on"]
    list_filter = ["kind", ("dissolved_on", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name", "employer_name"]
    list_select_related = ["region", "parent"]
    raw_id_fields = ["parent"]
    date_hierarchy = "founded_on"
    ordering = ["code"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            # Regions' own scope lets county staff change none; unions go where the user may write.
            kwargs["queryset"] = selectors.regions_for_unions(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Member)
class MemberAdmin(ImportExportAdminMixin, PersonalDataAdmin):
    import_resource = "members"
    list_display = ["name", "masked_id", "sex", "union", "status", "joined_on", "join_channel"]
    list_filter = ["status", "sex", "household_type", "key_group", "join_channel"]
    search_fields = ["name"]
    list_select_related = ["union"]
    raw_id_fields = ["union"]
    date_hierarchy = "joined_on"
    readonly_fields = ["sex", "birth_date", "status", "left_on"]
    fields = [
        "union",
        "name",
        "id_number",
        "sex",
        "birth_date",
        "ethnicity",
        "phone",
        "education",
        "household_type",
        "key_group",
        "joined_on",
        "join_channel",
        "status",
        "left_on",
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            fields.append("union")  # a member changes union only through a transfer
        return fields

    def save_model(self, request, obj, form, change):
        if not user_may(request.user, CHANGE, region_of(obj), Member):
            raise PermissionDenied
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.MEMBER_UPDATE_FIELDS
        }
        try:
            if change:
                saved = services.member_update(
                    member=Member.objects.get(pk=obj.pk), user=request.user, **data
                )
            else:
                saved = services.member_register(
                    union=form.cleaned_data["union"],
                    name=form.cleaned_data["name"],
                    id_number=form.cleaned_data["id_number"],
                    household_type=form.cleaned_data["household_type"],
                    joined_on=form.cleaned_data["joined_on"],
                    join_channel=form.cleaned_data["join_channel"],
                    ethnicity=form.cleaned_data.get("ethnicity", ""),
                    phone=form.cleaned_data.get("phone", ""),
                    education=form.cleaned_data.get("education", ""),
                    key_group=form.cleaned_data.get("key_group", ""),
                    user=request.user,
                )
        except ApplicationError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            raise PermissionDenied(exc.message) from exc
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.model_delete(obj, user=request.user)


@admin.register(MembershipTransfer)
class MembershipTransferAdmin(ScopedAdmin):
    list_display = ["member", "from_union", "to_union", "transferred_on", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["member__name", "from_union__code", "to_union__code"]
    list_select_related = ["member", "from_union", "to_union"]
    raw_id_fields = ["member", "from_union", "to_union"]
    date_hierarchy = "transferred_on"
    actions = ["accept_selected"]

    def has_add_permission(self, request):
        return False  # transfers start from the member (page, API or service)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Accept the selected pending transfers"), permissions=["decide"])
    def accept_selected(self, request, queryset):
        done = 0
        for transfer in queryset:
            try:
                services.transfer_accept(transfer=transfer, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{transfer}: {exc.message}", level=messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("%(n)s transfers accepted.") % {"n": done})

    def has_decide_permission(self, request):
        return request.user.has_perm("unions.change_membershiptransfer")


@admin.register(JoinApplication)
class JoinApplicationAdmin(PersonalDataAdmin):
    list_display = ["name", "masked_id", "union", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "household_type", "key_group"]
    search_fields = ["name", "union__code"]
    list_select_related = ["union"]
    raw_id_fields = ["union", "member"]
    date_hierarchy = "submitted_at"
    actions = ["approve_selected"]

    def has_add_permission(self, request):
        return False  # applications come from the public page

    def has_change_permission(self, request, obj=None):
        return False  # decided through the queue (approve / reject)

    @admin.action(description=_("Approve the selected applications"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        done = 0
        for application in queryset:
            try:
                services.join_application_approve(application=application, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{application.name}: {exc.message}", level=messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("%(n)s applications approved.") % {"n": done})

    def has_decide_permission(self, request):
        return request.user.has_perm("unions.change_joinapplication")


@admin.register(CollectiveContract)
class CollectiveContractAdmin(ImportExportAdminMixin, ScopedAdmin):
    import_resource = "contracts"
    list_display = [
        "number",
        "union",
        "kind",
        "signed_on",
        "expires_on",
        "covered_enterprises",
        "covered_workers",
    ]
    list_filter = ["kind"]
    search_fields = ["number", "union__code", "union__name"]
    list_select_related = ["union"]
    raw_id_fields = ["union"]
    date_hierarchy = "signed_on"
