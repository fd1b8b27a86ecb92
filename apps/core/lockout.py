"""Login lockout: the glue between django-axes and Gonghui.

Every door that takes a password (the login page, ``POST /api/v1/auth/token/``, the admin
login) calls ``authenticate(request=...)``; ``LockoutBackend``, first of the authentication
backends, refuses a user name that failed AXES_FAILURE_LIMIT times from the same address within
the cool-off, before any password is checked. Here are: the backend, how the client address is
read, the answer a locked-out client gets (``lockout_response``, one per door), and the audit of
locks and unlocks (``lockout_audit`` on axes' ``user_locked_out`` signal, ``attempts_release``
for the administrator's unlock in the admin and in ``manage.py unlock_login``).

The lock itself is a security event raised inside axes' handler, so it is heard through axes'
signal (connected in CoreConfig.ready); no domain logic hangs on it.
"""

from __future__ import annotations

import ipaddress
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .choices import AuditAction

API_PREFIX = "/api/"


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, as the first authentication backend.

    Every door that takes a password from the network passes its request. A call without one
    (the test client's ``login()``, a shell) has no client address to key a lockout on: axes
    would raise; here it goes on to the next backend, which checks the password as before.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _is_ip(value: str | None) -> bool:
    try:
        ipaddress.ip_address(value or "")
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address, as the outermost trusted proxy saw it.

    With AXES_IPWARE_PROXY_COUNT proxies in front of us, each appends the address it got the
    request from to the header (X-Forwarded-For, from AXES_IPWARE_META_PRECEDENCE_ORDER), so the
    client is that many entries from the right; anything further left came from the client and
    could be forged. If AXES_IPWARE_PROXY_TRUSTED_IPS lists address prefixes, the header is only
    believed from a peer that matches one. Otherwise, and without proxies, it is REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.AXES_IPWARE_PROXY_COUNT or 0
    trusted = settings.AXES_IPWARE_PROXY_TRUSTED_IPS
    if count > 0 and (not trusted or (remote or "").startswith(tuple(trusted))):
        for key in settings.AXES_IPWARE_META_PRECEDENCE_ORDER:
            if key == "REMOTE_ADDR":
                break
            chain = [part.strip() for part in request.META.get(key, "").split(",") if part.strip()]
            if len(chain) >= count and _is_ip(chain[-count]):
                return chain[-count]
    return remote if _is_ip(remote) else None


def lockout_message() -> str:
    """What a locked-out client is told, on every door."""
    period = get_cool_off()
    if not period:
        return _("Too many failed login attempts: the account is locked. Ask an administrator to unlock it.")
    minutes = max(1, math.ceil(period.total_seconds() / 60))
    return _(
        "Too many failed login attempts: the account is temporarily locked. "
        "Try again in %(minutes)s minutes or ask an administrator to unlock it."
    ) % {"minutes": minutes}


def retry_after() -> int | None:
    """Seconds until a lock ends if nothing more is tried (for the Retry-After header)."""
    period = get_cool_off()
    return int(period.total_seconds()) if period else None


def is_locked_out(request: Any) -> bool:
    """Whether the authentication this request just went through was refused by the lockout."""
    return bool(getattr(request, "axes_locked_out", False))


def login_succeeded(request: Any, *, username: str) -> None:
    """A door that logs in without ``django.contrib.auth.login`` (the API token) calls this on
    success, so that the failure count starts again as it does after a page login."""
    ip_address = client_ip(request)
    if settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS and ip_address:
        reset(ip=ip_address, username=username)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the answer to a refused login, in the form of the door it came in.

    API: our JSON error shape. A login page (ours or the admin's): the same page again with the
    message as the form's error, so the user sees where they are. Status AXES_HTTP_RESPONSE_CODE.
    """
    message = lockout_message()
    status = settings.AXES_HTTP_RESPONSE_CODE
    seconds = retry_after()
    if request.path_info.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse({"message": message, "extra": {}}, status=status)
    else:
        context = dict(getattr(original_response, "context_data", None) or {})
        form = context.get("form")
        if form is not None and form.is_bound:
            form.errors.clear()
            form.add_error(None, message)
            template = original_response.template_name
        else:
            template = "registration/login.html"
            context = {"form": AuthenticationForm(request)}
        context["lockout_message"] = message
        response = TemplateResponse(request, template, context, status=status).render()
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


# Audit -------------------------------------------------------------------------------------


def _subjects(usernames: Iterable[str]) -> dict[str, Any]:
    """The accounts behind the user names, in one query (a guessed name may have none)."""
    from .models import User

    return {u.username: u for u in User.objects.filter(username__in={n for n in usernames if n})}


def _note_who(username: str | None, ip_address: str | None) -> dict[str, str]:
    return {"username": username or "?", "ip": ip_address or "?"}


def lockout_audit(sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs) -> None:
    """Receiver of axes' ``user_locked_out``: one audit entry when a user name and address become
    locked. Axes sends the signal again on every refused attempt during the lock; only the
    attempt that reached the limit is recorded. The entry is on the account when the name is
    one (its region and history show it), otherwise on axes' attempt record."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures != get_failure_limit(request, getattr(request, "axes_credentials", None)):
        return
    subject = _subjects([username]).get(username) if username else None
    if subject is None:
        subject = AccessAttempt.objects.filter(username=username, ip_address=ip_address).first()
    if subject is None:  # nothing stored to point at (a custom handler); the log has it
        return
    audit.record(
        subject,
        AuditAction.UPDATE,
        changes={"login_locked": [False, True]},
        note=_("%(username)s from %(ip)s: login locked after %(n)s failed attempts")
        % {**_note_who(username, ip_address), "n": failures},
    )


def connect() -> None:
    user_locked_out.connect(lockout_audit, dispatch_uid="apps.core.lockout.lockout_audit")


@transaction.atomic
def attempts_release(*, attempts: Iterable[AccessAttempt], user: Any = None) -> int:
    """Unlock: forget the failed logins of the given attempt records, with one audit entry per
    user name and address. Returns how many user name/address pairs were released."""
    groups: dict[tuple[str | None, str | None], list[AccessAttempt]] = defaultdict(list)
    for attempt in attempts:
        groups[(attempt.username, attempt.ip_address)].append(attempt)
    if not groups:
        return 0
    accounts = _subjects(name for name, _ip in groups)
    limit = settings.AXES_FAILURE_LIMIT if isinstance(settings.AXES_FAILURE_LIMIT, int) else None
    period = get_cool_off()
    since = timezone.now() - period if period else None
    for (username, ip_address), rows in groups.items():
        failures = sum(row.failures_since_start for row in rows)
        latest = max(row.attempt_time for row in rows)
        locked = limit is not None and failures >= limit and (since is None or latest >= since)
        audit.record(
            accounts.get(username) or rows[0],
            AuditAction.UPDATE,
            changes={"login_locked": [locked, False], "failed_logins": [failures, 0]},
            note=_("%(username)s from %(ip)s: login unlocked") % _note_who(username, ip_address),
            user=user,
        )
    AccessAttempt.objects.filter(pk__in=[row.pk for rows in groups.values() for row in rows]).delete()
    return len(groups)
