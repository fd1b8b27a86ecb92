from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from .. import personal
from ..models import AuditEntry, Region
from ..scoping import CHANGE


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
    """An entry. A batch entry (a bulk write) has no ``object_id`` but ``object_count``
    records and the changed ``fields``; filtered by ``object_id`` it also gives that record's
    ``line`` in the imported file and its own ``changes``."""

    model = serializers.CharField(source="content_type.model", read_only=True)
    line = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

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
            "object_count",
            "fields",
            "line",
            "changes",
            "note",
        ]

    def get_line(self, obj: AuditEntry) -> int | None:
        return getattr(obj, "batch_line", None)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_changes(self, obj: AuditEntry) -> dict:
        if obj.is_batch:
            return getattr(obj, "batch_changes", None) or {}
        return obj.changes


class ServiceModelSerializer(serializers.ModelSerializer):
    """The model serializer of an API whose writes are service calls. It checks shapes only:
    uniqueness and the model's rules are the service's, with its messages, so no unique
    validators are generated here (a duplicate code is the service's 400, never a second
    check with another wording).

    Two read-only conventions spare declarations in ``Meta.fields``: ``<field>_display`` is
    the label of a choice field, ``<relation>_name`` the name of the related record."""

    def get_validators(self) -> list:
        return []

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if "validators" in kwargs:
            kwargs["validators"] = [v for v in kwargs["validators"] if not isinstance(v, UniqueValidator)]
        return field_class, kwargs

    def build_unknown_field(self, field_name, model_class):
        base, _sep, suffix = field_name.rpartition("_")
        if suffix == "display" and hasattr(model_class, f"get_{base}_display"):
            return serializers.CharField, {"source": f"get_{base}_display", "read_only": True}
        if suffix == "name" and any(f.name == base and f.is_relation for f in model_class._meta.get_fields()):
            return serializers.CharField, {"source": f"{base}.name", "read_only": True}
        return super().build_unknown_field(field_name, model_class)


def request_user(serializer: serializers.Serializer) -> Any:
    """The user of the request a serializer works for (None outside a request)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class CodeField(serializers.SlugRelatedField):
    """A record of ``model`` by its code. With ``lookup`` (a selector taking ``user=``) the
    code is looked up among the records the request user may use there, so a code outside
    the scope is simply not found: a 400 with ``not_found``, never a leak."""

    def __init__(
        self,
        model: type[Model],
        lookup: Callable[..., QuerySet] | None = None,
        *,
        not_found: str | Promise,
        **kwargs: Any,
    ):
        self.lookup = lookup
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            manager = model._default_manager
            kwargs.setdefault("queryset", manager.all() if lookup is None else manager.none())
        kwargs["error_messages"] = {"does_not_exist": not_found, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)

    def get_queryset(self):
        if self.lookup is None:
            return super().get_queryset()
        return self.lookup(user=request_user(self.root))


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A record by its id among those of ``model`` the request user may reach for
    ``scope_action`` (change, by default): outside the scope an id is simply not found."""

    def __init__(self, model: type[Model], scope_action: str = CHANGE, **kwargs: Any):
        self.model, self.scope_action = model, scope_action
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model._default_manager.restrict(request_user(self.root), self.scope_action)


class RegionCodeField(CodeField):
    """A region by its division code, among ``regions(user=...)``: where the user may place
    the record (unions, talks) or organize it (competitions)."""

    def __init__(self, regions: Callable[..., QuerySet], **kwargs: Any):
        super().__init__(Region, regions, not_found=_("No region with code {value} in your scope."), **kwargs)


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
