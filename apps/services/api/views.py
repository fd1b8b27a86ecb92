"""Thin API of the worker-services domain: one scoped CRUD viewset per register, declared in
``REGISTERS``; every write goes through apps.services.services, every read through the
selectors the pages use.

The workflow steps are explicit actions with an input serializer (``ReliefSteps``,
``CaseSteps``, ``LoanSteps``); a step the service refuses is a 400 whose message says why (or,
for a relief decision, who may take it), and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from apps.core.admin_base import ServiceWrites
from apps.core.api.base import RecordStep, ScopedModelViewSet

from .. import selectors, services
from ..filtersets import (
    EmploymentServiceFilterSet,
    JobFairFilterSet,
    LoanFilterSet,
    ReliefFilterSet,
    RightsCaseFilterSet,
    TrainingFilterSet,
    VisitFilterSet,
)
from ..models import EmploymentService, JobFair, MicroLoan, ReliefPayment, RightsCase, TrainingClass, Visit
from .serializers import (
    CaseCloseSerializer,
    EmploymentServiceSerializer,
    JobFairSerializer,
    LoanRepaySerializer,
    MicroLoanSerializer,
    ReliefApproveSerializer,
    ReliefPaymentSerializer,
    ReliefPaySerializer,
    ReliefRejectSerializer,
    RightsCaseSerializer,
    TrainingClassSerializer,
    VisitSerializer,
)


class RecordViewSet(ScopedModelViewSet):
    """The base of the seven registers: full CRUD through the services, search, filters,
    ordering and pagination; the workflow steps are ``RecordStep``s, ``queue`` lists a
    selector's rows."""

    def queue(self, queryset: QuerySet):
        """A selector's rows with the list's filters, ordering (the action's) and pagination."""
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# The workflow steps -------------------------------------------------------------------------

_DECISION = (
    "Refused with 400 (nothing changed) when the payment is not awaiting approval or the user "
    "may not decide it: staff of the level above the payment's region, never whoever filed it "
    "or last changed it (four eyes); the message says who may."
)


# What each step does (the schema's description). A relief decision is taken by the level
# above: it is open to whoever sees the payment ("view"), and the service says who may.
_DOCS = {
    "approve": "pending → approved, with an optional note. " + _DECISION,
    "reject": "pending → rejected, with the reason (required). " + _DECISION,
    "pay": (
        "approved → paid on the date given (not in the future), by staff who may change the "
        "payment's region. Refused with 400 when the payment is not approved."
    ),
    "start": "received → in progress. Refused with 400 when the case is not received.",
    "close": (
        "received or in progress → closed on the date given (not in the future), with the "
        "amount recovered and the workers involved. Refused with 400 when already closed."
    ),
    "repay": "Record that the loan was repaid in full. Refused with 400 when already repaid.",
}


def _step(service: Callable, body: type[serializers.Serializer] | None, doc: str, permission: str = "change"):
    """A step of a register (its ``serializer_class`` answers), with the model permission it needs."""
    return RecordStep(service, body, description=_DOCS[doc], write_permission_action=permission)


class ReliefSteps:
    """A payment above its programme's threshold is filed as pending; the level above approves
    or rejects it; staff of the payment's region then pay it (only then is it counted)."""

    serializer_class = ReliefPaymentSerializer
    approve = _step(services.relief_approve, ReliefApproveSerializer, "approve", "view")
    reject = _step(services.relief_reject, ReliefRejectSerializer, "reject", "view")
    pay = _step(services.relief_pay, ReliefPaySerializer, "pay")


class CaseSteps:
    """A rights case goes received → in progress (``start``) → closed (``close``)."""

    serializer_class = RightsCaseSerializer
    start = _step(services.case_start, None, "start")
    close = _step(services.case_close, CaseCloseSerializer, "close")

    @extend_schema(
        responses={200: RightsCaseSerializer(many=True)},
        description="The cases not closed, the oldest first, with the days each has been open.",
    )
    @action(detail=False, methods=["get"], url_path="open", url_name="open", ordering=["received_on", "id"])
    def open_cases(self, request):
        return self.queue(selectors.open_case_list(user=request.user))


class LoanSteps:
    """A micro-loan is current until its due date, then overdue until it is repaid."""

    serializer_class = MicroLoanSerializer
    repay = _step(services.loan_repay, LoanRepaySerializer, "repay")

    @extend_schema(
        responses={200: MicroLoanSerializer(many=True)},
        description="Loans past their due date and not repaid, the longest overdue first.",
    )
    @action(detail=False, methods=["get"], ordering=["due_on", "id"])
    def overdue(self, request):
        return self.queue(selectors.overdue_loan_list(user=request.user, today=timezone.localdate()))


