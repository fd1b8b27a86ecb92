"""Pagination of large tables, for the pages and the API alike: no ``COUNT(*)`` over
millions of rows when the planner already knows there are that many."""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _


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


def rounded_estimate(estimate: int) -> int:
    """An estimate as it is shown ("约 3,857,000 条"): to the thousand from 10,000 up."""
    return round(estimate, -3) if estimate >= 10_000 else estimate


class EstimatedCountPaginator(Paginator):
    """Counts exactly, unless PostgreSQL's planner expects more than ``threshold`` rows; then
    its estimate (``rounded_estimate``) stands in for the count, so neither a list of
    millions of members nor a search matching a surname of hundreds of thousands runs
    COUNT(*) over them. ``count_is_estimate`` tells which one it was.

    The threshold bounds the work of an exact count: a name search counts its rows through
    the name index and the table (about 1.5 µs a row, issue 15), so 10,000 rows cost some
    15 ms; above it the count is shown rounded to the thousand ("约 3,857,000 条")."""

    threshold = 10_000
    count_is_estimate = False
    # Page numbers stop here (10,000 rows at 50 a page): deeper, OFFSET would read and drop
    # hundreds of thousands of rows per request. Narrow the list, or walk it through the API's
    # cursor (apps.core.api.pagination), which seeks by id at any depth.
    max_pages = 200

    @cached_property
    def num_pages(self) -> int:
        return min(Paginator.num_pages.func(self), self.max_pages)

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.count and int(number) > self.max_pages:
                raise EmptyPage(
                    _("Lists stop at page %(max)s: narrow the search or the filters to see the rest.")
                    % {"max": self.max_pages}
                ) from None
            raise

    @cached_property
    def count(self) -> int:
        estimate = planner_row_estimate(self.object_list)
        if estimate is not None and estimate > self.threshold:
            self.count_is_estimate = True
            return rounded_estimate(estimate)
        return self.object_list.count()

    def page(self, number):
        # Django ends a page at the count: an estimate below the real number would cut it short.
        page = super().page(number)
        if self.count_is_estimate:
            bottom = (page.number - 1) * self.per_page
            page.object_list = self.object_list[bottom : bottom + self.per_page]
        return page
