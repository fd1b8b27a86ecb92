"""Staff pages of the worker-services domain: an overview, the seven registers, their workflow
steps and the work queues.

Each register is declared once as a ``Register``: its model, FilterSet, import template,
list columns and workflow ``Step``s; its selector (``selectors.<stem>_list``), services
(``services.<stem>_create`` / ``_update`` / ``_delete``) and form (from the fields its service
takes, ``services.*_FIELDS``) follow from it. The pages are the shared base classes below,
made concrete once per register at the end of this module (``ReliefListView``,
``ReliefDetailView``, ``ReliefCreateView``, ``ReliefUpdateView``, ``ReliefDeleteView``,
``ReliefApproveView``...), which ``urls.py`` routes with ``crud_urls``. One generic list
template and one detail template show them all.

Lists and details read through the selectors, forms and buttons write through the services,
whose ApplicationError is shown to the user; nothing here filters by region by hand.
Resident IDs are shown through ``apps.core.personal`` (masked without the right), and each
person's flags from the other domains come from one ``registry.flags_for`` call per page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django import forms as django_forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from apps.core import registry
from apps.core import views_base as generic
from apps.core.exceptions import ApplicationError
from apps.core.scoping import CHANGE, VIEW
from apps.core.templatetags.numbers import count, money

from . import decisions, filtersets, forms, selectors, services
from .choices import ReliefStatus
from .models import EmploymentService, JobFair, MicroLoan, ReliefPayment, RightsCase, TrainingClass, Visit

EMPTY = "—"
ID = "id_display"  # a column of the resident ID as the user may see it (apps.core.personal)


def display(record: Any, name: str) -> Any:
    """A record's attribute as people read it: a choice's label, a date, money to the fen,
    counts with thousands separators, yes/no, — for nothing."""
    getter = getattr(record, f"get_{name}_display", None)
    value = getter() if callable(getter) else getattr(record, name)
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, int):
        return count(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# The declarations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """A column of a list, or a line of a detail page: the record's ``field`` (a model field,
    ``ID``, or a property), labelled by the model field's verbose name unless ``label`` is
    given. ``sort``: sortable; ``link``: leads to the record's page; ``flags``: the person's
    flags from the other domains beside it; ``num``: a figure (default: from the model field)."""

    field: str
    label: Any = None
    sort: bool = False
    link: bool = False
    flags: bool = False
    num: bool | None = None


@dataclass(frozen=True)
class Step:
    """A POST-only step on a record: ``service(<record_kwarg>=record, user=..., **form data)``,
    then ``done`` (``%(number)s``, ``%(record)s``). A ``decision`` (approve, reject) is looked up
    in the view scope and left to the decision step of the service, whose refusal says who
    decides; the others need the ``permission`` and the change scope."""

    action: str
    service: Callable[..., Any]
    done: Any
    form: type[django_forms.Form] | None = None
    decision: bool = False
    permission: str = "change"


@dataclass(frozen=True)
class Register:
    """One register of the domain and everything its pages need to know about it."""

    name: str  # its views (ReliefListView...) and routes (services:relief-list...)
    path: str  # its URL prefix
    model: type[models.Model]
    stem: str  # selectors.<stem>_list, services.<stem>_create / _update / _delete
    record_kwarg: str  # how its services name the record
    fields: tuple[str, ...]  # what its form sets (services.*_FIELDS): also the detail page's lines
    filterset: type
    import_resource: str
    columns: tuple[Col, ...]
    id_field: str = ""  # the person's resident ID (personal data), if any
    flags: bool = False  # show the person's flags from the other domains
    extra_detail: tuple[Col, ...] = ()
    steps: tuple[Step, ...] = ()
    actions_template: str = ""  # the steps' buttons and forms on the detail page
    optional: tuple[str, ...] = ()  # form fields the service fills when left empty
    labels: dict[str, Any] = field(default_factory=dict)  # labels other than the verbose names
    context: Callable[[Any, Any], dict[str, Any]] | None = None  # more for the detail page
    created: Callable[[Any], str | None] | None = None  # a message for a new record
    delete_step: Step = field(init=False)

    def __post_init__(self) -> None:
        done = gettext_lazy("%(record)s %(number)s deleted.")
        delete = Step("delete", self.service("delete"), done, permission="delete")
        object.__setattr__(self, "delete_step", delete)  # frozen: set once, here

    # what follows from the declaration

    @property
    def slug(self) -> str:
        return self.name.lower()

    def route(self, action: str) -> str:
        return f"services:{self.slug}-{action}"

    @property
    def selector(self) -> Callable[..., Any]:
        return getattr(selectors, f"{self.stem}_list")

    def service(self, verb: str) -> Callable[..., Any]:
        return getattr(services, f"{self.stem}_{verb}")

    @cached_property
    def form(self) -> type[forms.RecordForm]:
        return forms.record_form(self.model, self.fields, optional=self.optional, labels=self.labels)

    @property
    def date_field(self) -> str:
        return self.filterset.date_field

    @property
    def all_steps(self) -> tuple[Step, ...]:
        return (*self.steps, self.delete_step)

    @property
    def actions(self) -> tuple[str, ...]:
        return (*generic.CRUD_ROUTES, *(step.action for step in self.all_steps))

    def verbose(self, plural: bool = False) -> str:
        opts = self.model._meta
        return str(opts.verbose_name_plural if plural else opts.verbose_name)

    def detail_columns(self) -> list[Col]:
        lines = [Col(ID, flags=self.flags) if name == self.id_field else Col(name) for name in self.fields]
        return [*lines, *self.extra_detail]

    # columns and cells

    def label(self, col: Col) -> Any:
        if col.label or col.field in self.labels:
            return col.label or self.labels[col.field]
        name = self.id_field if col.field == ID else col.field
        return capfirst(self.model._meta.get_field(name).verbose_name)

    def is_num(self, col: Col) -> bool:
        if col.num is not None:
            return col.num
        try:
            model_field = self.model._meta.get_field(col.field)
        except FieldDoesNotExist:
            return False
        return isinstance(model_field, models.DecimalField | models.IntegerField)

    def header(self, col: Col, sortable: Iterable[str]) -> dict[str, Any]:
        return {
            "field": col.field,
            "label": self.label(col),
            "num": self.is_num(col),
            "sort": col.field in sortable,
        }

    def cell(self, col: Col, record: Any) -> dict[str, Any]:
        return {
            "label": self.label(col),
            "value": display(record, col.field),
            "url": reverse(self.route("detail"), args=[record.pk]) if col.link else "",
            "num": self.is_num(col),
            "flags": getattr(record, "flag_labels", ()) if col.flags else (),
        }

    def attach_flags(self, records: list[Any], user: Any) -> None:
        """Each person's flags from the other domains (a model worker, in a filed hardship
        household...), whatever keys the registry answers: one question for the whole page."""
        if not self.flags:
            return
        found = registry.flags_for((getattr(r, self.id_field) for r in records), user=user)
        for record in records:
            keys = found.get((getattr(record, self.id_field) or "").strip().upper(), ())
            record.flag_labels = [registry.FLAGS.get(key, key) for key in sorted(keys)]


# Relief payments: the approval above the programme's threshold ------------------------------


def _decider_region(payment: ReliefPayment) -> Any:
    return payment.region.parent or payment.region


def _relief_created(payment: ReliefPayment) -> str | None:
    if payment.status != ReliefStatus.PENDING:
        return None
    return _(
        "Payment %(number)s is above the approval threshold of %(threshold)s yuan for its programme: "
        "it was sent to %(region)s for approval by the level above."
    ) % {
        "number": payment.number,
        "threshold": money(services.approval_threshold(payment.programme)),
        "region": _decider_region(payment),
    }


def _relief_context(user: Any, payment: ReliefPayment) -> dict[str, Any]:
    """A pending payment offers the decision to whom the step allows, and says to everyone
    else who decides and why not them."""
    if payment.status != ReliefStatus.PENDING:
        return {}
    refusal = decisions.RELIEF_APPROVAL.refusal(user, payment)
    return {
        "may_decide": refusal is None,
        "decide_refusal": refusal,
        "decider_region": _decider_region(payment),
        "threshold": money(services.approval_threshold(payment.programme)),
    }


# The seven registers ------------------------------------------------------------------------

PERSON = {"name": gettext_lazy("Full name")}  # a register of help to one worker

RELIEF = Register(
    name="Relief",
    path="relief/",
    model=ReliefPayment,
    stem="relief",
    record_kwarg="payment",
    fields=services.RELIEF_FIELDS,
    filterset=filtersets.ReliefFilterSet,
    import_resource="relief",
    columns=(
        Col("number", sort=True, link=True),
        Col("name", flags=True),
        Col(ID),
        Col("programme", sort=True),
        Col("recipient_kind"),
        Col("amount", sort=True),
        Col("paid_on", sort=True),
        Col("status", sort=True),
        Col("region"),
    ),
    id_field="id_number",
    flags=True,
    labels=PERSON,
    extra_detail=(Col("status"), Col("filed_by"), Col("decided_by"), Col("decided_at"), Col("decision_note")),
    steps=(
        Step(
            "approve",
            services.relief_approve,
            gettext_lazy("Payment %(number)s approved: it can now be paid."),
            forms.ApproveForm,
            decision=True,
        ),
        Step(
            "reject",
            services.relief_reject,
            gettext_lazy("Payment %(number)s rejected."),
            forms.RejectForm,
            decision=True,
        ),
        Step("pay", services.relief_pay, gettext_lazy("Payment %(number)s marked as paid."), forms.PayForm),
    ),
    actions_template="services/_relief_actions.html",
    context=_relief_context,
    created=_relief_created,
)

VISITS = Register(
    name="Visit",
    path="visits/",
    model=Visit,
    stem="visit",
    record_kwarg="visit",
    fields=services.VISIT_FIELDS,
    filterset=filtersets.VisitFilterSet,
    import_resource="visits",
    columns=(
        Col("number", sort=True, link=True),
        Col("visited_on", sort=True),
        Col("kind", sort=True),
        Col("name", flags=True),
        Col(ID),
        Col("credit_code"),
        Col("amount", sort=True),
        Col("region"),
    ),
    id_field="head_id_number",
    flags=True,
)

JOB_FAIRS = Register(
    name="JobFair",
    path="job-fairs/",
    model=JobFair,
    stem="job_fair",
    record_kwarg="job_fair",
    fields=services.JOB_FAIR_FIELDS,
    filterset=filtersets.JobFairFilterSet,
    import_resource="job_fairs",
    columns=(
        Col("number", sort=True, link=True),
        Col("name", sort=True),
        Col("held_on", sort=True),
        Col("region"),
        Col("enterprises", sort=True),
        Col("positions", sort=True),
        Col("attendees", sort=True),
    ),
)

EMPLOYMENT = Register(
    name="EmploymentService",
    path="employment/",
    model=EmploymentService,
    stem="employment_service",
    record_kwarg="service",
    fields=services.EMPLOYMENT_FIELDS,
    filterset=filtersets.EmploymentServiceFilterSet,
    import_resource="employment_services",
    columns=(
        Col("number", sort=True, link=True),
        Col("name", flags=True),
        Col(ID),
        Col("served_on", sort=True),
        Col("kind", sort=True),
        Col("placed", sort=True),
        Col("region"),
    ),
    id_field="id_number",
    flags=True,
    labels=PERSON,
)

TRAININGS = Register(
    name="Training",
    path="trainings/",
    model=TrainingClass,
    stem="training",
    record_kwarg="training",
    fields=services.TRAINING_FIELDS,
    filterset=filtersets.TrainingFilterSet,
    import_resource="trainings",
    columns=(
        Col("number", sort=True, link=True),
        Col("name", sort=True),
        Col("kind", sort=True),
        Col("start_date", sort=True),
        Col("end_date", sort=True),
        Col("trainees", sort=True),
        Col("region"),
    ),
)

DAYS_OPEN = Col("days_open", label=gettext_lazy("Days open"), num=True)

CASES = Register(
    name="RightsCase",
    path="cases/",
    model=RightsCase,
    stem="case",
    record_kwarg="case",
    fields=services.CASE_FIELDS,
    filterset=filtersets.RightsCaseFilterSet,
    import_resource="rights_cases",
    columns=(
        Col("number", sort=True, link=True),
        Col("received_on", sort=True),
        Col("kind", sort=True),
        Col("workers", sort=True),
        Col("amount_recovered", sort=True),
        Col("status", sort=True),
        Col("closed_on", sort=True),
        Col("region"),
    ),
    extra_detail=(Col("status"), DAYS_OPEN),
    steps=(
        Step("start", services.case_start, gettext_lazy("Case %(number)s taken up: it is in progress.")),
        Step("close", services.case_close, gettext_lazy("Case %(number)s closed."), forms.CloseCaseForm),
    ),
    actions_template="services/_case_actions.html",
)

LOAN_STATUS = Col("status", label=gettext_lazy("Status"))  # derived from the dates, not a field

LOANS = Register(
    name="Loan",
    path="loans/",
    model=MicroLoan,
    stem="loan",
    record_kwarg="loan",
    fields=services.LOAN_FIELDS,
    filterset=filtersets.LoanFilterSet,
    import_resource="loans",
    columns=(
        Col("number", sort=True, link=True),
        Col("name", flags=True),
        Col(ID),
        Col("granted_on", sort=True),
        Col("amount", sort=True),
        Col("jobs_created", sort=True),
        Col("due_on", sort=True),
        LOAN_STATUS,
        Col("region"),
    ),
    id_field="id_number",
    flags=True,
    labels=PERSON,
    extra_detail=(LOAN_STATUS,),
    steps=(
        Step(
            "repay", services.loan_repay, gettext_lazy("Loan %(number)s marked as repaid."), forms.RepayForm
        ),
    ),
    actions_template="services/_loan_actions.html",
    optional=("due_on",),
)

REGISTERS = (RELIEF, VISITS, JOB_FAIRS, EMPLOYMENT, TRAININGS, CASES, LOANS)


# The pages of a register --------------------------------------------------------------------


class RegisterMixin:
    """A page of one register (``register``): its model, selector and routes."""

    register: ClassVar[Register]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # the model and selector as class attributes, as every scoped view declares them
        super().__init_subclass__(**kwargs)
        register = cls.__dict__.get("register")
        if register is not None:
            cls.model = register.model
            cls.selector = staticmethod(register.selector)

    @property
    def route_base(self) -> str:
        return f"services:{self.register.slug}"

    def record_names(self, record: Any) -> dict[str, Any]:
        return {"record": self.register.verbose(), "number": record.number}


class RecordListView(RegisterMixin, generic.ScopedListView):
    """A register's list: its filters, sortable columns, import/export, flags and masked IDs.
    ``annotate_rows`` adds what a queue's row actions need."""

    template_name = "services/record_list.html"
    row_actions_template = ""
    lead: Any = ""

    @property
    def filterset_class(self):
        return self.register.filterset

    @property
    def ordering_fields(self) -> tuple[str, ...]:
        return tuple(col.field for col in self.register.columns if col.sort)

    @property
    def default_ordering(self) -> str:
        return f"-{self.register.date_field}"

    @property
    def import_resource(self) -> str:
        return self.register.import_resource

    @property
    def masked_id_field(self) -> str:
        return self.register.id_field

    @property
    def add_label(self) -> str:
        return _("Add %(record)s") % {"record": self.register.verbose()}

    def get_title(self) -> str:
        return capfirst(self.register.verbose(plural=True))

    def columns(self) -> tuple[Col, ...]:
        return self.register.columns

    def annotate_rows(self, rows: list[Any]) -> None:
        """Hook: what the row actions need, for the whole page at once."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        reg, rows = self.register, list(ctx["object_list"])
        reg.attach_flags(rows, self.request.user)
        self.annotate_rows(rows)
        columns = self.columns()
        for row in rows:
            row.cells = [reg.cell(col, row) for col in columns]
        ctx.update(
            {
                "object_list": rows,
                "columns": [reg.header(col, self.ordering_fields) for col in columns],
                "row_actions_template": self.row_actions_template,
                "lead": self.lead,
                "empty_text": _("No %(records)s match.") % {"records": reg.verbose(plural=True)},
                "testid": reg.slug,
            }
        )
        return ctx


class RecordDetailView(RegisterMixin, generic.ScopedDetailView):
    """A record's page: its lines, the person's flags, the steps it offers now, its history."""

    template_name = "services/record_detail.html"

    @property
    def masked_id_field(self) -> str:
        return self.register.id_field

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        reg, record, user = self.register, self.object, self.request.user
        if reg.id_field:
            record.id_display = ctx["id_display"]
        reg.attach_flags([record], user)
        ctx.update(
            {
                "record_label": capfirst(reg.verbose()),
                "status_label": record.get_status_display() if hasattr(record, "status") else "",
                "fields": [reg.cell(col, record) for col in reg.detail_columns()],
                "can_delete": ctx["can_change"]
                and user.has_perm(f"services.delete_{record._meta.model_name}"),
                "delete_url": reverse(reg.route("delete"), args=[record.pk]),
                "actions_template": reg.actions_template,
                "step_forms": {step.action: step.form() for step in reg.steps if step.form is not None},
                **(reg.context(user, record) if reg.context else {}),
            }
        )
        return ctx


class RecordCreateView(RegisterMixin, generic.ServiceCreateView):
    @property
    def form_class(self):
        return self.register.form

    @property
    def service(self):
        return self.register.service("create")

    def get_title(self) -> str:
        return _("Add %(record)s") % {"record": self.register.verbose()}

    def get_success_message(self, result) -> str:
        message = self.register.created(result) if self.register.created else None
        return message or _("%(record)s %(number)s added.") % self.record_names(result)


class RecordUpdateView(RegisterMixin, generic.ServiceUpdateView):
    editing = True

    @property
    def form_class(self):
        return self.register.form

    @property
    def service(self):
        return self.register.service("update")

    @property
    def record_kwarg(self) -> str:
        return self.register.record_kwarg

    def get_title(self) -> str:
        return _("Edit %(record)s %(number)s") % self.record_names(self.object)

    def get_success_message(self, result) -> str:
        return _("%(record)s %(number)s saved.") % self.record_names(result)


def _form_problem(form: django_forms.Form) -> str:
    """A step form's errors as one message: "<field label>：<errors>"."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(errors)
        parts.append(f"{form.fields[name].label}：{text}" if name in form.fields else text)
    return " ".join(parts)