# The registers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Register:
    """What one register's API is made of; the rest is ``RecordViewSet``'s."""

    prefix: str  # URL prefix under /api/v1/services/
    basename: str  # URL names: api:<basename>-list, -detail, actions
    model: type
    serializer: type[serializers.Serializer]
    filterset: type
    selector: Callable[..., QuerySet]
    writes: ServiceWrites
    dated: str  # the register's own date: default ordering newest first
    doc: str
    search: tuple[str, ...] = ("name",)
    orderable: tuple[str, ...] = ()
    steps: tuple[type, ...] = ()

    def viewset(self) -> type[RecordViewSet]:
        attrs = {
            "__doc__": self.doc,
            "__module__": __name__,
            "queryset": self.model.objects.all(),
            "selector": staticmethod(self.selector),
            "writes": self.writes,
            "serializer_class": self.serializer,
            "filterset_class": self.filterset,
            "search_fields": ["^number", *self.search],
            "ordering_fields": ["number", self.dated, *self.orderable, "id"],
            "ordering": [f"-{self.dated}", "-id"],
        }
        return type(f"{self.model.__name__}ViewSet", (*self.steps, RecordViewSet), attrs)


# fmt: off
REGISTERS = (
    Register(
        "relief-payments", "services-relief", ReliefPayment, ReliefPaymentSerializer, ReliefFilterSet,
        selectors.relief_list, ServiceWrites.named(services, "relief", record="payment"), "paid_on",
        search=("name", "student_name", "=id_number"), orderable=("amount", "programme", "status"),
        steps=(ReliefSteps,),
        doc="Relief payments (专项帮扶发放) to workers, filed households or not. " + ReliefSteps.__doc__,
    ),
    Register(
        "visits", "services-visit", Visit, VisitSerializer, VisitFilterSet,
        selectors.visit_list, ServiceWrites.named(services, "visit"), "visited_on",
        search=("name", "=credit_code", "=head_id_number"), orderable=("amount",),
        doc="Warmth visits (走访慰问) to an enterprise (credit code) or a household (householder's ID).",
    ),
    Register(
        "job-fairs", "services-job-fair", JobFair, JobFairSerializer, JobFairFilterSet,
        selectors.job_fair_list, ServiceWrites.named(services, "job_fair"), "held_on",
        orderable=("positions", "attendees"),
        doc="Spring job fairs (春送岗位专场招聘会): enterprises, positions and job seekers attending.",
    ),
    Register(
        "employment-services", "services-employment", EmploymentService, EmploymentServiceSerializer,
        EmploymentServiceFilterSet, selectors.employment_service_list,
        ServiceWrites.named(services, "employment_service", record="service"), "served_on",
        search=("name", "=id_number"),
        doc="Employment services (就业服务) to one worker, and whether they were placed in a job.",
    ),
    Register(
        "training-classes", "services-training", TrainingClass, TrainingClassSerializer, TrainingFilterSet,
        selectors.training_list, ServiceWrites.named(services, "training"), "start_date",
        orderable=("end_date", "trainees"),
        doc="Training classes (培训班): vocational skills, migrant workers, union cadres.",
    ),
    Register(
        "rights-cases", "services-case", RightsCase, RightsCaseSerializer, RightsCaseFilterSet,
        selectors.case_list, ServiceWrites.named(services, "case"), "received_on",
        search=("summary",), orderable=("closed_on", "amount_recovered", "status"),
        steps=(CaseSteps,),
        doc="Rights cases (维权案件). " + CaseSteps.__doc__ + " ``open/`` lists the open ones, oldest first.",
    ),
    Register(
        "micro-loans", "services-loan", MicroLoan, MicroLoanSerializer, LoanFilterSet,
        selectors.loan_list, ServiceWrites.named(services, "loan"), "granted_on",
        search=("name", "=id_number"), orderable=("amount", "due_on", "repaid_on"),
        steps=(LoanSteps,),
        doc="Micro-loans (小额贷款) to workers starting a business. " + LoanSteps.__doc__
        + " ``overdue/`` lists the overdue ones.",
    ),
)
# fmt: on

VIEWSETS: dict[str, type[RecordViewSet]] = {register.basename: register.viewset() for register in REGISTERS}
