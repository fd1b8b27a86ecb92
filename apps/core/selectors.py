"""Reads of the shared core: scoped querysets with their related rows loaded."""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Left

from .models import AuditEntry, Region
from .scoping import VIEW


def region_list(*, user: Any, action: str = VIEW) -> QuerySet[Region]:
    return Region.objects.restrict(user, action).select_related("parent")


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=(code or "").strip()).first()


def audit_list(*, user: Any) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.restrict(user).select_related("user", "content_type", "region")


def in_region(lookup: str, region: Region) -> Q:
    """Records whose region (reached through ``lookup``) is ``region`` or lies under it."""
    if region.parent_id is None:
        return Q()  # the province: everything
    return Q(**{f"{lookup}__path__startswith": region.path})


class Regions:
    """The regions an indicator source computes for, each with everything under it: one (a
    report's region) or many (a level of the dashboards' refresh).

    ``totals`` aggregates a queryset per region. One region is one aggregate over its subtree
    (``in_region``, an indexed prefix); many are grouped in one query per path length by the
    record's ancestor at that length (``Left(path, n)``), so a level of 86 counties costs one
    pass over the table instead of 86 — at province scale the refresh was one scan per region.
    Grouping by the ancestor, not adding children up, keeps distinct counts right and keeps a
    record that sits at a prefecture itself out of its counties.
    """

    def __init__(self, regions: Iterable[Region]) -> None:
        self.regions = list(regions)

    def __iter__(self) -> Iterator[int]:
        return iter(r.pk for r in self.regions)

    def totals(self, queryset: QuerySet, lookup: str, **aggregates: Any) -> dict[int, dict[str, Any]]:
        """``{region pk: queryset.aggregate(**aggregates) over the region's subtree}``, where
        ``lookup`` reaches the record's region; a region without records gets the empty
        aggregate (0, or the aggregate's default)."""
        empty = queryset.none().aggregate(**aggregates)  # no query: the values of no rows
        out = {r.pk: dict(empty) for r in self.regions}
        by_length: dict[int, dict[str, int]] = defaultdict(dict)
        for region in self.regions:
            if region.parent_id is None or len(self.regions) == 1:
                out[region.pk] = queryset.filter(in_region(lookup, region)).aggregate(**aggregates)
            else:
                by_length[len(region.path)][region.path] = region.pk
        for length, pks in by_length.items():
            path = f"{lookup}__path"
            # their common ancestor: an indexed prefix when they are, say, one prefecture's counties
            grouped = queryset.filter(**{f"{path}__startswith": os.path.commonprefix(list(pks))})
            rows = (
                grouped.annotate(region_prefix=Left(path, length))
                .filter(region_prefix__in=list(pks))
                .order_by()
                .values("region_prefix")
                .annotate(**aggregates)
            )
            for row in rows:
                out[pks[row.pop("region_prefix")]] = row
        return out

    def each(
        self, codes: Callable[..., dict[str, Any]], *totals: dict[int, dict[str, Any]]
    ) -> dict[int, Any]:
        """``{region pk: codes(its row of each totals)}``: a source's codes per region."""
        return {pk: codes(*(t[pk] for t in totals)) for pk in self}


def per_region(func: Callable[..., dict[int, dict[str, Any]]]) -> Callable[..., dict[str, Any]]:
    """An indicator source written over ``Regions`` (``func(*, year, regions) -> {pk: codes}``)
    as the reports call it: ``source(year=, region=)`` gives one region's codes, and
    ``source.many(year=, regions=[...])`` every region's, grouped."""

    @functools.wraps(func)
    def source(*, year: int, region: Region) -> dict[str, Any]:
        return func(year=year, regions=Regions([region]))[region.pk]

    def many(*, year: int, regions: Iterable[Region]) -> dict[int, dict[str, Any]]:
        return func(year=year, regions=Regions(regions))

    source.many = many  # type: ignore[attr-defined]
    return source
