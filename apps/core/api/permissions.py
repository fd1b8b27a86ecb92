from rest_framework.permissions import SAFE_METHODS, BasePermission

ACTION_BY_METHOD = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class RolePermission(BasePermission):
    """Authenticated, and the role's model permission for the method.

    Which records are reachable is decided by the scoped queryset, not here.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        queryset = getattr(view, "queryset", None)
        if queryset is None or getattr(view, "skip_model_permission", False):
            return True
        opts = queryset.model._meta
        if request.method in SAFE_METHODS:
            action = "view"
        else:
            action = getattr(view, "write_permission_action", None) or ACTION_BY_METHOD.get(
                request.method, "change"
            )
        return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
