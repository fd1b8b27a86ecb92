"""Serializers of the insurance API: they validate shapes and resolve codes; services write.

Payouts are read-only everywhere: the system computes them (see apps.insurance.payout).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import (
    CodeField,
    PersonalDataMixin,
    ScopedPrimaryKeyField,
    ServiceModelSerializer,
)
from apps.core.locking import VersionField
from apps.unions.public import Member, UnionCodeField

from .. import services
from ..decisions import CLAIM_TRAIL_FIELDS
from ..models import Claim, Coverage, Enrollment, Plan


def _plan_code_field(**kwargs) -> CodeField:
    # plans are provincial products: every user may name any of them
    return CodeField(Plan, not_found=_("No plan with code {value}."), label=_("plan code"), **kwargs)


def _username(source: str, help_text) -> serializers.CharField:
    return serializers.CharField(
        source=f"{source}.username", read_only=True, default=None, allow_null=True, help_text=help_text
    )


class PlanSerializer(ServiceModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            *services.PLAN_FIELDS,
            "product_display",
            "review_mode_display",
            "enrollment_reopened",
        ]
        read_only_fields = ["enrollment_reopened"]
        extra_kwargs = {
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
            "invoice_required": {
                "help_text": _(
                    "Whether a claim under the plan is approved only with at least one invoice attached "
                    "(attachment kind invoice). Default true."
                )
            },
        }


class PlanReopenSerializer(serializers.Serializer):
    reopened = serializers.BooleanField(label=_("enrollment reopened"))


class EnrollmentMembersSerializer(serializers.Serializer):
    """Members by id, among those the user may change."""

    members = ScopedPrimaryKeyField(Member, many=True, label=_("member ids"), allow_empty=False)


class EnrollmentSerializer(ServiceModelSerializer):
    plan = _plan_code_field()
    union = UnionCodeField(label=_("union code"))
    covered_count = serializers.IntegerField(read_only=True)
    contribution = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    members = ScopedPrimaryKeyField(Member, many=True, write_only=True, required=False, label=_("member ids"))

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


class CoverageSerializer(PersonalDataMixin, ServiceModelSerializer):
    personal_output = {"id_number": "member__id_number"}

    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    union = serializers.SlugRelatedField(slug_field="code", read_only=True)
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


class ClaimSerializer(PersonalDataMixin, ServiceModelSerializer):
    personal_output = {"id_number": "coverage__member__id_number"}

    plan = serializers.CharField(source="coverage.plan.code", read_only=True)
    union = serializers.CharField(source="coverage.union.code", read_only=True)
    member = serializers.IntegerField(source="coverage.member_id", read_only=True)
    member_name = serializers.CharField(source="coverage.member.name", read_only=True)
    id_number = serializers.CharField(source="coverage.member.id_number", read_only=True)
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
            *CLAIM_TRAIL_FIELDS,
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


class ClaimCreateSerializer(serializers.Serializer):
    plan = _plan_code_field()
    member = ScopedPrimaryKeyField(Member, label=_("member id"))
    number = serializers.CharField(label=_("claim number"), max_length=32, required=False, allow_blank=True)
    admitted_on = serializers.DateField(label=_("admitted on"))
    discharged_on = serializers.DateField(label=_("discharged on"))
    total_expense = serializers.DecimalField(
        label=_("total medical expense"), max_digits=14, decimal_places=2, min_value=0
    )
    basic_insurance_paid = serializers.DecimalField(
        label=_("paid by basic medical insurance"), max_digits=14, decimal_places=2, min_value=0
    )


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
