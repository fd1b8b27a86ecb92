"""Pagination of every API list: pages of 50 (up to 500); large tables with an estimated count."""

from rest_framework import pagination

from ..pagination import EstimatedCountPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class EstimatedCountPagination(PageNumberPagination):
    """For tables of millions of rows: the count is the planner's estimate above a threshold,
    and ``count_is_estimate`` says so (see ``apps.core.pagination``)."""

    django_paginator_class = EstimatedCountPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = getattr(self.page.paginator, "count_is_estimate", False)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_estimate"] = {"type": "boolean"}
        return schema
