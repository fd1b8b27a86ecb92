"""Admin of the competitions domain: scoped, writes through the competitions services (their
checks, their audit), import/export, never a <select> of every union or competition."""

from __future__ import annotations

from django.contrib import admin

from apps.core.admin_base import ImportExportAdminMixin, ScopedAdmin, ServiceWrites
from apps.core.scoping import VIEW

from . import selectors, services
from .models import Competition, InnovationAchievement, Participation


@admin.register(Competition)
class CompetitionAdmin(ImportExportAdminMixin, ScopedAdmin):
    """Visible as the pages show them; changeable only where the organizer region is in scope."""

    import_resource = "competitions"
    writes = ServiceWrites.named(services, "competition", update_fields=services.COMPETITION_FIELDS)
    fk_choices = {"organizer_region": selectors.organizer_regions}
    list_display = ["code", "name", "kind", "organizer_region", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "theme"]
    list_select_related = ["organizer_region"]
    date_hierarchy = "start_date"
    ordering = ["-start_date", "code"]


@admin.register(Participation)
class ParticipationAdmin(ImportExportAdminMixin, ScopedAdmin):
    import_resource = "participations"
    writes = ServiceWrites.named(services, "participation", update_fields=services.PARTICIPATION_FIELDS)
    # A county registers its units in competitions organized above it too.
    fk_choices = {"competition": lambda user: Competition.objects.restrict(user, VIEW)}
    list_display = ["competition", "union", "participating_workers", "promoted_workers", "award"]
    list_filter = ["competition__kind"]
    search_fields = ["competition__code", "competition__name", "union__code", "union__name"]
    list_select_related = ["competition", "union"]
    raw_id_fields = ["competition", "union"]
    ordering = ["competition__code", "union__code"]


@admin.register(InnovationAchievement)
class InnovationAchievementAdmin(ImportExportAdminMixin, ScopedAdmin):
    import_resource = "innovations"
    writes = ServiceWrites.named(services, "innovation", update_fields=services.INNOVATION_FIELDS)
    list_display = ["number", "name", "kind", "union", "year", "grade", "recommended_nationally"]
    list_filter = ["kind", "grade", "recommended_nationally", "year"]
    search_fields = ["number", "name", "authors", "union__code"]
    list_select_related = ["union"]
    raw_id_fields = ["union"]
    ordering = ["-year", "number"]
