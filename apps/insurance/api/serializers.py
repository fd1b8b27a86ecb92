"""Serializers of the insurance API: they validate shapes and resolve codes; services write.

Payouts are read-only everywhere: the system computes them (see apps.insurance.payout).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import PersonalDataMixin, request_user
from apps.core.locking import VersionField
from apps.core.scoping import CHANGE
from apps.unions.api.serializers import UnionCodeField
from apps.unions.models import Member

from ..models import Claim, Coverage, Enrollment, Plan


class PlanCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Plan.objects.all())
        kwargs.setdefault("error_messages", {"does_not_exist": _("No plan with code {value}.")})
        super().__init__(**kwargs)


def _username(source: str, help_text) -> serializers.CharField:
    return serializers.CharField(
        source=f"{source}.username", read_only=True, default=None, allow_null=True, help_text=help_text
    )


class PlanSerializer(serializers.ModelSerializer):
    product_display = serializers.CharField(source="get_product_display", read_only=True)
    review_mode_display = serializers.CharField(source="get_review_mode_display", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "code",
            "year",
            "product",
            "product_display",
            "fee",
            "coverage_start",
            "coverage_end",
            "deductible",
            "ratio",
            "cap_per_claim",
            "cap_per_year",
            "review_mode",
            "review_mode_display",
            "waiting_days",
            "enrollment_reopened",
        ]
        read_only_fields = ["enrollment_reopened"]
        extra_kwargs = {
            "code": {"validators": []},
            "review_mode": {
                "help_text": _(
                    "single: one prefecture or provincial reviewer may review and then approve a claim; "
                    "double: the approver must be someone other than the reviewer. Default single."
                )
            },
            "waiting_days": {
                "help_text": _(
                    "Waiting period in days (0 to 365, default 0): a member enrolled after the coverage "
                    "started is covered from the enrollment date plus this many days."
                )
            },
        }
        validators: list = []


class PlanReopenSerializer(serializers.Serializer):
    reopened = serializers.BooleanField(label=_("enrollment reopened"))


class EnrollmentMembersSerializer(serializers.Serializer):
    """Members by id, among those the user may change."""

    members = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Member.objects.none(), label=_("member ids"), allow_empty=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].child_relation.queryset = Member.objects.restrict(request_user(self), CHANGE)


class EnrollmentSerializer(serializers.ModelSerializer):
    plan = PlanCodeField(label=_("plan code"))
    union = UnionCodeField(label=_("union code"))
    union_name = serializers.CharField(source="union.name", read_only=True)
    covered_count = serializers.IntegerField(read_only=True)
    contribution = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    members = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Member.objects.none(), write_only=True, required=False, label=_("member ids")
    )

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "plan",
            "union",
            "union_name",
            "covered_count",
            "contribution",
            "note",
            "members",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "members" in self.fields:
            self.fields["members"].child_relation.queryset = Member.objects.restrict(
                request_user(self), CHANGE
            )


class CoverageSerializer(PersonalDataMixin, serializers.ModelSerializer):
    personal_output = {"id_number": "member__id_number"}

    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    id_number = serializers.CharField(source="member.id_number", read_only=True)

    class Meta:
        model = Coverage
        fields = ["id", "plan", "union", "member", "member_name", "id_number", "covered_from", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "covered_from": {
                "help_text": _(
                    "First day covered, for a member enrolled after the plan's coverage started "
                    "(the enrollment date plus the plan's waiting period); null: the whole plan period."
                )
            }
        }


class ClaimSerializer(PersonalDataMixin, serializers.ModelSerializer):
    personal_output = {"id_number": "coverage__member__id_number"}

    plan = serializers.CharField(source="coverage.plan.code", read_only=True)
    union = serializers.CharField(source="coverage.union.code", read_only=True)
    member = serializers.IntegerField(source="coverage.member_id", read_only=True)
    member_name = serializers.CharField(source="coverage.member.name", read_only=True)
    id_number = serializers.CharField(source="coverage.member.id_number", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    submitted_by = _username(
        "submitted_by", _("Username of who submitted the claim; they never review or approve it.")
    )
    reviewed_by = _username("reviewed_by", _("Username of who reviewed the claim."))
    approved_by = _username("approved_by", _("Username of who approved the claim."))
    decided_by = _username(
        "decided_by", _("Username of who took the latest decision (review … payment or rejection).")
    )
    version = VersionField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "number",
            "plan",
            "union",
            "member",
            "member_name",
            "id_number",
            "admitted_on",
            "discharged_on",
            "total_expense",
            "basic_insurance_paid",
            "status",
            "status_display",
            "payout",
            "year_used_before",
            "paid_on",
            "reject_reason",
            "submitted_at",
            "submitted_by",
            "reviewed_by",
            "approved_by",
            "decided_at",
            "decided_by",
            "version",
        ]
        read_only_fields = [
            "number",
            "status",
            "payout",
            "year_used_before",
            "paid_on",
            "reject_reason",
            "submitted_at",
            "decided_at",
        ]
        validators: list = []


class ClaimCreateSerializer(serializers.Serializer):
    plan = PlanCodeField(label=_("plan code"))
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.none(), label=_("member id"))
    number = serializers.CharField(label=_("claim number"), max_length=32, required=False, allow_blank=True)
    admitted_on = serializers.DateField(label=_("admitted on"))
    discharged_on = serializers.DateField(label=_("discharged on"))
    total_expense = serializers.DecimalField(
        label=_("total medical expense"), max_digits=14, decimal_places=2, min_value=0
    )
    basic_insurance_paid = serializers.DecimalField(
        label=_("paid by basic medical insurance"), max_digits=14, decimal_places=2, min_value=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.restrict(request_user(self), CHANGE)


class ClaimUpdateSerializer(serializers.Serializer):
    admitted_on = serializers.DateField(label=_("admitted on"), required=False)
    discharged_on = serializers.DateField(label=_("discharged on"), required=False)
    total_expense = serializers.DecimalField(
        label=_("total medical expense"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    basic_insurance_paid = serializers.DecimalField(
        label=_("paid by basic medical insurance"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )


class ClaimRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=200)


class ClaimPaySerializer(serializers.Serializer):
    paid_on = serializers.DateField(label=_("paid on"), required=False, allow_null=True)


class PayoutBreakdownSerializer(serializers.Serializer):
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    basic_paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    eligible = serializers.DecimalField(max_digits=14, decimal_places=2)
    deductible = serializers.DecimalField(max_digits=14, decimal_places=2)
    above_deductible = serializers.DecimalField(max_digits=14, decimal_places=2)
    ratio = serializers.DecimalField(max_digits=5, decimal_places=4)
    by_ratio = serializers.DecimalField(max_digits=20, decimal_places=6)
    cap_per_claim = serializers.DecimalField(max_digits=14, decimal_places=2)
    cap_per_year = serializers.DecimalField(max_digits=14, decimal_places=2)
    used_before = serializers.DecimalField(max_digits=14, decimal_places=2)
    year_room = serializers.DecimalField(max_digits=14, decimal_places=2)
    limited_by = serializers.CharField()
    payout = serializers.DecimalField(max_digits=14, decimal_places=2)
