"""Serializers of the unions API: they validate shapes and resolve codes; services write.

Union fields take the union *code*; the choices are the request user's CHANGE scope, so a
county user cannot write into another county (the code is simply not found).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import (
    CodeField,
    PersonalDataMixin,
    RegionCodeField,
    ScopedPrimaryKeyField,
    ServiceModelSerializer,
)
from apps.core.locking import VersionField
from apps.core.scoping import CHANGE, VIEW

from .. import selectors, services
from ..choices import KeyGroup
from ..models import CollectiveContract, GrassrootsUnion, JoinApplication, Member, MembershipTransfer


class UnionCodeField(CodeField):
    """A union by its code, looked up in the request user's scope for ``scope_action``
    (``"any"``: every union, e.g. the receiving union of a transfer)."""

    def __init__(self, scope_action: str = CHANGE, **kwargs):
        self.scope_action = scope_action
        kwargs.setdefault("error_messages", {"invalid": _("Enter a union code.")})
        super().__init__(
            GrassrootsUnion,
            self.unions,
            not_found=_("No union with code {value} in your scope."),
            **kwargs,
        )

    def unions(self, *, user) -> QuerySet[GrassrootsUnion]:
        if self.scope_action == "any":
            return GrassrootsUnion.objects.all()
        return GrassrootsUnion.objects.restrict(user, self.scope_action)


class UnionSerializer(ServiceModelSerializer):
    region = RegionCodeField(selectors.regions_for_unions, label=_("region code"))
    parent = UnionCodeField(scope_action=VIEW, required=False, allow_null=True, label=_("parent union code"))

    class Meta:
        model = GrassrootsUnion
        fields = ["id", *services.UNION_FIELDS, "kind_display", "region_name"]


class MemberSerializer(PersonalDataMixin, ServiceModelSerializer):
    union = UnionCodeField(label=_("union code"))
    id_number = serializers.CharField(label=_("resident ID"), max_length=20)
    version = VersionField()

    class Meta:
        model = Member
        fields = [
            "id",
            "union",
            *services.MEMBER_UPDATE_FIELDS,
            "union_name",
            "sex",
            "birth_date",
            "left_on",
            "status",
            "status_display",
            "version",
        ]
        read_only_fields = ["sex", "birth_date", "left_on", "status"]


class MemberLeaveSerializer(serializers.Serializer):
    left_on = serializers.DateField(label=_("left on"))
    note = serializers.CharField(label=_("note"), required=False, allow_blank=True, max_length=200)


class MemberTransferSerializer(serializers.Serializer):
    to_union = UnionCodeField(scope_action="any", label=_("to union code"))
    transferred_on = serializers.DateField(label=_("transfer date"))
    reason = serializers.CharField(label=_("reason"), required=False, allow_blank=True, max_length=200)


class TransferSerializer(ServiceModelSerializer):
    from_union = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_union = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = MembershipTransfer
        fields = [
            "id",
            "member",
            "member_name",
            "from_union",
            "from_union_name",
            "to_union",
            "to_union_name",
            "transferred_on",
            "status",
            "status_display",
            "reason",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class TransferCreateSerializer(MemberTransferSerializer):
    member = ScopedPrimaryKeyField(Member, label=_("member"))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=200)


class JoinApplicationSerializer(PersonalDataMixin, ServiceModelSerializer):
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # read-only fields lose the model's blank=True: declared so that the schema allows ""
    key_group = serializers.ChoiceField(choices=KeyGroup.choices, allow_blank=True, read_only=True)

    class Meta:
        model = JoinApplication
        fields = [
            "id",
            "union",
            "union_name",
            "name",
            "id_number",
            "phone",
            "ethnicity",
            "education",
            "household_type",
            "key_group",
            "status",
            "status_display",
            "reason",
            "submitted_at",
            "decided_at",
            "member",
        ]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    joined_on = serializers.DateField(label=_("joined on"), required=False, allow_null=True)


class ContractSerializer(ServiceModelSerializer):
    union = UnionCodeField(label=_("union code"))

    class Meta:
        model = CollectiveContract
        fields = ["id", *services.CONTRACT_FIELDS, "union_name", "kind_display"]
