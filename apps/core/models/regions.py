from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from ..choices import RegionLevel
from ..scoping import ALL, NONE, SUBTREE, VIEW, ScopedQuerySet, is_union_user, scope_region_ids
from .fields import optional_reference


class RegionQuerySet(ScopedQuerySet):
    def subtree_ids(self, region_id: int) -> list[int]:
        # one statement (the region's path as a subquery): it runs on every scoped request
        path = Region.objects.filter(pk=region_id).values("path")[:1]
        return list(Region.objects.filter(path__startswith=Subquery(path)).values_list("id", flat=True))

    def restrict(self, user, action: str = VIEW) -> RegionQuerySet:
        if is_union_user(user):
            # a union user sees its union's region and those above it, for labels only
            if action != VIEW or not user.region_id or not user.is_active:
                return self.none()
            return self.filter(pk__in=[user.region_id, *_ancestor_ids(user.region.path)])
        ids = scope_region_ids(user, action, self.model)
        if ids is None:
            return self
        if not ids:
            return self.none()
        if action == VIEW:
            # A user also sees the regions above their own, for breadcrumbs and labels.
            ancestors = _ancestor_ids(user.region.path) if user.region_id else []
            ids = set(ids) | set(ancestors)
        return self.filter(pk__in=ids)


def _ancestor_ids(path: str) -> Iterable[int]:
    codes = [c for c in path.strip("/").split("/") if c]
    return Region.objects.filter(code__in=codes).values_list("id", flat=True)


class Region(models.Model):
    """An administrative division (GB/T 2260): province, prefecture, county or township.

    ``path`` holds the codes from the province down (``/620000/620100/620102/``) so a
    subtree is one indexed prefix query.
    """

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices, db_index=True)
    parent = optional_reference("self", _("parent region"), related_name="children")
    path = models.CharField(_("region path"), max_length=128, db_index=True, editable=False)

    objects = RegionQuerySet.as_manager()
    scope_region_lookup = "id"
    # Regions are reference data: staff see their subtree, only administrators change them.
    scope_rules = {"county": {"change": NONE}, "prefecture": {"view": SUBTREE}, "province": {"view": ALL}}

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"
