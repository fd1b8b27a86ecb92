"""Pagination of large tables, for the pages and the API alike: no ``COUNT(*)`` over
millions of rows when the planner already knows there are that many."""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


def planner_row_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's planner estimate of the rows a queryset returns; None on other databases."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Counts exactly, unless PostgreSQL's planner expects more than ``threshold`` rows; then
    its estimate stands in for the count, so a list of millions of members never runs
    COUNT(*) over the whole table. ``count_is_estimate`` tells which one it was."""

    threshold = 100_000
    count_is_estimate = False

    @cached_property
    def count(self) -> int:
        estimate = planner_row_estimate(self.object_list)
        if estimate is not None and estimate > self.threshold:
            self.count_is_estimate = True
            return estimate
        return self.object_list.count()
