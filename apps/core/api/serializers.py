from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import AuditEntry, Region


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "level_display", "parent", "parent_code"]
        read_only_fields = ["level", "parent"]


class TownshipCreateSerializer(serializers.Serializer):
    code = serializers.CharField(label=_("division code"), max_length=12)
    name = serializers.CharField(label=_("name"), max_length=64)
    parent = serializers.CharField(label=_("county code"), max_length=12)


class AuditEntrySerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="content_type.model", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "username",
            "source",
            "action",
            "model",
            "object_id",
            "object_repr",
            "changes",
            "note",
        ]


def request_user(serializer: serializers.Serializer) -> Any:
    """The user of the request a serializer works for (None outside a request)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None)
