"""Serializers of the hardship API: they validate shapes and resolve references; services write.

Resident IDs and incomes are masked for users without the personal-data right (incomes as null)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import PersonalDataMixin, ScopedPrimaryKeyField, ServiceModelSerializer
from apps.core.locking import VersionField
from apps.core.scoping import CHANGE
from apps.unions.public import UnionCodeField

from .. import services
from ..choices import Category, Cause, Step
from ..decisions import prefetch_review_editors
from ..models import Disbursement, FamilyMember, Household


class FamilyMemberSerializer(PersonalDataMixin, ServiceModelSerializer):
    household = ScopedPrimaryKeyField(Household)

    class Meta:
        model = FamilyMember
        fields = ["id", "household", "name", "id_number", "relation", "monthly_income", "health"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["household"].read_only = True  # a family member stays with their household
        return fields


# What the filer enters; the rest of a household is computed or set by the filing steps.
HOUSEHOLD_INPUTS = ("union", *services.HOUSEHOLD_UPDATE_FIELDS)


class HouseholdListSerializer(serializers.ListSerializer):
    """A page of households reads who last edited each (the review's exclusion) in one query."""

    def to_representation(self, data):
        households = list(data.all() if hasattr(data, "all") else data)
        prefetch_review_editors(households)
        return super().to_representation(households)


class HouseholdSerializer(PersonalDataMixin, ServiceModelSerializer):
    union = UnionCodeField(scope_action=CHANGE)
    causes = serializers.ListField(child=serializers.ChoiceField(choices=Cause.choices), allow_empty=False)
    next_step = serializers.SerializerMethodField(
        help_text=_(
            "The filing step that can be taken now; null when none can, e.g. while the public "
            "notice runs (waiting_reason says why). The review (review) is offered only after "
            "the notice has ended and while no objection is open."
        )
    )
    waiting_reason = serializers.SerializerMethodField(
        help_text=_("Why the next step cannot be taken yet, or null.")
    )
    suggested_category = serializers.SerializerMethodField()
    members = FamilyMemberSerializer(many=True, read_only=True)
    version = VersionField()

    class Meta:
        model = Household
        list_serializer_class = HouseholdListSerializer
        fields = [
            "id",
            *HOUSEHOLD_INPUTS,
            "suggested_category",
            "family_size",
            "family_income",
            "per_capita_income",
            "living_standard",
            "status",
            "status_display",
            "next_step",
            "waiting_reason",
            "notice_ends_on",
            "filed_on",
            "exited_on",
            "exit_reason",
            "last_checked_on",
            "imported",
            "previous",
            "members",
            "created_at",
            "version",
        ]
        read_only_fields = [f for f in fields if f not in HOUSEHOLD_INPUTS]

    def get_next_step(self, obj) -> str | None:
        step = services.next_step(obj)
        if step == Step.REVIEW and services.review_waits(obj):
            return None
        return step

    def get_waiting_reason(self, obj) -> str | None:
        return services.review_waits(obj)

    def get_suggested_category(self, obj) -> str:
        return services.suggested_category(per_capita=obj.per_capita_income, standard=obj.living_standard)

    def to_representation(self, instance):
        causes = instance.cause_list
        data = super().to_representation(instance)
        data["causes"] = causes
        return data


class AdvanceSerializer(serializers.Serializer):
    step = serializers.ChoiceField(
        choices=[(s, Step(s).label) for s in services.STEP_RESULT], label=_("step")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    attachments = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True, default="")


class HouseholdReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("approve", _("approve and file")), ("send_back", _("send back to deliberation"))],
        help_text=_(
            "approve: file the household; send_back: return the filing to deliberation (评议), "
            "with the reason in note."
        ),
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The review's note; the reason, required when sending back."),
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ExitSerializer(serializers.Serializer):
    exited_on = serializers.DateField()
    reason = serializers.CharField(max_length=200)


class RecheckSerializer(serializers.Serializer):
    checked_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DisbursementSerializer(ServiceModelSerializer):
    household = ScopedPrimaryKeyField(Household)
    number = serializers.CharField(required=False, allow_blank=True, max_length=32)

    class Meta:
        model = Disbursement
        fields = ["id", "number", "household", "kind", "amount", "paid_on", "fund_source", "student_name"]
