"""Request parsers that refuse NUL characters: PostgreSQL text cannot hold them, and a value
that reaches a query with one is a database error (a 500) instead of a 400."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    if hasattr(value, "lists"):  # a QueryDict
        return any(_has_nul(k) or _has_nul(v) for k, v in value.lists())
    return False


class _NoNul:
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        data = getattr(result, "data", result)  # multipart: DataAndFiles
        if _has_nul(data):
            raise ParseError(_("The request contains a NUL character, which no field may hold."))
        return result


class JSONParser(_NoNul, parsers.JSONParser):
    pass


class FormParser(_NoNul, parsers.FormParser):
    pass


class MultiPartParser(_NoNul, parsers.MultiPartParser):
    pass
