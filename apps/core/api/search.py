"""``?search=`` on every API list: DRF's SearchFilter, with resident IDs found by equality.

DRF turns ``search_fields = ["name", "=id_number"]`` into ``name ICONTAINS term OR
UPPER(id_number) = UPPER(term)`` for every term: neither side can use an index, so a search
by a full resident ID read every member (14–17 s at province scale, issue 15). Here:

- a full resident ID (the whole search text, or one of its terms: ``looks_like_id``) is
  looked up by equality in the view's resident-ID fields (those a model declares in
  ``personal_fields`` as ``RESIDENT_ID``, whatever their prefix in ``search_fields``) and in
  its other ``=`` fields (codes, stored in capitals), and nowhere else: the ID column's index
  answers it;
- any other term is searched as DRF does, without the ``=`` resident-ID fields, which only a
  full ID can equal (they would keep the name's index from being used).

Name fields with a gram index are declared with their lookup, ``name__gram_icontains``
(``apps.core.filtersets.GramContains``), which DRF keeps as written.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from rest_framework.filters import SearchFilter

from ..filtersets import looks_like_id
from ..personal import RESIDENT_ID, personal_fields
from ..validators import normalize_resident_id


def is_resident_id_field(model: type[models.Model], path: str) -> bool:
    """Whether ``path`` (``id_number``, ``member__id_number``) ends on a field its model
    declares as a resident ID in ``personal_fields``."""
    *relations, name = path.split(LOOKUP_SEP)
    for part in relations:
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.related_model is None:
            return False
        model = field.related_model
    return personal_fields(model).get(name) == RESIDENT_ID


class ResidentIdSearchFilter(SearchFilter):
    def filter_queryset(self, request, queryset, view):
        search_fields = [str(field) for field in self.get_search_fields(view, request) or ()]
        terms = self.get_search_terms(request)
        if not search_fields or not terms:
            return queryset
        whole = request.query_params.get(self.search_param, "")
        if looks_like_id(whole):
            terms = [whole]  # an ID typed with spaces is still one ID
        model = queryset.model
        exact = {f for f in search_fields if f[0] == "="}
        resident = {f for f in search_fields if is_resident_id_field(model, f.lstrip("^=@$"))}
        conditions = []
        for term in terms:
            if looks_like_id(term) and (exact | resident):
                ident = normalize_resident_id(term)
                lookups = [
                    models.Q(**{f"{f.lstrip('^=@$')}{LOOKUP_SEP}exact": ident})
                    for f in search_fields
                    if f in exact | resident
                ]
            else:
                lookups = [
                    models.Q(**{self.construct_search(f, queryset): term})
                    for f in search_fields
                    if not (f in exact and f in resident)
                ]
            conditions.append(reduce(operator.or_, lookups) if lookups else models.Q(pk__in=[]))
        base = queryset
        queryset = queryset.filter(reduce(operator.and_, conditions))
        if self.must_call_distinct(queryset, search_fields):
            queryset = base.filter(models.Exists(queryset.filter(pk=models.OuterRef("pk"))))
        return queryset
