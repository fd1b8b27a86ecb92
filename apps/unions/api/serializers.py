"""Serializers of the unions API: they validate shapes and resolve codes; services write.

Union fields take the union *code*; the choices are the request user's CHANGE scope, so a
county user cannot write into another county (the code is simply not found).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import PersonalDataMixin, request_user
from apps.core.locking import VersionField
from apps.core.models import Region
from apps.core.scoping import CHANGE, VIEW

from .. import selectors
from ..choices import KeyGroup
from ..models import CollectiveContract, GrassrootsUnion, JoinApplication, Member, MembershipTransfer


class UnionCodeField(serializers.SlugRelatedField):
    """A union by its code, looked up in the request user's scope for ``scope_action``."""

    def __init__(self, scope_action: str = CHANGE, **kwargs):
        self.scope_action = scope_action
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", GrassrootsUnion.objects.none())
        kwargs.setdefault(
            "error_messages",
            {
                "does_not_exist": _("No union with code {value} in your scope."),
                "invalid": _("Enter a union code."),
            },
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        user = request_user(self.root)
        if self.scope_action == "any":
            return GrassrootsUnion.objects.all()
        return GrassrootsUnion.objects.restrict(user, self.scope_action)


class RegionCodeField(serializers.SlugRelatedField):
    """A region by its division code, among those the user may place unions in."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.none())
        kwargs.setdefault(
            "error_messages", {"does_not_exist": _("No region with code {value} in your scope.")}
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        return selectors.regions_for_unions(user=request_user(self.root))


class UnionSerializer(serializers.ModelSerializer):
    region = RegionCodeField(label=_("region code"))
    region_name = serializers.CharField(source="region.name", read_only=True)
    parent = UnionCodeField(scope_action=VIEW, required=False, allow_null=True, label=_("parent union code"))
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = GrassrootsUnion
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_display",
            "region",
            "region_name",
            "parent",
            "employer_name",
            "employer_credit_code",
            "credit_code",
            "founded_on",
            "dissolved_on",
            "chair",
            "normalized_year",
            "demonstration_year",
            "congress_since",
            "disclosure_since",
        ]
        # Uniqueness and the model rules are checked by the services, with our messages.
        extra_kwargs = {"code": {"validators": []}}
        validators: list = []


class MemberSerializer(PersonalDataMixin, serializers.ModelSerializer):
    union = UnionCodeField(label=_("union code"))
    union_name = serializers.CharField(source="union.name", read_only=True)
    id_number = serializers.CharField(label=_("resident ID"), max_length=20)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    version = VersionField()

    class Meta:
        model = Member
        fields = [
            "id",
            "union",
            "union_name",
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
            "left_on",
            "status",
            "status_display",
            "version",
        ]
        read_only_fields = ["sex", "birth_date", "left_on", "status"]
        validators: list = []


class MemberLeaveSerializer(serializers.Serializer):
    left_on = serializers.DateField(label=_("left on"))
    note = serializers.CharField(label=_("note"), required=False, allow_blank=True, max_length=200)


class MemberTransferSerializer(serializers.Serializer):
    to_union = UnionCodeField(scope_action="any", label=_("to union code"))
    transferred_on = serializers.DateField(label=_("transfer date"))
    reason = serializers.CharField(label=_("reason"), required=False, allow_blank=True, max_length=200)


class TransferSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    from_union = serializers.SlugRelatedField(slug_field="code", read_only=True)
    from_union_name = serializers.CharField(source="from_union.name", read_only=True)
    to_union = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_union_name = serializers.CharField(source="to_union.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

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
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.none(), label=_("member"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.restrict(request_user(self), CHANGE)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=200)


class JoinApplicationSerializer(PersonalDataMixin, serializers.ModelSerializer):
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)
    union_name = serializers.CharField(source="union.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
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


class ContractSerializer(serializers.ModelSerializer):
    union = UnionCodeField(label=_("union code"))
    union_name = serializers.CharField(source="union.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CollectiveContract
        fields = [
            "id",
            "number",
            "union",
            "union_name",
            "kind",
            "kind_display",
            "signed_on",
            "expires_on",
            "covered_enterprises",
            "covered_workers",
        ]
        extra_kwargs = {"number": {"validators": []}}
        validators: list = []