class StepView(RegisterMixin, generic.DecisionView):
    """A step's button (``step``): POST only, with CSRF; its refusal is a message and nothing
    changes. It leads back to the page it was pressed on (``next``), else to the record's page
    (to the list after a deletion)."""

    step: ClassVar[Step]

    @property
    def scope_action(self) -> str:
        return VIEW if self.step.decision else CHANGE

    @property
    def permission_action(self) -> str:
        return "view" if self.step.decision else self.step.permission

    def perform(self, obj) -> str:
        data: dict[str, Any] = {}
        if self.step.form is not None:
            form = self.step.form(self.request.POST)
            if not form.is_valid():
                raise ApplicationError(_form_problem(form))
            data = form.cleaned_data
        names = self.record_names(obj)
        self.step.service(**{self.register.record_kwarg: obj}, user=self.request.user, **data)
        return self.step.done % names

    def redirect_url(self, obj) -> str:
        if self.step is self.register.delete_step:
            return reverse(self.register.route("list"))
        return super().redirect_url(obj)

    def fallback_url(self, obj) -> str:
        return reverse(self.register.route("detail"), args=[obj.pk])


# The work queues ----------------------------------------------------------------------------


class QueueView(RecordListView):
    """A work queue of one register, in the queue's own order, with the step each row offers
    this user (``row_actions_template``)."""

    filterset_class = None
    ordering_fields: tuple[str, ...] = ()
    default_ordering = None
    import_resource = ""
    add_label = ""
    queue_columns: ClassVar[tuple[Col, ...]] = ()

    def get_title(self) -> str:
        return self.title

    def columns(self) -> tuple[Col, ...]:
        return self.queue_columns

    def mark_changeable(self, rows: list[Any]) -> None:
        """``may_change`` on each row the user may change (one query for the page)."""
        allowed = set()
        if self.request.user.has_perm(f"services.change_{self.model._meta.model_name}"):
            allowed = set(
                self.model.objects.restrict(self.request.user, CHANGE)
                .filter(pk__in=[r.pk for r in rows])
                .values_list("pk", flat=True)
            )
        for row in rows:
            row.may_change = row.pk in allowed


