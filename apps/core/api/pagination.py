"""Pagination of every API list: pages of 50 (up to 500); large tables with an estimated count."""

from rest_framework import pagination

from ..pagination import EstimatedCountPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class IdCursorPagination(pagination.CursorPagination):
    """Keyset pagination by id, newest first: each page seeks from the last id of the previous
    one through the primary key, at any depth (no OFFSET, no count)."""

    ordering = "-id"
    page_size = PageNumberPagination.page_size
    page_size_query_param = "page_size"
    max_page_size = PageNumberPagination.max_page_size

    def get_ordering(self, request, queryset, view):
        return (self.ordering,)  # the key the cursor seeks by, whatever ?ordering= says


class EstimatedCountPagination(PageNumberPagination):
    """For tables of millions of rows: the count is the planner's estimate above a threshold,
    and ``count_is_estimate`` says so (see ``apps.core.pagination``); page numbers stop at
    page 200. To read everything, a client walks the cursor instead: ``?cursor=`` (empty to
    start) gives pages by id, newest first, each with the ``next`` link to follow, at the same
    cost at any depth (``IdCursorPagination``)."""

    django_paginator_class = EstimatedCountPaginator
    invalid_page_message = "{message}"
    cursor_query_param = "cursor"
    _cursor: IdCursorPagination | None = None

    def paginate_queryset(self, queryset, request, view=None):
        self._cursor = None
        if self.cursor_query_param in request.query_params:
            self._cursor = IdCursorPagination()
            if not request.query_params[self.cursor_query_param]:
                # an empty cursor starts at the top (DRF reads it as a malformed one)
                request._request.GET = request._request.GET.copy()
                del request._request.GET[self.cursor_query_param]
            return self._cursor.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self._cursor is not None:
            return self._cursor.get_paginated_response(data)
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = getattr(self.page.paginator, "count_is_estimate", False)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_estimate"] = {"type": "boolean"}
        return schema

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Keyset pagination by id, newest first, at any depth: empty to start, then "
                "follow `next` (the answer then has `next`, `previous` and `results`, no count).",
                "schema": {"type": "string"},
            },
        ]
