"""Reads of the worker-services domain: the yearly ``svc.*`` indicators, then list selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from apps.core.models import Region
from apps.core.scoping import VIEW, scope_region_ids
from apps.core.selectors import Regions, per_region

from .choices import (
    CaseKind,
    CaseStatus,
    EmploymentKind,
    Programme,
    RecipientKind,
    ReliefStatus,
    TrainingKind,
    VisitKind,
)
from .models import EmploymentService, JobFair, MicroLoan, ReliefPayment, RightsCase, TrainingClass, Visit


def _year(field: str, year: int) -> Q:
    return Q(**{f"{field}__gte": dt.date(year, 1, 1), f"{field}__lte": dt.date(year, 12, 31)})


@per_region
def svc_indicators(*, year: int, regions: Regions) -> dict[int, dict[str, Any]]:
    """Every ``svc.*`` code of INDICATORS.md for each region and everything under it, each
    record counted in its own region (所属地区代码). Distinct codes count a resident ID or a
    credit code once in the region however many of its counties reached it."""
    year_end = dt.date(year, 12, 31)
    relief = regions.totals(
        ReliefPayment.objects.filter(_year("paid_on", year), status=ReliefStatus.PAID),
        "region",
        n_jinqiu_students=Count("id", filter=Q(programme=Programme.JINQIU)),
        n_jinqiu_amount=Sum("amount", filter=Q(programme=Programme.JINQIU), default=0),
        n_amount=Sum("amount", default=0),
        n_migrant=Count("id", filter=Q(recipient_kind=RecipientKind.MIGRANT)),
        n_workers=Count("id_number", distinct=True),
    )
    visits = regions.totals(
        Visit.objects.filter(_year("visited_on", year)),
        "region",
        n_enterprises=Count("credit_code", distinct=True, filter=Q(kind=VisitKind.ENTERPRISE)),
        n_households=Count("head_id_number", distinct=True, filter=Q(kind=VisitKind.HOUSEHOLD)),
        n_amount=Sum("amount", default=0),
    )
    fairs = regions.totals(
        JobFair.objects.filter(_year("held_on", year)),
        "region",
        n_fairs=Count("id"),
        n_positions=Sum("positions", default=0),
    )
    jobs = regions.totals(
        EmploymentService.objects.filter(_year("served_on", year)),
        "region",
        n_services=Count("id"),
        n_export=Count("id", filter=Q(kind=EmploymentKind.LABOUR_EXPORT)),
        n_placed=Count("id", filter=Q(placed=True)),
    )
    trainings = regions.totals(
        TrainingClass.objects.filter(_year("start_date", year)),
        "region",
        n_classes=Count("id"),
        n_trainees=Sum("trainees", default=0),
        n_cadres=Sum("trainees", filter=Q(kind=TrainingKind.CADRE), default=0),
    )
    cases = regions.totals(
        RightsCase.objects.all(),
        "region",
        n_wage=Count("id", filter=_year("closed_on", year) & Q(kind=CaseKind.WAGE_ARREARS)),
        n_wage_workers=Sum(
            "workers", filter=_year("closed_on", year) & Q(kind=CaseKind.WAGE_ARREARS), default=0
        ),
        n_wage_amount=Sum(
            "amount_recovered", filter=_year("closed_on", year) & Q(kind=CaseKind.WAGE_ARREARS), default=0
        ),
        n_open=Count(
            "id",
            filter=Q(received_on__lte=year_end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=year_end)),
        ),
    )
    loans = regions.totals(
        MicroLoan.objects.filter(_year("granted_on", year)),
        "region",
        n_loans=Count("id"),
        n_amount=Sum("amount", default=0),
        n_jobs=Sum("jobs_created", default=0),
    )
    return regions.each(_svc_codes, relief, visits, fairs, jobs, trainings, cases, loans)


def _svc_codes(
    relief: dict, visits: dict, fairs: dict, jobs: dict, trainings: dict, cases: dict, loans: dict
) -> dict[str, Any]:
    return {
        "svc.jinqiu_students": relief["n_jinqiu_students"],
        "svc.jinqiu_amount": relief["n_jinqiu_amount"],
        "svc.relief_amount": relief["n_amount"],
        "svc.relief_migrant": relief["n_migrant"],
        "svc.relief_workers": relief["n_workers"],
        "svc.warmth_enterprises": visits["n_enterprises"],
        "svc.warmth_households": visits["n_households"],
        "svc.warmth_amount": visits["n_amount"],
        "svc.job_fairs": fairs["n_fairs"],
        "svc.job_fair_positions": fairs["n_positions"],
        "svc.employment_services": jobs["n_services"],
        "svc.labour_export": jobs["n_export"],
        "svc.placements": jobs["n_placed"],
        "svc.trainings": trainings["n_classes"],
        "svc.training_attendance": trainings["n_trainees"],
        "svc.cadre_training_attendance": trainings["n_cadres"],
        "svc.wage_cases": cases["n_wage"],
        "svc.wage_workers": cases["n_wage_workers"],
        "svc.wage_amount": cases["n_wage_amount"],
        "svc.cases_open": cases["n_open"],
        "svc.loans": loans["n_loans"],
        "svc.loan_amount": loans["n_amount"],
        "svc.loan_jobs": loans["n_jobs"],
    }


# List and detail selectors -----------------------------------------------------------------


def relief_list(*, user: Any, action: str = VIEW) -> QuerySet[ReliefPayment]:
    return ReliefPayment.objects.restrict(user, action).select_related("region", "filed_by", "decided_by")


def visit_list(*, user: Any, action: str = VIEW) -> QuerySet[Visit]:
    return Visit.objects.restrict(user, action).select_related("region")


def job_fair_list(*, user: Any, action: str = VIEW) -> QuerySet[JobFair]:
    return JobFair.objects.restrict(user, action).select_related("region")


def employment_service_list(*, user: Any, action: str = VIEW) -> QuerySet[EmploymentService]:
    return EmploymentService.objects.restrict(user, action).select_related("region")


def training_list(*, user: Any, action: str = VIEW) -> QuerySet[TrainingClass]:
    return TrainingClass.objects.restrict(user, action).select_related("region")


def case_list(*, user: Any, action: str = VIEW) -> QuerySet[RightsCase]:
    return RightsCase.objects.restrict(user, action).select_related("region")


def open_case_list(*, user: Any) -> QuerySet[RightsCase]:
    """Cases not closed, the oldest first (the list shows the days each has been open)."""
    return case_list(user=user).exclude(status=CaseStatus.CLOSED).order_by("received_on", "id")


def loan_list(*, user: Any, action: str = VIEW) -> QuerySet[MicroLoan]:
    return MicroLoan.objects.restrict(user, action).select_related("region")


def overdue_loan_list(*, user: Any, today: dt.date) -> QuerySet[MicroLoan]:
    """Loans past their due date and not repaid, the longest overdue first."""
    return loan_list(user=user).filter(repaid_on__isnull=True, due_on__lt=today).order_by("due_on", "id")


def pending_relief_list(*, user: Any) -> QuerySet[ReliefPayment]:
    """Payments awaiting approval that the user can see, the oldest first (pages show the
    decide buttons only where ``RELIEF_APPROVAL`` allows)."""
    return relief_list(user=user).filter(status=ReliefStatus.PENDING).order_by("id")


def service_regions(*, user: Any, action: str = "change") -> QuerySet[Region]:
    """The regions a user may record worker services in (any level of their scope)."""
    ids = scope_region_ids(user, action, ReliefPayment)
    if ids is None:
        return Region.objects.all()
    return Region.objects.filter(pk__in=ids)


# What waits for the user: the home page's work queues (apps.core.work, contributed in apps.py) --
# The same work the services overview shows (views.waiting_work), each in one query.

from django.utils import timezone as _timezone  # noqa: E402

from apps.core import work as _work  # noqa: E402
from apps.core.scoping import CHANGE as _CHANGE  # noqa: E402

from .decisions import DECISION_FIELDS as _RELIEF_DECISION_FIELDS  # noqa: E402
from .decisions import RELIEF_APPROVAL as _RELIEF_APPROVAL  # noqa: E402


def services_work_relief_to_approve(user: Any) -> int:
    """Payments awaiting approval that ``RELIEF_APPROVAL`` lets the user decide: the user's role
    is among the step's, the level above the payment's region (``decisions.level_above``: its
    parent, or a top region itself) lies in the user's reach, the user did not file it, and did
    not edit it — the last content editor is read from the audit trail per payment on the
    queue page; here one query excludes every payment the user ever edited
    (``work.content_edited_by``), which may leave out one a colleague edited later, never count
    one four eyes refuses."""
    if not _work.takes(user, _RELIEF_APPROVAL.roles):
        return 0
    qs = pending_relief_list(user=user)
    ids = scope_region_ids(user, _RELIEF_APPROVAL.scope_action, ReliefPayment)
    if ids is not None:
        qs = qs.filter(Q(region__parent_id__in=ids) | Q(region__parent__isnull=True, region_id__in=ids))
    return _work.capped_count(
        qs.exclude(filed_by=user).exclude(
            _work.content_edited_by(user, ReliefPayment, ignore_fields=_RELIEF_DECISION_FIELDS)
        )
    )


def services_work_relief_to_pay(user: Any) -> int:
    """Approved payments the user may record as paid (``services.relief_pay``: CHANGE scope of
    the payment's region). Exact, one query."""
    return _work.capped_count(relief_list(user=user, action=_CHANGE).filter(status=ReliefStatus.APPROVED))


def services_work_open_cases(user: Any) -> int:
    """Open rights cases (``open_case_list``) the user may take up or close (CHANGE scope).
    Exact, one query."""
    return _work.capped_count(open_case_list(user=user).restrict(user, _CHANGE))


def services_work_overdue_loans(user: Any, *, today: dt.date | None = None) -> int:
    """Overdue loans (``overdue_loan_list``) whose repayment the user may record (CHANGE scope).
    Exact, one query."""
    today = today or _timezone.localdate()
    return _work.capped_count(overdue_loan_list(user=user, today=today).restrict(user, _CHANGE))
