"""Serializers of the worker-services API: they validate shapes and resolve codes; services write.

The seven registers share one base (``RecordSerializer``): ``region`` takes a division code
among the regions the user may record worker services in (``selectors.service_regions``, any
level of their scope: outside it a code is simply not found), resident IDs are masked for
users without the personal-data right (the models' ``personal_fields``), and the writable
fields are the services' ``*_FIELDS``. ``record_serializer`` declares each register in a few
lines: its fields, the read-only figures it shows, the fields it declares itself.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import PersonalDataMixin, RegionCodeField, ServiceModelSerializer

from .. import selectors, services
from ..choices import LoanStatus
from ..models import EmploymentService, JobFair, MicroLoan, ReliefPayment, RightsCase, TrainingClass, Visit

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class RecordSerializer(ServiceModelSerializer):
    """What every worker-services record shows: its number, its region by code and name.
    ``record_serializer`` adds the masking of the register's resident IDs."""

    region = RegionCodeField(selectors.service_regions, label=_("region code"))

    #: what a create passes to its service when the request leaves a field out (an update
    #: leaves such a field as it is)
    create_defaults: ClassVar[dict[str, Any]] = {}

    def validate(self, attrs):
        if self.instance is None:
            attrs = {**self.create_defaults, **attrs}
        return attrs


def record_serializer(
    model: type[Model],
    fields: tuple[str, ...],
    *shown: str,
    read_only: tuple[str, ...] = (),
    **declared: Any,
) -> type[ServiceModelSerializer]:
    """The serializer of one register: ``id``, the service's ``fields``, the region's name,
    then ``shown`` (read-only: ``<choice>_display`` labels, status, figures); ``read_only``
    names model fields among them that only the workflow steps write; ``declared`` are
    fields declared here (identifiers typed loosely, computed values) and ``create_defaults``."""
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": ["id", *fields, "region_name", *shown],
            "read_only_fields": list(read_only),
        },
    )
    name = f"{model.__name__}Serializer"
    bases = (PersonalDataMixin, RecordSerializer)
    attrs = {"Meta": meta, "__doc__": model.__doc__, "__module__": __name__, **declared}
    return type(name, bases, attrs)


def _resident_id(label, **kwargs: Any) -> serializers.CharField:
    # typed loosely here: the service strips and capitalizes, the model's rule checks it
    return serializers.CharField(label=label, max_length=20, **kwargs)


def _optional(field_class: type[serializers.Field], label, **kwargs: Any) -> serializers.Field:
    return field_class(label=label, required=False, allow_null=True, **kwargs)


def _username(help_text) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text=help_text
    )


def _status(choices, help_text) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, read_only=True, help_text=help_text)


ReliefPaymentSerializer = record_serializer(
    ReliefPayment,
    services.RELIEF_FIELDS,
    "programme_display",
    "recipient_kind_display",
    "school_level_display",
    "status",
    "status_display",
    "filed_by",
    "decided_by",
    "decided_at",
    "decision_note",
    read_only=("status", "decided_at", "decision_note"),
    id_number=_resident_id(_("resident ID")),
    create_defaults={"paid_on": None},
    paid_on=_optional(
        serializers.DateField,
        _("paid on"),
        help_text=_(
            "Required for a payment within its programme's approval threshold; a payment above "
            "it is filed for approval (status pending) and gets its date when it is paid."
        ),
    ),
    filed_by=_username(_("Username of who filed the payment; they never approve it.")),
    decided_by=_username(_("Username of who approved or rejected the payment.")),
)

VisitSerializer = record_serializer(
    Visit,
    services.VISIT_FIELDS,
    "kind_display",
    credit_code=serializers.CharField(
        label=_("enterprise credit code"), max_length=20, required=False, allow_blank=True
    ),
    head_id_number=_resident_id(_("householder's resident ID"), required=False, allow_blank=True),
)

JobFairSerializer = record_serializer(JobFair, services.JOB_FAIR_FIELDS)

EmploymentServiceSerializer = record_serializer(
    EmploymentService, services.EMPLOYMENT_FIELDS, "kind_display", id_number=_resident_id(_("resident ID"))
)

TrainingClassSerializer = record_serializer(TrainingClass, services.TRAINING_FIELDS, "kind_display")

RightsCaseSerializer = record_serializer(
    RightsCase,
    services.CASE_FIELDS,
    "kind_display",
    "status",
    "status_display",
    "days_open",
    read_only=("status",),
    days_open=serializers.IntegerField(
        read_only=True, help_text=_("Days the case has been open: to its closing date, or to today.")
    ),
)

MicroLoanSerializer = record_serializer(
    MicroLoan,
    services.LOAN_FIELDS,
    "status",
    "status_display",
    id_number=_resident_id(_("resident ID")),
    due_on=_optional(
        serializers.DateField,
        _("due on"),
        help_text=_("Empty: due after the standard term (24 months after it was granted)."),
    ),
    status=_status(
        LoanStatus.choices, _("current, overdue (past its due date and not repaid) or repaid; computed")
    ),
)


# The inputs of the workflow steps ------------------------------------------------------------


class ReliefApproveSerializer(serializers.Serializer):
    note = serializers.CharField(
        label=_("note"), max_length=200, required=False, allow_blank=True, default=""
    )


class ReliefRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=200)


class ReliefPaySerializer(serializers.Serializer):
    paid_on = serializers.DateField(label=_("paid on"))


class CaseCloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField(label=_("closed on"))
    amount_recovered = serializers.DecimalField(
        label=_("amount recovered (yuan)"),
        required=False,
        help_text=_("Empty: the amount recorded so far stays."),
        **MONEY,
    )
    workers = serializers.IntegerField(
        label=_("workers involved"),
        min_value=0,
        required=False,
        help_text=_("Empty: the number recorded so far stays."),
    )


class LoanRepaySerializer(serializers.Serializer):
    repaid_on = serializers.DateField(label=_("repaid on"))
