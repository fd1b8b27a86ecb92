from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import ServiceModelSerializer

from ..choices import ReportFile
from ..models import YearlyReport


class YearlyReportRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1949, max_value=9999)
    region = serializers.CharField(max_length=12, help_text=_("division code, e.g. 620000"))


class YearlyReportSerializer(ServiceModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    requested_by = serializers.CharField(
        source="requested_by.username", read_only=True, default=None, allow_null=True
    )
    result = serializers.JSONField(source="snapshot", read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = YearlyReport
        fields = [
            "id",
            "year",
            "region",
            "region_name",
            "status",
            "status_display",
            "progress",
            "stage",
            "stage_display",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "attempts",
            "error",
            "result",
            "files",
        ]
        read_only_fields = fields

    def get_files(self, obj: YearlyReport) -> dict[str, str]:
        request = self.context.get("request")
        out = {}
        for kind in ReportFile.values:
            if obj.file_for(kind):
                url = reverse("api:yearlyreport-download", args=[obj.pk, kind])
                out[kind] = request.build_absolute_uri(url) if request else url
        return out