class ReliefPendingView(QueueView):
    """Payments awaiting approval, oldest first; the decision only where the user may take it."""

    register = RELIEF
    title = gettext_lazy("Relief payments awaiting approval")
    lead = gettext_lazy(
        "A payment above its programme's approval threshold waits here for the union office of the "
        "level above its region; nobody decides a payment they filed or changed last."
    )
    row_actions_template = "services/_relief_row.html"
    queue_columns = (
        Col("number", link=True),
        Col("name", flags=True),
        Col(ID),
        Col("programme"),
        Col("amount"),
        Col("region"),
        Col("filed_by"),
    )

    queue_selector = staticmethod(selectors.pending_relief_list)

    def annotate_rows(self, rows):
        decisions.prefetch_last_editors(rows)  # one audit query for the page, not one per row
        for payment in rows:
            payment.decide_refusal = decisions.RELIEF_APPROVAL.refusal(self.request.user, payment)


class OpenCaseListView(QueueView):
    register = CASES
    title = gettext_lazy("Open rights cases")
    lead = gettext_lazy("Cases received or in progress, the oldest first.")
    row_actions_template = "services/_case_row.html"
    queue_columns = (
        Col("number", link=True),
        Col("received_on"),
        Col("kind"),
        Col("workers"),
        Col("status"),
        DAYS_OPEN,
        Col("region"),
    )

    queue_selector = staticmethod(selectors.open_case_list)

    def annotate_rows(self, rows):
        self.mark_changeable(rows)


