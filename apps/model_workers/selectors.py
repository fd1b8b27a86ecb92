"""Reads of the model workers domain: the yearly ``mw.*`` indicators, the cross-checks with
other domains (through the core registry), and the list/detail selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from apps.core import registry
from apps.core.importing import CHUNK
from apps.core.models import Region
from apps.core.scoping import VIEW, scope_region_ids
from apps.core.selectors import Regions, per_region

from .choices import HARDSHIP_BENEFIT_KINDS, HonourKind, StudioLevel, WorkerLevel, WorkerStatus
from .models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk

CENT = Decimal("0.01")


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


@per_region
def mw_indicators(*, year: int, regions: Regions) -> dict[int, dict[str, int | Decimal]]:
    """Every ``mw.*`` code of INDICATORS.md for each region and everything under it."""
    year_start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    workers = regions.totals(
        ModelWorker.objects.all(),
        "union__region",
        alive=Count("id", filter=Q(title_year__lte=year, status=WorkerStatus.ALIVE)),
        national=Count(
            "id", filter=Q(title_year__lte=year, status=WorkerStatus.ALIVE, level=WorkerLevel.NATIONAL)
        ),
        craftsmen=Count("id", filter=Q(craftsman_year__isnull=False, craftsman_year__lte=year)),
    )
    honours = regions.totals(
        Honour.objects.filter(year=year),
        "union__region",
        medals=Count("id", filter=Q(kind=HonourKind.MEDAL)),
        certificates=Count("id", filter=Q(kind=HonourKind.CERTIFICATE)),
        pioneers=Count("id", filter=Q(kind=HonourKind.PIONEER)),
    )
    payments = regions.totals(
        BenefitPayment.objects.filter(paid_on__gte=year_start, paid_on__lte=year_end),
        "model_worker__union__region",
        total=Sum("amount"),
        hardship=Sum("amount", filter=Q(kind__in=HARDSHIP_BENEFIT_KINDS)),
    )
    recuperation = regions.totals(
        Recuperation.objects.filter(year=year), "model_worker__union__region", n=Count("id")
    )
    studios = regions.totals(
        InnovationStudio.objects.filter(founded_on__lte=year_end),
        "union__region",
        studios=Count("id"),
        demonstration=Count("id", filter=Q(level=StudioLevel.DEMONSTRATION)),
        leaders=Sum("skill_leaders", default=0),
        pairs=Sum("mentor_pairs", default=0),
    )
    talks = regions.totals(
        Talk.objects.filter(held_on__gte=year_start, held_on__lte=year_end),
        "region",
        talks=Count("id"),
        audience=Sum("audience", default=0),
    )
    return regions.each(_mw_codes, workers, honours, payments, recuperation, studios, talks)


def _mw_codes(
    workers: dict, honours: dict, payments: dict, recuperation: dict, studios: dict, talks: dict
) -> dict[str, int | Decimal]:
    return {
        "mw.model_workers": workers["alive"],
        "mw.model_workers_national": workers["national"],
        "mw.craftsmen": workers["craftsmen"],
        "mw.medals": honours["medals"],
        "mw.certificates": honours["certificates"],
        "mw.pioneer_teams": honours["pioneers"],
        "mw.benefits_amount": _money(payments["total"]),
        "mw.hardship_subsidy_amount": _money(payments["hardship"]),
        "mw.recuperation": recuperation["n"],
        "mw.studios": studios["studios"],
        "mw.studios_demonstration": studios["demonstration"],
        "mw.skill_leaders": studios["leaders"],
        "mw.mentor_pairs": studios["pairs"],
        "mw.talks": talks["talks"],
        "mw.talk_audience": talks["audience"],
    }


# Cross-checks with other domains ---------------------------------------------------------


def _ids(id_numbers: Iterable[str]) -> list[str]:
    return sorted({(i or "").strip().upper() for i in id_numbers} - {""})


def model_worker_id_numbers(id_numbers: Iterable[str], *, user: Any = None) -> set[str]:
    """Which of these resident IDs are model workers (any region of the province).

    One query for up to a few thousand IDs (more are looked up in chunks of that size).
    Contributed to the core registry as the ``model_worker`` flag; ``user`` is not used, as
    the flag says only yes or no, province-wide."""
    ids = _ids(id_numbers)
    found: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.update(ModelWorker.objects.filter(id_number__in=chunk).values_list("id_number", flat=True))
    return found


def hardship_flags(id_numbers: Iterable[str], *, user: Any = None) -> set[str]:
    """Which of these model workers' IDs are in a filed hardship household (head or family
    member, not exited): one query, answered through the core registry by the hardship
    domain."""
    return registry.holders(registry.HARDSHIP_HOUSEHOLD, id_numbers, user=user)


# List and detail selectors ---------------------------------------------------------------


def model_worker_list(*, user: Any, action: str = VIEW) -> QuerySet[ModelWorker]:
    return ModelWorker.objects.restrict(user, action).select_related("union__region")


def honour_list(*, user: Any, action: str = VIEW) -> QuerySet[Honour]:
    return Honour.objects.restrict(user, action).select_related("union__region")


def benefit_list(*, user: Any, action: str = VIEW) -> QuerySet[BenefitPayment]:
    return BenefitPayment.objects.restrict(user, action).select_related("model_worker__union")


def recuperation_list(*, user: Any, action: str = VIEW) -> QuerySet[Recuperation]:
    return Recuperation.objects.restrict(user, action).select_related("model_worker__union")


def studio_list(*, user: Any, action: str = VIEW) -> QuerySet[InnovationStudio]:
    return InnovationStudio.objects.restrict(user, action).select_related("union__region")


def talk_list(*, user: Any, action: str = VIEW) -> QuerySet[Talk]:
    return Talk.objects.restrict(user, action).select_related("region")


def model_worker_payments(model_worker: ModelWorker) -> QuerySet[BenefitPayment]:
    return BenefitPayment.objects.filter(model_worker=model_worker).order_by("-paid_on", "-id")


def model_worker_yearly_totals(model_worker: ModelWorker) -> list[dict[str, Any]]:
    """The worker's payments per year, newest first, summed in SQL:
    ``[{"year": 2024, "count": 3, "total": Decimal("1800.00"), "hardship": Decimal(...)}]``."""
    rows = (
        BenefitPayment.objects.filter(model_worker=model_worker)
        .annotate(year=ExtractYear("paid_on"))
        .values("year")
        .annotate(
            count=Count("id"),
            total=Sum("amount"),
            hardship=Sum("amount", filter=Q(kind__in=HARDSHIP_BENEFIT_KINDS)),
        )
        .order_by("-year")
    )
    return [
        {
            "year": r["year"],
            "count": r["count"],
            "total": _money(r["total"]),
            "hardship": _money(r["hardship"]),
        }
        for r in rows
    ]


def model_worker_honours(model_worker: ModelWorker) -> QuerySet[Honour]:
    """Medals awarded to this person: by resident ID, or (where the medal was recorded without
    one) by name within the same union."""
    return (
        Honour.objects.filter(
            Q(id_number=model_worker.id_number)
            | Q(
                id_number="",
                kind=HonourKind.MEDAL,
                recipient_name=model_worker.name,
                union_id=model_worker.union_id,
            )
        )
        .select_related("union")
        .order_by("-year", "number")
    )


def model_worker_recuperations(model_worker: ModelWorker) -> QuerySet[Recuperation]:
    return Recuperation.objects.filter(model_worker=model_worker).order_by("-year")


def model_workers_by_id(id_numbers: Iterable[str]) -> dict[str, ModelWorker]:
    """Model workers by resident ID, with their union and region, in one query per chunk."""
    ids = _ids(id_numbers)
    found: dict[str, ModelWorker] = {}
    for start in range(0, len(ids), CHUNK):
        for worker in ModelWorker.objects.filter(id_number__in=ids[start : start + CHUNK]).select_related(
            "union__region"
        ):
            found[worker.id_number] = worker
    return found


def regions_for_talks(*, user: Any, action: str = "change") -> QuerySet[Region]:
    """The regions a user may record talks in."""
    ids = scope_region_ids(user, action, Talk)
    if ids is None:
        return Region.objects.all()
    return Region.objects.filter(pk__in=ids)
