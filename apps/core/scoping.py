"""The one scoping mechanism: every regional queryset is restricted through here.

A model opts in by using ``ScopedQuerySet`` as its manager and naming, in
``scope_region_lookup``, the path from the model to the ``Region`` it belongs to
(``"region"``, ``"union__region"``, ...). Views, API viewsets and the admin call
``Model.objects.restrict(user, action)``; nothing filters by region by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from .choices import Role

if TYPE_CHECKING:
    from .models import User

VIEW = "view"
CHANGE = "change"
REVIEW = "review"

ALL = "all"  # the whole province
SUBTREE = "subtree"  # the user's region and everything under it
NONE = ""  # no access: lets a model take an action away from a role

# role -> action -> reach. An action missing for a role means no access.
DEFAULT_RULES: dict[str, dict[str, str]] = {
    Role.COUNTY: {VIEW: SUBTREE, CHANGE: SUBTREE},
    Role.PREFECTURE: {VIEW: SUBTREE, REVIEW: SUBTREE},
    Role.PROVINCE: {VIEW: ALL, REVIEW: ALL},
}


def _rules_for(model: type[models.Model] | None) -> dict[str, dict[str, str]]:
    extra = getattr(model, "scope_rules", None) or {}
    rules = {role: dict(actions) for role, actions in DEFAULT_RULES.items()}
    for role, actions in extra.items():
        rules.setdefault(role, {}).update(actions)
    return rules


def subtree_region_ids(user: User) -> frozenset[int]:
    """Ids of the user's region and every region below it, cached on the user object."""
    cached = getattr(user, "_subtree_ids", None)
    if cached is None:
        from .models import Region

        if user.region_id is None:
            cached = frozenset()
        else:
            cached = frozenset(Region.objects.subtree_ids(user.region_id))
        user._subtree_ids = cached
    return cached


def scope_region_ids(user: Any, action: str = VIEW, model: type[models.Model] | None = None):
    """None when the user may act on every region, else the set of region ids allowed."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser or user.role == Role.ADMIN:
        return None
    reach = _rules_for(model).get(user.role, {}).get(action)
    if reach == ALL:
        return None
    if reach == SUBTREE:
        return subtree_region_ids(user)
    return frozenset()


def user_may(user: Any, action: str, region_id: int | None, model: type[models.Model] | None = None) -> bool:
    """Whether the user may perform the action on a record that sits in region_id."""
    ids = scope_region_ids(user, action, model)
    if ids is None:
        return True
    return region_id is not None and region_id in ids


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = VIEW) -> ScopedQuerySet:
        ids = scope_region_ids(user, action, self.model)
        if ids is None:
            return self
        if not ids:
            return self.none()
        lookup = self.model.scope_region_lookup
        return self.filter(**{f"{lookup}__in": ids})


def region_of(obj: models.Model) -> int | None:
    """The id of the region a record belongs to, following scope_region_lookup."""
    if obj.scope_region_lookup == "id":
        return obj.pk
    path = obj.scope_region_lookup.split("__")
    target: Any = obj
    for part in path[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{path[-1]}_id", None)
