"""Reads of the shared core: scoped querysets with their related rows loaded."""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Left

from .choices import AuditAction
from .models import AuditEntry, Region
from .scoping import VIEW


def region_list(*, user: Any, action: str = VIEW) -> QuerySet[Region]:
    return Region.objects.restrict(user, action).select_related("parent")


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=(code or "").strip()).first()


def audit_list(*, user: Any) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.restrict(user).select_related("user", "content_type", "region")


def recent_changes(*, user: Any, limit: int = 10) -> list[AuditEntry]:
    """The latest changes in the user's scope: a view of personal data is audited, but it is not
    a change (read through the index of the entries that are not views)."""
    return list(audit_list(user=user).exclude(action=AuditAction.VIEW)[:limit])


def in_region(lookup: str, region: Region) -> Q:
    """Records whose region (reached through ``lookup``) is ``region`` or lies under it."""
    if region.parent_id is None:
        return Q()  # the province: everything
    return Q(**{f"{lookup}__path__startswith": region.path})


class Regions:
    """The regions an indicator source computes for, each with everything under it: one (a
    report's region) or many (the levels of the dashboards' refresh).

    ``totals`` aggregates a queryset per region. One region is one aggregate over its subtree
    (``in_region``, an indexed prefix). Many cost one pass over the table whatever their number
    (the refresh used to scan once per region): counts and sums are grouped by the record's own
    region and added up to every requested region above it; a distinct count is not the sum of
    its parts, so an aggregate with one is grouped instead by the record's ancestor at each
    requested path length (``Left(path, n)``), one query per level. Either way a record that
    sits at a prefecture itself counts in the prefecture and in none of its counties.
    """

    def __init__(self, regions: Iterable[Region]) -> None:
        self.regions = list(regions)
        self._paths: dict[int | None, str] | None = None

    def __iter__(self) -> Iterator[int]:
        return iter(r.pk for r in self.regions)

    def totals(self, queryset: QuerySet, lookup: str, **aggregates: Any) -> dict[int, dict[str, Any]]:
        """``{region pk: queryset.aggregate(**aggregates) over the region's subtree}``, where
        ``lookup`` reaches the record's region; a region without records gets the empty
        aggregate (0, or the aggregate's default)."""
        empty = queryset.none().aggregate(**aggregates)  # no query: the values of no rows
        if len(self.regions) == 1:
            region = self.regions[0]
            return {region.pk: queryset.filter(in_region(lookup, region)).aggregate(**aggregates)}
        if all(_additive(a) for a in aggregates.values()):
            return self._added_up(queryset, lookup, aggregates, empty)
        return self._by_level(queryset, lookup, aggregates, empty)

    def _levels(self) -> tuple[list[int], dict[int, dict[str, int]]]:
        """The top regions (everything, as ``in_region``), and the others by path length:
        ``{length: {path: pk}}``."""
        roots: list[int] = []
        by_length: dict[int, dict[str, int]] = defaultdict(dict)
        for region in self.regions:
            if region.parent_id is None:
                roots.append(region.pk)
            else:
                by_length[len(region.path)][region.path] = region.pk
        return roots, by_length

    def _added_up(
        self, queryset: QuerySet, lookup: str, aggregates: dict[str, Any], empty: dict[str, Any]
    ) -> dict[int, dict[str, Any]]:
        if self._paths is None:
            self._paths = dict(Region.objects.values_list("id", "path"))
        roots, by_length = self._levels()
        out = {r.pk: dict(empty) for r in self.regions}
        for row in queryset.order_by().values(lookup).annotate(**aggregates):
            path = self._paths.get(row.pop(lookup)) or ""  # "": a record without a region
            owners = roots + [pks[path[:n]] for n, pks in by_length.items() if path[:n] in pks]
            for pk in owners:
                total = out[pk]
                for name, value in row.items():
                    if value is not None:  # a sum over no rows (or nulls) adds nothing
                        total[name] = value if total[name] is None else total[name] + value
        return out

    def _by_level(
        self, queryset: QuerySet, lookup: str, aggregates: dict[str, Any], empty: dict[str, Any]
    ) -> dict[int, dict[str, Any]]:
        out = {r.pk: dict(empty) for r in self.regions}
        roots, by_length = self._levels()
        for pk in roots:
            out[pk] = queryset.aggregate(**aggregates)
        path = f"{lookup}__path"
        for length, pks in by_length.items():
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


def _additive(aggregate: Any) -> bool:
    """A count or a sum, not of distinct values: its total over a region is the total of its parts."""
    return isinstance(aggregate, Count | Sum) and not aggregate.distinct


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
