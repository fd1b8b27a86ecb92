"""Model permissions follow from the role, so nobody has to maintain groups by hand.

Region scoping is separate (scoping.py): a permission says what kind of record a user may
touch, the scope says which ones.

Who gets the Django admin is decided here too: administrators use the admin, everybody else
works in the pages, whose workflows (transfers, leaving, approvals) the admin would bypass.
"""

from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth.backends import ModelBackend

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


class RoleBackend(ModelBackend):
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
