from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import personal
from ..models import AuditEntry, Region


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None, allow_null=True)
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


class PersonalDataMixin:
    """Shows the personal fields of a serializer's output through ``apps.core.personal``:
    masked without the personal-data right (a resident ID keeps its region and last four
    characters, an amount is null), noted for the audit trail when shown in full.

    The output fields default to the model's own ``personal_fields``; a serializer that
    shows another record's field names it in ``personal_output`` as {output name: path}
    (e.g. ``{"id_number": "member__id_number"}``)."""

    personal_output: ClassVar[dict[str, str]] = {}

    @classmethod
    def personal_paths(cls) -> dict[str, str]:
        if cls.personal_output:
            return dict(cls.personal_output)
        return {name: name for name in personal.personal_fields(cls.Meta.model)}

    @classmethod
    def masked_amounts(cls) -> list[str]:
        """Output fields that are null when masked (documented as nullable in the schema)."""
        out = []
        for name, path in cls.personal_paths().items():
            model = cls.Meta.model
            *hops, field = path.split("__")
            for hop in hops:
                model = model._meta.get_field(hop).related_model
            if personal.personal_fields(model).get(field) == personal.AMOUNT:
                out.append(name)
        return out

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = request_user(self)
        for name, path in self.personal_paths().items():
            if name in data:
                value, in_full = personal.reveal_shown(user, instance, path)  # notes a full view
                if not in_full:
                    data[name] = value  # masked; shown in full, DRF's own formatting stays
        return data
