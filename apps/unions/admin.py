"""Admin of the unions domain: scoped, audited, writes through the unions services, and never a
<select> of every union. Transfers and online applications are decided on the pages by the
county (``apps.unions.decisions``); here they are records to look up."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import (
    DecisionActionsMixin,
    ImportExportAdminMixin,
    PersonalDataAdmin,
    ReadOnlyAdminMixin,
    ScopedAdmin,
    ServiceWrites,
)

from . import decisions, selectors, services
from .models import CollectiveContract, GrassrootsUnion, JoinApplication, Member, MembershipTransfer


@admin.register(GrassrootsUnion)
class GrassrootsUnionAdmin(ImportExportAdminMixin, ScopedAdmin):
    import_resource = "unions"
    writes = ServiceWrites.named(services, "union", update_fields=services.UNION_FIELDS)
    # Regions' own scope lets county staff change none; unions go where the user may write.
    fk_choices = {"region": selectors.regions_for_unions}
    list_display = ["code", "name", "kind", "region", "parent", "founded_on", "dissolved_on"]
    list_filter = ["kind", ("dissolved_on", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name", "employer_name"]
    list_select_related = ["region", "parent"]
    raw_id_fields = ["parent"]
    date_hierarchy = "founded_on"
    ordering = ["code"]


@admin.register(Member)
class MemberAdmin(ImportExportAdminMixin, PersonalDataAdmin):
    """Members are registered and corrected here through the services; they are never deleted
    (as on the pages and in the API): a member leaves, and changes union by a transfer."""

    import_resource = "members"
    writes = ServiceWrites.named(
        services,
        "member",
        create=services.member_register,
        delete=None,
        update_fields=services.MEMBER_UPDATE_FIELDS,
    )
    list_display = ["name", "masked_id", "sex", "union", "status", "joined_on", "join_channel"]
    list_filter = ["status", "sex", "household_type", "key_group", "join_channel"]
    search_fields = ["name__gram_icontains", "=id_number"]  # the name index; a full ID exactly
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

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MembershipTransfer)
class MembershipTransferAdmin(DecisionActionsMixin, ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ["member", "from_union", "to_union", "transferred_on", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["member__name", "from_union__code", "to_union__code"]
    list_select_related = ["member", "from_union", "to_union"]
    raw_id_fields = ["member", "from_union", "to_union"]
    date_hierarchy = "transferred_on"
    actions = ["accept_selected"]

    def has_decide_permission(self, request) -> bool:
        return self.may_take(request, decisions.TRANSFER_DECISION)

    @admin.action(description=_("Accept the selected pending transfers"), permissions=["decide"])
    def accept_selected(self, request, queryset):
        self.run_decision(
            request,
            queryset,
            lambda transfer: services.transfer_accept(transfer=transfer, user=request.user),
            _("%(n)s transfers accepted."),
        )


@admin.register(JoinApplication)
class JoinApplicationAdmin(DecisionActionsMixin, ReadOnlyAdminMixin, PersonalDataAdmin):
    list_display = ["name", "masked_id", "union", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "household_type", "key_group"]
    search_fields = ["name", "union__code"]
    list_select_related = ["union"]
    raw_id_fields = ["union", "member"]
    date_hierarchy = "submitted_at"
    actions = ["approve_selected"]

    def has_decide_permission(self, request) -> bool:
        return self.may_take(request, decisions.JOIN_DECISION)

    @admin.action(description=_("Approve the selected applications"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        self.run_decision(
            request,
            queryset,
            lambda application: services.join_application_approve(application=application, user=request.user),
            _("%(n)s applications approved."),
            label=lambda application: application.name,
        )


@admin.register(CollectiveContract)
class CollectiveContractAdmin(ImportExportAdminMixin, ScopedAdmin):
    import_resource = "contracts"
    writes = ServiceWrites.named(services, "contract", update_fields=services.CONTRACT_FIELDS)
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
