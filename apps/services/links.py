"""What the worker-services domain tells other domains about residents, through the core
registry (``apps.core.registry``): no other domain imports this app.

``services_received`` answers ``registry.SERVICES_RECEIVED``: the relief payments made or
waiting to be paid to these resident IDs (``id_number``; rejected payments are left out) and
the warmth visits to the households these IDs head (``head_id_number``), each as a plain
``ResidentRecord``. It answers only with the records the asking user may see (the registers'
``restrict(user)``), in one query for both registers, and links each to its page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet, Value
from django.db.models.fields import CharField
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from apps.core.registry import ResidentRecord

from . import selectors
from .choices import Programme, ReliefStatus, VisitKind
from .models import ReliefPayment, Visit

# The columns both registers answer with, in this order (one UNION query).
COLUMNS = (
    "r_source",
    "r_pk",
    "r_id",
    "r_name",
    "r_number",
    "r_date",
    "r_what",
    "r_amount",
    "r_status",
    "r_region",
)


@dataclass(frozen=True)
class _Register:
    """How one register answers: its rows for the IDs, and what its codes mean."""

    source: str
    kind: str | Promise  # the label of a record of this register
    rows: Any  # (ids, user) -> QuerySet of the register restricted to the user and the IDs
    id_field: str
    date_field: str
    what: Any  # an expression: the programme code, or a constant
    status: Any
    route: str  # the record's detail page

    def values(self, ids: list[str], user: Any) -> QuerySet:
        text = CharField()
        return (
            self.rows(user=user)
            .filter(**{f"{self.id_field}__in": ids})
            .order_by()
            .annotate(
                r_source=Value(self.source, output_field=text),
                r_pk=F("pk"),
                r_id=F(self.id_field),
                r_name=F("name"),
                r_number=F("number"),
                r_date=F(self.date_field),
                r_what=self.what,
                r_amount=F("amount"),
                r_status=self.status,
                r_region=F("region__name"),
            )
            .values(*COLUMNS)
        )


RELIEF = _Register(
    source="relief",
    kind=ReliefPayment._meta.verbose_name,
    rows=lambda *, user: selectors.relief_list(user=user).exclude(status=ReliefStatus.REJECTED),
    id_field="id_number",
    date_field="paid_on",
    what=F("programme"),
    status=F("status"),
    route="services:relief-detail",
)
VISIT = _Register(
    source="visit",
    kind=Visit._meta.verbose_name,
    rows=lambda *, user: selectors.visit_list(user=user).filter(kind=VisitKind.HOUSEHOLD),
    id_field="head_id_number",
    date_field="visited_on",
    what=Value("", output_field=CharField()),
    status=Value("", output_field=CharField()),
    route="services:visit-detail",
)
REGISTERS = {r.source: r for r in (RELIEF, VISIT)}


def _label(choices: Any, code: str) -> str | Promise:
    return choices(code).label if code in choices.values else ""


def _url(route: str, pk: int) -> str:
    # The pages of a register may not be installed (yet): the record is listed without a link.
    try:
        return reverse(route, args=[pk])
    except NoReverseMatch:
        return ""


def services_received(id_numbers: Iterable[str], *, user: Any) -> list[ResidentRecord]:
    """The relief payments (paid, or waiting for approval or payment) to these IDs and the
    warmth visits to the households they head, that ``user`` may see: one query. Contributed
    to the core registry as ``services_received``."""
    ids = sorted({i for i in id_numbers if i})
    if not ids:
        return []
    rows = RELIEF.values(ids, user).union(VISIT.values(ids, user), all=True)
    return [
        ResidentRecord(
            id_number=row["r_id"],
            number=row["r_number"],
            kind=REGISTERS[row["r_source"]].kind,
            what=_label(Programme, row["r_what"]),
            date=row["r_date"],
            amount=row["r_amount"],
            region=row["r_region"],
            name=row["r_name"],
            status="" if row["r_status"] == ReliefStatus.PAID else _label(ReliefStatus, row["r_status"]),
            url=_url(REGISTERS[row["r_source"]].route, row["r_pk"]),
        )
        for row in rows
    ]
