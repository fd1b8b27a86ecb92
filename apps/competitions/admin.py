"""Admin of the competitions domain: scoped, audited, import/export, never a <select> of
every union or competition."""

from __future__ import annotations

from django.contrib import admin

from apps.core.admin_base import ImportExportAdminMixin, ScopedAdmin
from apps.core.scoping import VIEW

from . import selectors
from .models import Competition, InnovationAchievement, Participation


@admin.register(Competition)
class CompetitionAdmin(ImportExportAdminMixin, ScopedAdmin):
    """Visible as the pages show them; changeable only where the organizer region is in scope."""

    import_resource = "competitions"
    list_display = ["code", "name", "kind", "organizer_region", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "theme"]
    list_select_related = ["organizer_region"]
    date_hierarchy = "start_date"
    ordering = ["-start_date", "code"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organizer_region":
            kwargs["queryset"] = selectors.organizer_regions(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Participation)
class ParticipationAdmin(ImportExportAdminMixin, ScopedAdmin):
    import_resource = "participations"
    list_display = ["competition", "union", "participating_workers", "promoted_workers", "award"]
    list_filter = ["competition__kind"]
    search_fields = ["competition__code", "competition__name", "union__code", "union__name"]
    list_select_related = ["competition", "union"]
    raw_id_fields = ["competition", "union"]
    ordering = ["competition__code", "union__code"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "competition":
            # A county registers its units in competitions organized above it too.
            kwargs["queryset"] = Competition.objects.restrict(request.user, VIEW)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(InnovationAchievement)
class InnovationAchievementAdmin(ImportExportAdminMixin, ScopedAdmin):
    import_resource = "innovations"
    list_display = ["number", "name", "kind", "union", "year", "grade", "recommended_nationally"]
    list_filter = ["kind", "grade", "recommended_nationally", "year"]
    search_fields = ["number", "name", "authors", "union__code"]
    list_select_related = ["union"]
    raw_id_fields = ["union"]
    ordering = ["-year", "number"]
