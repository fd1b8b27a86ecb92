"""The admin's page of login lockouts: axes' own list of failed-login records, where deleting a
record, or the "unlock" action, releases the lock through ``lockout.attempts_release`` (audited).

Registered in place of axes' admin from CoreConfig.ready (after the admin's autodiscovery).
Only the administrator role sees it (RoleBackend grants nothing on the axes app to others).
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from . import lockout

# django-axes ships no Chinese catalogue: its strings that the admin shows are translated in ours.
AXES_STRINGS = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("Attempt Time"),
    gettext_noop("Logout Time"),
    gettext_noop("IP Address"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("Path"),
    gettext_noop("HTTP Accept"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Not set"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Account locked: too many login attempts. Contact an admin to unlock your account."),
)


class LoginLockAdmin(AccessAttemptAdmin):
    actions = ["unlock", "cleanup_expired_attempts"]

    @admin.action(description=_("Unlock the selected user names"), permissions=["delete"])
    def unlock(self, request, queryset):
        count = lockout.attempts_release(attempts=queryset, user=request.user)
        self.message_user(request, gettext("User names and addresses unlocked: %(n)s.") % {"n": count})

    def delete_model(self, request, obj):
        lockout.attempts_release(attempts=[obj], user=request.user)

    def delete_queryset(self, request, queryset):
        lockout.attempts_release(attempts=queryset, user=request.user)


def register(site: admin.AdminSite = admin.site) -> None:
    if site.is_registered(AccessAttempt):  # AXES_ENABLE_ADMIN may have turned axes' admin off
        site.unregister(AccessAttempt)
        site.register(AccessAttempt, LoginLockAdmin)
