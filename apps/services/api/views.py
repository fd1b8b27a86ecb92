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
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from apps.core.api.base import ScopedModelViewSet
from apps.core.scoping import VIEW

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
    ordering and pagination; ``step`` runs a workflow step, ``queue`` lists a selector's rows."""

    # Steps taken on a record the user can see but not change (the level above decides a
    # relief payment): the service's decision step says who may.
    decision_actions: ClassVar[tuple[str, ...]] = ()
    write_permission_action: str | None = None  # set per action below

    def scope_action(self) -> str:
        if self.action in self.decision_actions:
            return VIEW
        return super().scope_action()

    def step(self, service: Callable[..., Any], input_serializer: type[serializers.Serializer] | None = None):
        """The record first (outside the scope is a 404 whatever the input), then the input,
        then the service; the answer is the record as a GET shows it."""
        record = self.get_object()
        data = self.validated(input_serializer) if input_serializer is not None else {}
        return self.respond(service(**{self.record_kwarg: record}, user=self.request.user, **data))

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


class ReliefSteps:
    """A payment above its programme's threshold is filed as pending; the level above approves
    or rejects it; staff of the payment's region then pay it (only then is it counted)."""

    decision_actions = ("approve", "reject")

    @extend_schema(
        request=ReliefApproveSerializer,
        responses={200: ReliefPaymentSerializer},
        description="pending → approved, with an optional note. " + _DECISION,
    )
    @action(detail=True, methods=["post"], write_permission_action="view")
    def approve(self, request, pk=None):
        return self.step(services.relief_approve, ReliefApproveSerializer)

    @extend_schema(
        request=ReliefRejectSerializer,
        responses={200: ReliefPaymentSerializer},
        description="pending → rejected, with the reason (required). " + _DECISION,
    )
    @action(detail=True, methods=["post"], write_permission_action="view")
    def reject(self, request, pk=None):
        return self.step(services.relief_reject, ReliefRejectSerializer)

    @extend_schema(
        request=ReliefPaySerializer,
        responses={200: ReliefPaymentSerializer},
        description=(
            "approved → paid on the date given (not in the future), by staff who may change the "
            "payment's region. Refused with 400 when the payment is not approved."
        ),
    )
    @action(detail=True, methods=["post"], write_permission_action="change")
    def pay(self, request, pk=None):
        return self.step(services.relief_pay, ReliefPaySerializer)


class CaseSteps:
    """A rights case goes received → in progress (``start``) → closed (``close``)."""

    @extend_schema(
        request=None,
        responses={200: RightsCaseSerializer},
        description="received → in progress. Refused with 400 when the case is not received.",
    )
    @action(detail=True, methods=["post"], write_permission_action="change")
    def start(self, request, pk=None):
        return self.step(services.case_start)

    @extend_schema(
        request=CaseCloseSerializer,
        responses={200: RightsCaseSerializer},
        description=(
            "received or in progress → closed on the date given (not in the future), with the "
            "amount recovered and the workers involved. Refused with 400 when already closed."
        ),
    )
    @action(detail=True, methods=["post"], write_permission_action="change")
    def close(self, request, pk=None):
        return self.step(services.case_close, CaseCloseSerializer)

    @extend_schema(
        responses={200: RightsCaseSerializer(many=True)},
        description="The cases not closed, the oldest first, with the days each has been open.",
    )
    @action(detail=False, methods=["get"], url_path="open", url_name="open", ordering=["received_on", "id"])
    def open_cases(self, request):
        return self.queue(selectors.open_case_list(user=request.user))


class LoanSteps:
    """A micro-loan is current until its due date, then overdue until it is repaid."""

    @extend_schema(
        request=LoanRepaySerializer,
        responses={200: MicroLoanSerializer},
        description="Record that the loan was repaid in full. Refused with 400 when already repaid.",
    )
    @action(detail=True, methods=["post"], write_permission_action="change")
    def repay(self, request, pk=None):
        return self.step(services.loan_repay, LoanRepaySerializer)

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
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    record: str  # the keyword under which the services take the record
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
            "create_service": staticmethod(self.create),
            "update_service": staticmethod(self.update),
            "destroy_service": staticmethod(self.delete),
            "record_kwarg": self.record,
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
        selectors.relief_list, services.relief_create, services.relief_update, services.relief_delete,
        "payment", "paid_on", search=("name", "student_name", "=id_number"),
        orderable=("amount", "programme", "status"), steps=(ReliefSteps,),
        doc="Relief payments (专项帮扶发放) to workers, filed households or not. " + ReliefSteps.__doc__,
    ),
    Register(
        "visits", "services-visit", Visit, VisitSerializer, VisitFilterSet,
        selectors.visit_list, services.visit_create, services.visit_update, services.visit_delete,
        "visit", "visited_on", search=("name", "=credit_code", "=head_id_number"), orderable=("amount",),
        doc="Warmth visits (走访慰问) to an enterprise (credit code) or a household (householder's ID).",
    ),
    Register(
        "job-fairs", "services-job-fair", JobFair, JobFairSerializer, JobFairFilterSet,
        selectors.job_fair_list, services.job_fair_create, services.job_fair_update, services.job_fair_delete,
        "job_fair", "held_on", orderable=("positions", "attendees"),
        doc="Spring job fairs (春送岗位专场招聘会): enterprises, positions and job seekers attending.",
    ),
    Register(
        "employment-services", "services-employment", EmploymentService, EmploymentServiceSerializer,
        EmploymentServiceFilterSet, selectors.employment_service_list, services.employment_service_create,
        services.employment_service_update, services.employment_service_delete,
        "service", "served_on", search=("name", "=id_number"),
        doc="Employment services (就业服务) to one worker, and whether they were placed in a job.",
    ),
    Register(
        "training-classes", "services-training", TrainingClass, TrainingClassSerializer, TrainingFilterSet,
        selectors.training_list, services.training_create, services.training_update, services.training_delete,
        "training", "start_date", orderable=("end_date", "trainees"),
        doc="Training classes (培训班): vocational skills, migrant workers, union cadres.",
    ),
    Register(
        "rights-cases", "services-case", RightsCase, RightsCaseSerializer, RightsCaseFilterSet,
        selectors.case_list, services.case_create, services.case_update, services.case_delete,
        "case", "received_on", search=("summary",), orderable=("closed_on", "amount_recovered", "status"),
        steps=(CaseSteps,),
        doc="Rights cases (维权案件). " + CaseSteps.__doc__ + " ``open/`` lists the open ones, oldest first.",
    ),
    Register(
        "micro-loans", "services-loan", MicroLoan, MicroLoanSerializer, LoanFilterSet,
        selectors.loan_list, services.loan_create, services.loan_update, services.loan_delete,
        "loan", "granted_on", search=("name", "=id_number"), orderable=("amount", "due_on", "repaid_on"),
        steps=(LoanSteps,),
        doc="Micro-loans (小额贷款) to workers starting a business. " + LoanSteps.__doc__
        + " ``overdue/`` lists the overdue ones.",
    ),
)
# fmt: on

VIEWSETS: dict[str, type[RecordViewSet]] = {register.basename: register.viewset() for register in REGISTERS}
