"""Model permissions follow from the role, so nobody has to maintain groups by hand.

Region scoping is separate (scoping.py): a permission says what kind of record a user may
touch, the scope says which ones.

Who gets the Django admin is decided here too: administrators use the admin, everybody else
works in the pages, whose workflows (transfers, leaving, approvals) the admin would bypass.
"""

import uuid
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

from .choices import Role

DOMAIN_APPS = frozenset(
    {"unions", "competitions", "model_workers", "hardship", "insurance", "services", "reports"}
)
READ_ONLY_CORE = frozenset({"core.view_region", "core.view_auditentry", "core.view_changerequest"})
# Filing a change request (a union, by proposing) and adding its documents (the union, the county).
CHANGE_REQUEST_WRITES = frozenset({"core.add_changerequest", "core.change_changerequest"})

ROLE_ACTIONS = {
    Role.COUNTY: frozenset({"view", "add", "change", "delete"}),
    Role.PREFECTURE: frozenset({"view"}),
    Role.PROVINCE: frozenset({"view"}),
}
# Apps whose work every level's union office does itself (the province runs its own job fairs
# and cadre classes): their records are added and changed by prefecture and provincial staff
# too, each in their own scope (the models' ``scope_rules``).
ALL_LEVELS_APPS = frozenset({"services"})
ALL_ACTIONS = ROLE_ACTIONS[Role.COUNTY]


def staff_for(*, role: str | None, is_superuser: bool = False) -> bool:
    """The ``is_staff`` flag a user of this role gets: only administrators and superusers."""
    return bool(is_superuser) or role == Role.ADMIN


def may_use_admin(user: Any) -> bool:
    """Whether the admin site lets the user in: an active administrator or superuser with the
    staff flag. A staff flag set by hand on a county, prefecture or province user opens nothing."""
    return bool(
        getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
        and staff_for(role=getattr(user, "role", None), is_superuser=getattr(user, "is_superuser", False))
    )


def union_user_may(perm: str) -> bool:
    """A grassroots union user sees the models that lead to a union (``scope_union_lookup``)
    and opens the forms of the writes it may propose (``proposals.PROPOSABLES``)."""
    from .proposals import union_permissions

    app_label, _dot, codename = perm.partition(".")
    action, _sep, model_name = codename.partition("_")
    if action == "view":
        try:
            model = django_apps.get_model(app_label, model_name)
        except LookupError:
            return False
        return bool(getattr(model, "scope_union_lookup", None)) or perm == "core.view_region"
    return perm in union_permissions() or perm in CHANGE_REQUEST_WRITES


# The permissions granted one by one (user or group: core.view_personal_data, say) are read by
# most requests; kept in the cache, they cost one cache read instead of two queries. Any change
# of a grant (signals below, connected by CoreConfig) gives every entry a new version; TTL bounds
# what no signal sees (a raw SQL change).
PERMS_VERSION_KEY = "auth:perms-version"
PERMS_TTL = 300


def permissions_changed(**kwargs: Any) -> None:
    """Outdate every cached set of permissions, now and again at the commit (a request that read
    the grants before the commit may have cached them under the first new version)."""
    cache.set(PERMS_VERSION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(PERMS_VERSION_KEY, uuid.uuid4().hex, None))


def connect_permission_signals() -> None:
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    user_model = django_apps.get_model("core", "User")
    for through in (
        user_model.user_permissions.through,
        user_model.groups.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(permissions_changed, sender=through, dispatch_uid=f"perms-{through._meta.label}")
    for model in (Group, Permission):
        post_delete.connect(permissions_changed, sender=model, dispatch_uid=f"perms-del-{model._meta.label}")
    post_save.connect(permissions_changed, sender=Permission, dispatch_uid="perms-save-permission")
    post_save.connect(_new_user_has_no_grants, sender=user_model, dispatch_uid="perms-new-user")


def _new_user_has_no_grants(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A user just created holds no grant yet (they come through the m2m tables, whose changes
    outdate this entry): its first request need not ask the database."""
    if created and not raw:
        cache.set(_grants_key(instance), (_grants_version(), []), PERMS_TTL)


def _grants_key(user: Any) -> str:
    # the row's creation time is in the key: a test database's recycled id is another user
    joined = user.date_joined.timestamp() if user.date_joined else 0
    return f"auth:perms:{user.pk}:{joined}:{int(user.is_superuser)}"


def _grants_version(found: dict | None = None) -> str:
    version = (found or {}).get(PERMS_VERSION_KEY) or cache.get(PERMS_VERSION_KEY)
    if version is None:
        cache.add(PERMS_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(PERMS_VERSION_KEY)
    return version


class RoleBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = self._cached_grants(user_obj)
        return user_obj._perm_cache

    def _cached_grants(self, user_obj) -> set[str]:
        key = _grants_key(user_obj)
        found = cache.get_many([PERMS_VERSION_KEY, key])
        version = _grants_version(found)
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            return set(entry[1])
        grants = {*self.get_user_permissions(user_obj), *self.get_group_permissions(user_obj)}
        cache.set(key, (version, sorted(grants)), PERMS_TTL)
        return grants

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not user_obj.is_active:
            return False
        role = getattr(user_obj, "role", None)
        if role == Role.ADMIN:
            return True
        if role == Role.UNION:
            return union_user_may(perm)
        if perm in READ_ONLY_CORE or (role == Role.COUNTY and perm in CHANGE_REQUEST_WRITES):
            return True
        app_label, _dot, codename = perm.partition(".")
        action = codename.split("_", 1)[0]
        if app_label in DOMAIN_APPS and action in ROLE_ACTIONS.get(role, ()):
            return True
        if app_label in ALL_LEVELS_APPS and role in ROLE_ACTIONS and action in ALL_ACTIONS:
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if not user_obj.is_active:
            return False
        if getattr(user_obj, "role", None) == Role.ADMIN or app_label in DOMAIN_APPS or app_label == "core":
            return True
        return super().has_module_perms(user_obj, app_label)
