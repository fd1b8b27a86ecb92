"""Reads of the shared core: scoped querysets with their related rows loaded."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

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
