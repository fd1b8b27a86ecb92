from django.contrib import admin

from apps.core.admin_base import ScopedAdmin

from .models import IndicatorSummary, YearlyReport


@admin.register(YearlyReport)
class YearlyReportAdmin(ScopedAdmin):
    list_display = ["year", "region", "status", "progress", "requested_by", "requested_at", "finished_at"]
    list_filter = ["status", "year"]
    search_fields = ["region__code", "region__name"]
    readonly_fields = [
        "year",
        "region",
        "status",
        "progress",
        "stage",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "attempts",
        "snapshot",
        "json_file",
        "xlsx_file",
        "pdf_file",
        "error",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(IndicatorSummary)
class IndicatorSummaryAdmin(ScopedAdmin):
    list_display = ["year", "region", "computed_at"]
    list_filter = ["year"]
    search_fields = ["region__code", "region__name"]
    readonly_fields = ["year", "region", "indicators", "computed_at"]

    def has_add_permission(self, request) -> bool:
        return False