class OverdueLoanListView(QueueView):
    register = LOANS
    title = gettext_lazy("Overdue loans")
    lead = gettext_lazy("Loans past their due date and not repaid, the longest overdue first.")
    row_actions_template = "services/_loan_row.html"
    queue_columns = (
        Col("number", link=True),
        Col("name", flags=True),
        Col(ID),
        Col("amount"),
        Col("granted_on"),
        Col("due_on"),
        Col("region"),
    )

    def scoped_queryset(self):
        return selectors.overdue_loan_list(user=self.request.user, today=timezone.localdate())

    def annotate_rows(self, rows):
        self.mark_changeable(rows)


# The overview -------------------------------------------------------------------------------


def register_counts(*, user: Any, year: int) -> list[dict[str, Any]]:
    """Each register with the records the user can see dated in ``year`` (one count each)."""
    return [
        {
            "label": capfirst(reg.verbose(plural=True)),
            "count": reg.selector(user=user).filter(**{f"{reg.date_field}__year": year}).count(),
            "url": f"{reverse(reg.route('list'))}?year={year}",
            "add_url": reverse(reg.route("create"))
            if user.has_perm(f"services.add_{reg.model._meta.model_name}")
            else "",
        }
        for reg in REGISTERS
    ]


def waiting_work(*, user: Any, today: dt.date) -> list[dict[str, Any]]:
    """What waits on the user: payments they may approve, approved payments of their scope to
    pay, open cases, overdue loans."""
    pending = list(selectors.pending_relief_list(user=user))
    decisions.prefetch_last_editors(pending)
    to_approve = sum(1 for payment in pending if decisions.RELIEF_APPROVAL.allows(user, payment))
    to_pay = selectors.relief_list(user=user, action=CHANGE).filter(status=ReliefStatus.APPROVED).count()
    return [
        {
            "key": "approve",
            "label": _("Relief payments awaiting your approval"),
            "count": to_approve,
            "url": reverse("services:relief-pending"),
        },
        {
            "key": "pay",
            "label": _("Approved relief payments to pay"),
            "count": to_pay,
            "url": f"{reverse('services:relief-list')}?status={ReliefStatus.APPROVED}",
        },
        {
            "key": "cases",
            "label": _("Open rights cases"),
            "count": selectors.open_case_list(user=user).count(),
            "url": reverse("services:rightscase-open"),
        },
        {
            "key": "loans",
            "label": _("Overdue loans"),
            "count": selectors.overdue_loan_list(user=user, today=today).count(),
            "url": reverse("services:loan-overdue"),
        },
    ]


class IndexView(generic.ScopedMixin, View):
    """/services/: the registers with this year's counts, and the work waiting on the user."""

    model = ReliefPayment
    template_name = "services/index.html"
    title = gettext_lazy("Worker services")

    def get(self, request):
        today = timezone.localdate()
        ctx = {
            **self.page_context(),
            "year": today.year,
            "registers": register_counts(user=request.user, year=today.year),
            "work": waiting_work(user=request.user, today=today),
        }
        return render(request, self.template_name, ctx)


# The concrete pages of each register, by the names crud_urls routes -------------------------

_PAGES = {
    "ListView": RecordListView,
    "DetailView": RecordDetailView,
    "CreateView": RecordCreateView,
    "UpdateView": RecordUpdateView,
}


def _pages(reg: Register) -> dict[str, type]:
    pages = {f"{reg.name}{kind}": (base, {}) for kind, base in _PAGES.items()}
    for step in reg.all_steps:
        pages[f"{reg.name}{step.action.capitalize()}View"] = (StepView, {"step": step})
    return {
        name: type(name, (base,), {"register": reg, "__module__": __name__, **attrs})
        for name, (base, attrs) in pages.items()
    }


for _register in REGISTERS:
    globals().update(_pages(_register))
