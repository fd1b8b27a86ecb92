"""The one scoping mechanism: every regional queryset is restricted through here.

A model opts in by using ``ScopedQuerySet`` as its manager and naming, in
``scope_region_lookup``, the path from the model to the ``Region`` it belongs to
(``"region"``, ``"union__region"``, ...). Views, API viewsets and the admin call
``Model.objects.restrict(user, action)``; nothing filters by region by hand.

Grassroots union users (role ``union``) have no region reach at all: they see the records of
their own union and the unions under it, on the models that name the path to the union in
``scope_union_lookup`` (a model without it is closed to them). Their CHANGE scope is the same
rows, but a change of theirs never writes: the services they may call turn it into a change
request the county decides (``proposals.py``), and the region checks of every service's write
(``user_may``) refuse them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps as django_apps
from django.conf import settings
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


def is_union_user(user: Any) -> bool:
    """A grassroots union user: scoped to a union, proposing changes instead of making them."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", None) == Role.UNION)


def union_scope_ids(user: Any) -> frozenset[int]:
    """Ids of the union user's union and every union under it, cached on the user object."""
    cached = getattr(user, "_union_ids", None)
    if cached is None:
        cached = frozenset()
        if is_union_user(user) and user.union_id is not None:
            union_model = django_apps.get_model(settings.UNION_MODEL)
            found, frontier = {user.union_id}, {user.union_id}
            while frontier:  # a handful of levels at most
                frontier = (
                    set(
                        union_model._default_manager.filter(parent_id__in=frontier).values_list(
                            "id", flat=True
                        )
                    )
                    - found
                )
                found |= frontier
            cached = frozenset(found)
        user._union_ids = cached
    return cached


def scope_region_ids(user: Any, action: str = VIEW, model: type[models.Model] | None = None):
    """None when the user may act on every region, else the set of region ids allowed."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser or user.role == Role.ADMIN:
        return None
    if user.role == Role.UNION:
        return frozenset()  # no region reach: see ScopedQuerySet.restrict
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


def _crosses_many(model: type[models.Model], lookup: str) -> bool:
    for part in lookup.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:  # noqa: BLE001 - a transform or the final "id"
            return False
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def restrict_to_unions(queryset: models.QuerySet, user: Any, action: str) -> models.QuerySet:
    """The rows of the union user's unions, for VIEW and CHANGE (a change becomes a request)."""
    lookup = getattr(queryset.model, "scope_union_lookup", None)
    ids = union_scope_ids(user)
    if not lookup or action not in (VIEW, CHANGE) or not ids or not user.is_active:
        return queryset.none()
    condition = {f"{lookup}__in": ids}
    if _crosses_many(queryset.model, lookup):  # no duplicate rows, no DISTINCT
        return queryset.filter(pk__in=queryset.model._default_manager.filter(**condition).values("pk"))
    return queryset.filter(**condition)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = VIEW) -> ScopedQuerySet:
        if is_union_user(user):
            return restrict_to_unions(self, user, action)
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
