"""The first login's password change: an account created with an initial password (bulk union
accounts, a county's reset) must choose its own before it does anything else.

``PasswordChangeRequiredMiddleware`` sends such a user to the password change page from every
page but a few (that page, logout, the language switch, static files) and answers the API with
a 403; ``InitialPasswordChangeView`` changes the password through ``password_change``, which
clears the flag and writes the audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import audit
from .choices import AuditAction
from .exceptions import ApplicationError
from .models import User

API_PREFIX = "/api/"


def must_change_message() -> str:
    return _(
        "You must change your initial password before using the system: log in to the site and "
        "change it on the password change page."
    )


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """Set the user's own new password, clear ``must_change_password`` and audit the change
    (never the password itself)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.check_password(new_password):
        raise ApplicationError(_("The new password must differ from the current one."))
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ApplicationError("；".join(exc.messages)) from exc
    was_forced = user.must_change_password
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    changes: dict[str, list[Any]] = {"password": ["***", "***"]}
    if was_forced:
        changes["must_change_password"] = [True, False]
    audit.record(user, AuditAction.UPDATE, changes=changes, user=user, note=_("password changed"))
    return user


class InitialPasswordChangeForm(PasswordChangeForm):
    """Django's form (old password, new one twice, the validators); the save is the service's."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and new == cleaned.get("old_password"):
            self.add_error("new_password1", _("The new password must differ from the current one."))
        return cleaned


class InitialPasswordChangeView(auth_views.PasswordChangeView):
    form_class = InitialPasswordChangeForm
    template_name = "registration/password_change_form.html"

    def form_valid(self, form: InitialPasswordChangeForm) -> HttpResponse:
        try:
            user = password_change(user=form.user, new_password=form.cleaned_data["new_password1"])
        except ApplicationError as exc:
            form.add_error("new_password1", exc.message)
            return self.form_invalid(form)
        # the new hash would otherwise log this very session out
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


def _exempt_paths() -> tuple[set[str], tuple[str, ...]]:
    exact = set()
    for name in ("password_change", "password_change_done", "logout", "set_language", "healthz"):
        try:
            exact.add(reverse(name))
        except NoReverseMatch:  # a route not installed (a trimmed URLconf in a test)
            continue
    prefixes = tuple(p for p in (settings.STATIC_URL, "/favicon.ico") if p)
    return exact, prefixes


def _token_user(request: HttpRequest) -> Any:
    """The user of an ``Authorization: Token ...`` header, looked up as DRF does (DRF itself
    authenticates only inside the view, after every middleware)."""
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(header) != 2 or header[0].lower() != "token":
        return None
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=header[1]).first()
    # DRF's authentication of this request reuses it (apps.core.api.authentication.TokenAuthentication)
    request.token_lookup = (header[1], token)
    return token.user if token is not None else None


class PasswordChangeRequiredMiddleware:
    """A logged-in user with ``must_change_password`` reaches only the password change page
    (and logout, the language switch, static files); the API answers such a user, by session
    or by token, 403 with the reason."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        user = request.user
        must_change = user.is_authenticated and getattr(user, "must_change_password", False)
        if path.startswith(API_PREFIX):
            if not must_change and not user.is_authenticated:
                token_user = _token_user(request)
                must_change = bool(
                    token_user is not None and token_user.is_active and token_user.must_change_password
                )
            if must_change:
                return JsonResponse(
                    {
                        "message": must_change_message(),
                        "extra": {"password_change_url": reverse("password_change")},
                    },
                    status=403,
                )
            return self.get_response(request)
        if must_change:
            exact, prefixes = _exempt_paths()
            if path not in exact and not path.startswith(prefixes):
                return HttpResponseRedirect(reverse("password_change"))
        return self.get_response(request)
